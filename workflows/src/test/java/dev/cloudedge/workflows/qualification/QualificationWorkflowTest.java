package dev.cloudedge.workflows.qualification;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cloudedge.workflows.TaskQueues;
import io.temporal.api.enums.v1.IndexedValueType;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowExecutionDescription;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.TestWorkflowExtension;
import io.temporal.worker.Worker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Workflow logic on the in-memory Temporal server with time skipping and a simulated lab. */
class QualificationWorkflowTest {

  @RegisterExtension
  static final TestWorkflowExtension EXT = extension();

  static TestWorkflowExtension extension() {
    TestWorkflowExtension.Builder b = TestWorkflowExtension.newBuilder().setDoNotStart(true).setUseTimeskipping(true);
    for (Map.Entry<String, IndexedValueType> e : QualificationSearchAttributes.definitions().entrySet()) {
      b.registerSearchAttribute(e.getKey(), e.getValue());
    }
    return b.build();
  }

  static final String RUN_ID = "20261127T050000Z-federation-qual";

  SimulatedLab lab;
  RecordingEvidence evidence;

  void start(TestWorkflowEnvironment env) {
    lab = new SimulatedLab(env::currentTimeMillis);
    evidence = new RecordingEvidence();
    Worker control = env.newWorker(TaskQueues.CONTROL);
    control.registerWorkflowImplementationTypes(
        QualificationWorkflowImpl.class, ScenarioWorkflowImpl.class, TopologyLockWorkflowImpl.class);
    control.registerActivitiesImplementations(evidence);
    env.newWorker(TaskQueues.node(SimulatedLab.SENDER)).registerActivitiesImplementations(lab.sender());
    env.newWorker(TaskQueues.node(SimulatedLab.RECEIVER)).registerActivitiesImplementations(lab.receiver());
    env.start();
  }

  static Topology topology() {
    return new Topology("lab-loopback", "lab",
        new NodeRef(SimulatedLab.SENDER, TaskQueues.node(SimulatedLab.SENDER)),
        new NodeRef(SimulatedLab.RECEIVER, TaskQueues.node(SimulatedLab.RECEIVER)),
        "http://127.0.0.1:8410", SimulatedLab.A, SimulatedLab.B, SimulatedLab.SUB);
  }

  static QualificationRequest request(String runId, int cycles, int duration, List<String> scenarios) {
    return new QualificationRequest(runId, "abc1234", "/evidence", cycles, duration, scenarios, true, topology(),
        ScenarioTimings.defaults());
  }

  static QualificationWorkflow stub(WorkflowClient client, String runId) {
    return client.newWorkflowStub(QualificationWorkflow.class, WorkflowOptions.newBuilder()
        .setWorkflowId(QualificationWorkflow.workflowId(runId))
        .setTaskQueue(TaskQueues.CONTROL)
        .setStaticSummary("qualification " + runId)
        .setStaticDetails("test run")
        .build());
  }

