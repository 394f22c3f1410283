package dev.cloudedge.federation.provider;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cloudedge.federation.plan.ActionPlan;
import dev.cloudedge.federation.provider.exec.ExecutorRunner;
import dev.cloudedge.federation.store.FederationStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ActionEngineTest {
  @TempDir Path tmp;
  FederationStore store;
  ActionJournal journal;
  FakeExecutor fake;
  MutableClock clock;
  ActionEngine engine;

  static final ProviderActionPolicy APPROVAL = new ProviderActionPolicy(true, false, true, List.of("aws"), List.of(),
      List.of("assign-secondary-ip", "unassign-secondary-ip", "ensure-forwarding-enabled"), List.of("10.0.0.0/24"),
      5, true, "");
  static final ProviderActionPolicy AUTO = new ProviderActionPolicy(true, false, false, List.of("aws"), List.of(),
      List.of("assign-secondary-ip", "unassign-secondary-ip", "ensure-forwarding-enabled"), List.of("10.0.0.0/24"),
      5, true, "");

  static ActionPlan plan(String key, Map<String, String> params) {
    return new ActionPlan("p-" + key, "aws", "assign-secondary-ip",
        Map.of("address", "10.0.0.5/32", "nicRef", "eni-1", "region", "ap-northeast-1"), "aws-prod", "dry-run", "",
        "medium", key, params, null, null,
        new ActionPlan.Undo("unassign-secondary-ip", Map.of("address", "10.0.0.5/32")));
  }

  @BeforeEach
  void setUp() throws Exception {
    store = FederationStore.open(tmp.resolve("state.db"));
    journal = new ActionJournal(store);
    fake = new FakeExecutor(tmp.resolve("fake"));
    clock = new MutableClock(Instant.parse("2026-05-30T12:00:00Z"));
    engine = new ActionEngine(journal, fake.resolver(), new ExecutorRunner(System.getenv("PATH")), clock,
        ActionEngine.DEFAULT_STALE_RUNNING_TIMEOUT);
  }

  @AfterEach
  void tearDown() {
    store.close();
  }

  long importOne(String key, Map<String, String> params) {
    engine.importPlans(List.of(new PlanBatch("src", null, List.of(plan(key, params)))));
    return journal.getByKey(key).orElseThrow().id();
  }

  @Test
  void importIsIdempotentByKeyAndSkipsKeylessAndExpired() {
    PlanBatch live = new PlanBatch("EventSubscription/claims/abc", clock.instant().plusSeconds(60),
        List.of(plan("k1", Map.of()), plan("k2", Map.of()), plan("k3", Map.of()), plan("", Map.of())));
    PlanBatch expired = new PlanBatch("old", clock.instant(), List.of(plan("k9", Map.of())));
    assertEquals("imported 3 action(s): 3 inserted, 0 duplicate, 1 skipped (missing idempotencyKey)",
        engine.importPlans(List.of(live, expired)).summary());
    assertEquals("imported 3 action(s): 0 inserted, 3 duplicate, 1 skipped (missing idempotencyKey)",
        engine.importPlans(List.of(live, expired)).summary());
    assertTrue(journal.getByKey("k9").isEmpty());
    assertEquals(3, journal.list("", "").size());
    ActionRecord k1 = journal.getByKey("k1").orElseThrow();
    assertEquals(ActionStatus.PENDING, k1.status());
    assertEquals("{\"address\":\"10.0.0.5/32\",\"nicRef\":\"eni-1\",\"region\":\"ap-northeast-1\"}", k1.targetJson());
    assertEquals("{\"action\":\"unassign-secondary-ip\",\"parameters\":{\"address\":\"10.0.0.5/32\"}}", k1.undoJson());
    assertEquals(List.of(3L, 2L, 1L), journal.list("", "").stream().map(ActionRecord::id).toList());
  }

  @Test
  void failedRowIsRequeuedOnReimportWithSameIdAndClearedFields() throws Exception {
    long id = importOne("k3", Map.of("fakeOutcome", "failed"));
    engine.approve(id, "alice");
    ActionRecord r = engine.execute(id, "execute", APPROVAL).record();
    assertEquals(ActionStatus.FAILED, r.status());
    assertEquals("fake \"assign-secondary-ip\" failed (fakeOutcome=failed)", r.resultMessage());
    assertEquals("fake executor instructed to fail", r.error());
    assertEquals("history", ActionStatus.lifecycle(r.status()));
    engine.importPlans(List.of(new PlanBatch("src", null, List.of(plan("k3", Map.of())))));
    ActionRecord again = journal.get(id).orElseThrow();
    assertEquals(ActionStatus.PENDING, again.status());
    assertEquals("", again.error());
    assertEquals("", again.approvedBy());
    assertTrue(again.observed().isEmpty());
  }

  @Test
  void approvalGateAndApproveTexts() throws Exception {
    long id = importOne("k1", Map.of());
    ActionException e = assertThrows(ActionException.class, () -> engine.execute(id, "execute", APPROVAL));
    assertEquals("execute action " + id + ": action is pending and not approved (approval required)", e.getMessage());
    assertEquals(ActionException.Reason.NOT_APPROVED, e.reason());
    assertEquals(ActionStatus.PENDING, journal.get(id).orElseThrow().status());
    assertEquals(0, fake.calls().size());
    assertEquals("execute action " + id + ": mode \"apply\" must be \"dry-run\" or \"execute\"",
        assertThrows(ActionException.class, () -> engine.execute(id, "apply", APPROVAL)).getMessage());
    ActionRecord r = engine.approve(id, "alice");
    assertEquals("alice", r.approvedBy());
    assertEquals(ActionStatus.APPROVED, r.status());
    assertEquals("cannot approve action " + id + ": row missing or not in pending state",
        assertThrows(JournalStateException.class, () -> engine.approve(id, "bob")).getMessage());
    assertEquals("action 99 not found",
        assertThrows(ActionException.class, () -> engine.execute(99, "execute", APPROVAL)).getMessage());
  }

  @Test
  void previewThenExecuteThenIdempotentNoop() throws Exception {
    long id = importOne("k1", Map.of());
    engine.approve(id, "alice");
    ActionEngine.Preview p = engine.dryRunPreview(id, APPROVAL);
    assertEquals("succeeded", p.status());
    assertEquals("would assign-secondary-ip", p.message());
    assertEquals(ActionStatus.APPROVED, journal.get(id).orElseThrow().status());
    assertEquals(0, fake.liveCalls());

    ActionEngine.ExecuteOutcome out = engine.execute(id, "execute", APPROVAL);
    assertTrue(out.launched());
    assertEquals(ActionStatus.SUCCEEDED, out.record().status());
    assertEquals("faked assign-secondary-ip", out.record().resultMessage());
    assertEquals("10.0.0.5/32", out.record().observed().get("assignedAddress"));
    assertEquals("fake-attached", out.record().observed().get("nicState"));
    assertEquals(1, out.record().attempts());
    // The pre-call observation is on record (the priors for the undo), then exactly one live call.
    assertEquals(Map.of("priorFlag", "false"), out.record().preObserved());
    assertEquals(1, fake.liveCalls());
    assertTrue(fake.calls().get(1).contains("\"idempotencyKey\":\"k1\""));
    assertTrue(fake.calls().get(1).contains("\"context\":{}"));

    int before = fake.calls().size();
    ActionEngine.ExecuteOutcome again = engine.execute(id, "execute", APPROVAL);
    assertFalse(again.launched());
    assertEquals(ActionStatus.SUCCEEDED, again.record().status());
    assertEquals(before, fake.calls().size());
    List<String> events = journal.audit(id).stream().map(ActionJournal.AuditEntry::event).toList();
    assertEquals(List.of("imported", "approved", "claimed", "call-started", "result"), events);
  }

  @Test
  void policyDenialsNeverLaunchAndNeverChangeTheRow() throws Exception {
    long id = importOne("k1", Map.of());
    engine.approve(id, "alice");
    List<ProviderActionPolicy> denied = List.of(
        new ProviderActionPolicy(true, false, true, List.of("azure"), List.of(), APPROVAL.allowedActions(),
            List.of(), 5, false, ""),
        new ProviderActionPolicy(true, false, true, List.of("aws"), List.of(), List.of("something-else"),
            List.of(), 5, false, ""),
        new ProviderActionPolicy(true, false, true, List.of("aws"), List.of(), APPROVAL.allowedActions(),
            List.of("192.168.0.0/24"), 5, false, ""),
        new ProviderActionPolicy(false, false, true, List.of("aws"), List.of(), APPROVAL.allowedActions(),
            List.of(), 5, false, ""),
        new ProviderActionPolicy(true, false, true, List.of("aws"), List.of(), APPROVAL.allowedActions(),
            List.of(), 0, false, ""),
        new ProviderActionPolicy(true, true, true, List.of("aws"), List.of(), APPROVAL.allowedActions(),
            List.of(), 5, false, ""));
    for (ProviderActionPolicy p : denied) {
      ActionException e = assertThrows(ActionException.class, () -> engine.execute(id, "execute", p));
      assertTrue(e.getMessage().startsWith("policy gate denied action " + id + ": "), e.getMessage());
      assertEquals(ActionException.Reason.POLICY_DENIED, e.reason());
    }
    assertTrue(assertThrows(ActionException.class, () -> engine.execute(id, "execute", denied.get(2))).getMessage()
        .endsWith("target address \"10.0.0.5/32\" is not within any allowedCIDR"));
    assertTrue(assertThrows(ActionException.class, () -> engine.execute(id, "execute", denied.get(5))).getMessage()
        .contains("dryRunOnly"));
    assertEquals(ActionStatus.APPROVED, journal.get(id).orElseThrow().status());
    assertEquals(0, fake.calls().size());
  }

  @Test
  void autoApproveRecordsPolicyIdentity() throws Exception {
    long id = importOne("k1", Map.of());
    ActionRecord r = engine.execute(id, "execute", AUTO).record();
    assertEquals(ActionStatus.SUCCEEDED, r.status());
    assertEquals(ProviderActionPolicy.AUTO_APPROVER, r.approvedBy());
  }

  @Test
  void rejectIsTerminalAndSurvivesReimport() throws Exception {
    long id = importOne("k1", Map.of());
    ActionRecord r = engine.reject(id, "carol", "wrong NIC");
    assertEquals(ActionStatus.REJECTED, r.status());
    assertEquals("carol", r.rejectedBy());
    assertEquals("wrong NIC", r.rejectReason());
    assertEquals("execute action " + id + ": action was rejected",
        assertThrows(ActionException.class, () -> engine.execute(id, "execute", AUTO)).getMessage());
    assertEquals("cannot approve action " + id + ": row missing or not in pending state",
        assertThrows(JournalStateException.class, () -> engine.approve(id, "dave")).getMessage());
    assertEquals("cannot reject action " + id + ": row missing or not in pending or approved state",
        assertThrows(JournalStateException.class, () -> engine.reject(id, "dave", "")).getMessage());
    assertEquals(1, engine.importPlans(List.of(new PlanBatch("src", null, List.of(plan("k1", Map.of()))))).duplicates());
    assertEquals(ActionStatus.REJECTED, journal.get(id).orElseThrow().status());
    assertEquals(0, fake.calls().size());
  }

  @Test
  void rollbackRules() throws Exception {
    long id = importOne("k1", Map.of());
    ProviderActionPolicy noUndo = new ProviderActionPolicy(true, false, false, List.of("aws"), List.of(),
        AUTO.allowedActions(), List.of(), 5, false, "");
    assertEquals("rollback action " + id + " refused: policy.allowUndo is false",
        assertThrows(ActionException.class, () -> engine.rollback(id, noUndo)).getMessage());
    assertEquals("rollback action " + id + " refused: action is pending, not succeeded",
        assertThrows(ActionException.class, () -> engine.rollback(id, AUTO)).getMessage());
    engine.execute(id, "execute", AUTO);
    int before = fake.calls().size();
    ActionEngine.Preview p = engine.rollbackPreview(id, AUTO);
    assertEquals("would unassign-secondary-ip", p.message());
    assertEquals(ActionStatus.SUCCEEDED, journal.get(id).orElseThrow().status());
    ActionRecord r = engine.rollback(id, AUTO);
    assertEquals(ActionStatus.ROLLED_BACK, r.status());
    assertEquals("faked unassign-secondary-ip", r.resultMessage());
    String req = fake.calls().get(fake.calls().size() - 1);
    assertTrue(req.contains("\"action\":\"unassign-secondary-ip\""), req);
    assertTrue(req.contains("\"idempotencyKey\":\"k1:undo\""), req);
    assertTrue(req.contains("\"mode\":\"execute\""), req);
    // observed ∪ undo.parameters: the executor's observed priors travel with the undo.
    assertTrue(req.contains("\"nicState\":\"fake-attached\"") && req.contains("\"priorFlag\":\"false\"")
        && req.contains("\"address\":\"10.0.0.5/32\""), req);
    assertEquals(before + 2, fake.calls().size());
    assertEquals("execute action " + id + ": action was rolled back",
        assertThrows(ActionException.class, () -> engine.execute(id, "execute", AUTO)).getMessage());
  }

  @Test
  void skippedUndoLeavesRowSucceededAndFails() throws Exception {
    long id = importOne("k1", Map.of());
    engine.execute(id, "execute", AUTO);
    // Make the undo report skipped (routerd: a no-op undo is an error and the row stays succeeded).
    Files.writeString(fake.dir.resolve("force"), "");
    store.update("UPDATE action_executions SET undo_json=? WHERE id=?",
        "{\"action\":\"unassign-secondary-ip\",\"parameters\":{\"fakeOutcome\":\"skipped\"}}", id);
    ActionException e = assertThrows(ActionException.class, () -> engine.rollback(id, AUTO));
    assertEquals("rollback action " + id + ": executor reported \"skipped\": fake \"unassign-secondary-ip\" skipped "
        + "(fakeOutcome=skipped)", e.getMessage());
    assertEquals(ActionStatus.SUCCEEDED, journal.get(id).orElseThrow().status());
  }

  @Test
  void staleRunningRowsAreRequeuedYoungOnesLeftAlone() throws Exception {
    long id = importOne("k1", Map.of());
    engine.approve(id, "alice");
    assertTrue(journal.begin(id, clock.instant()).isPresent());
    clock.advance(Duration.ofSeconds(90));
    assertEquals(List.of(), engine.recoverStaleRunning());
    ActionEngine.ExecuteOutcome noop = engine.execute(id, "execute", APPROVAL);
    assertFalse(noop.launched());
    assertEquals(ActionStatus.RUNNING, noop.record().status());
    clock.advance(Duration.ofSeconds(90));
    assertEquals(List.of(id), engine.recoverStaleRunning());
    ActionRecord r = journal.get(id).orElseThrow();
    assertEquals(ActionStatus.APPROVED, r.status());
    assertEquals("requeued stale running action", r.resultMessage());
    // No call had started: the next execute is an ordinary first run.
    ActionRecord done = engine.execute(id, "execute", APPROVAL).record();
    assertEquals(ActionStatus.SUCCEEDED, done.status());
    assertEquals(1, fake.liveCalls());
    assertEquals(2, done.attempts());
  }

  @Test
  void crashAfterTheCloudCallDoesNotAssignTwice() throws Exception {
    long id = importOne("k1", Map.of());
    engine.approve(id, "alice");
    // Attempt 1 as the engine does it, then a crash after the cloud call and before the result write.
    ActionJournal.Claim claim = journal.begin(id, clock.instant()).orElseThrow();
    journal.recordPreObservation(id, claim.attemptId(), Map.of("priorFlag", "false"), clock.instant());
    journal.markCallStarted(id, claim.attemptId(), clock.instant());
    var runner = new ExecutorRunner(System.getenv("PATH"));
    runner.run(fake.plugin("aws-executor"), dev.cloudedge.federation.provider.exec.ExecuteActionRequest.of(
        new dev.cloudedge.federation.provider.exec.ExecuteActionRequest.Spec("assign-secondary-ip", "aws", "",
            Map.of("address", "10.0.0.5/32"), Map.of(), "execute", "k1", Map.of())), null);
    assertEquals(1, fake.applied());

    clock.advance(Duration.ofMinutes(3));
    assertEquals(List.of(id), engine.recoverStaleRunning());
    ActionEngine.ExecuteOutcome out = engine.execute(id, "execute", APPROVAL);
    assertTrue(out.recovered());
    ActionRecord r = out.record();
    assertEquals(ActionStatus.SUCCEEDED, r.status());
    assertTrue(r.resultMessage().startsWith("effect already present after an interrupted attempt"), r.resultMessage());
    // The first observation's prior wins over what the cloud shows now (the interrupted call changed it).
    assertEquals("false", r.observed().get("priorFlag"));
    assertEquals("true", r.observed().get("recoveredAfterInterruptedAttempt"));
    assertEquals(1, fake.applied());
    assertEquals(1, fake.liveCalls());
    assertTrue(journal.audit(id).stream().anyMatch(a -> a.event().equals("recovered")));
  }

  @Test
  void interruptedBeforeTheEffectLandedRunsAgainOnce() throws Exception {
    long id = importOne("k1", Map.of());
    engine.approve(id, "alice");
    ActionJournal.Claim claim = journal.begin(id, clock.instant()).orElseThrow();
    journal.markCallStarted(id, claim.attemptId(), clock.instant());
    clock.advance(Duration.ofMinutes(3));
    engine.recoverStaleRunning();
    ActionEngine.ExecuteOutcome out = engine.execute(id, "execute", APPROVAL);
    assertFalse(out.recovered());
    assertEquals(ActionStatus.SUCCEEDED, out.record().status());
    assertEquals(1, fake.applied());
  }

  @Test
  void transientFailureIsRequeuedForRetryWhenAsked() throws Exception {
    long id = importOne("k1", Map.of("fakeOutcome", "transient"));
    engine.approve(id, "alice");
    ActionException e = assertThrows(ActionException.class, () -> engine.execute(id, "execute", APPROVAL,
        new ActionEngine.ExecuteOptions(true, null)));
    assertTrue(e.retryable());
    ActionRecord r = journal.get(id).orElseThrow();
    assertEquals(ActionStatus.APPROVED, r.status());
    assertTrue(r.callStartedAt() != null);
    // Without the option, routerd's behaviour: journaled failed.
    ActionRecord failed = engine.execute(id, "execute", APPROVAL).record();
    assertEquals(ActionStatus.FAILED, failed.status());
    assertEquals("transient", failed.observed().get("failureClass"));
  }

  @Test
  void executorProcessFailureIsJournaledFailed() throws Exception {
    long id = importOne("k1", Map.of("fakeOutcome", "crash"));
    engine.approve(id, "alice");
    ActionException e = assertThrows(ActionException.class, () -> engine.execute(id, "execute", APPROVAL));
    assertTrue(e.getMessage().startsWith("execute action " + id + ": executor " + fake.exe + " failed: exit status 3"),
        e.getMessage());
    ActionRecord r = journal.get(id).orElseThrow();
    assertEquals(ActionStatus.FAILED, r.status());
    assertEquals("executor invocation failed (mode=execute)", r.resultMessage());
  }

  @Test
  void noExecutorIsAConfigurationError() throws Exception {
    ActionEngine none = new ActionEngine(journal, new ExecutorResolver(List.of(), null),
        new ExecutorRunner(""), clock, null);
    long id = importOne("k1", Map.of());
    assertEquals("resolve executor for provider \"aws\": no Plugin with capability \"execute.providerAction\" named "
        + "\"aws-executor\" (or sole executor)",
        assertThrows(ActionException.class, () -> none.execute(id, "execute", AUTO)).getMessage());
  }

  @Test
  void autoExecutePassHonoursTheCapAndThePolicy() throws Exception {
    long k1 = importOne("k1", Map.of());
    long k2 = importOne("k2", Map.of());
    assertEquals(Map.of(), engine.autoExecutePass(APPROVAL));
    ProviderActionPolicy one = new ProviderActionPolicy(true, false, false, List.of("aws"), List.of(),
        AUTO.allowedActions(), List.of(), 1, false, "");
    assertEquals(Map.of(k1, "succeeded"), engine.autoExecutePass(one));
    assertEquals(ActionStatus.PENDING, journal.get(k2).orElseThrow().status());
  }
}
