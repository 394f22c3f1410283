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
  void padsEveryFieldAndKeepsTheFormatterBeyondYear9999() {
    assertEquals("0042-01-02T03:04:05.000123Z", GoTime.format(Instant.parse("0042-01-02T03:04:05.000123Z")));
    assertEquals("9999-12-31T23:59:59.999999999Z", GoTime.format(Instant.parse("9999-12-31T23:59:59.999999999Z")));
    assertEquals("+10000-01-01T00:00:00Z", GoTime.format(Instant.parse("+10000-01-01T00:00:00Z")));
  }

  @Test
  void parsesOffsetsAndZero() {
    assertEquals(Instant.parse("2026-05-30T10:00:00Z"), GoTime.parse("2026-05-30T12:00:00+02:00"));
    assertNull(GoTime.parse("0001-01-01T00:00:00Z"));
    assertEquals("parsing time \"nope\" as RFC 3339 failed",
        assertThrows(IllegalArgumentException.class, () -> GoTime.parse("nope")).getMessage());
  }

  @Test
  void parsesOnlyWhatGoRfc3339Accepts() {
    assertEquals(Instant.parse("2026-05-30T12:00:00.123456789Z"), GoTime.parse("2026-05-30T12:00:00.123456789Z"));
    assertEquals(Instant.parse("2026-05-30T17:30:00Z"), GoTime.parse("2026-05-30T12:00:00-05:30"));
    assertEquals(Instant.parse("2026-05-30T12:00:00.5Z"), GoTime.parse("2026-05-30T12:00:00.5Z"));
    assertEquals(Instant.parse("2024-02-29T00:00:00Z"), GoTime.parse("2024-02-29T00:00:00Z"));
    assertEquals(Instant.parse("2026-05-30T12:00:00.123456789Z"), GoTime.parse("2026-05-30T12:00:00.1234567899Z"),
        "Go reads any number of fractional digits and truncates after nine (the real routerd stores such a time)");
    for (String bad : new String[] {"2026-05-30T12:00Z", "2026-05-30t12:00:00Z", "2026-05-30T12:00:00z",
        "2026-05-30T12:00:00+02:00:30", "2026-05-30T12:00:00+0200", "2026-05-30T12:00:00",
        "2026-05-30 12:00:00Z", "2026-02-30T12:00:00Z", "2026-05-30T24:00:00Z", "2026-05-30T12:00:60Z",
        "2026-05-30T12:00:00.Z", "", " 2026-05-30T12:00:00Z", "2026-05-30T1:00:00Z", "2026-05-30T12:00:00,5Z",
        "2026-05-30T12:00:00+24:00", "2026-05-30T12:00:00+02:60", "2025-02-29T12:00:00Z", "+2026-05-30T12:00:00Z"}) {
      assertThrows(IllegalArgumentException.class, () -> GoTime.parse(bad), bad);
    }
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
