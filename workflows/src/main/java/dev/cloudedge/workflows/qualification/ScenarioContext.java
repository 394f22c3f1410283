package dev.cloudedge.workflows.qualification;

import dev.cloudedge.workflows.qualification.NodeActivities.ConfigFacts;
import dev.cloudedge.workflows.qualification.NodeActivities.DeliveryQuery;
import dev.cloudedge.workflows.qualification.NodeActivities.DeliveryRow;
import dev.cloudedge.workflows.qualification.NodeActivities.DoctorCheck;
import dev.cloudedge.workflows.qualification.NodeActivities.DoctorReport;
import dev.cloudedge.workflows.qualification.NodeActivities.DoctorRequest;
import dev.cloudedge.workflows.qualification.NodeActivities.EmitRequest;
import dev.cloudedge.workflows.qualification.NodeActivities.EmitResult;
import dev.cloudedge.workflows.qualification.NodeActivities.FaultRequest;
import dev.cloudedge.workflows.qualification.NodeActivities.GroupFacts;
import dev.cloudedge.workflows.qualification.NodeActivities.MetricsSnapshot;
import dev.cloudedge.workflows.qualification.NodeActivities.PlanStability;
import dev.cloudedge.workflows.qualification.NodeActivities.PlanStabilityRequest;
import dev.cloudedge.workflows.qualification.NodeActivities.ProbeResult;
import dev.cloudedge.workflows.qualification.NodeActivities.RuntimeRestart;
import dev.cloudedge.workflows.qualification.NodeActivities.SloGroup;
import dev.cloudedge.workflows.qualification.NodeActivities.StoredEvent;
import dev.cloudedge.workflows.qualification.NodeActivities.SubscriptionRunQuery;
import dev.cloudedge.workflows.qualification.NodeActivities.SubscriptionRunRow;
import dev.cloudedge.workflows.qualification.NodeActivities.SummaryRow;
import io.temporal.failure.ActivityFailure;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.slf4j.Logger;

/**
 * What every scenario script shares: the request, the nodes' activities, polling within the
 * scenario's deadline, and the fault registry. A fault is registered and marked applied before the
 * activity that applies it runs (it may take effect even when the activity times out), and {@link
 * #compensateAll()} rolls back and verifies every applied fault, newest first.
 */
final class ScenarioContext {
  private static final Logger log = Workflow.getLogger(ScenarioContext.class);
  static final String EVENT_TYPE = "routerd.client.ipv4.observed";
  static final String DELIVERY_TOTAL = "routerd_eventd_outbox_delivery_total";
  static final String ACCEPTED_TOTAL = "routerd_eventd_receiver_accepted_total";
  static final String DUPLICATE_TOTAL = "routerd_eventd_receiver_duplicate_total";
  static final String REJECT_TOTAL = "routerd_eventd_receiver_reject_total";

  final ScenarioRequest req;
  final Scenario scenario;
  final long startedMillis;
  final long deadlineAtMillis;
  final List<Fault> faults = new ArrayList<>();
  final List<String> skips = new ArrayList<>();
  String step = "starting";

  /** A registered fault; mutable workflow state so queries and compensation see its progress. */
  static final class Fault {
    final String kind;
    final NodeRef node;
    final String tag;
    boolean applied;
    boolean rollbackRan;
    boolean rollbackVerified;
    String detail = "";
    long instanceBefore;
    long instanceAfter;

    Fault(String kind, NodeRef node, String tag) {
      this.kind = kind;
      this.node = node;
      this.tag = tag;
    }

    FaultRecord record() {
      return new FaultRecord(kind, node.name(), applied, rollbackRan, rollbackVerified, detail);
    }
  }

  ScenarioContext(ScenarioRequest req, Scenario scenario, long startedMillis) {
    this.req = req;
    this.scenario = scenario;
    this.startedMillis = startedMillis;
    this.deadlineAtMillis = startedMillis + req.durationSeconds() * 1000L;
  }

  // ---------------------------------------------------------------- topology

  NodeRef sender() {
    return req.topology().sender();
  }

  NodeRef receiver() {
    return req.topology().receiver();
  }

  String groupA() {
    return req.topology().groupA();
  }

  String groupB() {
    return req.topology().groupB();
  }

  ScenarioTimings timings() {
    return req.timings();
  }

  void step(String s) {
    step = s;
    Workflow.setCurrentDetails(scenario.wireName() + " (cycle " + req.cycle() + "): " + s);
  }

