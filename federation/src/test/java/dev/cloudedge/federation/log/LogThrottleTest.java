package dev.cloudedge.federation.log;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class LogThrottleTest {
  /** A clock the test moves. */
  static final class Manual extends Clock {
    long millis;

    @Override
    public ZoneOffset getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return Instant.ofEpochMilli(millis);
    }
  }

  @Test
  void oneLinePerIntervalWithTheCountHeldBack() {
    Manual clock = new Manual();
    LogThrottle t = new LogThrottle(Duration.ofSeconds(10), clock);
    assertEquals(0, t.admit());
    for (int i = 0; i < 4191; i++) {
      assertEquals(-1, t.admit());
      clock.millis += 1;
    }
    clock.millis = 10_000;
    assertEquals(4191, t.admit());
    assertEquals(-1, t.admit());
    clock.millis = 20_000;
    assertEquals(1, t.admit());
  }
}
