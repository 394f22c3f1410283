package dev.cloudedge.workflows.qualification;

import static dev.cloudedge.workflows.qualification.ScenarioContext.fail;

import dev.cloudedge.workflows.qualification.NodeActivities.DeliveryRow;
import dev.cloudedge.workflows.qualification.NodeActivities.DoctorReport;
import dev.cloudedge.workflows.qualification.NodeActivities.PlanStability;
import dev.cloudedge.workflows.qualification.NodeActivities.PushPolicy;
import io.temporal.workflow.Workflow;
import java.util.List;

/**
 * partition: with the receiver cut off, the delivery row fails; the doctor then reports the
 * failed-delivery check of this peer as FAIL (what an SLO of zero failed deliveries demands) and
 * the SLO names the violation; the plan proposes retrying it and is diff-stable over shuffled
 * inputs; after the restore the outbox delivers the same row by its own retry, within a bound
 * derived from the sender's push interval and backoff, with no new emit and no manual trigger.
 */
final class PartitionScenario extends ScenarioScript.WithEvidence<PartitionScenario.Evidence> {
  /** Plans compared for diff-stability (one in the input's own order, the rest shuffled). */
  static final int SHUFFLES = 12;

  /** Evidence of {@code partition}. */
  public static final class Evidence implements ScenarioDetails {
    public DoctorReport doctorBefore;
    public String testedEventId;
    public DeliveryRow failedRow;
    public DoctorReport doctorDuring;
    public String faultCheck;
    public DoctorReport remediationDuring;
    public String remediationPlanDigest;
    public List<String> planDigests;
    public List<String> combinedPlanOrder;
    public List<String> combinedPlanDigests;
    public Boolean diffStable;
    public Long recoveryBoundSeconds;
    public DeliveryRow recoveredRow;
    public Long recoveryDurationSeconds;
    public String recoveredBy;
    public DoctorReport doctorAfter;
  }

  PartitionScenario() {
    super(new Evidence());
  }

  @Override
  public void run(ScenarioContext ctx) {
    String a = ctx.groupA();
    String peer = ctx.receiver().name();
    PushPolicy push = ctx.configFacts(ctx.sender()).push();
    ev.doctorBefore = ctx.doctor("doctor before");
    ScenarioContext.Fault cut = ctx.applyPartition();
    String id = ctx.eventId("partition");
    ctx.emit(a, "10.99.2.1/32", id, 600);
    ev.testedEventId = id;

    DeliveryRow failed = waitFailed(ctx, a, id, "fault");
    ev.failedRow = failed;
    DoctorReport during = ctx.doctor("doctor during the partition");
    ev.doctorDuring = during;
    String name = a + "/" + peer + " failed deliveries";
    requireFailedCheck(during, a, name);
    ev.faultCheck = name + ": fail, SLO violation of " + a;

    PlanStability plan = ctx.planStable(ctx.sender(), "remediation plan during the partition (diff-stability)", "",
        SHUFFLES, 1);
    ev.remediationDuring = plan.report();
    ev.remediationPlanDigest = plan.report().planDigest();
    ev.planDigests = plan.digests();
    if (plan.report().actions().stream().noneMatch(x -> x.action().equals("retry-failed-deliveries")
        && a.equals(x.targetGroup()) && peer.equals(x.targetPeer()))) {
      throw fail("remediation: the plan during the partition has no retry-failed-deliveries for " + a + "/" + peer);
    }

    // With a second fault in the doctor's view (a peer without endpoint), the plan has actions of two
    // types, so its order is part of what must be stable.
    PlanStability combined = ctx.planStable(ctx.sender(), "plan with the partition and a peer without endpoint"
        + " (diff-stability)", ConfigFaultScenario.overlay(a), SHUFFLES, 2);
    ev.combinedPlanOrder = combined.orders().get(0);
    ev.combinedPlanDigests = combined.digests();
    ev.diffStable = true;

    DeliveryRow atRestore = ScenarioContext.rowFor(ctx.deliveries(a, id), peer).orElse(failed);
    long restoredAt = Workflow.currentTimeMillis();
    ctx.restore(cut);
    long bound = recoveryBoundSeconds(push, ctx.timings());
    ev.recoveryBoundSeconds = bound;
    int wait = (int) Math.min(bound, ctx.remainingSeconds());
    // No emit and no trigger from here on: only the outbox's own retry can deliver the row.
    List<DeliveryRow> rows = ctx.waitDelivered(a, id, wait, 0);
    if (!ctx.deliveredTo(rows, 0)) {
      throw fail("recovery: the outbox did not redeliver " + id + " within " + wait + "s of the restore (bound "
          + bound + "s from pushInterval, maxTickBackoff and the in-pass backoff; " + ScenarioContext.describe(rows) + ")");
    }
    DeliveryRow recovered = ScenarioContext.rowFor(rows, peer).orElseThrow();
    ev.recoveredRow = recovered;
    ev.recoveryDurationSeconds = (Workflow.currentTimeMillis() - restoredAt) / 1000;
    // Both times are the sender's own clock: the delivery must come from an attempt after the last
    // failed one, and nothing but the outbox attempts a push once the scenario stops emitting.
    if (recovered.deliveredAtEpochMillis() < atRestore.lastAttemptAtEpochMillis()) {
      throw fail("recovery: " + id + " is delivered, but not by an attempt after the failed one (last failed attempt at "
          + atRestore.lastAttemptAtEpochMillis() + ", delivered at " + recovered.deliveredAtEpochMillis() + ")");
    }
    ev.recoveredBy = "outbox retry: delivered " + (recovered.deliveredAtEpochMillis() - atRestore.lastAttemptAtEpochMillis())
        + " ms after the last failed attempt, no emit after the restore";
    DoctorReport after = ctx.pollDoctor("wait for a healthy doctor", d -> d.fail() == 0, ctx.timings().doctorHealthySeconds());
    ev.doctorAfter = after;
    if (after.fail() > 0) {
      throw fail("recovery: doctor not healthy after the recovery: " + ScenarioContext.failingChecks(after));
    }
  }

