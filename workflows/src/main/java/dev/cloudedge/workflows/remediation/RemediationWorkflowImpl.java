package dev.cloudedge.workflows.remediation;

import dev.cloudedge.workflows.remediation.RemediationActivities.DiagnoseRequest;
import dev.cloudedge.workflows.remediation.RemediationActivities.Diagnosis;
import dev.cloudedge.workflows.remediation.RemediationActivities.EndpointChange;
import dev.cloudedge.workflows.remediation.RemediationActivities.ExecutionOutcome;
import dev.cloudedge.workflows.remediation.RemediationActivities.ExecutionRequest;
import dev.cloudedge.workflows.remediation.RemediationActivities.Inspection;
import dev.cloudedge.workflows.remediation.RemediationActivities.InspectionRequest;
import dev.cloudedge.workflows.remediation.RemediationActivities.PlannedAction;
import dev.cloudedge.workflows.remediation.RemediationActivities.SkipRecord;
import dev.cloudedge.workflows.TaskQueues;
import io.temporal.api.enums.v1.TimeoutType;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.TimeoutFailure;
import io.temporal.workflow.Workflow;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;

/** See {@link RemediationWorkflow}. */
public final class RemediationWorkflowImpl implements RemediationWorkflow {
  private static final Logger LOG = Workflow.getLogger(RemediationWorkflowImpl.class);
  /** The approver recorded for automatic executions allowed by the remediation policy. */
  public static final String AUTO_APPROVER = "policy:remediation-auto";
  /** The identity recorded for approvals rejected because they timed out. */
  public static final String TIMEOUT_APPROVER = "policy:approval-timeout";
  static final String CONFIGURE_PEER_ENDPOINT = "configure-peer-endpoint";
  /** The change id of the first diagnosis with a pickup timeout and the operator's error (version 1). */
  static final String FIRST_DIAGNOSIS_CHANGE = "first-diagnosis-pickup-timeout";
  /** The failure type of an update refused after it was accepted (see {@link #submitApproval}). */
  public static final String REFUSED = "REFUSED";

  private final KillSwitchActivities killSwitch =
      Workflow.newActivityStub(KillSwitchActivities.class, RemediationOptions.killSwitch());

  private String phase = "diagnosing";
  private String requestedBy = "";
  private String planDigest = "";
  private boolean pendingKnown;
  private String operatorError = "";
  private long timeoutSeconds;
  private final Map<String, PendingApproval> pending = new LinkedHashMap<>();
  private final Map<String, Decision> decided = new LinkedHashMap<>();
  private final List<String> applied = new ArrayList<>();
  private final List<Decision> decisions = new ArrayList<>();
  private final List<RefusedSignal> refused = new ArrayList<>();
  private final List<ExecutionOutcome> outcomes = new ArrayList<>();
  private final List<Object> early = new ArrayList<>();

