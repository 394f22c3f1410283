package dev.cloudedge.workflows.qualification;

import dev.cloudedge.workflows.qualification.EvidenceActivities.EvidenceField;
import dev.cloudedge.workflows.qualification.EvidenceActivities.EvidenceWriteResult;
import dev.cloudedge.workflows.qualification.EvidenceActivities.ScenarioEvidence;
import dev.cloudedge.workflows.qualification.NodeActivities.DeliveryQuery;
import dev.cloudedge.workflows.qualification.NodeActivities.DeliveryRow;
import dev.cloudedge.workflows.qualification.NodeActivities.DoctorCheck;
import dev.cloudedge.workflows.qualification.NodeActivities.DoctorReport;
import dev.cloudedge.workflows.qualification.NodeActivities.DoctorRequest;
import dev.cloudedge.workflows.qualification.NodeActivities.EmitRequest;
import dev.cloudedge.workflows.qualification.NodeActivities.EmitResult;
import dev.cloudedge.workflows.qualification.NodeActivities.FaultRequest;
import dev.cloudedge.workflows.qualification.NodeActivities.MetricsSnapshot;
import dev.cloudedge.workflows.qualification.NodeActivities.PlanAction;
import dev.cloudedge.workflows.qualification.NodeActivities.ProbeResult;
import dev.cloudedge.workflows.qualification.NodeActivities.ProbeStatus;
import dev.cloudedge.workflows.qualification.NodeActivities.RuntimeRestart;
import dev.cloudedge.workflows.qualification.NodeActivities.SecurityProbeRequest;
import dev.cloudedge.workflows.qualification.NodeActivities.SecurityProbeResult;
import dev.cloudedge.workflows.qualification.NodeActivities.SloGroup;
import dev.cloudedge.workflows.qualification.NodeActivities.SloViolation;
import dev.cloudedge.workflows.qualification.NodeActivities.StoredEvent;
import dev.cloudedge.workflows.qualification.NodeActivities.SubscriptionRunQuery;
import dev.cloudedge.workflows.qualification.NodeActivities.SubscriptionRunRow;
import dev.cloudedge.workflows.qualification.NodeActivities.SummaryRow;
import io.temporal.activity.ActivityOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.CanceledFailure;
import io.temporal.workflow.Async;
import io.temporal.workflow.CancellationScope;
import io.temporal.workflow.Promise;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.slf4j.Logger;

/**
 * The scenario workflow as shipped before the per-scenario scripts (version {@code
 * Workflow.DEFAULT_VERSION} of {@link ScenarioWorkflowImpl#SCRIPTS_CHANGE}). Frozen: it exists
 * so that histories recorded by that build still replay; new runs take the scripts.
 *
 * <p>The eight scenarios (reference §2) with the fixes of §6. The body runs in its own cancellation
 * scope under a timer of {@code durationSeconds}; whatever ends it (pass, assertion failure,
 * activity failure, deadline, workflow cancel), the registered faults are rolled back and verified
 * in a detached scope and the evidence file is written before the workflow returns.
 */
final class ScenarioWorkflowV0 {
  private static final Logger log = Workflow.getLogger(ScenarioWorkflowV0.class);

  private static final String EVENT_TYPE = "routerd.client.ipv4.observed";
  private static final String NONEXISTENT_PEER = "fedqual-nonexistent-node";
  private static final Set<String> FAULT_CODES = Set.of("pending-deliveries", "failed-deliveries", "delivery-lag");
  private static final Set<String> FAULT_ACTIONS =
      Set.of("retry-failed-deliveries", "investigate-pending-deliveries", "check-peer-connectivity");

  private ScenarioRequest req;
  private Scenario scenario;
  private String step = "starting";
  private String result = "running";
  private long deadlineAtMillis;
  private final List<Fault> faults = new ArrayList<>();
  private final Map<String, String> fields = new LinkedHashMap<>();

  /** A registered fault; mutable workflow state so queries and compensation see its progress. */
  private static final class Fault {
    final String kind;
    final NodeRef node;
    final String tag;
    boolean applied;
    boolean rollbackRan;
    boolean rollbackVerified;
    String detail = "";

    Fault(String kind, NodeRef node, String tag) {
      this.kind = kind;
      this.node = node;
      this.tag = tag;
    }

    FaultRecord record() {
      return new FaultRecord(kind, node.name(), applied, rollbackRan, rollbackVerified, detail);
    }
  }

