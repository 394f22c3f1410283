package dev.cloudedge.worker.remediation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cloudedge.federation.plan.ActionPlan;
import dev.cloudedge.federation.provider.ActionEngine;
import dev.cloudedge.federation.provider.ActionJournal;
import dev.cloudedge.federation.provider.JsonMaps;
import dev.cloudedge.workflows.TaskQueues;
import dev.cloudedge.workflows.provider.ProviderActionWorkflow;
import dev.cloudedge.workflows.provider.ProviderActionWorkflow.Approval;
import dev.cloudedge.workflows.provider.ProviderActionWorkflow.ProviderActionRequest;
import dev.cloudedge.workflows.provider.ProviderActionWorkflow.ProviderActionResult;
import dev.cloudedge.workflows.provider.ProviderActionWorkflow.Rejection;
import dev.cloudedge.worker.Workers;
import io.temporal.api.enums.v1.EventType;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.client.WorkflowExecutionAlreadyStarted;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowUpdateException;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/**
 * The provider action workflow on a real node (the lab's sender: its SQLite journal, its config
 * read fresh) with a realistic shell executor standing in for the cloud CLI (fakes are for clouds
 * only): it logs every request, answers the executor protocol, and fails a step when the plan says
 * {@code fakeOutcome: failed}.
 */
class ProviderActionWorkflowTest {
  private static final String POLICY_AUTO = """
      apiVersion: hybrid.routerd.net/v1alpha1
      kind: ProviderActionPolicy
      metadata:
        name: lab-provider
      spec:
        enabled: true
        dryRunOnly: false
        requireApproval: %s
        allowedProviders: [aws]
        allowedActions: [assign-secondary-ip, ensure-forwarding-enabled, unassign-secondary-ip]
        maxActionsPerRun: 5
        allowUndo: %s
      ---
      """;

  @TempDir Path tmp;
  private TestWorkflowEnvironment env;
  private RemediationLab lab;
  private WorkflowClient client;
  /** Node workers in a factory of their own, so a test can stop them while the control worker runs. */
  private WorkerFactory detachedNodes;
  private Path calls;
  private Path applied;

  private void start(String policy) throws Exception {
    start(policy, false);
  }

