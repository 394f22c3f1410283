package dev.cloudedge.workflows.qualification;

import static dev.cloudedge.workflows.qualification.ScenarioContext.fail;

import dev.cloudedge.workflows.qualification.NodeActivities.ConfigFacts;
import dev.cloudedge.workflows.qualification.NodeActivities.DeliveryRow;
import dev.cloudedge.workflows.qualification.NodeActivities.DoctorReport;
import dev.cloudedge.workflows.qualification.NodeActivities.MetricsSnapshot;
import dev.cloudedge.workflows.qualification.NodeActivities.PushReply;
import dev.cloudedge.workflows.qualification.NodeActivities.PushStoredRequest;
import dev.cloudedge.workflows.qualification.NodeActivities.SloGroup;
import io.temporal.failure.ActivityFailure;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * healthy: an event reaches the receiver, the receiver's own event reaches the sender (the nodes
 * peer both ways), neither node pushes a received event onward or back, a re-push of a delivered
 * event is answered {@code duplicate} and stored once, the doctor and the SLO are clean, the plan
 * is empty, and the metrics count the delivery with allowed labels only.
 */
final class HealthyScenario extends ScenarioScript.WithEvidence<HealthyScenario.Evidence> {
  private static final Set<String> BANNED_LABELS = Set.of("event_id", "subject", "address", "endpoint", "dedupe_key",
      "error_message", "raw_error", "token", "secret", "credential");

  /** Evidence of {@code healthy}. */
  public static final class Evidence implements ScenarioDetails {
    public DoctorReport doctorBefore;
    public String testedEventId;
    public List<DeliveryRow> deliveries;
    public String returnEventId;
    public List<DeliveryRow> receiverRowsOfReceivedEvent;
    public List<DeliveryRow> senderRowsOfReceivedEvent;
    public String noOnwardPush;
    public PushReply repush;
    public Long duplicateDelta;
    public Long receiverEventsBeforeRepush;
    public Long receiverEventsAfterRepush;
    public DoctorReport doctorAfter;
    public DoctorReport remediationPlan;
    public String remediationPlanDigest;
    public Boolean diffStable;
    public List<String> metricsSkipped;
    public MetricsSnapshot senderMetrics;
    public MetricsSnapshot receiverMetrics;
    public String cardinalityCheck;
  }

  HealthyScenario() {
    super(new Evidence());
  }

