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
import dev.cloudedge.workflows.remediation.RemediationWorkflow.Decision;
import dev.cloudedge.workflows.remediation.RemediationWorkflow.RefusedSignal;
import dev.cloudedge.workflows.remediation.RemediationWorkflow.Rejection;
import dev.cloudedge.workflows.remediation.RemediationWorkflow.RemediationRequest;
import dev.cloudedge.workflows.remediation.RemediationWorkflow.RemediationResult;
import dev.cloudedge.worker.Workers;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.client.WorkflowNotFoundException;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.client.WorkflowUpdateException;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.function.Executable;
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
  /** Node workers in a factory of their own, so a test can stop them while the control worker runs. */
  private WorkerFactory detachedNodes;

  private void start(boolean policy) throws Exception {
    start(policy, false);
  }

  private void start(boolean policy, boolean detachable) throws Exception {
    lab = RemediationLab.start(tmp.resolve("lab"), policy);
    env = TestWorkflowEnvironment.newInstance();
    Workers.control(env.getWorkerFactory(), Path.of("target", "classes").toAbsolutePath(), "default");
    WorkerFactory nodes = env.getWorkerFactory();
    if (detachable) {
      detachedNodes = WorkerFactory.newInstance(env.getWorkflowClient());
      nodes = detachedNodes;
    }
    Workers.node(nodes, lab.lab.sender());
    Workers.node(nodes, lab.lab.receiver());
    env.start();
    if (detachedNodes != null) {
      detachedNodes.start();
    }
    client = env.getWorkflowClient();
  }

  /**
   * Stops the node workers, so the workflow's next node activity stays scheduled and the workflow
   * open (the test then runs with node workers in {@link #detachedNodes}).
   */
  private void stopNodeWorkers() throws InterruptedException {
    detachedNodes.shutdownNow();
    detachedNodes.awaitTermination(10, java.util.concurrent.TimeUnit.SECONDS);
  }

  @AfterEach
  void stop() {
    if (detachedNodes != null) {
      detachedNodes.shutdownNow();
    }
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
    HistoryRecorder.record(client, r.workflowId(), "remediation-auto-history.json");
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
    HistoryRecorder.record(client, frozen.workflowId(), "remediation-frozen-history.json");

    client.newWorkflowStub(RemediationControlWorkflow.class, RemediationControlWorkflow.WORKFLOW_ID)
        .unfreeze(new RemediationControlWorkflow.SwitchChange("oncall", "resolved"));
    RemediationControlWorkflow.SwitchState st = client.newWorkflowStub(RemediationControlWorkflow.class,
        RemediationControlWorkflow.WORKFLOW_ID).state();
    assertFalse(st.frozen());
    assertEquals(2, st.history().size());
    RemediationResult thawed = runWithTimeLocked("thawed");
    assertEquals("executed", outcome(thawed, RETRY_KEY).outcome(), thawed.toString());
    HistoryRecorder.record(client, RemediationControlWorkflow.WORKFLOW_ID, "remediation-control-history.json");
  }

  private RemediationWorkflow startEndpointFault(String runId) throws Exception {
    return startEndpointFault(runId, false);
  }

  private RemediationWorkflow startEndpointFault(String runId, boolean detachable) throws Exception {
    start(true, detachable);
    lab.emitAndPush();
    lab.emptyPeerEndpoint();
    RemediationWorkflow wf = stub(runId);
    // A detachable run waits 3 s in real time for its decision (see aDecisionAfterTheApprovalWindowClosed...).
    WorkflowClient.start(wf::remediate, new RemediationRequest(RemediationLab.NODE, RemediationLab.GROUP, runId, "alice",
        detachable ? 3 : 0));
    // A detachable run is driven without the time-locking interceptor: no query may let the idle
    // server skip ahead while its node workers are stopped.
    RemediationWorkflow byId = (detachable ? plainClient() : client).newWorkflowStub(RemediationWorkflow.class,
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
    HistoryRecorder.record(client, r.workflowId(), "remediation-approved-signal-history.json");
  }

  @Test
  void rejectionIsJournaledAndNothingChanges() throws Exception {
    RemediationWorkflow wf = startEndpointFault("reject");
    String before = Files.readString(lab.senderConfig());
    Decision d = wf.submitRejection(new Rejection("r1", "bob", ENDPOINT_KEY, "endpoint must come from the change ticket"));
    assertEquals("rejected", d.decision());
    assertEquals("bob", d.by());
    RemediationResult r = result("reject");
    ExecutionOutcome o = outcome(r, ENDPOINT_KEY);
    assertEquals("rejected", o.outcome(), r.toString());
    assertEquals(before, Files.readString(lab.senderConfig()));
    ActionRecord row = journal().get(o.journalId()).orElseThrow();
    assertEquals("rejected", row.status());
    assertEquals("bob", row.rejectedBy());
    assertFalse(r.healthyAfter());
    HistoryRecorder.record(client, r.workflowId(), "remediation-rejected-history.json");
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
    HistoryRecorder.record(client, r.workflowId(), "remediation-timeout-history.json");
  }

  /** The update's refusal reason, as the caller sees it. */
  private static String refusal(Executable update) {
    WorkflowUpdateException e = assertThrows(WorkflowUpdateException.class, update);
    Throwable c = e.getCause();
    assertTrue(c instanceof ApplicationFailure, String.valueOf(c));
    return ((ApplicationFailure) c).getOriginalMessage();
  }

  private long events(String workflowId, EventType type) {
    return client.fetchHistory(workflowId).getEvents().stream().filter(e -> e.getEventType() == type).count();
  }

  @Test
  void updatesAnswerAtOnceAndOnlyTheAcceptedDecisionIsInTheHistory() throws Exception {
    RemediationWorkflow wf = startEndpointFault("update");
    String endpoint = lab.lab.layout().receiverEndpoint();
    assertEquals("self-approval refused: Alice requested this remediation",
        refusal(() -> wf.submitApproval(new Approval("self", "Alice", "", endpoint, ""))));
    assertEquals("approver identity is required", refusal(() -> wf.submitApproval(new Approval("anon", " ", "", endpoint, ""))));
    assertEquals("approval of configure-peer-endpoint needs the endpoint to set",
        refusal(() -> wf.submitApproval(new Approval("none", "bob", ENDPOINT_KEY, "", ""))));
    assertTrue(refusal(() -> wf.submitApproval(new Approval("ftp", "bob", "", "ftp://10.0.0.7", "")))
        .startsWith("endpoint must be an http:// or https:// base URL"));
    assertTrue(refusal(() -> wf.submitApproval(new Approval("events", "bob", "", endpoint + "/v1/events", "")))
        .contains("/v1/events is appended"));
    assertTrue(refusal(() -> wf.submitApproval(new Approval("other", "bob", "retry-failed-deliveries/x/y", endpoint, "")))
        .startsWith("no pending approval retry-failed-deliveries/x/y"));
    Decision ok = wf.submitApproval(new Approval("ok", "bob", ENDPOINT_KEY, endpoint, "ticket 7"));
    assertEquals(new Decision("ok", ENDPOINT_KEY, "approved", "bob", endpoint, "ticket 7", ok.atEpochMillis()), ok);
    assertTrue(refusal(() -> wf.submitRejection(new Rejection("second", "carol", "", "no")))
        .startsWith("second decision refused: already approved by bob"));
    RemediationResult r = result("update");
    assertEquals("executed", outcome(r, ENDPOINT_KEY).outcome(), r.toString());
    assertTrue(r.healthyAfter(), r.toString());
    assertEquals(List.of("ok"), r.decisions().stream().map(Decision::requestId).toList());
    assertEquals(List.of(), r.refused(), "a refused update is answered, not recorded");
    assertEquals(1, events(r.workflowId(), EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED));
    assertEquals(1, events(r.workflowId(), EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_COMPLETED));
    HistoryRecorder.record(client, r.workflowId(), "remediation-approved-update-history.json");
  }

  @Test
  void aDecisionAfterTheApprovalWindowClosedIsRefusedAsTooLate() throws Exception {
    RemediationWorkflow wf = startEndpointFault("late", true);
    // Without node workers the workflow stays open after its deadline, journaling the timeout. The
    // 3 s window passes in real time: env.sleep would skip to the next timer while the journal
    // activity waits for a worker.
    stopNodeWorkers();
    long deadline = System.nanoTime() + 20_000_000_000L;
    while (wf.status().decisions().isEmpty()) {
      assertTrue(System.nanoTime() < deadline, "the timeout was never recorded: " + wf.status());
      Thread.sleep(50);
    }
    String reason = refusal(() -> wf.submitApproval(new Approval("late", "bob", "", lab.lab.layout().receiverEndpoint(), "")));
    assertTrue(reason.startsWith("decision too late: the approval window closed at "), reason);
    wf.approve(new Approval("late-signal", "bob", "", lab.lab.layout().receiverEndpoint(), ""));
    RemediationWorkflow.RemediationStatus st = wf.status();
    assertEquals("timed-out", st.decisions().get(0).decision(), st.toString());
    assertEquals(List.of("late-signal"), st.refused().stream().map(RefusedSignal::requestId).toList(),
        "the refused signal is recorded, the refused update is not");
    assertTrue(st.refused().get(0).reason().startsWith("decision too late"), st.refused().toString());
  }

  private RemediationResult refusedRun(WorkflowClient via, String node, String group, String runId) {
    RemediationWorkflow wf = via.newWorkflowStub(RemediationWorkflow.class, WorkflowOptions.newBuilder()
        .setWorkflowId(RemediationWorkflow.workflowId(node, group, runId)).setTaskQueue(TaskQueues.CONTROL).build());
    RemediationResult r = wf.remediate(new RemediationRequest(node, group, runId, "alice", 0));
    assertEquals(List.of(), r.outcomes(), r.toString());
    assertEquals("not remediated: " + r.error(), r.summary());
    // Completed with the operator's error, not failed: the worker logs no workflow failure for a typo.
    assertEquals(WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_COMPLETED,
        client.newUntypedWorkflowStub(r.workflowId()).describe().getWorkflowExecutionInfo().getStatus());
    return r;
  }

  @Test
  @Timeout(120)
  void aNodeWithoutAWorkerEndsTheRemediationWithTheOperatorsErrorAfterThePickupTimeout() throws Exception {
    start(true);
    // Through the environment's client, which lets the server skip time while it waits: the 30 s
    // pickup timeout passes at once.
    RemediationResult r = refusedRun(client, "nosuch", RemediationLab.GROUP, "nonode");
    assertEquals("no worker serves node nosuch: nothing on task queue cloudedge-node-nosuch picked up the diagnosis"
        + " within 30s (is the node's worker running? is --node right?)", r.error());
  }

  @Test
  void aGroupTheNodeDoesNotHaveEndsWithTheOperatorsErrorNotAWrappedActivityFailure() throws Exception {
    start(true);
    RemediationResult r = refusedRun(plainClient(), RemediationLab.NODE, "nosuch", "nogroup");
    assertEquals("EventGroup nosuch is not configured on node " + RemediationLab.NODE, r.error());
    HistoryRecorder.record(client, r.workflowId(), "remediation-no-such-group-history.json");
  }
}