  @Override
  public RemediationResult remediate(RemediationRequest r) {
    if (r == null || blank(r.node()) || blank(r.group())) {
      throw RemediationFailureType.INVALID_REQUEST.failure("remediation needs a node and a group");
    }
    String wfId = Workflow.getInfo().getWorkflowId();
    requestedBy = r.requestedBy() == null ? "" : r.requestedBy().trim();
    RemediationActivities reads = Workflow.newActivityStub(RemediationActivities.class,
        RemediationOptions.nodeRead(r.node()));
    RemediationActivities acts = Workflow.newActivityStub(RemediationActivities.class,
        RemediationOptions.nodeAction(r.node()));

    details("diagnosing " + r.group() + " on " + r.node());
    Diagnosis d;
    // Version 1: the first diagnosis times out when no worker serves the node, and a wrong node or
    // group ends the workflow with the operator's error instead of a wrapped activity failure.
    if (Workflow.getVersion(FIRST_DIAGNOSIS_CHANGE, Workflow.DEFAULT_VERSION, 1) == Workflow.DEFAULT_VERSION) {
      d = reads.diagnose(new DiagnoseRequest(r.group()));
    } else {
      d = firstDiagnosis(r);
      if (d == null) {
        phase = "done";
        // Nothing awaits a decision: an update accepted before the plan was known is refused now.
        pendingKnown = true;
        replayEarlySignals();
        details(operatorError);
        LOG.info("remediation {} not started: {}", wfId, operatorError);
        Workflow.await(Workflow::isEveryHandlerFinished);
        return new RemediationResult(wfId, r.node(), r.group(), "", false, false, false,
            "not remediated: " + operatorError, List.of(), List.copyOf(decisions), List.copyOf(refused), List.of(),
            operatorError);
      }
    }
    planDigest = d.planDigest();
    phase = "acting";
    details(d.actions().size() + " planned action(s), plan " + planDigest);
    boolean frozen = false;
    List<PlannedAction> approvals = new ArrayList<>();
    List<Integer> executed = new ArrayList<>();
    for (PlannedAction a : d.actions()) {
      String key = journalKey(wfId, a);
      switch (a.readiness()) {
        case "ready" -> {
          String blocker = d.policy().blocker(a.action());
          if (!blocker.isEmpty()) {
            outcomes.add(acts.journalSkip(new SkipRecord(wfId, key, a, "not-allowed", "policy:remediation",
                "not executed automatically: " + blocker, planDigest)));
            continue;
          }
          RemediationControlWorkflow.SwitchState sw = killSwitch.read();
          if (sw.frozen()) {
            frozen = true;
            outcomes.add(acts.journalSkip(new SkipRecord(wfId, key, a, "frozen", "kill-switch",
                "not executed: remediation is frozen (by " + sw.by() + " since "
                    + Instant.ofEpochMilli(sw.sinceEpochMillis()) + (sw.reason().isEmpty() ? "" : ": " + sw.reason())
                    + ")", planDigest)));
            continue;
          }
          ExecutionOutcome o = acts.execute(new ExecutionRequest(wfId, key, a, planDigest, AUTO_APPROVER,
              Workflow.currentTimeMillis(), d.policy().maxExecutionsPerHour()));
          if ("executed".equals(o.outcome())) {
            executed.add(outcomes.size());
          }
          outcomes.add(o);
        }
        case "inspect-only" -> {
          Inspection i = reads.inspect(new InspectionRequest(a));
          outcomes.add(new ExecutionOutcome(a.key(), a.action(), "inspected",
              i.lines().size() + " finding(s) attached", 0, false, i.lines()));
        }
        default -> approvals.add(a);
      }
    }
    if (!executed.isEmpty()) {
      phase = "verifying";
      Diagnosis v = reads.diagnose(new DiagnoseRequest(r.group()));
      for (int idx : executed) {
        ExecutionOutcome o = outcomes.get(idx);
        outcomes.set(idx, o.verifiedAs(!plans(v, o.key()), v.problems()));
      }
    }

    timeoutSeconds = r.approvalTimeoutSeconds() > 0 ? r.approvalTimeoutSeconds() : d.policy().approvalTimeoutSeconds();
    long deadline = Workflow.currentTimeMillis() + timeoutSeconds * 1000;
    for (PlannedAction a : approvals) {
      pending.put(a.key(), new PendingApproval(a.key(), a, requestedBy, deadline));
    }
    pendingKnown = true;
    replayEarlySignals();
    if (!pending.isEmpty()) {
      phase = "awaiting-approval";
      details("awaiting an operator decision until " + Instant.ofEpochMilli(deadline) + " on " + pending.keySet()
          + ": send the approve or reject signal (requester " + requestedBy + " may not decide)");
      LOG.info("remediation {}: {} action(s) await an operator decision until {}", wfId, pending.size(),
          Instant.ofEpochMilli(deadline));
      while (applied.size() < pending.size()) {
        for (PendingApproval p : List.copyOf(pending.values())) {
          Decision dec = decided.get(p.key());
          if (dec != null && !applied.contains(p.key())) {
            applied.add(p.key());
            outcomes.add(applyDecision(acts, reads, wfId, p, dec));
          }
        }
        if (applied.size() >= pending.size()) {
          break;
        }
        long remaining = deadline - Workflow.currentTimeMillis();
        if (remaining <= 0 || !Workflow.await(Duration.ofMillis(remaining), this::hasUnapplied)) {
          if (Workflow.currentTimeMillis() >= deadline) {
            for (PendingApproval p : pending.values()) {
              if (!decided.containsKey(p.key())) {
                record(new Decision("", p.key(), "timed-out", TIMEOUT_APPROVER, "",
                    "no decision within " + Duration.ofSeconds(timeoutSeconds) + "; rejected automatically",
                    Workflow.currentTimeMillis()));
              }
            }
          }
        }
      }
    }

    phase = "verifying";
    Diagnosis fin = reads.diagnose(new DiagnoseRequest(r.group()));
    phase = "done";
    String summary = summary(d, fin, frozen);
    details(summary);
    Workflow.await(Workflow::isEveryHandlerFinished);
    return new RemediationResult(wfId, r.node(), r.group(), planDigest, d.groupHealthy(), fin.groupHealthy(), frozen,
        summary, List.copyOf(outcomes), List.copyOf(decisions), List.copyOf(refused), fin.problems(), "");
  }