  /**
   * Polls until the receiver's row of {@code id} has failed; a pending row during the first push's
   * retries is not yet the fault. Fails naming {@code property} when it is delivered or never fails.
   */
  static DeliveryRow waitFailed(ScenarioContext ctx, String group, String id, String property) {
    String peer = ctx.receiver().name();
    List<DeliveryRow> rows = ctx.pollUntil("wait for the delivery row of " + id + " to fail",
        () -> ctx.deliveries(group, id),
        r -> ScenarioContext.rowFor(r, peer).filter(x -> !x.status().equals("pending")).isPresent(),
        ctx.timings().faultObserveSeconds());
    if (ctx.deliveredTo(rows, 0)) {
      throw fail("partition ineffective: " + id + " was delivered to " + peer + " while the partition was applied");
    }
    return ScenarioContext.rowFor(rows, peer).filter(x -> x.status().equals("failed")).orElseThrow(() ->
        fail(property + ": the delivery row of " + id + " did not fail within " + ctx.timings().faultObserveSeconds()
            + "s of the partition (" + ScenarioContext.describe(rows) + ")"));
  }

  /** The doctor must report {@code name} as FAIL and the group's SLO must list it as a FAIL violation. */
  static void requireFailedCheck(DoctorReport d, String group, String name) {
    String status = ScenarioContext.check(d, "failed-deliveries", name).map(NodeActivities.DoctorCheck::status).orElse("absent");
    if (!status.equals("fail")) {
      throw fail("doctor: check '" + name + "' (failed-deliveries) is " + status
          + " while the row has failed; the SLO (failedDeliveryCount=0) demands fail");
    }
    boolean violation = ScenarioContext.sloGroup(d, group).map(g -> g.violations().stream()
        .anyMatch(v -> v.check().equals(name) && v.severity().equals("fail"))).orElse(false);
    if (!violation) {
      throw fail("SLO: group " + group + "'s SLO lists no fail violation '" + name + "' while the row has failed");
    }
  }

  /**
   * How long the outbox may take to retry a failed row after the peer is back: the next pass comes
   * within one push interval, a backed-off pair waits at most maxTickBackoff, and the pass itself
   * takes up to maxAttempts × maxBackoff; plus two polls and 5 s of slack.
   */
  static long recoveryBoundSeconds(PushPolicy p, ScenarioTimings t) {
    long ms = p.pushIntervalMillis() + p.maxTickBackoffMillis() + p.maxAttempts() * p.maxBackoffMillis();
    return (ms + 999) / 1000 + 2L * t.pollSeconds() + 5;
  }
}
