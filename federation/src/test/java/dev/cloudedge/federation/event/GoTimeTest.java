package dev.cloudedge.federation.event;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class GoTimeTest {
  @Test
  void formatsLikeRfc3339Nano() {
    assertEquals("0001-01-01T00:00:00Z", GoTime.format(null));
    assertEquals("2026-05-30T12:00:00Z", GoTime.format(Instant.parse("2026-05-30T12:00:00Z")));
    assertEquals("2026-05-30T12:00:00.5Z", GoTime.format(Instant.parse("2026-05-30T12:00:00.500Z")));
    assertEquals("2026-05-30T12:00:00.000000001Z", GoTime.format(Instant.parse("2026-05-30T12:00:00.000000001Z")));
    assertEquals("-", GoTime.formatSecondsOrDash(null));
    assertEquals("2026-05-30T12:00:00Z", GoTime.formatSecondsOrDash(Instant.parse("2026-05-30T12:00:00.9Z")));
  }

  @Test
  void parsesOffsetsAndZero() {
    assertEquals(Instant.parse("2026-05-30T10:00:00Z"), GoTime.parse("2026-05-30T12:00:00+02:00"));
    assertNull(GoTime.parse("0001-01-01T00:00:00Z"));
    assertEquals("parsing time \"nope\" as RFC 3339 failed",
        assertThrows(IllegalArgumentException.class, () -> GoTime.parse("nope")).getMessage());
  }

  @Test
  void unixSecondsAndBack() {
    assertEquals(0, GoTime.unixSeconds(null));
    assertEquals(1780142400L, GoTime.unixSeconds(Instant.parse("2026-05-30T12:00:00.999Z")));
    assertNull(GoTime.fromUnixSeconds(0), "the epoch is stored as 0 and reads back as no time");
    assertNull(GoTime.fromUnixSeconds(-5));
    assertEquals(Instant.parse("2026-05-30T12:00:00Z"), GoTime.fromUnixSeconds(1780142400L));
  }
}