  /** The first diagnosis, or null after setting {@link #operatorError} when the operator's input is wrong. */
  private Diagnosis firstDiagnosis(RemediationRequest r) {
    RemediationActivities first = Workflow.newActivityStub(RemediationActivities.class,
        RemediationOptions.nodeFirstRead(r.node()));
    try {
      return first.diagnose(new DiagnoseRequest(r.group()));
    } catch (ActivityFailure e) {
      if (e.getCause() instanceof TimeoutFailure t && t.getTimeoutType() == TimeoutType.TIMEOUT_TYPE_SCHEDULE_TO_START) {
        operatorError = "no worker serves node " + r.node() + ": nothing on task queue " + TaskQueues.node(r.node())
            + " picked up the diagnosis within " + RemediationOptions.NODE_PICKUP.getSeconds()
            + "s (is the node's worker running? is --node right?)";
        return null;
      }
      if (e.getCause() instanceof ApplicationFailure af
          && RemediationFailureType.of(af.getType()).map(RemediationFailureType::operatorError).orElse(false)) {
        operatorError = af.getOriginalMessage();
        return null;
      }
      throw e;
    }
  }

  private ExecutionOutcome applyDecision(RemediationActivities acts, RemediationActivities reads, String wfId,
      PendingApproval p, Decision dec) {
    String key = journalKey(wfId, p.action());
    if (!"approved".equals(dec.decision())) {
      return acts.journalSkip(new SkipRecord(wfId, key, p.action(), dec.decision(), dec.by(),
          dec.decision().equals("timed-out") ? dec.reason() : "rejected by " + dec.by() + ": " + dec.reason(),
          planDigest));
    }
    if (CONFIGURE_PEER_ENDPOINT.equals(p.action().action())) {
      ExecutionOutcome o = acts.applyEndpoint(new EndpointChange(wfId, key, p.action(), dec.endpoint(), dec.by(),
          planDigest));
      if (!"executed".equals(o.outcome())) {
        return o;
      }
      Diagnosis v = reads.diagnose(new DiagnoseRequest(p.action().group()));
      return o.verifiedAs(!plans(v, p.key()), v.problems());
    }
    return acts.journalSkip(new SkipRecord(wfId, key, p.action(), "not-allowed", dec.by(),
        "approved, but CloudEdge has no executor for " + p.action().action(), planDigest));
  }

  /** The Temporal UI's "current details" of this run (not part of the history). */
  private void details(String text) {
    Workflow.setCurrentDetails("**" + phase + "** " + text);
  }

  private boolean hasUnapplied() {
    for (String k : decided.keySet()) {
      if (!applied.contains(k)) {
        return true;
      }
    }
    return false;
  }

  private static boolean plans(Diagnosis d, String key) {
    return d.actions().stream().anyMatch(a -> a.key().equals(key));
  }

  private String summary(Diagnosis before, Diagnosis after, boolean frozen) {
    if (before.actions().isEmpty()) {
      return "group healthy: nothing to remediate";
    }
    Map<String, Integer> counts = new LinkedHashMap<>();
    for (ExecutionOutcome o : outcomes) {
      counts.merge(o.outcome(), 1, Integer::sum);
    }
    StringBuilder s = new StringBuilder();
    counts.forEach((k, v) -> s.append(s.length() == 0 ? "" : ", ").append(v).append(' ').append(k));
    s.append("; group ").append(after.groupHealthy() ? "healthy" : "still unhealthy").append(" after remediation");
    if (frozen) {
      s.append("; kill switch frozen: automatic actions were not executed");
    }
    return s.toString();
  }