  @Test
  void allEightScenariosPassWithSchemaKeysAndVisibility(TestWorkflowEnvironment env, WorkflowClient client) {
    start(env);
    QualificationResult r = stub(client, RUN_ID).qualify(request(RUN_ID, 1, 300, Scenario.canonicalNames()));
    assertEquals(Verdict.PASS, r.verdict(), r.reason());
    assertEquals(0, r.exitCode());
    assertEquals(8, r.totalPass());
    assertEquals(8, evidence.files.size());
    for (String s : Scenario.canonicalNames()) {
      ObjectNode f = evidence.files.get("cycle-001/" + s + ".json");
      assertNotNull(f, s);
      assertEquals("pass", f.get("result").asText(), s + ": " + f.get("reason"));
      assertEquals(RUN_ID, f.get("runId").asText());
      assertTrue(f.get("cycle").isInt());
      assertTrue(f.has("startedAt") && f.has("endedAt"));
      for (JsonNode fault : f.get("faults")) {
        assertTrue(fault.get("rollbackRan").asBoolean() && fault.get("rollbackVerified").asBoolean(), s + " " + fault);
      }
    }
    ObjectNode healthy = evidence.files.get("cycle-001/healthy.json");
    assertTrue(healthy.get("diffStable").asBoolean());
    assertTrue(healthy.get("testedEventId").asText().matches("^qual-healthy-" + RUN_ID + "-c1-\\d+$"));
    assertTrue(healthy.get("doctorBefore").isObject());
    ObjectNode partition = evidence.files.get("cycle-001/partition.json");
    assertEquals("fedqual-primary/fedqual-receiver failed deliveries: fail, SLO violation of fedqual-primary",
        partition.get("faultCheck").asText());
    assertTrue(partition.get("recoveredBy").asText().startsWith("outbox retry"), partition.toString());
    assertEquals(2, partition.get("combinedPlanOrder").size());
    assertTrue(partition.get("remediationDuring").isObject());
    assertTrue(partition.get("recoveryDurationSeconds").isIntegralNumber());
    ObjectNode security = evidence.files.get("cycle-001/security.json");
    assertTrue(security.get("malformedStatus").isTextual());
    assertEquals("401", security.get("badSignatureStatus").asText());
    assertEquals("400", security.get("wrongGroupStatus").asText());
    assertEquals("200 duplicate=true", security.get("replayStatus").asText());
    assertFalse(security.get("wrongGroupStored").asBoolean());
    assertEquals("413", security.get("oversizedStatus").asText());
    ObjectNode cf = evidence.files.get("cycle-001/config-fault.json");
    assertEquals("fedqual-primary/fedqual-nonexistent-node expected delivery: fail", cf.get("foundCheck").asText());
    assertEquals("configure-peer-endpoint fedqual-primary/fedqual-nonexistent-node", cf.get("expectedAction").asText());
    assertTrue(evidence.files.get("cycle-001/multi-group.json").get("groupCheck").asText()
        .startsWith("pass: fedqual-secondary judged by its own SLO (expiresSoonSeconds=120 -> warn"));
    assertEquals("pass", healthy.get("noOnwardPush").asText());
    assertTrue(healthy.get("repush").get("duplicate").asBoolean());
    ObjectNode restart = evidence.files.get("cycle-001/restart.json");
    assertEquals("pending", restart.get("rowWhileDown").get("status").asText());
    assertEquals(0, restart.get("rowWhileDown").get("attempts").asInt());
    ObjectNode sub = evidence.files.get("cycle-001/subscription.json");
    assertEquals(1, sub.get("subscriptionRunsDuring").size());
    assertEquals("failed", sub.get("subscriptionRunsDuring").get(0).get("status").asText());
    assertTrue(sub.get("retriedBy").asText().matches("run (\\d+) attempt 2 after failed run \\1 attempt 1"), sub.get("retriedBy").asText());
    assertFalse(lab.partitioned);
    assertFalse(lab.pluginBroken);
    assertEquals(1, evidence.cycles.size());

    // Visibility: search attributes, static summary and current details through describe.
    WorkflowExecutionDescription d = client.newUntypedWorkflowStub(
        ScenarioWorkflow.workflowId(RUN_ID, 1, "partition")).describe();
    assertEquals("partition", d.getTypedSearchAttributes().get(QualificationSearchAttributes.SCENARIO));
    assertEquals(1L, d.getTypedSearchAttributes().get(QualificationSearchAttributes.CYCLE));
    assertEquals("pass", d.getTypedSearchAttributes().get(QualificationSearchAttributes.VERDICT));
    assertEquals(SimulatedLab.A, d.getTypedSearchAttributes().get(QualificationSearchAttributes.GROUP));
    assertEquals("partition · cycle 1/1 · " + RUN_ID, d.getStaticSummary());
    WorkflowExecutionDescription top = client.newUntypedWorkflowStub(QualificationWorkflow.workflowId(RUN_ID)).describe();
    assertEquals("pass", top.getTypedSearchAttributes().get(QualificationSearchAttributes.VERDICT));
    assertEquals(RUN_ID, top.getTypedSearchAttributes().get(QualificationSearchAttributes.RUN_ID));
    QualificationProgress p = client.newWorkflowStub(QualificationWorkflow.class, QualificationWorkflow.workflowId(RUN_ID)).progress();
    assertEquals("done", p.phase());
    assertEquals(8, p.completedScenarios());
    assertEquals(8, client.newWorkflowStub(QualificationWorkflow.class, QualificationWorkflow.workflowId(RUN_ID)).evidence().size());
  }