  ScenarioOutcome run(ScenarioRequest request) {
    this.req = request;
    List<String> problems = new ArrayList<>();
    if (request == null) {
      throw QualificationFailureType.INVALID_REQUEST.failure("scenario request is required");
    }
    problems.addAll(request.problems());
    if (!problems.isEmpty()) {
      throw QualificationFailureType.INVALID_REQUEST.failure(String.join("; ", problems));
    }
    scenario = Scenario.fromWireName(request.scenario());
    Workflow.upsertTypedSearchAttributes(
        QualificationSearchAttributes.RUN_ID.valueSet(req.runId()),
        QualificationSearchAttributes.CYCLE.valueSet((long) req.cycle()),
        QualificationSearchAttributes.SCENARIO.valueSet(scenario.wireName()),
        QualificationSearchAttributes.GROUP.valueSet(req.topology().groupA()),
        QualificationSearchAttributes.TOPOLOGY.valueSet(req.topology().id()),
        QualificationSearchAttributes.VERDICT.valueSet("running"));

    long started = Workflow.currentTimeMillis();
    deadlineAtMillis = started + req.durationSeconds() * 1000L;
    Promise<Void>[] body = new Promise[1];
    CancellationScope bodyScope = Workflow.newCancellationScope(() -> body[0] = Async.procedure(this::runBody));
    bodyScope.run();

    String endReason = null;
    try {
      boolean finished = Workflow.await(Duration.ofSeconds(req.durationSeconds()), () -> body[0].isCompleted());
      if (!finished) {
        endReason = "deadline exceeded (" + req.durationSeconds() + "s) during step: " + step;
        bodyScope.cancel(endReason);
      }
    } catch (CanceledFailure e) {
      endReason = "cancelled during step: " + step;
    }
    String cancelReason = endReason;
    ScenarioOutcome[] outcome = new ScenarioOutcome[1];
    // Detached: runs to the end even when the workflow itself is being cancelled.
    Workflow.newDetachedCancellationScope(() -> {
          Workflow.await(() -> body[0].isCompleted());
          String failReason = cancelReason != null ? cancelReason : reasonOf(body[0].getFailure());
          compensateAll();
          for (Fault f : faults) {
            if (f.applied && !f.rollbackVerified && failReason == null) {
              failReason = f.kind + " rollback not verified: " + f.detail;
            }
          }
          result = failReason == null ? "pass" : "fail";
          outcome[0] = writeEvidence(started, failReason);
        })
        .run();
    Workflow.upsertTypedSearchAttributes(QualificationSearchAttributes.VERDICT.valueSet(result));
    Workflow.setCurrentDetails(scenario.wireName() + ": " + result
        + (outcome[0].reason().isEmpty() ? "" : " — " + outcome[0].reason()));
    Workflow.await(Workflow::isEveryHandlerFinished);
    return outcome[0];
  }

  ScenarioProgress progress() {
    List<FaultRecord> fr = new ArrayList<>();
    for (Fault f : faults) {
      fr.add(f.record());
    }
    return new ScenarioProgress(
        scenario == null ? "" : scenario.wireName(),
        req == null ? 0 : req.cycle(),
        step,
        result,
        fr,
        deadlineAtMillis == 0 ? "" : iso(deadlineAtMillis));
  }

  private static String reasonOf(RuntimeException failure) {
    return ScenarioWorkflowImpl.reasonOf(failure);
  }

  // ---------------------------------------------------------------- body

  private void runBody() {
    switch (scenario) {
      case HEALTHY -> healthy();
      case PARTITION -> partition();
      case TTL_REFRESH -> ttlRefresh();
      case RESTART -> restart();
      case SUBSCRIPTION -> subscription();
      case CONFIG_FAULT -> configFault();
      case SECURITY -> security();
      case MULTI_GROUP -> multiGroup();
    }
  }

  private void healthy() {
    String a = req.topology().groupA();
    DoctorReport before = doctor(sender(), "doctor before", false, "");
    putDoctor("doctorBefore", before);
    if (before.fail() > 0) {
      throw fail("doctor before has " + before.fail() + " FAIL checks: " + failingChecks(before));
    }
    String id = eventId("healthy");
    putString("testedEventId", id);
    emit(a, "10.99.1.1/32", id, 600);
    if (!waitDelivered(a, id, req.timings().deliveryWaitSeconds(), 0)) {
      throw fail("delivery not confirmed within " + req.timings().deliveryWaitSeconds() + "s");
    }
    if (!readEvent(receiver(), id).present()) {
      throw fail("event not found in receiver store");
    }
    DoctorReport after = doctor(sender(), "doctor after", false, "");
    putDoctor("doctorAfter", after);
    if (after.fail() > 0) {
      throw fail("doctor after has " + after.fail() + " FAIL checks: " + failingChecks(after));
    }
    int violations = violations(after, a).size();
    if (violations != 0) {
      throw fail("SLO has " + violations + " violations for group " + a);
    }
    DoctorReport plan = planDiffStable();
    if (!plan.actions().isEmpty()) {
      throw fail("remediation plan has " + plan.actions().size() + " actions (expected 0)");
    }
    putSummary(a);
    step("read eventd metrics");
    MetricsSnapshot sm = nodeRead(sender(), "metrics of " + sender().name()).metrics();
    MetricsSnapshot rm = nodeRead(receiver(), "metrics of " + receiver().name()).metrics();
    Map<String, String> m = new LinkedHashMap<>();
    m.put("sender", metricsJson(sm));
    m.put("receiver", metricsJson(rm));
    putRaw("metrics", Json.object(m));
    List<String> banned = new ArrayList<>();
    for (String l : concat(sm.labelNames(), rm.labelNames())) {
      if (BANNED_LABELS.contains(l.toLowerCase(java.util.Locale.ROOT)) && !banned.contains(l)) {
        banned.add(l);
      }
    }
    putString("cardinalityCheck", banned.isEmpty() ? "pass" : "fail:" + String.join(",", banned));
    if (!banned.isEmpty()) {
      throw fail("metric labels not allowed: " + String.join(", ", banned));
    }
    if (total(sm, DELIVERY_TOTAL) < 1 || total(rm, ACCEPTED_TOTAL) < 1) {
      throw fail("metrics show no delivery (" + DELIVERY_TOTAL + "=" + total(sm, DELIVERY_TOTAL) + ", "
          + ACCEPTED_TOTAL + "=" + total(rm, ACCEPTED_TOTAL) + ")");
    }
  }

