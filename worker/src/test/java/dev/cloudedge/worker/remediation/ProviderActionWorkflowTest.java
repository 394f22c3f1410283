package dev.cloudedge.worker.remediation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.client.WorkflowExecutionAlreadyStarted;
import io.temporal.client.WorkflowOptions;
import io.temporal.testing.TestWorkflowEnvironment;
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
  private Path calls;
  private Path applied;

  private void start(String policy) throws Exception {
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
    Workers.node(env.getWorkerFactory(), lab.lab.sender());
    env.start();
    // Without the environment's time-locking interceptor: waiting for a result must not release the
    // time-skipping lock, or the idle test server jumps ahead (heartbeat and approval timers fire).
    client = WorkflowClient.newInstance(env.getWorkflowServiceStubs(),
        WorkflowClientOptions.newBuilder().setNamespace(env.getNamespace()).build());
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
    RemediationWorkflowTest.maybeWriteHistory(client, id, "provider-action-saga-history.json");
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