  @Test
  void setupErrorsAreExitTwoWithoutEvidence(TestWorkflowEnvironment env, WorkflowClient client) {
    start(env);
    QualificationResult zero = stub(client, "20261127T050001Z-federation-qual")
        .qualify(request("20261127T050001Z-federation-qual", 0, 300, Scenario.canonicalNames()));
    assertEquals(Verdict.SETUP_ERROR, zero.verdict());
    assertEquals(2, zero.exitCode());
    assertTrue(zero.reason().contains("--cycles must be at least 1"), zero.reason());
    QualificationResult empty = stub(client, "20261127T050002Z-federation-qual")
        .qualify(request("20261127T050002Z-federation-qual", 1, 300, List.of()));
    assertEquals(Verdict.SETUP_ERROR, empty.verdict());
    QualificationResult unknown = stub(client, "20261127T050003Z-federation-qual")
        .qualify(request("20261127T050003Z-federation-qual", 1, 300, List.of("healthy", "foo")));
    assertTrue(unknown.reason().contains("unknown scenario: foo"), unknown.reason());
    assertTrue(evidence.files.isEmpty());
    assertEquals(null, evidence.setup);
  }

  @Test
  void assertionFailureAfterPartitionRollsBackBeforeNextScenario(TestWorkflowEnvironment env, WorkflowClient client) {
    start(env);
    lab.with(SimulatedLab.Defect.DOCTOR_TOLERATES_FAILED);
    String runId = "20261127T050010Z-federation-qual";
    QualificationResult r = stub(client, runId).qualify(request(runId, 1, 300, List.of("partition", "healthy")));
    assertEquals(Verdict.FAIL, r.verdict());
    assertEquals(1, r.exitCode());
    ObjectNode p = evidence.files.get("cycle-001/partition.json");
    assertEquals("fail", p.get("result").asText());
    assertTrue(p.get("reason").asText().startsWith("doctor: check 'fedqual-primary/fedqual-receiver failed deliveries'"),
        p.get("reason").asText());
    JsonNode fault = p.get("faults").get(0);
    assertTrue(fault.get("applied").asBoolean());
    assertTrue(fault.get("rollbackRan").asBoolean());
    assertTrue(fault.get("rollbackVerified").asBoolean());
    assertFalse(lab.partitioned);
    // The restore happened before the next scenario emitted anything.
    int restore = indexOf("restorePartition");
    int nextEmit = indexOf("emit qual-healthy");
    assertTrue(restore >= 0 && restore < nextEmit, lab.calls.toString());
  }

  @Test
  void ineffectivePartitionFailsAndIsStillRestored(TestWorkflowEnvironment env, WorkflowClient client) {
    start(env);
    lab.partitionIneffective = true;
    String runId = "20261127T050011Z-federation-qual";
    QualificationResult r = stub(client, runId).qualify(request(runId, 1, 300, List.of("partition")));
    assertEquals(Verdict.FAIL, r.verdict());
    ObjectNode p = evidence.files.get("cycle-001/partition.json");
    assertEquals("partition apply failed or did not take effect: connected", p.get("reason").asText());
    assertTrue(indexOf("restorePartition") >= 0, lab.calls.toString());
  }

  @Test
  void deadlineEndsTheScenarioRollsBackAndTheNextRuns(TestWorkflowEnvironment env, WorkflowClient client) {
    start(env);
    lab.with(SimulatedLab.Defect.NEVER_RETRIES_FAILED);
    String runId = "20261127T050012Z-federation-qual";
    long t0 = env.currentTimeMillis();
    QualificationResult r = stub(client, runId).qualify(request(runId, 1, 60, List.of("partition", "config-fault")));
    assertEquals(Verdict.FAIL, r.verdict());
    ObjectNode p = evidence.files.get("cycle-001/partition.json");
    String reason = p.get("reason").asText();
    assertTrue(reason.contains("deadline") || reason.startsWith("recovery: the outbox did not redeliver"), reason);
    assertTrue(p.get("elapsedSeconds").asLong() <= 60 + 15, p.toString());
    assertTrue(p.get("faults").get(0).get("rollbackVerified").asBoolean());
    assertFalse(lab.partitioned);
    assertNotNull(evidence.files.get("cycle-001/config-fault.json"));
    assertTrue(env.currentTimeMillis() - t0 >= 0);
  }

