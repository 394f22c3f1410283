package dev.cloudedge.workflows.qualification;

import static dev.cloudedge.workflows.qualification.ScenarioContext.fail;

import dev.cloudedge.workflows.qualification.NodeActivities.ConfigFacts;
import dev.cloudedge.workflows.qualification.NodeActivities.DoctorReport;
import dev.cloudedge.workflows.qualification.NodeActivities.GroupFacts;
import dev.cloudedge.workflows.qualification.NodeActivities.PlanAction;
import dev.cloudedge.workflows.qualification.NodeActivities.PushPolicy;
import dev.cloudedge.workflows.qualification.NodeActivities.SloGroup;
import dev.cloudedge.workflows.qualification.NodeActivities.SloViolation;
import dev.cloudedge.workflows.qualification.NodeActivities.SummaryRow;
import java.util.List;

/**
 * multi-group: both groups carry traffic, A is cut off while B stays healthy, and B is judged by
 * its own SLO with its own rows: B's event has a remaining TTL between the two groups'
 * {@code expiresSoonSeconds}, so B's thresholds and A's give different expiry verdicts, and A's
 * failed row would show in B if B were computed from A's rows.
 */
final class MultiGroupScenario extends ScenarioScript.WithEvidence<MultiGroupScenario.Evidence> {
  /** Evidence of {@code multi-group}. */
  public static final class Evidence implements ScenarioDetails {
    public String groupBEventId;
    public Long groupBTtlSeconds;
    public String testedEventId;
    public DoctorReport doctorJson;
    public SummaryRow groupBRow;
    public String groupBExpiryExpected;
    public Long groupAViolations;
    public Long groupBViolations;
    public String groupCheck;
    public DoctorReport remediationPlan;
    public DoctorReport doctorAfter;
  }

  MultiGroupScenario() {
    super(new Evidence());
  }