  private static final Set<String> BANNED_LABELS = Set.of("event_id", "subject", "address", "endpoint", "dedupe_key",
      "error_message", "raw_error", "token", "secret", "credential");
  static final String DELIVERY_TOTAL = "routerd_eventd_outbox_delivery_total";
  static final String ACCEPTED_TOTAL = "routerd_eventd_receiver_accepted_total";
  static final String REJECT_TOTAL = "routerd_eventd_receiver_reject_total";

  private static long total(MetricsSnapshot m, String name) {
    Double v = m.totals().get(name);
    return v == null ? 0 : v.longValue();
  }

  private static List<String> concat(List<String> a, List<String> b) {
    List<String> out = new ArrayList<>(a);
    out.addAll(b);
    return out;
  }

  private static String metricsJson(MetricsSnapshot m) {
    Map<String, String> o = new LinkedHashMap<>();
    o.put("deliveryTotal", Json.num(total(m, DELIVERY_TOTAL)));
    o.put("repushTotal", Json.num(total(m, "routerd_eventd_outbox_repush_total")));
    o.put("staleTtlDeliveryTotal", Json.num(total(m, "routerd_eventd_outbox_stale_ttl_delivery_total")));
    o.put("deliveryLagSecondsSum", Json.num(total(m, "routerd_eventd_outbox_delivery_lag_seconds_sum")));
    o.put("deliveryLagCount", Json.num(total(m, "routerd_eventd_outbox_delivery_lag_seconds_count")));
    o.put("acceptedTotal", Json.num(total(m, ACCEPTED_TOTAL)));
    o.put("duplicateTotal", Json.num(total(m, "routerd_eventd_receiver_duplicate_total")));
    o.put("rejectTotal", Json.num(total(m, REJECT_TOTAL)));
    return Json.object(o);
  }

  private void partition() {
    String a = req.topology().groupA();
    DoctorReport before = doctor(sender(), "doctor before", false, "");
    putDoctor("doctorBefore", before);
    Fault cut = applyPartition();
    String id = eventId("partition");
    putString("testedEventId", id);
    emit(a, "10.99.2.1/32", id, 600);
    DoctorReport during = pollDoctor(
        "wait for the doctor to report the partition",
        d -> hasFaultCheck(d),
        req.timings().faultObserveSeconds());
    putDoctor("doctorDuring", during);
    boolean faultSeen = hasFaultCheck(during);
    putString("hasFaultCheck", faultSeen ? "yes" : "no");
    DoctorReport remediation = doctor(sender(), "remediation plan during partition", true, "");
    putDoctor("remediationDuring", remediation);
    boolean actionSeen = remediation.actions().stream().anyMatch(x -> FAULT_ACTIONS.contains(x.action()));
    putString("hasRemediationAction", actionSeen ? "yes" : "no");
    if (deliveredTo(deliveries(a, id), 0)) {
      throw fail("event delivered despite partition (partition ineffective)");
    }
    if (!faultSeen) {
      throw fail("doctor did not report a delivery fault during the partition");
    }
    if (!actionSeen) {
      throw fail("remediation plan proposed no delivery action during the partition");
    }
    long restoreStart = Workflow.currentTimeMillis();
    rollback(cut);
    if (!cut.rollbackVerified) {
      throw fail("partition restore failed: " + cut.detail);
    }
    int remaining = (int) Math.max(1, (deadlineAtMillis - Workflow.currentTimeMillis()) / 1000);
    if (!waitDelivered(a, id, remaining, 0)) {
      throw fail("delivery not recovered within " + req.durationSeconds() + "s");
    }
    putNum("recoveryDurationSeconds", (Workflow.currentTimeMillis() - restoreStart) / 1000);
    DoctorReport after = pollDoctor("wait for a healthy doctor", d -> d.fail() == 0, req.timings().doctorHealthySeconds());
    putDoctor("doctorAfter", after);
    if (after.fail() > 0) {
      throw fail("doctor not healthy after recovery: " + failingChecks(after));
    }
  }

  private void ttlRefresh() {
    String a = req.topology().groupA();
    String id = eventId("ttl");
    putString("testedEventId", id);
    emit(a, "10.99.3.1/32", id, 120);
    if (!waitDelivered(a, id, req.timings().shortDeliveryWaitSeconds(), 0)) {
      throw fail("initial delivery not confirmed");
    }
    Fault cut = applyPartition();
    EmitResult refreshed = emit(a, "10.99.3.1/32", id, 600);
    long refreshEmitSeconds = Workflow.currentTimeMillis() / 1000;
    putNum("refreshedExpiresAt", refreshed.expiresAtEpochSeconds());
    DoctorReport during = pollDoctor(
        "wait for the doctor to report the stale TTL",
        d -> d.staleTTLCount() >= 1 || d.failedDeliveryCount() >= 1 || d.pendingDeliveryCount() >= 1,
        req.timings().faultObserveSeconds());
    putDoctor("doctorDuring", during);
    rollback(cut);
    if (!cut.rollbackVerified) {
      throw fail("partition restore failed: " + cut.detail);
    }
    long wanted = refreshed.expiresAtEpochSeconds() - 5;
    if (!waitDelivered(a, id, Math.max(req.timings().deliveryWaitSeconds(), 1), wanted)) {
      throw fail("re-push not confirmed after restore");
    }
    StoredEvent copy = readEvent(receiver(), id);
    putNum("receiverExpiresAt", copy.expiresAtEpochSeconds());
    if (!copy.present() || copy.expiresAtEpochSeconds() < refreshEmitSeconds + 600 - 5) {
      throw fail("receiver copy of " + id + " expires at " + copy.expiresAtEpochSeconds()
          + ", expected at least " + (refreshEmitSeconds + 600 - 5));
    }
    List<SummaryRow> rows = pollUntil(
        "wait for stale TTL count 0",
        () -> summary(a),
        r -> staleTtl(r) == 0,
        req.timings().staleTtlWaitSeconds());
    putRaw("deliverySummary", summaryJson(rows));
    DoctorReport after = doctor(sender(), "doctor after", false, "");
    putDoctor("doctorAfter", after);
    if (staleTtl(rows) != 0) {
      throw fail("stale TTL count=" + staleTtl(rows) + " after recovery (expected 0)");
    }
  }

