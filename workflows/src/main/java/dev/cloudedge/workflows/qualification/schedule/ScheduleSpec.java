package dev.cloudedge.workflows.qualification.schedule;

import java.util.ArrayList;
import java.util.List;

/**
 * When a schedule fires: a cron expression in UTC, or a fixed interval aligned to the Unix epoch
 * (every 6 h fires at 00:00, 06:00, 12:00 and 18:00 UTC), as Temporal Schedules align intervals.
 *
 * @param cron a {@link CronExpression}; {@code null} or empty when {@code everySeconds} is used
 * @param everySeconds the interval in seconds (at least 60); 0 when {@code cron} is used
 */
public record ScheduleSpec(String cron, long everySeconds) {
  /** The shortest interval: a qualification takes minutes. */
  public static final long MIN_EVERY_SECONDS = 60;

  /** Problems with this spec, each naming the flag; empty when valid. */
  public List<String> problems() {
    List<String> p = new ArrayList<>();
    boolean hasCron = cron != null && !cron.isBlank();
    if (hasCron == (everySeconds != 0)) {
      p.add("give exactly one of --cron and --every");
    } else if (hasCron) {
      try {
        CronExpression.parse(cron);
      } catch (IllegalArgumentException e) {
        p.add("--cron: " + e.getMessage());
      }
    } else if (everySeconds < MIN_EVERY_SECONDS) {
      p.add("--every must be at least 1m, got " + everySeconds + "s");
    }
    return p;
  }

  /** The next fire time strictly after {@code epochMillis}, in epoch millis. */
  public long nextAfter(long epochMillis) {
    if (cron != null && !cron.isBlank()) {
      return CronExpression.parse(cron).nextAfter(epochMillis);
    }
    long every = everySeconds * 1000;
    return (Math.floorDiv(epochMillis, every) + 1) * every;
  }

  /** How it reads in listings: {@code cron "0 2 * * *" UTC} or {@code every 6h}. */
  public String describe() {
    if (cron != null && !cron.isBlank()) {
      return "cron \"" + cron.trim() + "\" UTC";
    }
    long s = everySeconds;
    StringBuilder b = new StringBuilder("every ");
    if (s % 86400 == 0) {
      return b.append(s / 86400 * 24).append('h').toString();
    }
    if (s >= 3600) {
      b.append(s / 3600).append('h');
      s %= 3600;
    }
    if (s >= 60) {
      b.append(s / 60).append('m');
      s %= 60;
    }
    if (s > 0) {
      b.append(s).append('s');
    }
    return b.toString();
  }
}
