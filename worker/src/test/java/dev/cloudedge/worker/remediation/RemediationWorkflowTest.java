package dev.cloudedge.worker.remediation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cloudedge.federation.provider.ActionJournal;
import dev.cloudedge.federation.provider.ActionRecord;
import dev.cloudedge.federation.remediation.RateLimiter;
import dev.cloudedge.workflows.TaskQueues;
import dev.cloudedge.workflows.remediation.RemediationActivities.ExecutionOutcome;
import dev.cloudedge.workflows.remediation.RemediationControlWorkflow;
import dev.cloudedge.workflows.remediation.RemediationWorkflow;
import dev.cloudedge.workflows.remediation.RemediationWorkflow.Approval;
import dev.cloudedge.workflows.remediation.RemediationWorkflow.Rejection;
import dev.cloudedge.workflows.remediation.RemediationWorkflow.RemediationRequest;
import dev.cloudedge.workflows.remediation.RemediationWorkflow.RemediationResult;
import dev.cloudedge.worker.Workers;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.client.WorkflowNotFoundException;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.testing.TestWorkflowEnvironment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The remediation workflow on the real lab (two eventd runtimes, the TCP proxy partition, SQLite
 * state files) with the in-memory Temporal server and time skipping for the hour-long rate-limit
 * window and the 24 h approval timeout.
 */
class RemediationWorkflowTest {
  private static final String ENDPOINT_KEY = "configure-peer-endpoint/" + RemediationLab.GROUP + "/fedqual-receiver";
  private static final String RETRY_KEY = "retry-failed-deliveries/" + RemediationLab.GROUP + "/fedqual-receiver";

  @TempDir Path tmp;
  private TestWorkflowEnvironment env;
  private RemediationLab lab;
  private WorkflowClient client;

  private void start(boolean policy) throws Exception {
    lab = RemediationLab.start(tmp.resolve("lab"), policy);
    env = TestWorkflowEnvironment.newInstance();
    Workers.control(env.getWorkerFactory(), Path.of("target", "classes").toAbsolutePath(), "default");
    Workers.node(env.getWorkerFactory(), lab.lab.sender());
    Workers.node(env.getWorkerFactory(), lab.lab.receiver());
    env.start();
    client = env.getWorkflowClient();
  }

  @AfterEach
  void stop() {
    if (env != null) {
      env.close();
    }
    if (lab != null) {
      lab.close();
    }
  }

  private RemediationWorkflow stub(String runId) {
    return client.newWorkflowStub(RemediationWorkflow.class, WorkflowOptions.newBuilder()
        .setWorkflowId(RemediationWorkflow.workflowId(RemediationLab.NODE, RemediationLab.GROUP, runId))
        .setTaskQueue(TaskQueues.CONTROL).build());
  }

  private static RemediationRequest request(String runId, String requestedBy) {
    return new RemediationRequest(RemediationLab.NODE, RemediationLab.GROUP, runId, requestedBy, 0);
  }

  private static ExecutionOutcome outcome(RemediationResult r, String key) {
    return r.outcomes().stream().filter(o -> o.key().equals(key)).findFirst()
        .orElseThrow(() -> new AssertionError("no outcome for " + key + " in " + r));
  }

  private ActionJournal journal() {
    return new ActionJournal(lab.lab.sender().runtime().store());
  }

  static void maybeWriteHistory(WorkflowClient client, String workflowId, String file) throws Exception {
    String dir = System.getProperty("cloudedge.writeHistory");
    if (dir != null) {
      Files.writeString(Path.of(dir, file), client.fetchHistory(workflowId).toJson(true), StandardCharsets.UTF_8);
    }
  }

  @Test
  void partitionHealedFailedDeliveriesAreRetriedAutomaticallyAndTheDoctorTurnsGreen() throws Exception {
    start(true);
    lab.partitionWithFailedDelivery();
    lab.heal();
    RemediationResult r = runWithTimeLocked("heal");
    assertFalse(r.healthyBefore(), r.toString());
    ExecutionOutcome retry = outcome(r, RETRY_KEY);
    assertEquals("executed", retry.outcome(), r.toString());
    assertTrue(retry.verified(), r.toString());
    assertTrue(r.healthyAfter(), r.toString());
    assertTrue(lab.deliveries("", "failed").isEmpty());
    ActionRecord row = journal().get(retry.journalId()).orElseThrow();
    assertEquals("succeeded", row.status());
    assertEquals("policy:remediation-auto", row.approvedBy());
    assertEquals("cloudedge", row.provider());
    maybeWriteHistory(client, r.workflowId(), "remediation-retry-history.json");
  }

  /**
   * Runs a remediation through a client without the test environment's time-locking interceptor:
   * the environment's client releases the time-skipping lock while it waits for a result, and the
   * idle test server then jumps to its next timer (a finished workflow's 10-year run timeout).
   * With the lock held, workflow time only moves when the test sleeps, so the rate limit's hour is
   * exactly the test's hour.
   */
  private RemediationResult runWithTimeLocked(String runId) {
    return plainClient().newWorkflowStub(RemediationWorkflow.class, WorkflowOptions.newBuilder()
        .setWorkflowId(RemediationWorkflow.workflowId(RemediationLab.NODE, RemediationLab.GROUP, runId))
        .setTaskQueue(TaskQueues.CONTROL).build()).remediate(request(runId, "alice"));
  }