  private void restart() {
    String a = req.topology().groupA();
    DoctorReport before = doctor(sender(), "doctor before", false, "");
    putDoctor("doctorBefore", before);
    // A delivery left pending across the restart proves the outbox resumes it afterwards.
    Fault cut = applyPartition();
    String pendingId = eventId("restart-p");
    putString("pendingEventId", pendingId);
    emit(a, "10.99.4.3/32", pendingId, 600);
    if (deliveredTo(deliveries(a, pendingId), 0)) {
      throw fail("event delivered despite partition (partition ineffective)");
    }
    RuntimeRestart s = restartRuntime(sender());
    putNum("senderPidBefore", s.pidBefore());
    putNum("senderPidAfter", s.pidAfter());
    checkRestart("sender", s);
    rollback(cut);
    if (!cut.rollbackVerified) {
      throw fail("partition restore failed: " + cut.detail);
    }
    if (!waitDelivered(a, pendingId, req.timings().deliveryWaitSeconds(), 0)) {
      throw fail("delivery pending before the sender restart was not resumed within "
          + req.timings().deliveryWaitSeconds() + "s");
    }
    String id1 = eventId("restart-s");
    putString("testedEventId1", id1);
    emit(a, "10.99.4.1/32", id1, 600);
    if (!waitDelivered(a, id1, req.timings().deliveryWaitSeconds(), 0)) {
      throw fail("delivery not confirmed after sender restart");
    }
    RuntimeRestart r = restartRuntime(receiver());
    putNum("receiverPidBefore", r.pidBefore());
    putNum("receiverPidAfter", r.pidAfter());
    checkRestart("receiver", r);
    String id2 = eventId("restart-r");
    putString("testedEventId2", id2);
    emit(a, "10.99.4.2/32", id2, 600);
    if (!waitDelivered(a, id2, req.timings().deliveryWaitSeconds(), 0)) {
      throw fail("delivery not confirmed after receiver restart");
    }
    if (!readEvent(receiver(), id2).present()) {
      throw fail("event not found in receiver store after receiver restart");
    }
    DoctorReport after = pollDoctor("wait for a healthy doctor", d -> d.fail() == 0, 30);
    putDoctor("doctorAfter", after);
    if (after.fail() > 0) {
      throw fail("doctor not healthy after restarts: " + failingChecks(after));
    }
  }

  private void checkRestart(String who, RuntimeRestart r) {
    if (!r.active()) {
      throw fail(who + " eventd not active after restart");
    }
    if (r.pidAfter() == 0) {
      throw fail(who + " PID is 0 after restart");
    }
    if (r.pidAfter() == r.pidBefore()) {
      throw fail(who + " PID unchanged after restart (" + r.pidBefore() + ")");
    }
  }

  private void subscription() {
    String a = req.topology().groupA();
    String sub = req.topology().subscription();
    if (Topology.blank(sub)) {
      throw fail("topology.subscription not set (need an EventSubscription on the receiver)");
    }
    String id1 = eventId("sub-fail");
    String id2 = eventId("sub-ok");
    putString("testedEventId1", id1);
    putString("testedEventId2", id2);
    Fault broken = register("plugin", receiver());
    step("break the subscription plugin");
    broken.applied = true;
    nodeAction(receiver(), "break plugin of " + sub).breakPlugin(new FaultRequest(broken.tag));
    emit(a, "10.99.5.1/32", id1, 600);
    if (!waitDelivered(a, id1, req.timings().shortDeliveryWaitSeconds(), 0)) {
      throw fail("delivery of " + id1 + " not confirmed");
    }
    List<SubscriptionRunRow> during = pollUntil(
        "wait for a failed run of " + id1,
        () -> runs(sub, id1),
        rows -> rows.stream().anyMatch(x -> x.eventId().equals(id1) && "failed".equals(x.status())),
        req.timings().shortDeliveryWaitSeconds());
    putRaw("subscriptionRunsDuring", runsJson(during));
    DoctorReport receiverDoctor = doctor(receiver(), "receiver doctor during plugin fault", false, "");
    putDoctor("doctorDuring", receiverDoctor);
    if (during.stream().noneMatch(x -> x.eventId().equals(id1) && "failed".equals(x.status()))) {
      throw fail("no failed subscription run for " + id1 + " while the plugin was broken");
    }
    rollback(broken);
    if (!broken.rollbackVerified) {
      throw fail("plugin restore not verified: " + broken.detail);
    }
    emit(a, "10.99.5.2/32", id2, 600);
    if (!waitDelivered(a, id2, req.timings().shortDeliveryWaitSeconds(), 0)) {
      throw fail("delivery of " + id2 + " not confirmed");
    }
    List<SubscriptionRunRow> after = pollUntil(
        "wait for a succeeded run of " + id2,
        () -> runs(sub, id2),
        rows -> rows.stream().anyMatch(x -> x.eventId().equals(id2) && "succeeded".equals(x.status())),
        req.timings().shortDeliveryWaitSeconds());
    putRaw("subscriptionRunsAfter", runsJson(after));
    if (after.stream().noneMatch(x -> x.eventId().equals(id2) && "succeeded".equals(x.status()))) {
      throw fail("no succeeded subscription run for " + id2 + " after the plugin was restored");
    }
  }