  @Test
  void cancelWhilePartitionedRestoresAndRecordsCancel(TestWorkflowEnvironment env, WorkflowClient client) throws Exception {
    start(env);
    // The apply activity blocks with the partition in place: cancel arrives while it is applied.
    lab.holdInApply = true;
    String runId = "20261127T050013Z-federation-qual";
    QualificationWorkflow wf = stub(client, runId);
    WorkflowClient.start(wf::qualify, request(runId, 1, 300, List.of("partition", "healthy")));
    long until = System.currentTimeMillis() + 20_000;
    while (!lab.partitioned && System.currentTimeMillis() < until) {
      Thread.sleep(20);
    }
    assertTrue(lab.partitioned, "partition never applied");
    WorkflowStub untyped = WorkflowStub.fromTyped(wf);
    untyped.cancel();
    // The run closes as CANCELED (the Temporal status an operator expects) after compensating.
    io.temporal.client.WorkflowFailedException closed = org.junit.jupiter.api.Assertions.assertThrows(
        io.temporal.client.WorkflowFailedException.class,
        () -> untyped.getResult(30, java.util.concurrent.TimeUnit.SECONDS, QualificationResult.class));
    lab.holdInApply = false;
    assertTrue(closed.getCause() instanceof io.temporal.failure.CanceledFailure, String.valueOf(closed.getCause()));
    assertFalse(lab.partitioned, "partition left applied after cancel");
    ObjectNode p = evidence.files.get("cycle-001/partition.json");
    assertNotNull(p, "partition.json not written on cancel");
    assertEquals("fail", p.get("result").asText());
    assertTrue(p.get("reason").asText().contains("cancel"), p.get("reason").asText());
    assertTrue(p.get("faults").get(0).get("rollbackVerified").asBoolean());
    assertTrue(evidence.finished.cancelled());
    assertFalse(evidence.files.containsKey("cycle-001/healthy.json"));
    // Counted as its evidence file counts in run-metadata.json: one scenario, failed.
    assertEquals(1, evidence.finished.outcomes().size(), String.valueOf(evidence.finished.outcomes()));
    QualificationProgress progress = wf.progress();
    assertEquals(1, progress.completedScenarios(), progress.toString());
    assertEquals(1, progress.failed(), progress.toString());
    maybeWriteHistory(client, QualificationWorkflow.workflowId(runId), "qualification-cancelled-history.json");
  }

  @Test
  void secondQualificationOnTheSameTopologyIsRefused(TestWorkflowEnvironment env, WorkflowClient client) throws Exception {
    start(env);
    lab.holdInApply = true;
    String first = "20261127T050020Z-federation-qual";
    QualificationWorkflow wf1 = stub(client, first);
    WorkflowClient.start(wf1::qualify, request(first, 1, 300, List.of("partition")));
    long until = System.currentTimeMillis() + 20_000;
    while (!lab.partitioned && System.currentTimeMillis() < until) {
      Thread.sleep(20);
    }
    String second = "20261127T050021Z-federation-qual";
    QualificationResult r2 = stub(client, second).qualify(request(second, 1, 300, List.of("healthy")));
    assertEquals(Verdict.SETUP_ERROR, r2.verdict());
    assertTrue(r2.reason().contains("already being qualified"), r2.reason());
    lab.holdInApply = false;
    QualificationResult r1 = WorkflowStub.fromTyped(wf1).getResult(60, java.util.concurrent.TimeUnit.SECONDS, QualificationResult.class);
    assertEquals(Verdict.PASS, r1.verdict(), r1.reason());
    // The lock is released: a third run may start.
    String third = "20261127T050022Z-federation-qual";
    assertEquals(Verdict.PASS, stub(client, third).qualify(request(third, 1, 300, List.of("healthy"))).verdict());
  }

  private int indexOf(String prefix) {
    for (int i = 0; i < lab.calls.size(); i++) {
      if (lab.calls.get(i).contains(prefix)) {
        return i;
      }
    }
    return -1;
  }

  /** Writes a history for the replay tests when -Dcloudedge.writeHistory=DIR is set. */
  static void maybeWriteHistory(WorkflowClient client, String workflowId, String file) throws Exception {
    String dir = System.getProperty("cloudedge.writeHistory");
    if (dir != null) {
      Files.writeString(Path.of(dir, file), client.fetchHistory(workflowId).toJson(true));
    }
  }

