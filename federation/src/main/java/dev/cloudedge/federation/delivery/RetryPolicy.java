package dev.cloudedge.federation.delivery;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * How hard the outbox tries: within one pass, {@code maxAttempts} POSTs with routerd's backoff
 * {@code min(base × 2^(n−1), max)} and no jitter (reference §3.3); across passes, a failed pair
 * waits {@code min(tickBase × 2^(failures−1), maxTickBackoff)} with equal jitter (half fixed, half
 * random), so a dead peer is not hammered every tick and many failed pairs do not retry in lockstep.
 *
 * @param maxAttempts POSTs per (event, peer) per pass (default 3)
 * @param baseBackoff first in-pass sleep (default 200 ms)
 * @param maxBackoff in-pass sleep cap (default 5 s)
 * @param tickBase the across-pass backoff after the first failed pass (the push interval)
 * @param maxTickBackoff the across-pass backoff cap (default 5 m)
 */
public record RetryPolicy(int maxAttempts, Duration baseBackoff, Duration maxBackoff, Duration tickBase,
    Duration maxTickBackoff) {
  public static final int DEFAULT_MAX_ATTEMPTS = 3;
  public static final Duration DEFAULT_BASE_BACKOFF = Duration.ofMillis(200);
  public static final Duration DEFAULT_MAX_BACKOFF = Duration.ofSeconds(5);
  public static final Duration DEFAULT_TICK_BASE = Duration.ofSeconds(10);
  public static final Duration DEFAULT_MAX_TICK_BACKOFF = Duration.ofMinutes(5);

  /** Non-positive values fall back to their defaults, as routerd's config does. */
  public RetryPolicy {
    maxAttempts = maxAttempts <= 0 ? DEFAULT_MAX_ATTEMPTS : maxAttempts;
    baseBackoff = positiveOr(baseBackoff, DEFAULT_BASE_BACKOFF);
    maxBackoff = positiveOr(maxBackoff, DEFAULT_MAX_BACKOFF);
    tickBase = positiveOr(tickBase, DEFAULT_TICK_BASE);
    maxTickBackoff = positiveOr(maxTickBackoff, DEFAULT_MAX_TICK_BACKOFF);
  }

  /** The defaults: 3 / 200 ms / 5 s, 10 s across passes, capped at 5 m. */
  public static RetryPolicy defaults() {
    return new RetryPolicy(0, null, null, null, null);
  }

  private static Duration positiveOr(Duration d, Duration def) {
    return d == null || d.isZero() || d.isNegative() ? def : d;
  }

  /** The sleep after in-pass attempt {@code n} (1-based). */
  public Duration inPassBackoff(int n) {
    return capped(baseBackoff, n, maxBackoff);
  }

  /** The wait before the next pass may retry a pair that has now failed {@code failures} passes in a row. */
  public Duration tickBackoff(int failures) {
    Duration full = capped(tickBase, Math.max(1, failures), maxTickBackoff);
    long ms = full.toMillis();
    long half = ms / 2;
    return Duration.ofMillis(half + (ms - half == 0 ? 0 : ThreadLocalRandom.current().nextLong(ms - half + 1)));
  }

  private static Duration capped(Duration base, int n, Duration cap) {
    int shift = Math.min(Math.max(n - 1, 0), 30);
    long ms = base.toMillis();
    if (ms > cap.toMillis() >> shift) {
      return cap;
    }
    Duration d = Duration.ofMillis(ms << shift);
    return d.compareTo(cap) > 0 ? cap : d;
  }
}
