package dev.cloudedge.workflows.qualification;

import static dev.cloudedge.workflows.qualification.ScenarioContext.fail;

import dev.cloudedge.workflows.qualification.NodeActivities.MetricsSnapshot;
import dev.cloudedge.workflows.qualification.NodeActivities.ProbeStatus;
import dev.cloudedge.workflows.qualification.NodeActivities.SecurityProbeRequest;
import dev.cloudedge.workflows.qualification.NodeActivities.SecurityProbeResult;
import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import io.temporal.workflow.Workflow;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * security: malformed, unsigned, wrongly signed, stale, oversized and GET requests are refused
 * with routerd's statuses and store nothing; a correctly signed event of another group is refused
 * (400) and not stored; a replayed accepted request is answered {@code duplicate: true} and stored
 * once; the receiver counts the rejects; a valid event is delivered afterwards.
 */
final class SecurityScenario extends ScenarioScript.WithEvidence<SecurityScenario.Evidence> {
  /** Evidence of {@code security}. */
  public static final class Evidence implements ScenarioDetails {
    public Long eventCountBefore;
    public List<ProbeStatus> probes;
    public String wrongGroupEventId;
    public Boolean wrongGroupStored;
    public String replayEventId;
    public Long duplicateDelta;
    public Long eventCountAfter;
    public Long rejectDelta;
    public String testedEventId;
    private final Map<String, String> statuses = new LinkedHashMap<>();

    /** Each probe's status under its routerd evidence key ({@code malformedStatus}, ...), at the top level. */
    @JsonAnyGetter
    public Map<String, String> statuses() {
      return statuses;
    }

    @JsonAnySetter
    public void status(String key, String value) {
      statuses.put(key, value);
    }
  }

  SecurityScenario() {
    super(new Evidence());
  }

  @Override
  public void run(ScenarioContext ctx) {
    String a = ctx.groupA();
    NodeRef receiver = ctx.receiver();
    String other = Topology.blank(ctx.groupB()) ? a + "-other" : ctx.groupB();
    long before = ctx.read(receiver, "count receiver events").countEvents(a);
    ev.eventCountBefore = before;
    MetricsSnapshot m0 = ctx.metrics(receiver);
    String wrongId = ctx.eventId("security-wronggroup");
    String replayId = ctx.eventId("security-replay");
    ctx.step("send security probes");
    SecurityProbeResult probes = Workflow.newActivityStub(NodeActivities.class,
            QualificationOptions.nodeProbes(ctx.sender().taskQueue(), "security probes to " + ctx.req.topology().receiverEndpoint()))
        .securityProbes(new SecurityProbeRequest(ctx.req.topology().receiverEndpoint(), a, other, wrongId, replayId));
    ev.probes = probes.probes();
    for (ProbeStatus p : probes.probes()) {
      ev.status(p.key(), p.actual());
    }
    ev.wrongGroupEventId = wrongId;
    ev.replayEventId = replayId;
    List<String> wrong = new ArrayList<>();
    for (ProbeStatus p : probes.probes()) {
      if (!p.expected().equals(p.actual())) {
        wrong.add(p.key() + "=" + p.actual() + " (want " + p.expected() + ": " + p.description() + ")");
      }
    }
    if (!wrong.isEmpty()) {
      throw fail("receiver: unexpected answers to the probes: " + String.join("; ", wrong));
    }
    boolean stored = ctx.readEvent(receiver, wrongId).present();
    ev.wrongGroupStored = stored;
    if (stored) {
      throw fail("isolation: the receiver of " + a + " stored " + wrongId + ", a correctly signed event of group " + other);
    }
    MetricsSnapshot m1 = ctx.metrics(receiver);
    long dup = ScenarioContext.total(m1, ScenarioContext.DUPLICATE_TOTAL) - ScenarioContext.total(m0, ScenarioContext.DUPLICATE_TOTAL);
    ev.duplicateDelta = dup;
    if (!ctx.readEvent(receiver, replayId).present()) {
      throw fail("replay: the accepted event " + replayId + " is not in the receiver's store");
    }
    if (dup < 1) {
      throw fail("replay: " + ScenarioContext.DUPLICATE_TOTAL + " did not rise on the replayed request");
    }
    long after = ctx.read(receiver, "count receiver events").countEvents(a);
    ev.eventCountAfter = after;
    if (after != before + 1) {
      throw fail("rejects: the receiver's events went " + before + " -> " + after
          + " (want exactly one more: the replayed event, stored once)");
    }
    long rejects = ScenarioContext.total(m1, ScenarioContext.REJECT_TOTAL) - ScenarioContext.total(m0, ScenarioContext.REJECT_TOTAL);
    ev.rejectDelta = rejects;
    if (rejects < 3) {
      throw fail("rejects: " + ScenarioContext.REJECT_TOTAL + " rose by " + rejects + " during the probes (want at least 3)");
    }
    String id = ctx.eventId("security");
    ctx.emit(a, "10.99.6.1/32", id, 600);
    ev.testedEventId = id;
    ctx.requireDelivered(a, id, ctx.timings().shortDeliveryWaitSeconds(), "delivery after the probes");
  }
}