  /** Notes a check that could not run (with {@code --allow-skip}): the scenario ends {@code skip}, not {@code pass}. */
  void skip(String reason) {
    skips.add(reason);
  }

  static ScenarioFailed fail(String reason) {
    return new ScenarioFailed(reason);
  }

  /** A fresh event id; unique per run, cycle, tag and second. */
  String eventId(String tag) {
    return "qual-" + tag + "-" + req.runId() + "-c" + req.cycle() + "-" + Workflow.currentTimeMillis() / 1000;
  }

  /** Whole seconds left before the scenario's deadline, at least 1. */
  int remainingSeconds() {
    return (int) Math.max(1, (deadlineAtMillis - Workflow.currentTimeMillis()) / 1000);
  }

  // ---------------------------------------------------------------- node calls

  NodeActivities read(NodeRef node, String summary) {
    return Workflow.newActivityStub(NodeActivities.class, QualificationOptions.nodeRead(node.taskQueue(), summary));
  }

  NodeActivities act(NodeRef node, String summary) {
    return Workflow.newActivityStub(NodeActivities.class, QualificationOptions.nodeAction(node.taskQueue(), summary));
  }

  EmitResult emit(NodeRef node, String group, String subject, String id, long ttl) {
    step("emit " + id + " on " + node.name());
    return act(node, "emit " + id + " ttl " + ttl + "s on " + node.name())
        .emit(new EmitRequest(group, EVENT_TYPE, subject, id, ttl));
  }

  EmitResult emit(String group, String subject, String id, long ttl) {
    return emit(sender(), group, subject, id, ttl);
  }

  DoctorReport doctor(NodeRef node, String what, boolean plan, String overlay) {
    step(what);
    return read(node, what + " on " + node.name()).doctor(new DoctorRequest(plan, overlay));
  }

  DoctorReport doctor(String what) {
    return doctor(sender(), what, false, "");
  }

  List<DeliveryRow> deliveries(NodeRef node, String group, String id) {
    return read(node, "deliveries of " + id + " on " + node.name()).deliveries(new DeliveryQuery(group, id));
  }

  List<DeliveryRow> deliveries(String group, String id) {
    return deliveries(sender(), group, id);
  }

  List<SummaryRow> summary(String group) {
    return read(sender(), "delivery summary " + group).deliverySummary(group);
  }

  StoredEvent readEvent(NodeRef node, String id) {
    step("read " + id + " on " + node.name());
    return read(node, "read " + id + " on " + node.name()).readEvent(id);
  }

  List<SubscriptionRunRow> runs(String sub, String id) {
    return read(receiver(), "subscription runs of " + id).subscriptionRuns(new SubscriptionRunQuery(sub, List.of(id)));
  }

  MetricsSnapshot metrics(NodeRef node) {
    return read(node, "metrics of " + node.name()).metrics();
  }

  ConfigFacts configFacts(NodeRef node) {
    step("read the config facts of " + node.name());
    return read(node, "config facts of " + node.name()).configFacts();
  }

  /**
   * Plans {@code shuffles + 1} times over one snapshot; fails unless the plan has at least {@code
   * minActions} actions (an empty plan proves nothing), is in the documented order, and every
   * shuffled input gives the same digest and the same order.
   */
  PlanStability planStable(NodeRef node, String what, String overlay, int shuffles, int minActions) {
    step(what);
    PlanStability p = read(node, what + " on " + node.name()).planStability(new PlanStabilityRequest(overlay, shuffles));
    if (p.report().actions().size() < minActions) {
      throw fail("diff-stability needs a plan with at least " + minActions + " actions, the plan has "
          + p.report().actions().size());
    }
    List<NodeActivities.PlanAction> actions = p.report().actions();
    for (int i = 1; i < actions.size(); i++) {
      if (canonical(actions.get(i - 1), actions.get(i)) > 0) {
        throw fail("remediation plan not in canonical order (action, group, peer, resource): " + p.orders().get(0));
      }
    }
    for (int i = 1; i < p.digests().size(); i++) {
      if (!p.digests().get(i).equals(p.digests().get(0)) || !p.orders().get(i).equals(p.orders().get(0))) {
        throw fail("remediation plan not diff-stable: shuffled input " + i + " gives " + p.digests().get(i) + " "
            + p.orders().get(i) + ", the input in its own order gives " + p.digests().get(0) + " " + p.orders().get(0));
      }
    }
    return p;
  }