  private void start(String policy, boolean detachable) throws Exception {
    lab = RemediationLab.start(tmp.resolve("lab"), false);
    Path dir = Files.createDirectories(tmp.resolve("executor"));
    calls = dir.resolve("calls.log");
    applied = dir.resolve("applied");
    Path exe = dir.resolve("aws-executor");
    Files.writeString(exe, """
        #!/bin/sh
        req=$(cat)
        printf '%%s\\n' "$req" >> '%s'
        field() { printf '%%s' "$req" | sed -n "s/.*\\"$1\\":\\"\\([^\\"]*\\)\\".*/\\1/p"; }
        mode=$(field mode); action=$(field action); outcome=$(field fakeOutcome)
        head='{"apiVersion":"provideraction.routerd.net/v1alpha1","kind":"ExecuteActionResult","status":'
        applied='%s'
        if [ "$mode" = "dry-run" ]; then
          eff=''; grep -qx "$action" "$applied" 2>/dev/null && eff=',"effectPresent":"true"'
          printf '%%s{"status":"succeeded","message":"would %%s","observed":{"priorSourceDestCheck":"true"%%s}}}\\n' "$head" "$action" "$eff"; exit 0
        fi
        if [ "$outcome" = "failed" ]; then printf '%%s{"status":"failed","message":"ModifyNetworkInterfaceAttribute failed","error":"UnauthorizedOperation: not authorized","observed":{"failureClass":"authorization"}}}\\n' "$head"; exit 0; fi
        echo "$action" >> "$applied"
        printf '%%s{"status":"succeeded","message":"done %%s","observed":{"priorSourceDestCheck":"true"}}}\\n' "$head" "$action"
        """.formatted(calls.toString(), applied.toString()), StandardCharsets.UTF_8);
    Files.setPosixFilePermissions(exe, PosixFilePermissions.fromString("rwxr-xr-x"));
    String plugin = "apiVersion: plugin.routerd.net/v1alpha1\nkind: Plugin\nmetadata:\n  name: aws-executor\nspec:\n"
        + "  executable: " + exe + "\n  capabilities: [execute.providerAction]\n  timeout: 10s\n---\n";
    Files.writeString(lab.senderConfig(), plugin + policy, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
    env = TestWorkflowEnvironment.newInstance();
    Workers.control(env.getWorkerFactory(), Path.of("target", "classes").toAbsolutePath(), "default");
    if (detachable) {
      detachedNodes = WorkerFactory.newInstance(env.getWorkflowClient());
      Workers.node(detachedNodes, lab.lab.sender());
    } else {
      Workers.node(env.getWorkerFactory(), lab.lab.sender());
    }
    env.start();
    if (detachedNodes != null) {
      detachedNodes.start();
    }
    // Without the environment's time-locking interceptor: waiting for a result must not release the
    // time-skipping lock, or the idle test server jumps ahead (heartbeat and approval timers fire).
    client = WorkflowClient.newInstance(env.getWorkflowServiceStubs(),
        WorkflowClientOptions.newBuilder().setNamespace(env.getNamespace()).build());
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

  private static String plans(String claim, boolean failSecond) {
    return """
        [{"name":"%1$s-assign","provider":"aws","providerRef":"i-0abc","action":"assign-secondary-ip",
          "target":{"address":"10.88.60.9/32","nicRef":"eni-0a1"},"riskLevel":"medium",
          "idempotencyKey":"%1$s:assign","undo":{"action":"unassign-secondary-ip"}},
         {"name":"%1$s-forward","provider":"aws","providerRef":"i-0abc","action":"ensure-forwarding-enabled",
          "target":{"nicRef":"eni-0a1"},"idempotencyKey":"%1$s:forward","parameters":{%2$s}}]
        """.formatted(claim, failSecond ? "\"fakeOutcome\":\"failed\"" : "");
  }

  private ProviderActionWorkflow stub(String key) {
    return client.newWorkflowStub(ProviderActionWorkflow.class, WorkflowOptions.newBuilder()
        .setWorkflowId(ProviderActionWorkflow.workflowId(RemediationLab.NODE, key))
        .setTaskQueue(TaskQueues.CONTROL).build());
  }

  private ActionJournal journal() {
    return new ActionJournal(lab.lab.sender().runtime().store());
  }

  private long launches(String action) throws Exception {
    if (!Files.exists(calls)) {
      return 0;
    }
    return Files.readAllLines(calls).stream()
        .filter(l -> l.contains("\"action\":\"" + action + "\"") && l.contains("\"mode\":\"execute\"")).count();
  }

  @Test
  void autoApprovedPairRunsBothStepsOnce() throws Exception {
    start(POLICY_AUTO.formatted("false", "true"));
    ProviderActionResult r = stub("claim-a:assign").execute(new ProviderActionRequest(RemediationLab.NODE,
        plans("claim-a", false), "alice", 0));
    assertEquals("succeeded", r.outcome(), r.toString());
    assertEquals("approved by policy:auto-approve", r.decision());
    assertEquals(List.of("succeeded", "succeeded"), r.steps().stream().map(s -> s.status()).toList());
    assertEquals("policy:auto-approve", journal().getByKey("claim-a:assign").orElseThrow().approvedBy());
    assertEquals(1, launches("assign-secondary-ip"));
    HistoryRecorder.record(client, ProviderActionWorkflow.workflowId(RemediationLab.NODE, "claim-a:assign"),
        "provider-action-auto-history.json");
    // Running it again is a no-op: succeeded rows are terminal, the executor is not launched again.
    ProviderActionResult again = stub("claim-a:assign").execute(new ProviderActionRequest(RemediationLab.NODE,
        plans("claim-a", false), "alice", 0));
    assertEquals("succeeded", again.outcome(), again.toString());
    assertEquals(1, launches("assign-secondary-ip"));
  }

  @Test
  void whenTheSecondStepFailsTheFirstIsUndoneBySagaCompensation() throws Exception {
    start(POLICY_AUTO.formatted("false", "true"));
    String id = ProviderActionWorkflow.workflowId(RemediationLab.NODE, "claim-b:assign");
    ProviderActionResult r = stub("claim-b:assign").execute(new ProviderActionRequest(RemediationLab.NODE,
        plans("claim-b", true), "alice", 0));
    assertEquals("compensated", r.outcome(), r.toString());
    assertTrue(r.message().contains("[AUTHORIZATION]") && r.message().contains("UnauthorizedOperation"), r.message());
    assertEquals("failed", journal().getByKey("claim-b:forward").orElseThrow().status());
    assertEquals("rolledBack", journal().getByKey("claim-b:assign").orElseThrow().status());
    assertEquals(1, launches("unassign-secondary-ip"));
    assertEquals(1, launches("ensure-forwarding-enabled"), "an authorization failure is not retried");
    HistoryRecorder.record(client, id, "provider-action-compensated-history.json");
  }

  @Test
  void withoutUndoPermissionTheFirstStepStaysAndTheResultSaysSo() throws Exception {
    start(POLICY_AUTO.formatted("false", "false"));
    ProviderActionResult r = stub("claim-c:assign").execute(new ProviderActionRequest(RemediationLab.NODE,
        plans("claim-c", true), "alice", 0));
    assertEquals("failed", r.outcome(), r.toString());
    assertTrue(r.message().contains("NOT undone: policy.allowUndo is false"), r.message());
    assertEquals("succeeded", journal().getByKey("claim-c:assign").orElseThrow().status());
    assertEquals(0, launches("unassign-secondary-ip"));
  }

  @Test
  void aRowLeftRunningByACrashAfterTheCloudCallIsRecoveredWithoutASecondAssignment() throws Exception {
    start(POLICY_AUTO.formatted("false", "true"));
    // A worker died after the cloud call landed and before the journal write: the row is running,
    // its call marker is set, and the cloud already has the address.
    List<ActionPlan> plans = JsonMaps.JSON.readValue(plans("claim-g", false),
        JsonMaps.JSON.getTypeFactory().constructCollectionType(List.class, ActionPlan.class));
    Instant crash = Instant.now().minus(Duration.ofMinutes(3));
    journal().importAction(ActionEngine.recordFromPlan("file:claims.json", plans.get(0)), crash);
    long id = journal().getByKey("claim-g:assign").orElseThrow().id();
    journal().approve(id, "policy:auto-approve", crash);
    ActionJournal.Claim claim = journal().begin(id, crash).orElseThrow();
    journal().markCallStarted(id, claim.attemptId(), crash);
    Files.writeString(applied, "assign-secondary-ip\n");

    ProviderActionResult r = stub("claim-g:assign").execute(new ProviderActionRequest(RemediationLab.NODE,
        plans("claim-g", false), "alice", 0));
    assertEquals("succeeded", r.outcome(), r.toString());
    var row = journal().getByKey("claim-g:assign").orElseThrow();
    assertEquals("succeeded", row.status());
    assertTrue(row.resultMessage().startsWith("effect already present after an interrupted attempt"), row.resultMessage());
    assertEquals(0, launches("assign-secondary-ip"), "no second assignment");
    assertEquals(1, launches("ensure-forwarding-enabled"));
  }

  @Test
  void defaultDenyLaunchesNothing() throws Exception {
    start("");
    ProviderActionResult r = stub("claim-d:assign").execute(new ProviderActionRequest(RemediationLab.NODE,
        plans("claim-d", false), "alice", 0));
    assertEquals("denied", r.outcome(), r.toString());
    assertTrue(r.message().contains("execution is disabled (policy.enabled=false)"), r.message());
    assertEquals("pending", journal().getByKey("claim-d:assign").orElseThrow().status());
    assertFalse(Files.exists(calls));
    HistoryRecorder.record(client, ProviderActionWorkflow.workflowId(RemediationLab.NODE, "claim-d:assign"),
        "provider-action-denied-history.json");
  }

  @Test
  void approvalRequiredWaitsForAnotherOperatorAndASecondRunIsRefused() throws Exception {
    start(POLICY_AUTO.formatted("true", "true"));
    ProviderActionWorkflow wf = stub("claim-e:assign");
    WorkflowClient.start(wf::execute, new ProviderActionRequest(RemediationLab.NODE, plans("claim-e", false), "alice", 0));
    String id = ProviderActionWorkflow.workflowId(RemediationLab.NODE, "claim-e:assign");
    ProviderActionWorkflow byId = client.newWorkflowStub(ProviderActionWorkflow.class, id);
    long deadline = System.nanoTime() + 20_000_000_000L;
    while (!byId.status().phase().equals("awaiting-approval")) {
      assertTrue(System.nanoTime() < deadline, "never awaited approval");
      Thread.sleep(50);
    }
    try {
      WorkflowClient.start(stub("claim-e:assign")::execute,
          new ProviderActionRequest(RemediationLab.NODE, plans("claim-e", false), "alice", 0));
      throw new AssertionError("a second concurrent run of the same plan was started");
    } catch (WorkflowExecutionAlreadyStarted expected) {
      // The workflow id derives from the idempotency key.
    }
    assertEquals(0, launches("assign-secondary-ip"));
    byId.approve(new Approval("a1", "alice", ""));
    byId.approve(new Approval("a2", "bob", "ticket 9"));
    byId.reject(new Rejection("a3", "carol", "no"));
    ProviderActionResult r = client.newUntypedWorkflowStub(id).getResult(ProviderActionResult.class);
    assertEquals("succeeded", r.outcome(), r.toString());
    assertEquals("approved by bob", r.decision());
    assertEquals(List.of("a1", "a3"), r.refused().stream().map(x -> x.requestId()).toList());
    assertTrue(r.refused().get(0).reason().startsWith("self-approval refused"), r.refused().toString());
    assertTrue(r.refused().get(1).reason().startsWith("second decision refused"), r.refused().toString());
    assertEquals("bob", journal().getByKey("claim-e:assign").orElseThrow().approvedBy());
  }

  private ProviderActionWorkflow startAwaitingApproval(String key) throws Exception {
    return startAwaitingApproval(key, 0);
  }

  private ProviderActionWorkflow startAwaitingApproval(String key, long timeoutSeconds) throws Exception {
    WorkflowClient.start(stub(key)::execute, new ProviderActionRequest(RemediationLab.NODE,
        plans(key.substring(0, key.indexOf(':')), false), "alice", timeoutSeconds));
    ProviderActionWorkflow byId = client.newWorkflowStub(ProviderActionWorkflow.class,
        ProviderActionWorkflow.workflowId(RemediationLab.NODE, key));
    long deadline = System.nanoTime() + 20_000_000_000L;
    while (!byId.status().phase().equals("awaiting-approval")) {
      assertTrue(System.nanoTime() < deadline, "never awaited approval");
      Thread.sleep(50);
    }
    return byId;
  }

  /** The update's refusal reason, as the caller sees it. */
  static String refusal(Executable update) {
    WorkflowUpdateException e = assertThrows(WorkflowUpdateException.class, update);
    Throwable c = e.getCause();
    assertTrue(c instanceof ApplicationFailure, String.valueOf(c));
    return ((ApplicationFailure) c).getOriginalMessage();
  }

  @Test
  void approvalByUpdateIsAnsweredAtOnceAndRefusalsLeaveNoTrace() throws Exception {
    start(POLICY_AUTO.formatted("true", "true"));
    ProviderActionWorkflow wf = startAwaitingApproval("claim-h:assign");
    String id = ProviderActionWorkflow.workflowId(RemediationLab.NODE, "claim-h:assign");
    assertEquals("self-approval refused: ALICE requested this execution",
        refusal(() -> wf.submitApproval(new Approval("self", "ALICE", ""))));
    assertEquals("approver identity is required", refusal(() -> wf.submitApproval(new Approval("anon", "", ""))));
    ProviderActionWorkflow.Accepted ok = wf.submitApproval(new Approval("u1", "bob", "ticket 9"));
    assertEquals("u1", ok.requestId());
    assertEquals("approved", ok.decision());
    assertEquals("bob", ok.by());
    assertEquals("second decision refused: already approved by bob",
        refusal(() -> wf.submitRejection(new Rejection("u2", "carol", "no"))));
    ProviderActionResult r = client.newUntypedWorkflowStub(id).getResult(ProviderActionResult.class);
    assertEquals("succeeded", r.outcome(), r.toString());
    assertEquals("approved by bob", r.decision());
    assertEquals(List.of(), r.refused(), "a refused update is answered, not recorded");
    assertEquals("bob", journal().getByKey("claim-h:assign").orElseThrow().approvedBy());
    assertEquals(1, launches("assign-secondary-ip"));
    assertEquals(1, client.fetchHistory(id).getEvents().stream()
        .filter(e -> e.getEventType() == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED).count());
    HistoryRecorder.record(client, id, "provider-action-approved-history.json");
  }

  @Test
  void rejectionByUpdateRejectsTheRowsAndLaunchesNothing() throws Exception {
    start(POLICY_AUTO.formatted("true", "true"));
    ProviderActionWorkflow wf = startAwaitingApproval("claim-i:assign");
    String id = ProviderActionWorkflow.workflowId(RemediationLab.NODE, "claim-i:assign");
    ProviderActionWorkflow.Accepted no = wf.submitRejection(new Rejection("r1", "bob", "wrong NIC"));
    assertEquals("rejected", no.decision());
    ProviderActionResult r = client.newUntypedWorkflowStub(id).getResult(ProviderActionResult.class);
    assertEquals("rejected", r.outcome(), r.toString());
    assertEquals("rejected", journal().getByKey("claim-i:assign").orElseThrow().status());
    assertEquals(0, launches("assign-secondary-ip"));
  }

  @Test
  void aDecisionAfterTheTimeoutIsRefusedAsTooLate() throws Exception {
    start(POLICY_AUTO.formatted("true", "true"), true);
    // A 3 s window in real time (the time-skipping lock is held): no env.sleep, which would skip
    // to the next timer while the node activity waits for a worker.
    ProviderActionWorkflow wf = startAwaitingApproval("claim-j:assign", 3);
    // Without node workers the workflow stays open after its deadline, rejecting the rows.
    stopNodeWorkers();
    long deadline = System.nanoTime() + 20_000_000_000L;
    while (!wf.status().decision().startsWith("timed-out")) {
      assertTrue(System.nanoTime() < deadline, "the timeout was never recorded: " + wf.status());
      Thread.sleep(50);
    }
    String reason = refusal(() -> wf.submitApproval(new Approval("late", "bob", "")));
    assertTrue(reason.startsWith("decision too late: the approval window closed at "), reason);
    wf.approve(new Approval("late-signal", "bob", ""));
    ProviderActionWorkflow.ProviderActionStatus st = wf.status();
    assertEquals(List.of("late-signal"), st.refused().stream().map(x -> x.requestId()).toList(),
        "the refused signal is recorded, the refused update is not");
    assertEquals(0, launches("assign-secondary-ip"));
  }

  @Test
  void approvalTimesOutAfter24HoursAndTheRowsAreRejected() throws Exception {
    start(POLICY_AUTO.formatted("true", "true"));
    ProviderActionWorkflow wf = stub("claim-f:assign");
    WorkflowClient.start(wf::execute, new ProviderActionRequest(RemediationLab.NODE, plans("claim-f", false), "alice", 0));
    String id = ProviderActionWorkflow.workflowId(RemediationLab.NODE, "claim-f:assign");
    env.sleep(Duration.ofHours(25));
    ProviderActionResult r = client.newUntypedWorkflowStub(id).getResult(ProviderActionResult.class);
    assertEquals("timed-out", r.outcome(), r.toString());
    assertEquals("rejected", journal().getByKey("claim-f:assign").orElseThrow().status());
    assertEquals(0, launches("assign-secondary-ip"));
  }
}