  /** A long run continues as new when its history grows; the totals, cycles and the lock carry over. */
  @Test
  void longRunContinuesAsNewAndKeepsItsTotals(TestWorkflowEnvironment env, WorkflowClient client) throws Exception {
    start(env);
    String runId = "20261201T050050Z-federation-qual";
    QualificationRequest small = new QualificationRequest(runId, "abc1234", "/evidence", 3, 300,
        List.of("healthy", "config-fault"), true, topology(), ScenarioTimings.defaults(), 20, null);
    QualificationResult r = stub(client, runId).qualify(small);
    assertEquals(Verdict.PASS, r.verdict(), r.reason());
    assertEquals(6, r.totalPass());
    assertEquals(3, evidence.cycles.size());
    assertEquals(6, evidence.files.size());
    assertEquals(6, evidence.finished.outcomes().size());
    // Each continue-as-new closes a run as CONTINUED_AS_NEW; the first run's history ends with it.
    io.temporal.api.history.v1.HistoryEvent last = null;
    for (io.temporal.api.history.v1.HistoryEvent e : client.fetchHistory(QualificationWorkflow.workflowId(runId),
        firstRunId(client, runId)).getEvents()) {
      last = e;
    }
    assertNotNull(last);
    assertEquals(io.temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW, last.getEventType());
    String dir = System.getProperty("cloudedge.writeHistory");
    if (dir != null) {
      Files.writeString(Path.of(dir, "qualification-continued-history.json"),
          client.fetchHistory(QualificationWorkflow.workflowId(runId), firstRunId(client, runId)).toJson(true));
    }
    QualificationProgress p = client.newWorkflowStub(QualificationWorkflow.class, QualificationWorkflow.workflowId(runId)).progress();
    assertEquals(6, p.completedScenarios());
    assertEquals(6, p.passed());
    // The lock was handed over and finally released: another run on the topology may start.
    String after = "20261201T050051Z-federation-qual";
    assertEquals(Verdict.PASS, stub(client, after).qualify(request(after, 1, 300, List.of("healthy"))).verdict());
  }

  /** The run id of the first run of a qualification (the one started by the client). */
  private static String firstRunId(WorkflowClient client, String runId) {
    io.temporal.api.history.v1.History h = client.fetchHistory(QualificationWorkflow.workflowId(runId)).getHistory();
    String first = h.getEvents(0).getWorkflowExecutionStartedEventAttributes().getFirstExecutionRunId();
    return first;
  }

  /**
   * Every scenario's script, its failure path and a whole run, recorded for {@link ReplayTest}
   * when -Dcloudedge.writeHistory=DIR is set (the histories of the scripts version).
   */
  @Test
  void everyScenarioBranchProducesAHistoryForReplay(TestWorkflowEnvironment env, WorkflowClient client) throws Exception {
    start(env);
    String runId = "20261201T050040Z-federation-qual";
    QualificationResult r = stub(client, runId).qualify(request(runId, 1, 300, Scenario.canonicalNames()));
    assertEquals(Verdict.PASS, r.verdict(), r.reason());
    maybeWriteHistory(client, QualificationWorkflow.workflowId(runId), "qualification-scripts-history.json");
    for (String s : Scenario.canonicalNames()) {
      maybeWriteHistory(client, ScenarioWorkflow.workflowId(runId, 1, s), "scenario-" + s + "-scripts-history.json");
    }
    lab.with(SimulatedLab.Defect.NEVER_RETRIES_FAILED);
    String failing = "20261201T050041Z-federation-qual";
    QualificationResult f = stub(client, failing).qualify(request(failing, 1, 300, List.of("partition")));
    assertEquals(Verdict.FAIL, f.verdict(), f.reason());
    maybeWriteHistory(client, ScenarioWorkflow.workflowId(failing, 1, "partition"), "scenario-partition-fail-scripts-history.json");
  }

  @Test
  void twoCyclesProduceHistoriesForReplay(TestWorkflowEnvironment env, WorkflowClient client) throws Exception {
    start(env);
    String runId = "20261127T050030Z-federation-qual";
    QualificationResult r = stub(client, runId).qualify(request(runId, 2, 300, List.of("healthy", "partition")));
    assertEquals(Verdict.PASS, r.verdict(), r.reason());
    assertEquals(2, evidence.cycles.size());
    assertEquals(4, evidence.files.size());
    maybeWriteHistory(client, QualificationWorkflow.workflowId(runId), "qualification-history.json");
    maybeWriteHistory(client, ScenarioWorkflow.workflowId(runId, 2, "partition"), "scenario-partition-history.json");
    maybeWriteHistory(client, ScenarioWorkflow.workflowId(runId, 1, "healthy"), "scenario-healthy-history.json");
    maybeWriteHistory(client, TopologyLockWorkflow.workflowId("lab-loopback"), "topology-lock-history.json");
  }
}