  private void configFault() {
    String a = req.topology().groupA();
    // Seed our own active event so the doctor evaluates expected peers (reference §6.30).
    String seed = eventId("config");
    putString("testedEventId", seed);
    emit(a, "10.99.7.1/32", seed, 600);
    if (!waitDelivered(a, seed, req.timings().shortDeliveryWaitSeconds(), 0)) {
      throw fail("precondition: seed event " + seed + " not delivered");
    }
    String original = nodeRead(sender(), "digest sender config").digestConfig();
    putString("originalConfigDigest", original);
    if (!Topology.blank(req.senderConfigDigest()) && !original.equals(req.senderConfigDigest())) {
      throw fail("sender config digest " + original + " differs from provenance " + req.senderConfigDigest());
    }
    String overlay = "apiVersion: federation.routerd.net/v1alpha1\n"
        + "kind: EventPeer\n"
        + "metadata:\n  name: " + NONEXISTENT_PEER + "\n"
        + "spec:\n  groupRef: " + a + "\n  nodeName: " + NONEXISTENT_PEER + "\n";
    DoctorReport faultDoctor = doctor(sender(), "doctor with an in-memory peer without endpoint", false, overlay);
    putDoctor("faultDoctor", faultDoctor);
    DoctorReport faultPlan = doctor(sender(), "remediation plan with the overlay", true, overlay);
    putDoctor("faultRemediation", faultPlan);
    List<String> found = new ArrayList<>();
    for (DoctorCheck c : faultDoctor.checks()) {
      if ((c.code().equals("expected-delivery") || c.code().equals("expected-delivery-no-endpoint"))
          && !found.contains(c.code())) {
        found.add(c.code());
      }
    }
    List<String> actions = new ArrayList<>();
    for (PlanAction x : faultPlan.actions()) {
      if ((x.action().equals("configure-peer-endpoint") || x.action().equals("investigate-missing-delivery-rows"))
          && !actions.contains(x.action())) {
        actions.add(x.action());
      }
    }
    putString("foundCodes", found.isEmpty() ? "none" : String.join(" ", found));
    putString("expectedAction", actions.isEmpty() ? "none" : String.join(" ", actions));
    String current = nodeRead(sender(), "digest sender config again").digestConfig();
    putString("currentConfigDigest", current);
    if (!current.equals(original)) {
      throw fail("original config digest changed during test");
    }
    String wantName = a + "/" + NONEXISTENT_PEER + " expected delivery";
    boolean check = faultDoctor.checks().stream().anyMatch(c -> c.code().equals("expected-delivery-no-endpoint")
        && c.status().equals("fail") && c.name().equals(wantName));
    if (!check) {
      throw fail("no FAIL check expected-delivery-no-endpoint named '" + wantName + "'");
    }
    boolean action = faultPlan.actions().stream().anyMatch(x -> x.action().equals("configure-peer-endpoint")
        && NONEXISTENT_PEER.equals(x.targetPeer()) && a.equals(x.targetGroup()) && !x.safe()
        && x.requiresOperatorApproval());
    if (!action) {
      throw fail("remediation plan lacks configure-peer-endpoint for " + NONEXISTENT_PEER
          + " in " + a + " with safe=false, requiresOperatorApproval=true");
    }
  }

  private void security() {
    String a = req.topology().groupA();
    long before = nodeRead(receiver(), "count receiver events").countEvents(a);
    putNum("eventCountBefore", before);
    long rejectsBefore = total(nodeRead(receiver(), "receiver metrics before probes").metrics(), REJECT_TOTAL);
    step("send security probes");
    SecurityProbeResult probes = Workflow.newActivityStub(NodeActivities.class,
            QualificationOptions.nodeProbes(sender().taskQueue(), "security probes to " + req.topology().receiverEndpoint()))
        .securityProbes(new SecurityProbeRequest(req.topology().receiverEndpoint(), a));
    List<String> wrong = new ArrayList<>();
    for (ProbeStatus p : probes.probes()) {
      putString(p.key(), p.actual());
      if (!p.expected().equals(p.actual())) {
        wrong.add(p.key() + "=" + p.actual() + " (want " + p.expected() + ", " + p.description() + ")");
      }
    }
    long after = nodeRead(receiver(), "count receiver events").countEvents(a);
    putNum("eventCountAfter", after);
    long rejectDelta = total(nodeRead(receiver(), "receiver metrics after probes").metrics(), REJECT_TOTAL) - rejectsBefore;
    putNum("rejectDelta", rejectDelta);
    String id = eventId("security");
    putString("testedEventId", id);
    if (!wrong.isEmpty()) {
      throw fail("unexpected probe statuses: " + String.join("; ", wrong));
    }
    if (after != before) {
      throw fail("receiver stored events from rejected probes: " + before + " -> " + after);
    }
    if (rejectDelta < 3) {
      throw fail(REJECT_TOTAL + " rose by " + rejectDelta + " during the probes (expected at least 3)");
    }
    emit(a, "10.99.6.1/32", id, 600);
    if (!waitDelivered(a, id, req.timings().shortDeliveryWaitSeconds(), 0)) {
      throw fail("valid event delivery failed after security test");
    }
  }

