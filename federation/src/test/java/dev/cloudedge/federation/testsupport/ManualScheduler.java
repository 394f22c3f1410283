package dev.cloudedge.federation.testsupport;

import dev.cloudedge.federation.subscription.TimerScheduler;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** A {@link TimerScheduler} on a {@link ManualClock}: timers fire only when the test advances time. */
public final class ManualScheduler implements TimerScheduler {
  private final ManualClock clock;
  private final List<Entry> entries = new ArrayList<>();
  /** Every delay ever armed, in order. */
  public final List<Duration> armed = new ArrayList<>();

  private static final class Entry {
    final Instant due;
    final Runnable task;
    boolean cancelled;
    boolean fired;

    Entry(Instant due, Runnable task) {
      this.due = due;
      this.task = task;
    }
  }

  public ManualScheduler(ManualClock clock) {
    this.clock = clock;
  }

  @Override
  public synchronized Timer schedule(Duration delay, Runnable task) {
    armed.add(delay);
    Entry e = new Entry(clock.instant().plus(delay), task);
    entries.add(e);
    return () -> e.cancelled = true;
  }

  /** Timers armed and neither fired nor cancelled. */
  public synchronized long active() {
    return entries.stream().filter(e -> !e.cancelled && !e.fired).count();
  }

  /** Moves the clock forward and runs every timer that became due, in due order. */
  public void advance(Duration d) {
    Instant target = clock.instant().plus(d);
    while (true) {
      Entry next;
      synchronized (this) {
        next = entries.stream().filter(e -> !e.cancelled && !e.fired && !e.due.isAfter(target))
            .min(Comparator.comparing(e -> e.due)).orElse(null);
        if (next != null) {
          next.fired = true;
        }
      }
      if (next == null) {
        break;
      }
      if (next.due.isAfter(clock.instant())) {
        clock.set(next.due);
      }
      next.task.run();
    }
    clock.set(target);
  }
}