  /** The plan's documented total order: action, group, peer, resource, each compared by code point. */
  static int canonical(NodeActivities.PlanAction x, NodeActivities.PlanAction y) {
    int c = x.action().compareTo(y.action());
    c = c != 0 ? c : x.targetGroup().compareTo(y.targetGroup());
    c = c != 0 ? c : x.targetPeer().compareTo(y.targetPeer());
    return c != 0 ? c : x.targetResource().compareTo(y.targetResource());
  }

  static long total(MetricsSnapshot m, String name) {
    Double v = m.totals().get(name);
    return v == null ? 0 : v.longValue();
  }

  // ---------------------------------------------------------------- polling

  <T> T pollUntil(String what, Supplier<T> fetch, Predicate<T> ok, int timeoutSeconds) {
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

  DoctorReport pollDoctor(String what, Predicate<DoctorReport> ok, int timeoutSeconds) {
    return pollUntil(what, () -> read(sender(), what).doctor(new DoctorRequest(false, "")), ok, timeoutSeconds);
  }

  /** The row of {@code peer} among {@code rows}, if any. */
  static Optional<DeliveryRow> rowFor(List<DeliveryRow> rows, String peer) {
    return rows.stream().filter(r -> r.peer().equals(peer)).findFirst();
  }

  /** Whether the receiver's row is delivered with at least the given peer-side expiry. */
  boolean deliveredTo(List<DeliveryRow> rows, long minExpiresAt) {
    return rowFor(rows, receiver().name())
        .filter(r -> "delivered".equals(r.status()) && r.eventExpiresAtEpochSeconds() >= minExpiresAt).isPresent();
  }

  /** Polls the sender's rows of {@code id} until the receiver's is delivered; returns the last rows read. */
  List<DeliveryRow> waitDelivered(String group, String id, int timeoutSeconds, long minExpiresAt) {
    return pollUntil("wait for delivery of " + id, () -> deliveries(group, id), r -> deliveredTo(r, minExpiresAt),
        timeoutSeconds);
  }

  void requireDelivered(String group, String id, int timeoutSeconds, String property) {
    List<DeliveryRow> rows = waitDelivered(group, id, timeoutSeconds, 0);
    if (!deliveredTo(rows, 0)) {
      throw fail(property + ": " + id + " not delivered to " + receiver().name() + " within " + timeoutSeconds + "s ("
          + describe(rows) + ")");
    }
  }

  static String describe(List<DeliveryRow> rows) {
    if (rows.isEmpty()) {
      return "no delivery row";
    }
    List<String> out = new ArrayList<>();
    for (DeliveryRow r : rows) {
      out.add(r.peer() + " " + r.status() + " after " + r.attempts() + " attempt(s)"
          + (r.lastError().isEmpty() ? "" : ": " + r.lastError()));
    }
    return String.join("; ", out);
  }

  static Optional<DoctorCheck> check(DoctorReport d, String code, String name) {
    return d.checks().stream().filter(c -> c.code().equals(code) && c.name().equals(name)).findFirst();
  }

  static Optional<SloGroup> sloGroup(DoctorReport d, String group) {
    return d.sloGroups().stream().filter(g -> g.group().equals(group)).findFirst();
  }

  static String failingChecks(DoctorReport d) {
    List<String> names = new ArrayList<>();
    for (DoctorCheck c : d.checks()) {
      if (c.status().equals("fail")) {
        names.add(c.name());
      }
    }
    return String.join(", ", names);
  }

  static GroupFacts group(ConfigFacts facts, String group) {
    return facts.groups().stream().filter(g -> g.group().equals(group)).findFirst()
        .orElseThrow(() -> fail("topology: group " + group + " is not configured on " + facts.nodeName()));
  }

  // ---------------------------------------------------------------- faults

  Fault register(String kind, NodeRef node) {
    Fault f = new Fault(kind, node, "fedqual-" + req.runId() + "-c" + req.cycle() + "-" + scenario.wireName()
        + "-" + kind + "-" + faults.size());
    faults.add(f);
    return f;
  }

  /** Registers the partition for rollback, applies it, and verifies the endpoint is unreachable. */
  Fault applyPartition() {
    Fault f = register("partition", sender());
    step("apply partition");
    f.applied = true;
    act(sender(), "apply partition " + f.tag).applyPartition(new FaultRequest(f.tag));
    ProbeResult probe = probe(read(sender(), "probe " + req.topology().receiverEndpoint()));
    if (probe.reachable()) {
      throw fail("partition apply failed or did not take effect: " + probe.detail());
    }
    return f;
  }

  /** Registers the plugin fault on the receiver, then breaks the plugin. */
  Fault breakPlugin() {
    Fault f = register("plugin", receiver());
    step("break the subscription plugin");
    f.applied = true;
    act(receiver(), "break plugin of " + req.topology().subscription()).breakPlugin(new FaultRequest(f.tag));
    return f;
  }

  /** Registers a stopped node (its rollback starts it again), then stops it. */
  Fault stopNode(NodeRef node) {
    Fault f = register("stop", node);
    step("stop eventd on " + node.name());
    f.applied = true;
    RuntimeRestart r = Workflow.newActivityStub(NodeActivities.class,
            QualificationOptions.nodeRestart(node.taskQueue(), "stop eventd on " + node.name()))
        .stopRuntime(new FaultRequest(f.tag));
    f.instanceBefore = r.pidBefore();
    f.detail = "stopped instance " + r.pidBefore();
    if (r.active()) {
      throw fail(node.name() + " eventd still active after stop");
    }
    return f;
  }

  /** A restart in one step: it needs no undo, the runtime being active again is its verification. */
  RuntimeRestart restart(NodeRef node) {
    Fault f = register("restart", node);
    step("restart eventd on " + node.name());
    f.applied = true;
    RuntimeRestart r = Workflow.newActivityStub(NodeActivities.class,
            QualificationOptions.nodeRestart(node.taskQueue(), "restart eventd on " + node.name()))
        .restartRuntime(new FaultRequest(f.tag));
    f.rollbackRan = true;
    f.rollbackVerified = r.active() && r.pidAfter() != 0;
    f.detail = "pid " + r.pidBefore() + " -> " + r.pidAfter() + (r.active() ? ", active" : ", NOT active");
    return r;
  }

  private ProbeResult probe(NodeActivities a) {
    return a.probeEndpoint(req.topology().receiverEndpoint());
  }

  /** Rolls back a fault and verifies it, repeating while verification fails, within bounds. */
  void rollback(Fault f) {
    if (!f.applied || f.rollbackVerified) {
      return;
    }
    step("roll back " + f.kind + " on " + f.node.name());
    NodeActivities restore = Workflow.newActivityStub(NodeActivities.class,
        QualificationOptions.nodeRestore(f.node.taskQueue(), "restore " + f.kind + " " + f.tag));
    int rounds = Math.max(1, req.timings().restoreVerifySeconds() / Math.max(1, req.timings().pollSeconds()));
    for (int i = 0; i < rounds && !f.rollbackVerified; i++) {
      switch (f.kind) {
        case "partition" -> {
          restore.restorePartition(new FaultRequest(f.tag));
          f.rollbackRan = true;
          ProbeResult p = probe(restore);
          f.rollbackVerified = p.reachable();
          f.detail = "endpoint " + (p.reachable() ? "reachable" : "unreachable") + ": " + p.detail();
        }
        case "plugin" -> {
          restore.restorePlugin(new FaultRequest(f.tag));
          f.rollbackRan = true;
          f.rollbackVerified = restore.pluginHealthy(req.topology().subscription());
          f.detail = f.rollbackVerified ? "plugin runnable" : "plugin still not runnable";
        }
        case "stop" -> {
          RuntimeRestart r = restore.startRuntime(new FaultRequest(f.tag));
          f.rollbackRan = true;
          f.rollbackVerified = r.active() && r.pidAfter() != 0;
          f.instanceAfter = r.pidAfter();
          f.detail = f.detail + ", started instance " + r.pidAfter() + (r.active() ? ", active" : ", NOT active");
        }
        default -> throw new IllegalStateException("no rollback for fault kind " + f.kind);
      }
      if (!f.rollbackVerified) {
        Workflow.sleep(Duration.ofSeconds(req.timings().pollSeconds()));
      }
    }
  }

  /** Rolls back {@code f} and fails the scenario unless the rollback was verified. */
  void restore(Fault f) {
    rollback(f);
    if (!f.rollbackVerified) {
      throw fail(f.kind + " rollback on " + f.node.name() + " not verified: " + f.detail);
    }
  }

  void compensateAll() {
    for (int i = faults.size() - 1; i >= 0; i--) {
      Fault f = faults.get(i);
      try {
        rollback(f);
      } catch (ActivityFailure e) {
        f.detail = "rollback failed: " + ScenarioWorkflowImpl.reasonOf(e);
        log.warn("rollback of {} failed: {}", f.tag, f.detail);
      }
    }
  }

  List<FaultRecord> faultRecords() {
    List<FaultRecord> out = new ArrayList<>();
    for (Fault f : faults) {
      out.add(f.record());
    }
    return out;
  }
}
