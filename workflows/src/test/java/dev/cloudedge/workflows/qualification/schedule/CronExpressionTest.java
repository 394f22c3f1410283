package dev.cloudedge.workflows.qualification.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CronExpressionTest {

  private static String next(String cron, String after) {
    return Instant.ofEpochMilli(CronExpression.parse(cron).nextAfter(Instant.parse(after).toEpochMilli())).toString();
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "0 2 * * *        | 2026-12-01T23:19:53Z | 2026-12-02T02:00:00Z",
      "0 2 * * *        | 2026-12-02T01:59:59Z | 2026-12-02T02:00:00Z",
      "0 2 * * *        | 2026-12-02T02:00:00Z | 2026-12-03T02:00:00Z",
      "*/15 * * * *     | 2026-12-01T10:07:00Z | 2026-12-01T10:15:00Z",
      "*/15 * * * *     | 2026-12-01T10:45:30Z | 2026-12-01T11:00:00Z",
      "0-30/10 9 * * *  | 2026-12-01T09:25:00Z | 2026-12-01T09:30:00Z",
      "0-30/10 9 * * *  | 2026-12-01T09:30:00Z | 2026-12-02T09:00:00Z",
      "30 4 * * mon-fri | 2026-12-04T05:00:00Z | 2026-12-07T04:30:00Z",
      "0 0 * * 7        | 2026-12-01T00:00:00Z | 2026-12-06T00:00:00Z",
      "0 0 29 feb *     | 2026-03-01T00:00:00Z | 2028-02-29T00:00:00Z",
      "0 0 1,15 * *     | 2026-12-02T00:00:00Z | 2026-12-15T00:00:00Z",
      "0 0 13 * fri     | 2026-12-02T00:00:00Z | 2026-12-04T00:00:00Z",
      "@daily           | 2026-12-01T23:59:00Z | 2026-12-02T00:00:00Z",
      "@hourly          | 2026-12-01T23:59:00Z | 2026-12-02T00:00:00Z",
      "@monthly         | 2026-12-01T23:59:00Z | 2027-01-01T00:00:00Z",
      "59 23 31 dec *   | 2026-12-31T23:59:00Z | 2027-12-31T23:59:00Z",
  })
  void nextFire(String cron, String after, String expected) {
    assertEquals(expected, next(cron.trim(), after.trim()));
  }

  @Test
  void badExpressionsNameTheFieldAndThePart() {
    for (List<String> c : List.of(
        List.of("0 2 * *", "has 4 fields; want 5"),
        List.of("60 * * * *", "minute value 60 is outside 0-59"),
        List.of("0 24 * * *", "hour value 24 is outside 0-23"),
        List.of("0 0 0 * *", "day-of-month value 0 is outside 1-31"),
        List.of("0 0 * foo *", "month value 'foo' is not a number or a name"),
        List.of("0 0 * * 1-", "day-of-week value '' is not a number or a name"),
        List.of("0 0 * * 5-1", "day-of-week range '5-1' runs backwards"),
        List.of("*/0 * * * *", "minute value 0 is outside 1-60"),
        List.of("0 0 1,,2 * *", "day-of-month field '1,,2' has an empty list item"),
        List.of("0 0 31 feb *", "never matches a date"),
        List.of("@yearly", "unknown alias"),
        List.of(" ", "cron expression is empty"))) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CronExpression.parse(c.get(0)), c.get(0));
      assertTrue(e.getMessage().contains(c.get(1)), c.get(0) + " -> " + e.getMessage());
    }
  }

  @Test
  void intervalsAlignToTheEpochAndSpecsCheckTheirFlags() {
    ScheduleSpec six = new ScheduleSpec(null, 6 * 3600);
    assertEquals("2026-12-02T00:00:00Z", Instant.ofEpochMilli(six.nextAfter(Instant.parse("2026-12-01T23:19:53Z").toEpochMilli())).toString());
    assertEquals("2026-12-02T06:00:00Z", Instant.ofEpochMilli(six.nextAfter(Instant.parse("2026-12-02T00:00:00Z").toEpochMilli())).toString());
    assertEquals("every 6h", six.describe());
    assertEquals("every 1h30m", new ScheduleSpec(null, 5400).describe());
    assertEquals("cron \"0 2 * * *\" UTC", new ScheduleSpec("0 2 * * *", 0).describe());
    assertEquals(List.of(), six.problems());
    assertEquals(List.of("give exactly one of --cron and --every"), new ScheduleSpec("0 2 * * *", 3600).problems());
    assertEquals(List.of("give exactly one of --cron and --every"), new ScheduleSpec(null, 0).problems());
    assertEquals(List.of("--every must be at least 1m, got 30s"), new ScheduleSpec(null, 30).problems());
    assertTrue(new ScheduleSpec("0 2 * *", 0).problems().get(0).startsWith("--cron: cron expression '0 2 * *' has 4 fields"));
  }
}
