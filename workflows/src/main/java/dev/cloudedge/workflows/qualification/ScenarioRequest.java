package dev.cloudedge.workflows.qualification;

/**
 * Input of {@link ScenarioWorkflow}.
 *
 * @param runId the qualification run id
 * @param commit the commit under test
 * @param cycle the cycle (1-based)
 * @param scenario the scenario name
 * @param durationSeconds the deadline of this scenario
 * @param evidenceDir where the evidence file goes
 * @param topology the nodes
 * @param timings waits and polls
 * @param senderConfigDigest the sender config digest recorded in provenance
 * @param allowSkip {@code --allow-skip}: a check whose source is unavailable (the nodes' metrics)
 *     makes the scenario {@code skip} instead of {@code fail}
 */
public record ScenarioRequest(
    String runId,
    String commit,
    int cycle,
    String scenario,
    int durationSeconds,
    String evidenceDir,
    Topology topology,
    ScenarioTimings timings,
    String senderConfigDigest,
    boolean allowSkip) {

  /** A request of histories recorded before {@code --allow-skip} reached the scenarios. */
  public ScenarioRequest(String runId, String commit, int cycle, String scenario, int durationSeconds, String evidenceDir,
      Topology topology, ScenarioTimings timings, String senderConfigDigest) {
    this(runId, commit, cycle, scenario, durationSeconds, evidenceDir, topology, timings, senderConfigDigest, false);
  }
}
