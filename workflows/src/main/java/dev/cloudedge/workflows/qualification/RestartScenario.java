package dev.cloudedge.workflows.qualification;

import static dev.cloudedge.workflows.qualification.ScenarioContext.fail;

import dev.cloudedge.workflows.qualification.NodeActivities.DeliveryRow;
import dev.cloudedge.workflows.qualification.NodeActivities.DoctorReport;
import dev.cloudedge.workflows.qualification.NodeActivities.EmitRequest;
import dev.cloudedge.workflows.qualification.NodeActivities.RuntimeRestart;
import java.util.List;

/**
 * restart: a delivery that was still pending and never attempted when the sender went down is
 * delivered by the restarted sender (the row's attempts and the new instance's delivery counter
 * say who did it), and the receiver accepts deliveries again after its own restart.
 */
final class RestartScenario extends ScenarioScript.WithEvidence<RestartScenario.Evidence> {
  /** Evidence of {@code restart}. */
  public static final class Evidence implements ScenarioDetails {
    public DoctorReport doctorBefore;
    public Long senderPidBefore;
    public String pendingEventId;
    public DeliveryRow rowWhileDown;
    public Long senderPidAfter;
    public DeliveryRow rowAfterRestart;
    public Long restartedSenderDeliveries;
    public String deliveredBy;
    public Long receiverPidBefore;
    public Long receiverPidAfter;
    public String testedEventId;
    public DoctorReport doctorAfter;
  }

  RestartScenario() {
    super(new Evidence());
  }

  @Override
  public void run(ScenarioContext ctx) {
    String a = ctx.groupA();
    NodeRef sender = ctx.sender();
    String peer = ctx.receiver().name();
    ev.doctorBefore = ctx.doctor("doctor before");

    ScenarioContext.Fault down = ctx.stopNode(sender);
    ev.senderPidBefore = down.instanceBefore;
    String pendingId = ctx.eventId("restart-p");
    ctx.step("record " + pendingId + " while " + sender.name() + " is down");
    List<DeliveryRow> atCrash = ctx.act(sender, "record " + pendingId + " while eventd is down")
        .recordWhileStopped(new EmitRequest(a, ScenarioContext.EVENT_TYPE, "10.99.4.3/32", pendingId, 600));
    ev.pendingEventId = pendingId;
    DeliveryRow row = ScenarioContext.rowFor(atCrash, peer).orElseThrow(() ->
        fail("precondition: recording " + pendingId + " left no delivery row for " + peer));
    if (!row.status().equals("pending") || row.attempts() != 0) {
      throw fail("precondition: the row of " + pendingId + " is " + row.status() + " after " + row.attempts()
          + " attempts while the sender is down (want pending, never attempted)");
    }
    ev.rowWhileDown = row;
    ctx.restore(down);
    ev.senderPidAfter = down.instanceAfter;
    if (down.instanceAfter == 0 || down.instanceAfter == down.instanceBefore) {
      throw fail("restart: the sender's instance did not change (" + down.instanceBefore + " -> " + down.instanceAfter + ")");
    }
    List<DeliveryRow> rows = ctx.waitDelivered(a, pendingId, ctx.timings().deliveryWaitSeconds(), 0);
    if (!ctx.deliveredTo(rows, 0)) {
      throw fail("resume: the delivery of " + pendingId + ", pending and never attempted when the sender went down, was"
          + " not delivered by the restarted sender within " + ctx.timings().deliveryWaitSeconds() + "s ("
          + ScenarioContext.describe(rows) + ")");
    }
    DeliveryRow after = ScenarioContext.rowFor(rows, peer).orElseThrow();
    ev.rowAfterRestart = after;
    long delivered = ScenarioContext.total(ctx.metrics(sender), ScenarioContext.DELIVERY_TOTAL);
    ev.restartedSenderDeliveries = delivered;
    if (after.attempts() < 1 || delivered < 1) {
      throw fail("resume: " + pendingId + " is delivered, but neither its row (attempts " + after.attempts()
          + ") nor the restarted sender's " + ScenarioContext.DELIVERY_TOTAL + " (" + delivered + ") shows a push");
    }
    ev.deliveredBy = "sender instance " + down.instanceAfter + ": " + after.attempts() + " attempt(s), "
        + ScenarioContext.DELIVERY_TOTAL + "=" + delivered + " since its start";

    RuntimeRestart r = ctx.restart(ctx.receiver());
    ev.receiverPidBefore = r.pidBefore();
    ev.receiverPidAfter = r.pidAfter();
    if (!r.active() || r.pidAfter() == 0 || r.pidAfter() == r.pidBefore()) {
      throw fail("restart: the receiver did not restart (" + r.pidBefore() + " -> " + r.pidAfter()
          + (r.active() ? ", active" : ", not active") + ")");
    }
    String id = ctx.eventId("restart-r");
    ctx.emit(a, "10.99.4.2/32", id, 600);
    ev.testedEventId = id;
    ctx.requireDelivered(a, id, ctx.timings().deliveryWaitSeconds(), "restart: delivery after the receiver restart");
    if (!ctx.readEvent(ctx.receiver(), id).present()) {
      throw fail("restart: " + id + " not in the restarted receiver's store");
    }
    DoctorReport doc = ctx.pollDoctor("wait for a healthy doctor", d -> d.fail() == 0, ctx.timings().doctorHealthySeconds());
    ev.doctorAfter = doc;
    if (doc.fail() > 0) {
      throw fail("restart: doctor not healthy after the restarts: " + ScenarioContext.failingChecks(doc));
    }
  }
}
