package dev.cloudedge.workflows.qualification.schedule;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.BitSet;
import java.util.Locale;

/**
 * A five-field cron expression ({@code minute hour day-of-month month day-of-week}) evaluated in
 * UTC, with {@code *}, lists ({@code 1,15}), ranges ({@code 1-5}), steps ({@code *}{@code /15},
 * {@code 0-30/10}), month and weekday names ({@code jan}, {@code mon}), {@code 7} as Sunday and the
 * aliases {@code @hourly}, {@code @daily} ({@code @midnight}), {@code @weekly}, {@code @monthly}.
 * As in Vixie cron, when both day fields are restricted a day matches either. Pure computation, so
 * workflow code may use it.
 */
public final class CronExpression {
  private static final String[] MONTHS = {"jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"};
  private static final String[] DAYS = {"sun", "mon", "tue", "wed", "thu", "fri", "sat"};
  /** Far enough to reach any valid date (Feb 29 needs up to 8 years); an expression never matching is rejected. */
  private static final int MAX_DAYS = 366 * 9;

  private final String text;
  private final BitSet minutes;
  private final BitSet hours;
  private final BitSet daysOfMonth;
  private final BitSet months;
  private final BitSet daysOfWeek;
  private final boolean domRestricted;
  private final boolean dowRestricted;

  private CronExpression(String text, String[] f) {
    this.text = text;
    minutes = field("minute", f[0], 0, 59, null);
    hours = field("hour", f[1], 0, 23, null);
    daysOfMonth = field("day-of-month", f[2], 1, 31, null);
    months = field("month", f[3], 1, 12, MONTHS);
    BitSet dow = field("day-of-week", f[4], 0, 7, DAYS);
    if (dow.get(7)) {
      dow.set(0);
      dow.clear(7);
    }
    daysOfWeek = dow;
    domRestricted = !f[2].startsWith("*");
    dowRestricted = !f[4].startsWith("*");
  }

  /**
   * Parses {@code text}.
   *
   * @throws IllegalArgumentException naming the field and the part that is wrong
   */
  public static CronExpression parse(String text) {
    if (text == null || text.isBlank()) {
      throw new IllegalArgumentException("cron expression is empty");
    }
    String t = text.trim().toLowerCase(Locale.ROOT);
    String expanded = switch (t) {
      case "@hourly" -> "0 * * * *";
      case "@daily", "@midnight" -> "0 0 * * *";
      case "@weekly" -> "0 0 * * 0";
      case "@monthly" -> "0 0 1 * *";
      default -> t;
    };
    if (expanded.startsWith("@")) {
      throw new IllegalArgumentException("cron expression '" + text + "': unknown alias (use @hourly, @daily, @weekly or @monthly)");
    }
    String[] f = expanded.split("\\s+");
    if (f.length != 5) {
      throw new IllegalArgumentException("cron expression '" + text + "' has " + f.length
          + " fields; want 5: minute hour day-of-month month day-of-week (UTC)");
    }
    CronExpression c;
    try {
      c = new CronExpression(text.trim(), f);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("cron expression '" + text + "': " + e.getMessage());
    }
    if (c.nextAfter(0L) < 0) {
      throw new IllegalArgumentException("cron expression '" + text + "' never matches a date");
    }
    return c;
  }

  /** The expression as written. */
  public String text() {
    return text;
  }

  /**
   * The first matching minute strictly after {@code epochMillis}, in epoch millis; -1 when none lies
   * within {@value #MAX_DAYS} days.
   */
  public long nextAfter(long epochMillis) {
    LocalDateTime start = LocalDateTime.ofInstant(Instant.ofEpochMilli(epochMillis), ZoneOffset.UTC)
        .withSecond(0).withNano(0).plusMinutes(1);
    LocalDate day = start.toLocalDate();
    for (int i = 0; i < MAX_DAYS; i++, day = day.plusDays(1)) {
      if (!dayMatches(day)) {
        continue;
      }
      boolean first = day.equals(start.toLocalDate());
      for (int h = first ? start.getHour() : 0; h < 24; h++) {
        if (!hours.get(h)) {
          continue;
        }
        int from = first && h == start.getHour() ? start.getMinute() : 0;
        int m = minutes.nextSetBit(from);
        if (m >= 0 && m < 60) {
          return day.atTime(h, m).toInstant(ZoneOffset.UTC).toEpochMilli();
        }
      }
    }
    return -1;
  }

  private boolean dayMatches(LocalDate d) {
    if (!months.get(d.getMonthValue())) {
      return false;
    }
    boolean dom = daysOfMonth.get(d.getDayOfMonth());
    boolean dow = daysOfWeek.get(d.getDayOfWeek().getValue() % 7);
    if (domRestricted && dowRestricted) {
      return dom || dow;
    }
    return dom && dow;
  }

  private static BitSet field(String name, String spec, int min, int max, String[] names) {
    BitSet bits = new BitSet(max + 1);
    for (String part : spec.split(",", -1)) {
      if (part.isEmpty()) {
        throw new IllegalArgumentException(name + " field '" + spec + "' has an empty list item");
      }
      int step = 1;
      String range = part;
      int slash = part.indexOf('/');
      if (slash >= 0) {
        range = part.substring(0, slash);
        step = number(name, part.substring(slash + 1), 1, max - min + 1, null);
      }
      int lo;
      int hi;
      if (range.equals("*")) {
        lo = min;
        hi = max == 7 ? 6 : max;
      } else if (range.contains("-")) {
        String[] ends = range.split("-", -1);
        if (ends.length != 2) {
          throw new IllegalArgumentException(name + " range '" + range + "' is not FROM-TO");
        }
        lo = number(name, ends[0], min, max, names);
        hi = number(name, ends[1], min, max, names);
        if (lo > hi) {
          throw new IllegalArgumentException(name + " range '" + range + "' runs backwards");
        }
      } else {
        lo = number(name, range, min, max, names);
        hi = slash >= 0 ? (max == 7 ? 6 : max) : lo;
      }
      for (int v = lo; v <= hi; v += step) {
        bits.set(v);
      }
    }
    return bits;
  }

  private static int number(String name, String s, int min, int max, String[] names) {
    if (names != null) {
      for (int i = 0; i < names.length; i++) {
        if (names[i].equals(s)) {
          return names == MONTHS ? i + 1 : i;
        }
      }
    }
    int v;
    try {
      v = Integer.parseInt(s);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " value '" + s + "' is not a number" + (names == null ? "" : " or a name"));
    }
    if (v < min || v > max) {
      throw new IllegalArgumentException(name + " value " + v + " is outside " + min + "-" + max);
    }
    return v;
  }

  @Override
  public String toString() {
    return text;
  }
}
