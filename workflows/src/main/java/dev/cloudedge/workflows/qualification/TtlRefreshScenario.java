package dev.cloudedge.workflows.qualification;

import static dev.cloudedge.workflows.qualification.ScenarioContext.fail;

import dev.cloudedge.workflows.qualification.NodeActivities.DoctorReport;
import dev.cloudedge.workflows.qualification.NodeActivities.EmitResult;
import dev.cloudedge.workflows.qualification.NodeActivities.StoredEvent;
import dev.cloudedge.workflows.qualification.NodeActivities.SummaryRow;
import io.temporal.workflow.Workflow;
import java.util.List;

/**
 * ttl-refresh: an event delivered with a short TTL and refreshed with a longer one while the
 * receiver is cut off is re-pushed after the restore, the receiver's copy takes the new expiry,
 * and the stale-TTL count returns to 0.
 */
final class TtlRefreshScenario extends ScenarioScript.WithEvidence<TtlRefreshScenario.Evidence> {
  /** Evidence of {@code ttl-refresh}. */
  public static final class Evidence implements ScenarioDetails {
    public String testedEventId;
    public Long refreshedExpiresAt;
    public DoctorReport doctorDuring;
    public Long receiverExpiresAt;
    public List<SummaryRow> deliverySummary;
    public DoctorReport doctorAfter;
  }

  TtlRefreshScenario() {
    super(new Evidence());
  }

  @Override
  public void run(ScenarioContext ctx) {
    String a = ctx.groupA();
    String id = ctx.eventId("ttl");
    ctx.emit(a, "10.99.3.1/32", id, 120);
    ev.testedEventId = id;
    ctx.requireDelivered(a, id, ctx.timings().shortDeliveryWaitSeconds(), "precondition: initial delivery");
    ScenarioContext.Fault cut = ctx.applyPartition();
    EmitResult refreshed = ctx.emit(a, "10.99.3.1/32", id, 600);
    long refreshEmitSeconds = Workflow.currentTimeMillis() / 1000;
    ev.refreshedExpiresAt = refreshed.expiresAtEpochSeconds();
    if (refreshed.expiresAtEpochSeconds() < refreshEmitSeconds + 600 - 5) {
      throw fail("refresh: the sender kept expiry " + refreshed.expiresAtEpochSeconds() + " after a refresh to 600s");
    }
    ev.doctorDuring = ctx.pollDoctor("wait for the doctor to report the stale TTL",
        d -> d.staleTTLCount() >= 1 || d.failedDeliveryCount() >= 1 || d.pendingDeliveryCount() >= 1,
        ctx.timings().faultObserveSeconds());
    ctx.restore(cut);
    long wanted = refreshed.expiresAtEpochSeconds() - 5;
    if (!ctx.deliveredTo(ctx.waitDelivered(a, id, Math.max(ctx.timings().deliveryWaitSeconds(), 1), wanted), wanted)) {
      throw fail("re-push: the refreshed TTL of " + id + " was not re-pushed after the restore");
    }
    StoredEvent copy = ctx.readEvent(ctx.receiver(), id);
    if (!copy.present() || copy.expiresAtEpochSeconds() < refreshEmitSeconds + 600 - 5) {
      throw fail("re-push: the receiver's copy of " + id + " expires at " + copy.expiresAtEpochSeconds()
          + ", expected at least " + (refreshEmitSeconds + 600 - 5));
    }
    ev.receiverExpiresAt = copy.expiresAtEpochSeconds();
    List<SummaryRow> rows = ctx.pollUntil("wait for stale TTL count 0", () -> ctx.summary(a), r -> staleTtl(r) == 0,
        ctx.timings().staleTtlWaitSeconds());
    if (staleTtl(rows) != 0) {
      throw fail("re-push: stale TTL count " + staleTtl(rows) + " after the recovery (want 0)");
    }
    ev.deliverySummary = rows;
    ev.doctorAfter = ctx.doctor("doctor after");
  }

  private static long staleTtl(List<SummaryRow> rows) {
    long n = 0;
    for (SummaryRow r : rows) {
      n += r.staleTTL();
    }
    return n;
  }
}