  private void multiGroup() {
    String a = req.topology().groupA();
    String b = req.topology().groupB();
    if (Topology.blank(b)) {
      throw fail("topology.groupB not set (need 2 groups for isolation test)");
    }
    Fault cut = applyPartition();
    String id = eventId("multi");
    putString("testedEventId", id);
    emit(a, "10.99.8.1/32", id, 600);
    DoctorReport doc = pollDoctor(
        "wait for group " + a + " to show the fault",
        d -> !violations(d, a).isEmpty() || hasGroupFault(d, a),
        req.timings().faultObserveSeconds());
    putDoctor("doctorJson", doc);
    DoctorReport plan = doctor(sender(), "remediation plan during the group " + a + " fault", true, "");
    putDoctor("remediationPlan", plan);
    SloGroup ga = sloGroup(doc, a);
    SloGroup gb = sloGroup(doc, b);
    if (ga == null) {
      throw fail("group " + a + " not in slo.groups");
    }
    if (gb == null) {
      throw fail("group " + b + " not in slo.groups");
    }
    boolean differ = !ga.thresholds().equals(gb.thresholds());
    putString("groupCheck", "pass:" + doc.sloGroups().size() + " groups,thresholds_differ=" + (differ ? "True" : "False"));
    putNum("groupAViolations", ga.violations().size());
    putNum("groupBViolations", gb.violations().size());
    if (ga.violations().isEmpty() && !hasGroupFault(doc, a)) {
      throw fail("fault in group " + a + " not visible in its SLO or checks");
    }
    for (SloViolation v : ga.violations()) {
      if (v.check().startsWith(b + "/")) {
        throw fail("group-a violation references group-b: " + v.check());
      }
    }
    if (!gb.violations().isEmpty()) {
      throw fail("group " + b + " SLO not clean during the group " + a + " fault: " + gb.violations().size() + " violations");
    }
    for (PlanAction x : plan.actions()) {
      if (!Topology.blank(x.targetGroup()) && !x.targetGroup().equals(a)) {
        throw fail("remediation action " + x.action() + " targets group " + x.targetGroup() + " during a fault in " + a);
      }
    }
    rollback(cut);
    if (!cut.rollbackVerified) {
      throw fail("partition restore failed: " + cut.detail);
    }
    if (!waitDelivered(a, id, req.timings().deliveryWaitSeconds(), 0)) {
      throw fail("delivery not recovered after the group " + a + " fault");
    }
    DoctorReport after = pollDoctor("wait for a healthy doctor", d -> d.fail() == 0, req.timings().doctorHealthySeconds());
    putDoctor("doctorAfter", after);
    if (after.fail() > 0) {
      throw fail("doctor not healthy after recovery: " + failingChecks(after));
    }
  }

  // ---------------------------------------------------------------- faults

  private Fault register(String kind, NodeRef node) {
    Fault f = new Fault(kind, node, "fedqual-" + req.runId() + "-c" + req.cycle() + "-" + scenario.wireName()
        + "-" + kind + "-" + faults.size());
    faults.add(f);
    return f;
  }

  /** Registers the partition for rollback, applies it, and verifies the endpoint is unreachable. */
  private Fault applyPartition() {
    Fault f = register("partition", sender());
    step("apply partition");
    // Marked applied before the call: the apply may take effect even if the activity times out.
    f.applied = true;
    nodeAction(sender(), "apply partition " + f.tag).applyPartition(new FaultRequest(f.tag));
    ProbeResult probe = probe();
    if (probe.reachable()) {
      throw fail("partition apply failed or did not take effect");
    }
    return f;
  }

  private ProbeResult probe() {
    return nodeRead(sender(), "probe " + req.topology().receiverEndpoint()).probeEndpoint(req.topology().receiverEndpoint());
  }

  /** Rolls back a fault and verifies it; repeats the restore while verification fails, within bounds. */
  private void rollback(Fault f) {
    if (!f.applied || f.rollbackVerified) {
      return;
    }
    step("roll back " + f.kind + " on " + f.node.name());
    NodeActivities restore = Workflow.newActivityStub(NodeActivities.class,
        QualificationOptions.nodeRestore(f.node.taskQueue(), "restore " + f.kind + " " + f.tag));
    int rounds = Math.max(1, req.timings().restoreVerifySeconds() / Math.max(1, req.timings().pollSeconds()));
    for (int i = 0; i < rounds && !f.rollbackVerified; i++) {
      if (f.kind.equals("partition")) {
        restore.restorePartition(new FaultRequest(f.tag));
        f.rollbackRan = true;
        ProbeResult p = restore.probeEndpoint(req.topology().receiverEndpoint());
        f.rollbackVerified = p.reachable();
        f.detail = "endpoint " + (p.reachable() ? "reachable" : "unreachable") + ": " + p.detail();
      } else {
        restore.restorePlugin(new FaultRequest(f.tag));
        f.rollbackRan = true;
        f.rollbackVerified = restore.pluginHealthy(req.topology().subscription());
        f.detail = f.rollbackVerified ? "plugin runnable" : "plugin still not runnable";
      }
      if (!f.rollbackVerified) {
        Workflow.sleep(Duration.ofSeconds(req.timings().pollSeconds()));
      }
    }
  }

  private void compensateAll() {
    for (int i = faults.size() - 1; i >= 0; i--) {
      Fault f = faults.get(i);
      try {
        rollback(f);
      } catch (ActivityFailure e) {
        f.detail = "rollback failed: " + reasonOf(e);
        log.warn("rollback of {} failed: {}", f.tag, f.detail);
      }
    }
  }

