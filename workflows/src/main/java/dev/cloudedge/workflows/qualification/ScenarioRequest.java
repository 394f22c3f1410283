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
    String senderConfigDigest) {}