  private WorkflowClient plainClient() {
    return WorkflowClient.newInstance(env.getWorkflowServiceStubs(),
        WorkflowClientOptions.newBuilder().setNamespace(env.getNamespace()).build());
  }

  @Test
  void fourthRetryWithinAnHourIsRefusedByTheDurableRateLimit() throws Exception {
    start(true);
    lab.partitionWithFailedDelivery();
    for (int i = 1; i <= 4; i++) {
      RemediationResult r = runWithTimeLocked("rl-" + i);
      ExecutionOutcome o = outcome(r, RETRY_KEY);
      if (i <= 3) {
        assertEquals("executed", o.outcome(), "run " + i + ": " + r);
        assertFalse(o.verified(), "still partitioned: " + r);
      } else {
        assertEquals("rate-limited", o.outcome(), r + " grants " + new RateLimiter(lab.lab.sender().runtime().store())
            .grants("retry-failed-deliveries", RemediationLab.GROUP, "fedqual-receiver") + " now " + env.currentTimeMillis());
        assertTrue(o.message().contains("3 execution(s) of retry-failed-deliveries for fedqual-primary/fedqual-receiver"
            + " in the last 1h (limit 3)"), o.message());
        assertEquals("skipped", journal().get(o.journalId()).orElseThrow().status());
      }
    }
    assertEquals(3, new RateLimiter(lab.lab.sender().runtime().store())
        .grants("retry-failed-deliveries", RemediationLab.GROUP, "fedqual-receiver").size());
    env.sleep(Duration.ofMinutes(61));
    RemediationResult fifth = runWithTimeLocked("rl-5");
    assertEquals("executed", outcome(fifth, RETRY_KEY).outcome(), "window slid: " + fifth);
  }

  @Test
  void withoutAPolicyNothingRunsAutomaticallyAndTheRefusalIsJournaled() throws Exception {
    start(false);
    lab.partitionWithFailedDelivery();
    RemediationResult r = runWithTimeLocked("nopolicy");
    ExecutionOutcome o = outcome(r, RETRY_KEY);
    assertEquals("not-allowed", o.outcome(), r.toString());
    assertTrue(o.message().contains("policy.enabled=false"), o.message());
    assertEquals(1, lab.deliveries("", "failed").size());
    assertEquals("skipped", journal().get(o.journalId()).orElseThrow().status());
  }

  @Test
  void freezeStopsAutomaticExecutionAndUnfreezeResumesIt() throws Exception {
    start(true);
    lab.partitionWithFailedDelivery();
    RemediationControlWorkflow control = client.newWorkflowStub(RemediationControlWorkflow.class,
        WorkflowOptions.newBuilder().setWorkflowId(RemediationControlWorkflow.WORKFLOW_ID)
            .setTaskQueue(TaskQueues.CONTROL).build());
    WorkflowStub untyped = WorkflowStub.fromTyped(control);
    untyped.signalWithStart("freeze", new Object[] {new RemediationControlWorkflow.SwitchChange("oncall", "incident 42")},
        new Object[] {RemediationControlWorkflow.SwitchState.initial()});
    RemediationResult frozen = runWithTimeLocked("frozen");
    assertTrue(frozen.frozen(), frozen.toString());
    ExecutionOutcome o = outcome(frozen, RETRY_KEY);
    assertEquals("frozen", o.outcome());
    assertTrue(o.message().contains("frozen (by oncall") && o.message().contains("incident 42"), o.message());
    assertTrue(frozen.summary().contains("kill switch frozen"), frozen.summary());
    assertEquals(1, lab.deliveries("", "failed").size());

    client.newWorkflowStub(RemediationControlWorkflow.class, RemediationControlWorkflow.WORKFLOW_ID)
        .unfreeze(new RemediationControlWorkflow.SwitchChange("oncall", "resolved"));
    RemediationControlWorkflow.SwitchState st = client.newWorkflowStub(RemediationControlWorkflow.class,
        RemediationControlWorkflow.WORKFLOW_ID).state();
    assertFalse(st.frozen());
    assertEquals(2, st.history().size());
    RemediationResult thawed = runWithTimeLocked("thawed");
    assertEquals("executed", outcome(thawed, RETRY_KEY).outcome(), thawed.toString());
    maybeWriteHistory(client, RemediationControlWorkflow.WORKFLOW_ID, "remediation-control-history.json");
  }

