package dev.cloudedge.workflows.qualification;

import static dev.cloudedge.workflows.qualification.ScenarioContext.fail;

import dev.cloudedge.workflows.qualification.NodeActivities.DoctorReport;
import dev.cloudedge.workflows.qualification.NodeActivities.SubscriptionRunRow;
import java.util.List;
import java.util.Optional;

/**
 * subscription: while the receiver's plugin is broken, the run of (subscription, event) fails;
 * after the restore the same pair is retried and succeeds on a later attempt, exactly once.
 */
final class SubscriptionScenario extends ScenarioScript.WithEvidence<SubscriptionScenario.Evidence> {
  /** Evidence of {@code subscription}. */
  public static final class Evidence implements ScenarioDetails {
    public String testedEventId;
    public List<SubscriptionRunRow> subscriptionRunsDuring;
    public DoctorReport doctorDuring;
    public List<SubscriptionRunRow> subscriptionRunsAfter;
    public String retriedBy;
  }

  SubscriptionScenario() {
    super(new Evidence());
  }

  @Override
  public void run(ScenarioContext ctx) {
    String a = ctx.groupA();
    String sub = ctx.req.topology().subscription();
    if (Topology.blank(sub)) {
      throw fail("topology: topology.subscription is not set (need an EventSubscription on the receiver)");
    }
    ScenarioContext.Fault broken = ctx.breakPlugin();
    String id = ctx.eventId("sub");
    ctx.emit(a, "10.99.5.1/32", id, 600);
    ev.testedEventId = id;
    ctx.requireDelivered(a, id, ctx.timings().shortDeliveryWaitSeconds(), "precondition: delivery");
    List<SubscriptionRunRow> during = ctx.pollUntil("wait for a failed run of " + id, () -> ctx.runs(sub, id),
        rows -> status(rows, id, "failed").isPresent(), ctx.timings().shortDeliveryWaitSeconds());
    ev.subscriptionRunsDuring = during;
    SubscriptionRunRow failed = status(during, id, "failed").orElseThrow(() ->
        fail("fault: no failed run of (" + sub + ", " + id + ") while the plugin was broken"));
    ev.doctorDuring = ctx.doctor(ctx.receiver(), "receiver doctor during the plugin fault", false, "");
    ctx.restore(broken);
    List<SubscriptionRunRow> after = ctx.pollUntil("wait for the retry of " + id, () -> ctx.runs(sub, id),
        rows -> status(rows, id, "succeeded").isPresent(), ctx.timings().shortDeliveryWaitSeconds());
    ev.subscriptionRunsAfter = after;
    SubscriptionRunRow ok = status(after, id, "succeeded").orElseThrow(() ->
        fail("retry: the failed run of (" + sub + ", " + id + ") was not retried to success within "
            + ctx.timings().shortDeliveryWaitSeconds() + "s of the plugin's restore (runs: " + summary(after) + ")"));
    boolean laterAttempt = ok.id() == failed.id() ? ok.attempts() > failed.attempts() : ok.id() > failed.id();
    if (!laterAttempt) {
      throw fail("retry: the successful run of (" + sub + ", " + id + ") is not a later attempt of the failed one ("
          + summary(after) + ")");
    }
    long successes = after.stream().filter(r -> r.eventId().equals(id) && r.status().equals("succeeded")).count();
    if (successes != 1) {
      throw fail("retry: " + successes + " successful runs of (" + sub + ", " + id + "), want exactly 1");
    }
    ev.retriedBy = "run " + ok.id() + " attempt " + ok.attempts() + " after failed run " + failed.id() + " attempt "
        + failed.attempts();
  }

  private static Optional<SubscriptionRunRow> status(List<SubscriptionRunRow> rows, String id, String status) {
    return rows.stream().filter(r -> r.eventId().equals(id) && r.status().equals(status)).findFirst();
  }

  private static String summary(List<SubscriptionRunRow> rows) {
    StringBuilder b = new StringBuilder();
    for (SubscriptionRunRow r : rows) {
      b.append(b.length() == 0 ? "" : "; ").append("run ").append(r.id()).append(' ').append(r.status())
          .append(" attempt ").append(r.attempts());
    }
    return b.length() == 0 ? "none" : b.toString();
  }
}
