package dev.cloudedge.federation.log;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * At most one log line per interval for a repeating error, with the count of the lines it held
 * back: a storm of identical failures (a busy store answering every push 500) stays readable and
 * does not fill the disk. The failures themselves are still counted in the metrics.
 */
public final class LogThrottle {
  private final long intervalMillis;
  private final Clock clock;
  private final AtomicLong nextAt = new AtomicLong(Long.MIN_VALUE);
  private final AtomicLong suppressed = new AtomicLong();

  /** A throttle letting one line through per {@code interval}. */
  public LogThrottle(Duration interval, Clock clock) {
    if (interval.isNegative() || interval.isZero()) {
      throw new IllegalArgumentException("interval must be positive, got " + interval);
    }
    this.intervalMillis = interval.toMillis();
    this.clock = clock;
  }

  /**
   * Whether a line may be logged now; {@code -1} when not (the line is counted as held back),
   * otherwise how many lines were held back since the last one that was let through.
   */
  public long admit() {
    long now = clock.millis();
    long due = nextAt.get();
    if (now >= due && nextAt.compareAndSet(due, now + intervalMillis)) {
      return suppressed.getAndSet(0);
    }
    suppressed.incrementAndGet();
    return -1;
  }
}