  /** The journal and rate-limit key of an action within this workflow. */
  static String journalKey(String workflowId, PlannedAction a) {
    return "remediation:" + workflowId + ":" + a.action() + ":" + a.group() + ":" + (a.peer().isEmpty() ? a.resource() : a.peer());
  }

  // ------------------------------------------------------------------ decisions

  /**
   * What the checks make of a decision: the pending approval it is for, or why it is refused.
   *
   * @param target the pending approval, null when refused
   * @param key the action named (for the record)
   * @param reason why it is refused, empty when accepted
   */
  private record Verdict(PendingApproval target, String key, String reason) {
    static Verdict refused(String key, String reason) {
      return new Verdict(null, key, reason);
    }
  }

  @Override
  public void approve(Approval a) {
    if (!pendingKnown) {
      early.add(a);
      return;
    }
    Approval x = orEmpty(a);
    Verdict v = check(x);
    if (v.target() == null) {
      refuse(x.requestId(), "approve", trim(x.approver()), v.key(), v.reason());
      return;
    }
    record(approved(x, v.target()));
  }

  @Override
  public void reject(Rejection r) {
    if (!pendingKnown) {
      early.add(r);
      return;
    }
    Rejection x = orEmpty(r);
    Verdict v = check(x);
    if (v.target() == null) {
      refuse(x.requestId(), "reject", trim(x.approver()), v.key(), v.reason());
      return;
    }
    record(rejected(x, v.target()));
  }

  @Override
  public void validateApproval(Approval a) {
    // Before the plan is known nothing can be judged; the handler waits for it and checks again.
    if (pendingKnown) {
      Verdict v = check(orEmpty(a));
      if (v.target() == null) {
        throw new IllegalArgumentException(v.reason());
      }
    }
  }

  @Override
  public Decision submitApproval(Approval a) {
    Approval x = orEmpty(a);
    Workflow.await(() -> pendingKnown);
    Verdict v = check(x);
    if (v.target() == null) {
      // Only reachable for an update accepted before the plan was known: it is in the history now,
      // so the refusal is recorded like a signal's.
      refuse(x.requestId(), "approve", trim(x.approver()), v.key(), v.reason());
      throw ApplicationFailure.newNonRetryableFailure(v.reason(), REFUSED);
    }
    Decision d = approved(x, v.target());
    record(d);
    return d;
  }

  @Override
  public void validateRejection(Rejection r) {
    if (pendingKnown) {
      Verdict v = check(orEmpty(r));
      if (v.target() == null) {
        throw new IllegalArgumentException(v.reason());
      }
    }
  }

  @Override
  public Decision submitRejection(Rejection r) {
    Rejection x = orEmpty(r);
    Workflow.await(() -> pendingKnown);
    Verdict v = check(x);
    if (v.target() == null) {
      refuse(x.requestId(), "reject", trim(x.approver()), v.key(), v.reason());
      throw ApplicationFailure.newNonRetryableFailure(v.reason(), REFUSED);
    }
    Decision d = rejected(x, v.target());
    record(d);
    return d;
  }

  private static Approval orEmpty(Approval a) {
    return a == null ? new Approval("", "", "", "", "") : a;
  }

  private static Rejection orEmpty(Rejection r) {
    return r == null ? new Rejection("", "", "", "") : r;
  }

  private static Decision approved(Approval x, PendingApproval p) {
    return new Decision(trim(x.requestId()), p.key(), "approved", trim(x.approver()), trim(x.endpoint()),
        trim(x.comment()), Workflow.currentTimeMillis());
  }

  private static Decision rejected(Rejection x, PendingApproval p) {
    return new Decision(trim(x.requestId()), p.key(), "rejected", trim(x.approver()), "", trim(x.reason()),
        Workflow.currentTimeMillis());
  }