  // ---------------------------------------------------------------- evidence

  private ScenarioOutcome writeEvidence(long startedMillis, String failReason) {
    long ended = Workflow.currentTimeMillis();
    List<EvidenceField> out = new ArrayList<>();
    out.add(new EvidenceField("runId", Json.str(req.runId())));
    out.add(new EvidenceField("commit", Json.str(req.commit())));
    out.add(new EvidenceField("cycle", Json.num(req.cycle())));
    out.add(new EvidenceField("scenario", Json.str(scenario.wireName())));
    out.add(new EvidenceField("result", Json.str(result)));
    if (failReason != null) {
      out.add(new EvidenceField("reason", Json.str(failReason)));
    }
    out.add(new EvidenceField("startedAt", Json.str(iso(startedMillis))));
    out.add(new EvidenceField("endedAt", Json.str(iso(ended))));
    for (Map.Entry<String, String> e : fields.entrySet()) {
      out.add(new EvidenceField(e.getKey(), e.getValue()));
    }
    List<String> faultJson = new ArrayList<>();
    List<FaultRecord> records = new ArrayList<>();
    for (Fault f : faults) {
      FaultRecord r = f.record();
      records.add(r);
      Map<String, String> m = new LinkedHashMap<>();
      m.put("kind", Json.str(r.kind()));
      m.put("node", Json.str(r.node()));
      m.put("applied", Json.bool(r.applied()));
      m.put("rollbackRan", Json.bool(r.rollbackRan()));
      m.put("rollbackVerified", Json.bool(r.rollbackVerified()));
      m.put("detail", Json.str(r.detail()));
      faultJson.add(Json.object(m));
    }
    out.add(new EvidenceField("faults", Json.array(faultJson)));
    out.add(new EvidenceField("deadlineSeconds", Json.num(req.durationSeconds())));
    out.add(new EvidenceField("elapsedSeconds", Json.num((ended - startedMillis) / 1000)));
    step("write evidence");
    EvidenceActivities evidence = Workflow.newActivityStub(EvidenceActivities.class,
        QualificationOptions.evidence("write cycle-" + String.format("%03d", req.cycle()) + "/" + scenario.wireName() + ".json"));
    EvidenceWriteResult written = evidence.writeScenario(
        new ScenarioEvidence(req.evidenceDir(), req.cycle(), scenario.wireName(), out));
    List<String> gates = new ArrayList<>();
    for (String s : written.schemaErrors()) {
      gates.add("schema:" + written.path() + ": " + s);
    }
    for (String s : written.secretHits()) {
      gates.add("secretScan:" + written.path() + ": " + s);
    }
    step("done");
    return new ScenarioOutcome(req.cycle(), scenario.wireName(), result, failReason == null ? "" : failReason,
        iso(startedMillis), iso(ended), (ended - startedMillis) / 1000, records, written.path(), written.sha256(), gates);
  }

  private void putString(String key, String value) {
    fields.put(key, Json.str(value));
  }

  private void putNum(String key, long value) {
    fields.put(key, Json.num(value));
  }

  private void putRaw(String key, String json) {
    fields.put(key, json);
  }

  private void putDoctor(String key, DoctorReport report) {
    fields.put(key, report.json());
    if (!report.planDigest().isEmpty() && !fields.containsKey("remediationPlanDigest")) {
      fields.put("remediationPlanDigest", Json.str(report.planDigest()));
    }
  }

  private void putSummary(String group) {
    putRaw("deliverySummary", summaryJson(summary(group)));
  }

  /** Two plans back to back: their canonical action digests must be equal (reference §4.3). */
  private DoctorReport planDiffStable() {
    DoctorReport first = doctor(sender(), "remediation plan", true, "");
    DoctorReport second = doctor(sender(), "remediation plan again (diff-stability)", true, "");
    fields.put("remediationPlan", first.json());
    fields.put("remediationPlanDigest", Json.str(first.planDigest()));
    boolean stable = first.planDigest().equals(second.planDigest());
    fields.put("diffStable", Json.bool(stable));
    if (!stable) {
      throw fail("remediation plan not diff-stable: " + first.planDigest() + " != " + second.planDigest());
    }
    return first;
  }

  private static String summaryJson(List<SummaryRow> rows) {
    List<String> out = new ArrayList<>();
    for (SummaryRow r : rows) {
      Map<String, String> m = new LinkedHashMap<>();
      m.put("group", Json.str(r.group()));
      m.put("peer", Json.str(r.peer()));
      m.put("events", Json.num(r.events()));
      m.put("delivered", Json.num(r.delivered()));
      m.put("staleTTL", Json.num(r.staleTTL()));
      m.put("failed", Json.num(r.failed()));
      m.put("pending", Json.num(r.pending()));
      m.put("maxLagSeconds", Json.num(r.maxLagSeconds()));
      m.put("minExpiresInSeconds", Json.num(r.minExpiresInSeconds()));
      out.add(Json.object(m));
    }
    return Json.array(out);
  }

  private static String runsJson(List<SubscriptionRunRow> rows) {
    List<String> out = new ArrayList<>();
    for (SubscriptionRunRow r : rows) {
      out.add(r.json());
    }
    return Json.array(out);
  }

  // ---------------------------------------------------------------- steps

  private NodeRef sender() {
    return req.topology().sender();
  }

  private NodeRef receiver() {
    return req.topology().receiver();
  }

  private void step(String s) {
    step = s;
    Workflow.setCurrentDetails(scenario.wireName() + " (cycle " + req.cycle() + "): " + s);
  }