  @Override
  public void run(ScenarioContext ctx) {
    String a = ctx.groupA();
    NodeRef sender = ctx.sender();
    NodeRef receiver = ctx.receiver();
    DoctorReport before = ctx.doctor("doctor before");
    ev.doctorBefore = before;
    if (before.fail() > 0) {
      throw fail("precondition: the doctor before the scenario has FAIL checks: " + ScenarioContext.failingChecks(before));
    }
    ConfigFacts rf = ctx.configFacts(receiver);
    if (!ScenarioContext.group(rf, a).peers().contains(sender.name())) {
      throw fail("topology: " + receiver.name() + " does not peer back to " + sender.name() + " in group " + a
          + ", so the run cannot show that received events are never pushed onward or back");
    }

    String id = ctx.eventId("healthy");
    ctx.emit(a, "10.99.1.1/32", id, 600);
    ev.testedEventId = id;
    ctx.requireDelivered(a, id, ctx.timings().deliveryWaitSeconds(), "delivery");
    ev.deliveries = ctx.deliveries(a, id);
    if (!ctx.readEvent(receiver, id).present()) {
      throw fail("delivery: " + id + " is marked delivered but not in " + receiver.name() + "'s store");
    }

    String back = ctx.eventId("healthy-back");
    ctx.emit(receiver, a, "10.99.1.2/32", back, 600);
    ev.returnEventId = back;
    List<DeliveryRow> backRows = ctx.pollUntil("wait for delivery of " + back + " to " + sender.name(),
        () -> ctx.deliveries(receiver, a, back),
        rows -> ScenarioContext.rowFor(rows, sender.name()).filter(r -> r.status().equals("delivered")).isPresent(),
        ctx.timings().deliveryWaitSeconds());
    if (ScenarioContext.rowFor(backRows, sender.name()).filter(r -> r.status().equals("delivered")).isEmpty()) {
      throw fail("delivery back: " + receiver.name() + "'s own event " + back + " not delivered to " + sender.name()
          + " (" + ScenarioContext.describe(backRows) + ")");
    }
    if (!ctx.readEvent(sender, back).present()) {
      throw fail("delivery back: " + back + " is marked delivered but not in " + sender.name() + "'s store");
    }
    // A push of received events would come from a later outbox pass: give both nodes two passes.
    long pass = Math.max(ctx.configFacts(sender).push().pushIntervalMillis(), rf.push().pushIntervalMillis());
    ctx.step("wait two outbox passes");
    Workflow.sleep(Duration.ofMillis(2 * pass + 1000));
    List<DeliveryRow> onward = ctx.deliveries(receiver, a, id);
    ev.receiverRowsOfReceivedEvent = onward;
    if (!onward.isEmpty()) {
      throw fail("no onward push: " + receiver.name() + " has delivery rows for " + id + ", an event it received from "
          + sender.name() + " (" + ScenarioContext.describe(onward) + ")");
    }
    List<DeliveryRow> pushedBack = ctx.deliveries(sender, a, back);
    ev.senderRowsOfReceivedEvent = pushedBack;
    if (!pushedBack.isEmpty()) {
      throw fail("no push back: " + sender.name() + " has delivery rows for " + back + ", an event it received from "
          + receiver.name() + " (" + ScenarioContext.describe(pushedBack) + ")");
    }
    ev.noOnwardPush = "pass";

    List<String> skipped = new ArrayList<>();
    MetricsSnapshot rmBefore = metrics(ctx, receiver, skipped);
    long countBefore = ctx.read(receiver, "count events").countEvents(a);
    ctx.step("re-push " + id);
    PushReply again = ctx.act(sender, "re-push " + id).pushStored(new PushStoredRequest(a, id, ctx.req.topology().receiverEndpoint()));
    ev.repush = again;
    if (!again.status().equals("200") || !again.accepted() || !again.duplicate()) {
      throw fail("duplicate: the re-push of delivered " + id + " was answered " + again.status() + " accepted="
          + again.accepted() + " duplicate=" + again.duplicate() + " (want 200, duplicate=true)");
    }
    long countAfter = ctx.read(receiver, "count events").countEvents(a);
    ev.receiverEventsBeforeRepush = countBefore;
    ev.receiverEventsAfterRepush = countAfter;
    if (countAfter != countBefore) {
      throw fail("duplicate: the re-push changed " + receiver.name() + "'s event count " + countBefore + " -> " + countAfter);
    }
    MetricsSnapshot rmAfter = metrics(ctx, receiver, skipped);
    if (rmBefore != null && rmAfter != null) {
      long delta = ScenarioContext.total(rmAfter, ScenarioContext.DUPLICATE_TOTAL)
          - ScenarioContext.total(rmBefore, ScenarioContext.DUPLICATE_TOTAL);
      ev.duplicateDelta = delta;
      if (delta < 1) {
        throw fail("duplicate: " + ScenarioContext.DUPLICATE_TOTAL + " did not rise on the re-push (delta " + delta + ")");
      }
    }

    DoctorReport after = ctx.doctor("doctor after");
    ev.doctorAfter = after;
    if (after.fail() > 0) {
      throw fail("doctor: FAIL checks after a healthy delivery: " + ScenarioContext.failingChecks(after));
    }
    SloGroup ga = ScenarioContext.sloGroup(after, a).orElseThrow(() -> fail("SLO: group " + a + " missing from slo.groups"));
    if (!ga.violations().isEmpty()) {
      throw fail("SLO: group " + a + " has " + ga.violations().size() + " violations after a healthy delivery");
    }
    NodeActivities.PlanStability plan = ctx.planStable(sender, "remediation plan", "", 4, 0);
    ev.remediationPlan = plan.report();
    ev.remediationPlanDigest = plan.report().planDigest();
    if (!plan.report().actions().isEmpty()) {
      throw fail("remediation: a healthy node's plan has " + plan.report().actions().size() + " actions (want none)");
    }
    ev.diffStable = true;

    MetricsSnapshot sm = metrics(ctx, sender, skipped);
    if (sm != null && rmAfter != null) {
      ev.senderMetrics = sm;
      ev.receiverMetrics = rmAfter;
      List<String> banned = new ArrayList<>();
      for (String l : concat(sm.labelNames(), rmAfter.labelNames())) {
        if (BANNED_LABELS.contains(l.toLowerCase(Locale.ROOT)) && !banned.contains(l)) {
          banned.add(l);
        }
      }
      if (!banned.isEmpty()) {
        throw fail("metrics: labels not allowed: " + String.join(", ", banned));
      }
      ev.cardinalityCheck = "pass";
      long delivered = ScenarioContext.total(sm, ScenarioContext.DELIVERY_TOTAL);
      long accepted = ScenarioContext.total(rmAfter, ScenarioContext.ACCEPTED_TOTAL);
      if (delivered < 1 || accepted < 1) {
        throw fail("metrics: no delivery counted (" + ScenarioContext.DELIVERY_TOTAL + "=" + delivered + ", "
            + ScenarioContext.ACCEPTED_TOTAL + "=" + accepted + ")");
      }
    }
    if (!skipped.isEmpty()) {
      ev.metricsSkipped = skipped;
      ctx.skip("metrics unavailable (--allow-skip): " + String.join("; ", skipped));
    }
  }

  /** The node's metrics; with {@code --allow-skip}, {@code null} and a note when they cannot be read. */
  private static MetricsSnapshot metrics(ScenarioContext ctx, NodeRef node, List<String> skipped) {
    try {
      return ctx.metrics(node);
    } catch (ActivityFailure e) {
      if (!ctx.req.allowSkip()) {
        throw fail("metrics: cannot read the metrics of " + node.name() + ": " + ScenarioWorkflowImpl.reasonOf(e));
      }
      skipped.add(node.name() + ": " + ScenarioWorkflowImpl.reasonOf(e));
      return null;
    }
  }

  private static List<String> concat(List<String> a, List<String> b) {
    List<String> out = new ArrayList<>(a);
    out.addAll(b);
    return out;
  }
}
