package dev.cloudedge.workflows.qualification;

import static dev.cloudedge.workflows.qualification.ScenarioContext.fail;

import dev.cloudedge.workflows.qualification.NodeActivities.DoctorReport;
import dev.cloudedge.workflows.qualification.NodeActivities.PlanStability;

/**
 * config-fault: a peer without endpoint, added to the doctor's view only (the config file is never
 * touched), is reported as a FAIL {@code expected-delivery-no-endpoint} check of that peer, and the
 * plan asks an operator to configure its endpoint (unsafe, approval required), diff-stably.
 */
final class ConfigFaultScenario extends ScenarioScript.WithEvidence<ConfigFaultScenario.Evidence> {
  static final String NONEXISTENT_PEER = "fedqual-nonexistent-node";

  /** A peer of {@code group} without endpoint, for the doctor's view only. */
  static String overlay(String group) {
    return "apiVersion: federation.routerd.net/v1alpha1\n"
        + "kind: EventPeer\n"
        + "metadata:\n  name: " + NONEXISTENT_PEER + "\n"
        + "spec:\n  groupRef: " + group + "\n  nodeName: " + NONEXISTENT_PEER + "\n";
  }

  /** Evidence of {@code config-fault}. */
  public static final class Evidence implements ScenarioDetails {
    public String testedEventId;
    public String originalConfigDigest;
    public DoctorReport faultDoctor;
    public String foundCheck;
    public DoctorReport faultRemediation;
    public String remediationPlanDigest;
    public Boolean diffStable;
    public String expectedAction;
    public String currentConfigDigest;
  }

  ConfigFaultScenario() {
    super(new Evidence());
  }

  @Override
  public void run(ScenarioContext ctx) {
    String a = ctx.groupA();
    // Our own active event, so the doctor evaluates the expected peers (reference §6.30).
    String seed = ctx.eventId("config");
    ctx.emit(a, "10.99.7.1/32", seed, 600);
    ev.testedEventId = seed;
    ctx.requireDelivered(a, seed, ctx.timings().shortDeliveryWaitSeconds(), "precondition: seed event");
    String original = ctx.read(ctx.sender(), "digest sender config").digestConfig();
    if (!Topology.blank(ctx.req.senderConfigDigest()) && !original.equals(ctx.req.senderConfigDigest())) {
      throw fail("provenance: sender config digest " + original + " differs from provenance " + ctx.req.senderConfigDigest());
    }
    ev.originalConfigDigest = original;
    String overlay = overlay(a);
    DoctorReport doc = ctx.doctor(ctx.sender(), "doctor with an in-memory peer without endpoint", false, overlay);
    ev.faultDoctor = doc;
    String name = a + "/" + NONEXISTENT_PEER + " expected delivery";
    String status = ScenarioContext.check(doc, "expected-delivery-no-endpoint", name)
        .map(NodeActivities.DoctorCheck::status).orElse("absent");
    if (!status.equals("fail")) {
      throw fail("doctor: check expected-delivery-no-endpoint '" + name + "' is " + status + " (want fail)");
    }
    ev.foundCheck = name + ": fail";
    PlanStability plan = ctx.planStable(ctx.sender(), "remediation plan with the overlay (diff-stability)", overlay,
        PartitionScenario.SHUFFLES, 1);
    ev.faultRemediation = plan.report();
    ev.remediationPlanDigest = plan.report().planDigest();
    ev.diffStable = true;
    boolean action = plan.report().actions().stream().anyMatch(x -> x.action().equals("configure-peer-endpoint")
        && NONEXISTENT_PEER.equals(x.targetPeer()) && a.equals(x.targetGroup()) && !x.safe() && x.requiresOperatorApproval());
    if (!action) {
      throw fail("remediation: the plan lacks configure-peer-endpoint for " + NONEXISTENT_PEER + " in " + a
          + " with safe=false, requiresOperatorApproval=true");
    }
    ev.expectedAction = "configure-peer-endpoint " + a + "/" + NONEXISTENT_PEER;
    String current = ctx.read(ctx.sender(), "digest sender config again").digestConfig();
    ev.currentConfigDigest = current;
    if (!current.equals(original)) {
      throw fail("read-only: the sender's config digest changed during the test");
    }
  }
}