  private ScenarioFailed fail(String reason) {
    return new ScenarioFailed(reason);
  }

  private String eventId(String tag) {
    return "qual-" + tag + "-" + req.runId() + "-c" + req.cycle() + "-" + Workflow.currentTimeMillis() / 1000;
  }

  private NodeActivities nodeRead(NodeRef node, String summary) {
    return Workflow.newActivityStub(NodeActivities.class, QualificationOptions.nodeRead(node.taskQueue(), summary));
  }

  private NodeActivities nodeAction(NodeRef node, String summary) {
    return Workflow.newActivityStub(NodeActivities.class, QualificationOptions.nodeAction(node.taskQueue(), summary));
  }

  private EmitResult emit(String group, String subject, String id, long ttl) {
    step("emit " + id);
    return nodeAction(sender(), "emit " + id + " ttl " + ttl + "s").emit(new EmitRequest(group, EVENT_TYPE, subject, id, ttl));
  }

  private DoctorReport doctor(NodeRef node, String what, boolean plan, String overlay) {
    step(what);
    return nodeRead(node, what + " on " + node.name()).doctor(new DoctorRequest(plan, overlay));
  }

  private List<DeliveryRow> deliveries(String group, String id) {
    return nodeRead(sender(), "deliveries of " + id).deliveries(new DeliveryQuery(group, id));
  }

  private List<SummaryRow> summary(String group) {
    return nodeRead(sender(), "delivery summary " + group).deliverySummary(group);
  }

  private StoredEvent readEvent(NodeRef node, String id) {
    step("read " + id + " on " + node.name());
    return nodeRead(node, "read " + id).readEvent(id);
  }

  private List<SubscriptionRunRow> runs(String sub, String id) {
    return nodeRead(receiver(), "subscription runs of " + id).subscriptionRuns(new SubscriptionRunQuery(sub, List.of(id)));
  }

  private RuntimeRestart restartRuntime(NodeRef node) {
    Fault f = register("restart", node);
    step("restart eventd on " + node.name());
    f.applied = true;
    RuntimeRestart r = Workflow.newActivityStub(NodeActivities.class,
            QualificationOptions.nodeRestart(node.taskQueue(), "restart eventd on " + node.name()))
        .restartRuntime(new FaultRequest(f.tag));
    // A restart needs no undo; the runtime being active again is its verification.
    f.rollbackRan = true;
    f.rollbackVerified = r.active() && r.pidAfter() != 0;
    f.detail = "pid " + r.pidBefore() + " -> " + r.pidAfter() + (r.active() ? ", active" : ", NOT active");
    return r;
  }

  /** Whether a delivered row for the receiver exists (with at least the given peer-side expiry). */
  private boolean deliveredTo(List<DeliveryRow> rows, long minExpiresAt) {
    for (DeliveryRow r : rows) {
      if (r.peer().equals(receiver().name()) && "delivered".equals(r.status())
          && r.eventExpiresAtEpochSeconds() >= minExpiresAt) {
        return true;
      }
    }
    return false;
  }

  private boolean waitDelivered(String group, String id, int timeoutSeconds, long minExpiresAt) {
    List<DeliveryRow> rows = pollUntil("wait for delivery of " + id, () -> deliveries(group, id),
        r -> deliveredTo(r, minExpiresAt), timeoutSeconds);
    return deliveredTo(rows, minExpiresAt);
  }

  private DoctorReport pollDoctor(String what, Predicate<DoctorReport> ok, int timeoutSeconds) {
    return pollUntil(what, () -> nodeRead(sender(), what).doctor(new DoctorRequest(false, "")), ok, timeoutSeconds);
  }

  private <T> T pollUntil(String what, Supplier<T> fetch, Predicate<T> ok, int timeoutSeconds) {
    step(what);
    long until = Workflow.currentTimeMillis() + timeoutSeconds * 1000L;
    while (true) {
      T v = fetch.get();
      if (ok.test(v) || Workflow.currentTimeMillis() >= until) {
        return v;
      }
      Workflow.sleep(Duration.ofSeconds(req.timings().pollSeconds()));
    }
  }

  private static boolean hasFaultCheck(DoctorReport d) {
    return d.checks().stream().anyMatch(c -> FAULT_CODES.contains(c.code())
        && (c.status().equals("warn") || c.status().equals("fail")));
  }

  private static boolean hasGroupFault(DoctorReport d, String group) {
    return d.checks().stream().anyMatch(c -> c.name().startsWith(group + "/")
        && FAULT_CODES.contains(c.code()) && (c.status().equals("warn") || c.status().equals("fail")));
  }

  private static SloGroup sloGroup(DoctorReport d, String group) {
    return d.sloGroups().stream().filter(g -> g.group().equals(group)).findFirst().orElse(null);
  }

  private static List<SloViolation> violations(DoctorReport d, String group) {
    SloGroup g = sloGroup(d, group);
    return g == null ? List.of() : g.violations();
  }

  private static String failingChecks(DoctorReport d) {
    List<String> names = new ArrayList<>();
    for (DoctorCheck c : d.checks()) {
      if (c.status().equals("fail")) {
        names.add(c.name());
      }
    }
    return String.join(", ", names);
  }

  private static long staleTtl(List<SummaryRow> rows) {
    long n = 0;
    for (SummaryRow r : rows) {
      n += r.staleTTL();
    }
    return n;
  }

  static String iso(long millis) {
    return ScenarioWorkflowImpl.iso(millis);
  }
}
