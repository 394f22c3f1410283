package dev.cloudedge.federation.doctor;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;

/**
 * The report's {@code summary} (reference §2.5): counts of all checks and the overall status.
 *
 * @param overall {@code fail} if any FAIL, else {@code warn} if any WARN, else {@code skip} when
 *     there are SKIPs and no PASS, else {@code pass} (also for no checks at all)
 * @param pass PASS checks
 * @param warn WARN checks
 * @param fail FAIL checks
 * @param skip SKIP checks
 */
@JsonPropertyOrder({"overall", "pass", "warn", "fail", "skip"})
public record ReportSummary(CheckStatus overall, int pass, int warn, int fail, int skip) {

  /** Summarizes {@code checks}. */
  public static ReportSummary of(List<Check> checks) {
    SeverityCounts c = SeverityCounts.of(checks);
    CheckStatus overall;
    if (c.fail() > 0) {
      overall = CheckStatus.FAIL;
    } else if (c.warn() > 0) {
      overall = CheckStatus.WARN;
    } else if (c.pass() == 0 && c.skip() > 0) {
      overall = CheckStatus.SKIP;
    } else {
      overall = CheckStatus.PASS;
    }
    return new ReportSummary(overall, c.pass(), c.warn(), c.fail(), c.skip());
  }
}
