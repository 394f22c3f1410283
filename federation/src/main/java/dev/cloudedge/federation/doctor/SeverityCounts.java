package dev.cloudedge.federation.doctor;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;

/**
 * Checks counted by status.
 *
 * @param pass PASS checks
 * @param warn WARN checks
 * @param fail FAIL checks
 * @param skip SKIP checks
 */
@JsonPropertyOrder({"pass", "warn", "fail", "skip"})
public record SeverityCounts(int pass, int warn, int fail, int skip) {

  /** Counts {@code checks} by status. */
  public static SeverityCounts of(List<Check> checks) {
    int p = 0;
    int w = 0;
    int f = 0;
    int s = 0;
    for (Check c : checks) {
      switch (c.status()) {
        case PASS -> p++;
        case WARN -> w++;
        case FAIL -> f++;
        case SKIP -> s++;
      }
    }
    return new SeverityCounts(p, w, f, s);
  }
}