  private RemediationWorkflow startEndpointFault(String runId) throws Exception {
    start(true);
    lab.emitAndPush();
    lab.emptyPeerEndpoint();
    RemediationWorkflow wf = stub(runId);
    WorkflowClient.start(wf::remediate, request(runId, "alice"));
    RemediationWorkflow byId = client.newWorkflowStub(RemediationWorkflow.class,
        RemediationWorkflow.workflowId(RemediationLab.NODE, RemediationLab.GROUP, runId));
    long deadline = System.nanoTime() + 20_000_000_000L;
    while (!byId.status().phase().equals("awaiting-approval")) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("never awaited approval: " + byId.status());
      }
      Thread.sleep(50);
    }
    return byId;
  }

  private RemediationResult result(String runId) {
    return plainClient().newUntypedWorkflowStub(RemediationWorkflow.workflowId(RemediationLab.NODE, RemediationLab.GROUP, runId))
        .getResult(RemediationResult.class);
  }

  @Test
  void approvedEndpointChangeLandsAtomicallyWithABackupAndSelfAndSecondDecisionsAreRefused() throws Exception {
    RemediationWorkflow wf = startEndpointFault("approve");
    String endpoint = lab.lab.layout().receiverEndpoint();
    assertEquals(List.of(ENDPOINT_KEY), wf.status().pending().stream().map(p -> p.key()).toList());
    wf.approve(new Approval("self", "alice", "", endpoint, ""));
    wf.approve(new Approval("no-endpoint", "bob", ENDPOINT_KEY, "", ""));
    wf.approve(new Approval("ok", "bob", ENDPOINT_KEY, endpoint, "checked with the receiver team"));
    wf.reject(new Rejection("second", "carol", ENDPOINT_KEY, "too late"));
    RemediationResult r = result("approve");
    assertEquals(List.of("self", "no-endpoint", "second"), r.refused().stream().map(x -> x.requestId()).toList());
    assertTrue(r.refused().get(0).reason().startsWith("self-approval refused: alice"), r.refused().toString());
    assertTrue(r.refused().get(1).reason().contains("needs the endpoint"), r.refused().toString());
    assertTrue(r.refused().get(2).reason().startsWith("second decision refused: already approved by bob"),
        r.refused().toString());
    ExecutionOutcome o = outcome(r, ENDPOINT_KEY);
    assertEquals("executed", o.outcome(), r.toString());
    assertTrue(o.verified(), r.toString());
    assertTrue(r.healthyAfter(), r.toString());
    String cfg = Files.readString(lab.senderConfig(), StandardCharsets.UTF_8);
    assertTrue(cfg.contains("endpoint: " + endpoint), cfg);
    // The node's own view of its config follows the file, so later activities (the qualification
    // doctor among them) see the fixed endpoint too.
    assertEquals(endpoint, lab.lab.sender().config().peersOf(RemediationLab.GROUP).get(0).endpoint());
    try (var files = Files.list(lab.senderConfig().getParent())) {
      Path backup = files.filter(p -> p.getFileName().toString().startsWith("sender.yaml.bak-")
          || p.getFileName().toString().contains(".bak-")).findFirst().orElseThrow();
      assertTrue(Files.readString(backup).contains("endpoint: \"\""));
    }
    ActionRecord row = journal().get(o.journalId()).orElseThrow();
    assertEquals("succeeded", row.status());
    assertEquals("bob", row.approvedBy());
    maybeWriteHistory(client, r.workflowId(), "remediation-approval-history.json");
  }

  @Test
  void rejectionIsJournaledAndNothingChanges() throws Exception {
    RemediationWorkflow wf = startEndpointFault("reject");
    String before = Files.readString(lab.senderConfig());
    wf.reject(new Rejection("r1", "bob", ENDPOINT_KEY, "endpoint must come from the change ticket"));
    RemediationResult r = result("reject");
    ExecutionOutcome o = outcome(r, ENDPOINT_KEY);
    assertEquals("rejected", o.outcome(), r.toString());
    assertEquals(before, Files.readString(lab.senderConfig()));
    ActionRecord row = journal().get(o.journalId()).orElseThrow();
    assertEquals("rejected", row.status());
    assertEquals("bob", row.rejectedBy());
    assertFalse(r.healthyAfter());
  }

  @Test
  void withoutADecisionIn24HoursTheActionIsRejectedAutomaticallyAndLateDecisionsAreRefused() throws Exception {
    RemediationWorkflow wf = startEndpointFault("timeout");
    env.sleep(Duration.ofHours(24).plusMinutes(1));
    RemediationResult r = result("timeout");
    // The workflow has closed: a late decision is refused by the server (the CLI says the window is closed).
    assertThrows(WorkflowNotFoundException.class,
        () -> wf.approve(new Approval("late", "bob", ENDPOINT_KEY, lab.lab.layout().receiverEndpoint(), "")));
    assertFalse(Files.readString(lab.senderConfig()).contains("endpoint: " + lab.lab.layout().receiverEndpoint()));
    ExecutionOutcome o = outcome(r, ENDPOINT_KEY);
    assertEquals("timed-out", o.outcome(), r.toString());
    assertEquals("policy:approval-timeout", r.decisions().get(0).by());
    assertEquals("rejected", journal().get(o.journalId()).orElseThrow().status());
  }
}