  /** The checks of an approval: those of every decision, then a usable endpoint for an endpoint change. */
  private Verdict check(Approval x) {
    Verdict v = check(trim(x.approver()), x.action());
    if (v.target() != null && CONFIGURE_PEER_ENDPOINT.equals(v.target().action().action())) {
      String problem = endpointProblem(trim(x.endpoint()));
      if (!problem.isEmpty()) {
        return Verdict.refused(v.target().key(), problem);
      }
    }
    return v;
  }

  private Verdict check(Rejection x) {
    return check(trim(x.approver()), x.action());
  }

  /**
   * The one set of checks every decision passes, by signal or by update: pure (it reads the state
   * and changes nothing), so an update validator may call it.
   */
  private Verdict check(String by, String key) {
    String k = trim(key);
    if (by.isEmpty()) {
      return Verdict.refused(k, "approver identity is required");
    }
    if (pending.isEmpty()) {
      return Verdict.refused(k, "no action of this remediation needs an approval");
    }
    PendingApproval p;
    if (k.isEmpty()) {
      if (pending.size() > 1) {
        return Verdict.refused(k, pending.size() + " actions await a decision; name one of " + pending.keySet());
      }
      p = pending.values().iterator().next();
    } else {
      p = pending.get(k);
      if (p == null) {
        return Verdict.refused(k, "no pending approval " + k + "; pending: " + pending.keySet());
      }
    }
    if (!requestedBy.isEmpty() && requestedBy.equalsIgnoreCase(by)) {
      return Verdict.refused(p.key(), "self-approval refused: " + by + " requested this remediation");
    }
    long now = Workflow.currentTimeMillis();
    if (now >= p.deadlineEpochMillis()) {
      return Verdict.refused(p.key(), "decision too late: the approval window closed at "
          + Instant.ofEpochMilli(p.deadlineEpochMillis()) + " (timeout " + Duration.ofSeconds(timeoutSeconds)
          + ") and the action was rejected automatically");
    }
    Decision prior = decided.get(p.key());
    if (prior != null) {
      return Verdict.refused(p.key(), "second decision refused: already " + prior.decision() + " by "
          + prior.by() + " at " + Instant.ofEpochMilli(prior.atEpochMillis()));
    }
    return new Verdict(p, p.key(), "");
  }

  private void replayEarlySignals() {
    List<Object> queued = List.copyOf(early);
    early.clear();
    for (Object o : queued) {
      if (o instanceof Approval a) {
        approve(a);
      } else if (o instanceof Rejection r) {
        reject(r);
      }
    }
  }

  static String endpointProblem(String e) {
    if (e.isEmpty()) {
      return "approval of configure-peer-endpoint needs the endpoint to set";
    }
    if (!e.startsWith("http://") && !e.startsWith("https://")) {
      return "endpoint must be an http:// or https:// base URL, got \"" + e + "\"";
    }
    try {
      if (URI.create(e).getHost() == null) {
        return "endpoint \"" + e + "\" has no host";
      }
    } catch (IllegalArgumentException ex) {
      return "endpoint \"" + e + "\" is not a URL";
    }
    if (e.replaceAll("/+$", "").endsWith("/v1/events")) {
      return "endpoint must be a base URL; /v1/events is appended, got \"" + e + "\"";
    }
    return "";
  }

  private void record(Decision d) {
    decided.put(d.key(), d);
    decisions.add(d);
    LOG.info("remediation decision on {}: {} by {}", d.key(), d.decision(), d.by());
  }

  private void refuse(String requestId, String signal, String by, String key, String reason) {
    refused.add(new RefusedSignal(trim(requestId), signal, by, key, reason, Workflow.currentTimeMillis()));
    LOG.info("remediation {} signal from {} refused: {}", signal, by, reason);
  }

  @Override
  public RemediationStatus status() {
    return new RemediationStatus(phase, requestedBy, planDigest, List.copyOf(pending.values()), List.copyOf(decisions),
        List.copyOf(refused), List.copyOf(outcomes));
  }

  private static boolean blank(String s) {
    return s == null || s.isBlank();
  }

  private static String trim(String s) {
    return s == null ? "" : s.trim();
  }
}
