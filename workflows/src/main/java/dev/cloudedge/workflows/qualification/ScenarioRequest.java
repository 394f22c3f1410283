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

  /** Problems with this request, each naming the field; empty when valid. */
  public java.util.List<String> problems() {
    java.util.List<String> p = new java.util.ArrayList<>();
    try {
      Scenario.fromWireName(scenario);
    } catch (IllegalArgumentException e) {
      p.add(e.getMessage());
    }
    if (cycle < 1) {
      p.add("cycle must be at least 1");
    }
    if (durationSeconds < 1) {
      p.add("durationSeconds must be at least 1");
    }
    if (topology == null) {
      p.add("topology is required");
    } else {
      p.addAll(topology.problems());
    }
    if (timings == null) {
      p.add("timings are required");
    }
    return p;
  }

  /** A request of histories recorded before {@code --allow-skip} reached the scenarios. */
  public ScenarioRequest(String runId, String commit, int cycle, String scenario, int durationSeconds, String evidenceDir,
      Topology topology, ScenarioTimings timings, String senderConfigDigest) {
    this(runId, commit, cycle, scenario, durationSeconds, evidenceDir, topology, timings, senderConfigDigest, false);
  }
}
