package dev.cloudedge.workflows.qualification;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;
import java.util.List;

/**
 * Evidence activities, on the control task queue. Writes are atomic (temporary file, then rename)
 * and keyed by (run, cycle, scenario), so a retried or replayed write is harmless.
 */
@ActivityInterface(namePrefix = "Evidence")
public interface EvidenceActivities {

  /**
   * Prepares the evidence directory and writes {@code provenance.json} and the first {@code
   * run-metadata.json}. Refuses a directory holding another run's evidence.
   */
  @ActivityMethod
  RunSetupResult prepareRun(RunSetup setup);

  /**
   * Writes {@code cycle-NNN/<scenario>.json}, then validates it against the shipped schema and scans
   * it for secrets.
   */
  @ActivityMethod
  EvidenceWriteResult writeScenario(ScenarioEvidence evidence);

  /** Appends a cycle's counts to {@code run-metadata.json}. */
  /**
   * Writes {@code cycle-NNN/<scenario>.json} from a typed record: the envelope, the faults and the
   * scenario's own evidence, serialised with Jackson, then checks it against the schema and scans it
   * for secrets.
   */
  @ActivityMethod
  EvidenceWriteResult writeScenarioRecord(ScenarioRecord record);

  @ActivityMethod
  void recordCycle(CycleRecord cycle);

  /**
   * Completes {@code run-metadata.json} (summary, gate failures), re-validates and scans every
   * evidence file, writes the manifest and the Markdown report.
   */
  @ActivityMethod
  RunFinishResult finishRun(RunFinish finish);

  /**
   * The start of a run.
   *
   * @param request the qualification request
   * @param workflowId the Temporal workflow id
   * @param temporalRunId the Temporal run id
   * @param sender the sender's identity
   * @param receiver the receiver's identity
   * @param startedAt UTC start time, {@code YYYY-MM-DDTHH:MM:SSZ}
   */
  record RunSetup(
      QualificationRequest request,
      String workflowId,
      String temporalRunId,
      NodeActivities.NodeFacts sender,
      NodeActivities.NodeFacts receiver,
      String startedAt) {}

  /**
   * The result of preparing a run.
   *
   * @param artifactSha256 SHA-256 of the control worker's artifact, or {@code unknown}
   * @param provenanceComplete whether every provenance field is known
   * @param problems what is missing from provenance
   */
  record RunSetupResult(String artifactSha256, boolean provenanceComplete, List<String> problems) {}

  /**
   * A scenario evidence file.
   *
   * @param evidenceDir the evidence directory
   * @param cycle the cycle (1-based)
   * @param scenario the scenario name
   * @param fields the keys in order, each with its value as JSON text
   */
  record ScenarioEvidence(String evidenceDir, int cycle, String scenario, List<EvidenceField> fields) {}

  /**
   * One evidence key.
   *
   * @param key the JSON key
   * @param json the value as JSON text
   */
  record EvidenceField(String key, String json) {}

  /**
   * One scenario's evidence.
   *
   * @param result {@code pass}, {@code fail} or {@code skip}
   * @param reason why it did not pass; empty on pass
   * @param details the scenario's own checks and values
   */
  record ScenarioRecord(
      String evidenceDir,
      String runId,
      String commit,
      int cycle,
      String scenario,
      String result,
      String reason,
      String startedAt,
      String endedAt,
      List<FaultRecord> faults,
      long deadlineSeconds,
      long elapsedSeconds,
      ScenarioDetails details) {}

  /**
   * The result of writing a scenario file.
   *
   * @param path the file, relative to the evidence directory
   * @param sha256 its SHA-256
   * @param schemaErrors schema violations, empty when valid
   * @param secretHits secret-scan hits, empty when clean
   */
  record EvidenceWriteResult(String path, String sha256, List<String> schemaErrors, List<String> secretHits) {}

  /**
   * A finished cycle.
   *
   * @param evidenceDir the evidence directory
   * @param cycle the cycle
   * @param pass passed scenarios
   * @param fail failed scenarios
   * @param skip skipped scenarios
   * @param startedAt UTC start
   * @param completedAt UTC end
   */
  record CycleRecord(String evidenceDir, int cycle, int pass, int fail, int skip, String startedAt, String completedAt) {}

  /**
   * The end of a run.
   *
   * @param request the qualification request
   * @param outcomes every scenario outcome, in execution order
   * @param cancelled whether the run was cancelled
   * @param note why the run ended early, empty otherwise
   * @param completedAt UTC end
   */
  record RunFinish(
      QualificationRequest request, List<ScenarioOutcome> outcomes, boolean cancelled, String note, String completedAt) {}

  /**
   * The run's final gates.
   *
   * @param gateFailures {@code schema:<file>}, {@code secretScan:<file>}, {@code missing:<file>}, ...
   * @param missingEvidence expected scenario files that are absent
   * @param reportPath the Markdown report, relative to the evidence directory
   */
  record RunFinishResult(List<String> gateFailures, List<String> missingEvidence, String reportPath) {}
}