  @Override
  public void run(ScenarioContext ctx) {
    String a = ctx.groupA();
    String b = ctx.groupB();
    String peer = ctx.receiver().name();
    if (Topology.blank(b)) {
      throw fail("topology: topology.groupB is not set (need 2 groups for the isolation test)");
    }
    ConfigFacts facts = ctx.configFacts(ctx.sender());
    GroupFacts fa = ScenarioContext.group(facts, a);
    GroupFacts fb = ScenarioContext.group(facts, b);
    PushPolicy push = facts.push();
    int lo = Math.min(fa.expiresSoonSeconds(), fb.expiresSoonSeconds());
    int hi = Math.max(fa.expiresSoonSeconds(), fb.expiresSoonSeconds());
    if (lo <= 0 || hi - lo < 20) {
      throw fail("precondition: the FederationSLOs of " + a + " and " + b + " must set expiresSoonSeconds at least 20s apart"
          + " (they say " + fa.expiresSoonSeconds() + " and " + fb.expiresSoonSeconds() + "), or B's own thresholds"
          + " cannot be told from A's");
    }
    long ttl = (lo + hi) / 2;
    // One B event per run, refreshed every cycle: no older B event of this run expires sooner.
    String bId = "qual-multi-b-" + ctx.req.runId();
    long expires = ctx.emit(b, "10.99.8.2/32", bId, ttl).expiresAtEpochSeconds();
    ev.groupBEventId = bId;
    ev.groupBTtlSeconds = ttl;
    // From the second cycle on this is a refresh: wait for the re-push, not for last cycle's row.
    int wait = ctx.timings().shortDeliveryWaitSeconds();
    if (!ctx.deliveredTo(ctx.waitDelivered(b, bId, wait, expires), expires)) {
      throw fail("traffic in " + b + ": " + bId + " (expiry " + expires + ") not delivered to " + peer + " within " + wait + "s");
    }

    ScenarioContext.Fault cut = ctx.applyPartition();
    String id = ctx.eventId("multi");
    ctx.emit(a, "10.99.8.1/32", id, 600);
    ev.testedEventId = id;
    PartitionScenario.waitFailed(ctx, a, id, "fault in " + a);
    DoctorReport doc = ctx.doctor("doctor during the group " + a + " fault");
    ev.doctorJson = doc;

    SloGroup ga = ScenarioContext.sloGroup(doc, a).orElseThrow(() -> fail("SLO: group " + a + " missing from slo.groups"));
    SloGroup gb = ScenarioContext.sloGroup(doc, b).orElseThrow(() -> fail("SLO: group " + b + " missing from slo.groups"));
    requireOwnThresholds(ga, fa);
    requireOwnThresholds(gb, fb);
    PartitionScenario.requireFailedCheck(doc, a, a + "/" + peer + " failed deliveries");
    ev.groupAViolations = (long) ga.violations().size();
    for (SloViolation v : ga.violations()) {
      if (v.check().startsWith(b + "/")) {
        throw fail("isolation: group " + a + "'s SLO lists a violation of group " + b + ": " + v.check());
      }
    }
    ev.groupBViolations = (long) gb.violations().size();
    if (!gb.violations().isEmpty()) {
      throw fail("isolation: group " + b + "'s SLO has " + gb.violations().size() + " violations during the fault in " + a
          + ": " + gb.violations().get(0).check());
    }
    String bFailed = ScenarioContext.check(doc, "failed-deliveries", b + "/" + peer + " failed deliveries")
        .map(NodeActivities.DoctorCheck::status).orElse("absent");
    if (!bFailed.equals("pass")) {
      throw fail("isolation: check '" + b + "/" + peer + " failed deliveries' is " + bFailed + " during the fault in " + a);
    }
    SummaryRow rowB = ctx.summary(b).stream().filter(r -> r.peer().equals(peer)).findFirst()
        .orElseThrow(() -> fail("traffic in " + b + ": no delivery summary row for " + peer));
    ev.groupBRow = rowB;
    String own = expiry(rowB, fb.expiresSoonSeconds());
    String foreign = expiry(rowB, fa.expiresSoonSeconds());
    if (own.equals(foreign)) {
      throw fail("precondition: " + b + "'s state (nearest expiry in " + rowB.minExpiresInSeconds()
          + "s) gives the same verdict under both groups' thresholds");
    }
    String expiryName = b + "/" + peer + " event expiry";
    String actual = ScenarioContext.check(doc, "event-expiry", expiryName).map(NodeActivities.DoctorCheck::status).orElse("absent");
    ev.groupBExpiryExpected = own;
    if (!actual.equals(own)) {
      throw fail("isolation: check '" + expiryName + "' is " + actual + "; " + b + "'s own SLO (expiresSoonSeconds="
          + fb.expiresSoonSeconds() + ") demands " + own + " for an expiry in " + rowB.minExpiresInSeconds() + "s ("
          + a + "'s thresholds would give " + foreign + ")");
    }
    ev.groupCheck = "pass: " + b + " judged by its own SLO (expiresSoonSeconds=" + fb.expiresSoonSeconds() + " -> " + own
        + ", " + a + "'s " + fa.expiresSoonSeconds() + " would give " + foreign + "), no violations from " + a;

    DoctorReport plan = ctx.doctor(ctx.sender(), "remediation plan during the group " + a + " fault", true, "");
    ev.remediationPlan = plan;
    for (PlanAction x : plan.actions()) {
      if (!Topology.blank(x.targetGroup()) && !x.targetGroup().equals(a)) {
        throw fail("isolation: remediation action " + x.action() + " targets group " + x.targetGroup()
            + " during a fault in " + a);
      }
    }
    ctx.restore(cut);
    int bound = (int) Math.min(PartitionScenario.recoveryBoundSeconds(push, ctx.timings()), ctx.remainingSeconds());
    ctx.requireDelivered(a, id, bound, "recovery of " + a);
    DoctorReport after = ctx.pollDoctor("wait for a healthy doctor", d -> d.fail() == 0, ctx.timings().doctorHealthySeconds());
    ev.doctorAfter = after;
    if (after.fail() > 0) {
      throw fail("recovery: doctor not healthy after the recovery: " + ScenarioContext.failingChecks(after));
    }
  }

  /** The expiry check's status for a healthy row (nothing failed or pending) under {@code expiresSoonSeconds}. */
  private static String expiry(SummaryRow r, int expiresSoonSeconds) {
    if (r.minExpiresInSeconds() <= 0) {
      return "skip";
    }
    return r.minExpiresInSeconds() < expiresSoonSeconds ? (r.failed() > 0 || r.pending() > 0 ? "fail" : "warn") : "pass";
  }

  private static void requireOwnThresholds(SloGroup g, GroupFacts f) {
    String want = f.lagWarnSeconds() + "/" + f.lagFailSeconds() + "/" + f.expiresSoonSeconds() + "/" + f.maxPendingRuns()
        + "/" + f.maxFailedRuns();
    String got = g.lagWarnSeconds() + "/" + g.lagFailSeconds() + "/" + g.expiresSoonSeconds() + "/" + g.maxPendingRuns()
        + "/" + g.maxFailedRuns();
    boolean same = matches(f.lagWarnSeconds(), g.lagWarnSeconds()) && matches(f.lagFailSeconds(), g.lagFailSeconds())
        && matches(f.expiresSoonSeconds(), g.expiresSoonSeconds()) && matches(f.maxPendingRuns(), g.maxPendingRuns())
        && matches(f.maxFailedRuns(), g.maxFailedRuns());
    if (f.sloDefined() && !same) {
      throw fail("isolation: group " + g.group() + " was judged with thresholds " + got + " (lagWarn/lagFail/expiresSoon/"
          + "maxPendingRuns/maxFailedRuns), its own FederationSLO says " + want);
    }
  }

  /** A threshold the SLO leaves out (0) takes the default and is not compared. */
  private static boolean matches(int configured, int used) {
    return configured <= 0 || configured == used;
  }
}
