package dev.cloudedge.federation.doctor;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;

/**
 * The SLO status of one EventGroup (reference §2.7).
 *
 * @param group the EventGroup name
 * @param defined whether a FederationSLO is defined for it
 * @param thresholds the effective thresholds
 * @param violations violations in summary-row order; empty when healthy
 */
@JsonPropertyOrder({"group", "defined", "thresholds", "violations"})
public record SloGroupStatus(String group, boolean defined, SloThresholds thresholds, List<SloViolation> violations) {
  public SloGroupStatus {
    violations = List.copyOf(violations);
  }
}
