package dev.cloudedge.federation.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class GoDurationTest {
  @ParameterizedTest
  @CsvSource({
      "0, 0",
      "'', 0",
      "+0, 0",
      "-0, 0",
      "5m, 300000000000",
      "1h30m, 5400000000000",
      "1.5h, 5400000000000",
      "300ms, 300000000",
      "1us, 1000",
      "1µs, 1000",
      "1μs, 1000",
      "7ns, 7",
      ".5s, 500000000",
      "1.s, 1000000000",
      "-1m30s, -90000000000",
      "+2s, 2000000000",
      "24h, 86400000000000",
      "1h0m0s, 3600000000000"
  })
  void parses(String text, long nanos) {
    assertEquals(Duration.ofNanos(nanos), GoDuration.parse(text));
  }

  @Test
  void errorsUseGoMessages() {
    assertEquals("time: invalid duration \"abc\"", error("abc"));
    assertEquals("time: missing unit in duration \"5\"", error("5"));
    assertEquals("time: unknown unit \"d\" in duration \"1d\"", error("1d"));
    assertEquals("time: invalid duration \"-\"", error("-"));
    assertEquals("time: invalid duration \".s\"", error(".s"));
    assertEquals("time: missing unit in duration \"1h30\"", error("1h30"));
    assertEquals("time: unknown unit \"m \" in duration \"5m \"", error("5m "));
  }

  private static String error(String s) {
    return assertThrows(IllegalArgumentException.class, () -> GoDuration.parse(s)).getMessage();
  }

  @ParameterizedTest
  @CsvSource({
      "0, 0s",
      "1, 1ns",
      "1500, 1.5µs",
      "200000000, 200ms",
      "1000000000, 1s",
      "1500000000, 1.5s",
      "2000000000, 2s",
      "300000000000, 5m0s",
      "1740000000000, 29m0s",
      "86400000000000, 24h0m0s",
      "3723000000000, 1h2m3s",
      "-60000000000, -1m0s",
      "-2000000000, -2s"
  })
  void formatsLikeGo(long nanos, String want) {
    assertEquals(want, GoDuration.format(Duration.ofNanos(nanos)));
  }

  @Test
  void formatThenParseRoundTrips() {
    for (Duration d : new Duration[] {Duration.ofMillis(1), Duration.ofSeconds(90), Duration.ofHours(49).plusMillis(7)}) {
      assertEquals(d, GoDuration.parse(GoDuration.format(d)));
    }
  }
}
