package dev.cloudedge.workflows.qualification;

import java.util.List;

/**
 * What one scenario of one cycle produced.
 *
 * @param cycle the cycle
 * @param scenario the scenario name
 * @param result {@code pass} or {@code fail}
 * @param reason why it failed, empty on pass
 * @param startedAt UTC start
 * @param endedAt UTC end
 * @param durationSeconds elapsed seconds
 * @param faults every fault the scenario registered, with its rollback state
 * @param evidencePath the evidence file, relative to the evidence directory, empty if not written
 * @param evidenceSha256 its SHA-256
 * @param gateFailures schema or secret-scan failures of the evidence file
 */
public record ScenarioOutcome(
    int cycle,
    String scenario,
    String result,
    String reason,
    String startedAt,
    String endedAt,
    long durationSeconds,
    List<FaultRecord> faults,
    String evidencePath,
    String evidenceSha256,
    List<String> gateFailures) {

  /** Whether the scenario passed and its evidence passed every gate. */
  public boolean passed() {
    return "pass".equals(result) && gateFailures.isEmpty();
  }
}
