package dev.cloudedge.workflows.provider;

import dev.cloudedge.workflows.provider.ProviderActivities.Decision;
import dev.cloudedge.workflows.provider.ProviderActivities.Gate;
import dev.cloudedge.workflows.provider.ProviderActivities.ImportRequest;
import dev.cloudedge.workflows.provider.ProviderActivities.Step;
import dev.cloudedge.workflows.remediation.RemediationFailureType;
import dev.cloudedge.workflows.remediation.RemediationOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.CanceledFailure;
import io.temporal.workflow.Saga;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;

/** See {@link ProviderActionWorkflow}. */
public final class ProviderActionWorkflowImpl implements ProviderActionWorkflow {
  private static final Logger LOG = Workflow.getLogger(ProviderActionWorkflowImpl.class);
  static final String AUTO_APPROVER = "policy:auto-approve";
  static final long DEFAULT_TIMEOUT_SECONDS = Duration.ofHours(24).getSeconds();

  private String phase = "importing";
  private String requestedBy = "";
  private final List<Step> steps = new ArrayList<>();
  private boolean awaiting;
  private long deadline;
  private String decision = "";
  private String decisionBy = "";
  private String decisionReason = "";
  private String decisionRequestId = "";
  private long decisionAt;
  private final List<Refused> refused = new ArrayList<>();

  @Override
  public ProviderActionResult execute(ProviderActionRequest r) {
    if (r == null || r.node() == null || r.node().isBlank() || r.plansJson() == null || r.plansJson().isBlank()) {
      throw RemediationFailureType.INVALID_REQUEST.failure("provider action workflow needs a node and plans");
    }
    requestedBy = r.requestedBy() == null ? "" : r.requestedBy().trim();
    ProviderActivities journal = Workflow.newActivityStub(ProviderActivities.class,
        RemediationOptions.providerJournal(r.node()));
    ProviderActivities exec = Workflow.newActivityStub(ProviderActivities.class,
        RemediationOptions.providerExecute(r.node()));
    ProviderActivities undo = Workflow.newActivityStub(ProviderActivities.class,
        RemediationOptions.providerUndo(r.node()));

    steps.addAll(journal.importPlans(new ImportRequest(r.plansJson(), "workflow:" + Workflow.getInfo().getWorkflowId())));
    List<Long> ids = steps.stream().map(Step::id).toList();
    phase = "gating";
    Gate gate = journal.gate(ids);
    if (!gate.denials().isEmpty()) {
      return finish("denied", "policy gate denied: " + String.join("; ", gate.denials()), List.of());
    }
    boolean needsApproval = steps.stream().anyMatch(s -> s.status().equals("pending")) && !gate.autoApprove();
    if (needsApproval) {
      long timeout = r.approvalTimeoutSeconds() > 0 ? r.approvalTimeoutSeconds() : DEFAULT_TIMEOUT_SECONDS;
      deadline = Workflow.currentTimeMillis() + timeout * 1000;
      awaiting = true;
      phase = "awaiting-approval";
      boolean decided = Workflow.await(Duration.ofSeconds(timeout), () -> !decision.isEmpty());
      awaiting = false;
      if (!decided) {
        decision = "timed-out";
        decisionBy = "policy:approval-timeout";
        decisionReason = "no decision within " + Duration.ofSeconds(timeout) + "; rejected automatically";
      }
      if (!decision.equals("approved")) {
        replace(journal.reject(new Decision(ids, decisionBy, decisionReason)));
        return finish(decision, decision + " by " + decisionBy + ": " + decisionReason, List.of());
      }
      replace(journal.approve(new Decision(ids, decisionBy, "")));
    } else if (decision.isEmpty()) {
      decision = "approved";
      decisionBy = steps.stream().allMatch(s -> s.status().equals("pending")) ? AUTO_APPROVER : "journal";
    }

    phase = "executing";
    Saga saga = new Saga(new Saga.Options.Builder().setParallelCompensation(false).build());
    List<Step> compensations = new ArrayList<>();
    String failure = "";
    try {
      for (int i = 0; i < steps.size(); i++) {
        Step s = steps.get(i);
        if (s.hasUndo()) {
          // Registered before the step: the step may have taken effect even if its activity timed out.
          long id = s.id();
          saga.addCompensation(() -> compensations.add(undo.undo(id)));
        }
        Step done;
        try {
          done = exec.execute(s.id());
        } catch (ActivityFailure e) {
          String type = e.getCause() instanceof ApplicationFailure af ? af.getType() : "";
          failure = "step " + (i + 1) + " (" + s.action() + ", action " + s.id() + ") failed" + (type.isEmpty() ? "" : " [" + type + "]")
              + ": " + (e.getCause() == null ? e.getMessage() : e.getCause().getMessage());
          break;
        }
        steps.set(i, done);
        if (!done.status().equals("succeeded")) {
          failure = "step " + (i + 1) + " (" + s.action() + ", action " + s.id() + ") ended " + done.status()
              + (done.failureClass().isEmpty() ? "" : " [" + done.failureClass() + "]") + ": " + done.message()
              + (done.error().isEmpty() ? "" : " (" + done.error() + ")");
          break;
        }
      }
    } catch (CanceledFailure e) {
      phase = "compensating";
      Workflow.newDetachedCancellationScope(saga::compensate).run();
      throw e;
    }
    if (failure.isEmpty()) {
      return finish("succeeded", steps.size() + " step(s) succeeded", compensations);
    }
    LOG.info("provider action {} failed: {}", Workflow.getInfo().getWorkflowId(), failure);
    if (!gate.allowUndo()) {
      return finish("failed", failure + "; earlier steps NOT undone: policy.allowUndo is false", compensations);
    }
    phase = "compensating";
    Workflow.newDetachedCancellationScope(saga::compensate).run();
    return finish("compensated", failure + "; compensation ran for " + compensations.size() + " step(s)", compensations);
  }

  private void replace(List<Step> updated) {
    for (Step u : updated) {
      for (int i = 0; i < steps.size(); i++) {
        if (steps.get(i).id() == u.id()) {
          steps.set(i, u);
        }
      }
    }
  }

  private ProviderActionResult finish(String outcome, String message, List<Step> compensations) {
    phase = "done";
    Workflow.await(Workflow::isEveryHandlerFinished);
    String who = decision.isEmpty() ? "" : decision + " by " + decisionBy;
    return new ProviderActionResult(outcome, message, List.copyOf(steps), List.copyOf(compensations), who,
        List.copyOf(refused));
  }

  @Override
  public void approve(Approval a) {
    Approval x = a == null ? new Approval("", "", "") : a;
    String reason = refusal(x.approver());
    if (!reason.isEmpty()) {
      refuse("approve", x.requestId(), x.approver(), reason);
      return;
    }
    decide("approved", x.requestId(), x.approver(), x.comment());
  }

  @Override
  public void reject(Rejection r) {
    Rejection x = r == null ? new Rejection("", "", "") : r;
    String reason = refusal(x.approver());
    if (!reason.isEmpty()) {
      refuse("reject", x.requestId(), x.approver(), reason);
      return;
    }
    decide("rejected", x.requestId(), x.approver(), x.reason());
  }

  @Override
  public void validateApproval(Approval a) {
    String reason = refusal(a == null ? "" : a.approver());
    if (!reason.isEmpty()) {
      throw new IllegalArgumentException(reason);
    }
  }

  @Override
  public Accepted submitApproval(Approval a) {
    approve(a);
    return accepted(a == null ? "" : a.requestId());
  }

  @Override
  public void validateRejection(Rejection r) {
    String reason = refusal(r == null ? "" : r.approver());
    if (!reason.isEmpty()) {
      throw new IllegalArgumentException(reason);
    }
  }

  @Override
  public Accepted submitRejection(Rejection r) {
    reject(r);
    return accepted(r == null ? "" : r.requestId());
  }

  /**
   * The accepted decision for an update; the validator ran the same checks in the same workflow
   * task, so the handler's decision is this request's.
   */
  private Accepted accepted(String requestId) {
    String id = requestId == null ? "" : requestId;
    if (!id.equals(decisionRequestId)) {
      throw ApplicationFailure.newNonRetryableFailure(
          refused.isEmpty() ? "decision not recorded" : refused.get(refused.size() - 1).reason(), "REFUSED");
    }
    return new Accepted(decisionRequestId, decision, decisionBy, decisionAt);
  }

  private void decide(String d, String requestId, String by, String reason) {
    decision = d;
    decisionBy = by.trim();
    decisionReason = reason == null ? "" : reason;
    decisionRequestId = requestId == null ? "" : requestId;
    decisionAt = Workflow.currentTimeMillis();
  }

  /**
   * Why a decision from {@code approver} is refused now, or empty: the one set of checks shared by
   * the signals and the update validators. Pure, so a validator may call it.
   */
  private String refusal(String approver) {
    String by = approver == null ? "" : approver.trim();
    long now = Workflow.currentTimeMillis();
    if (by.isEmpty()) {
      return "approver identity is required";
    }
    if (!requestedBy.isEmpty() && requestedBy.equalsIgnoreCase(by)) {
      return "self-approval refused: " + by + " requested this execution";
    }
    if (!awaiting && deadline > 0 && now >= deadline) {
      return "decision too late: the approval window closed at " + Instant.ofEpochMilli(deadline);
    }
    if (!decision.isEmpty()) {
      return "second decision refused: already " + decision + " by " + decisionBy;
    }
    if (!awaiting) {
      return "no approval is awaited (phase " + phase + ")";
    }
    return "";
  }

  private void refuse(String signal, String requestId, String approver, String reason) {
    refused.add(new Refused(requestId == null ? "" : requestId, signal, approver == null ? "" : approver.trim(), reason,
        Workflow.currentTimeMillis()));
  }

  @Override
  public ProviderActionStatus status() {
    return new ProviderActionStatus(phase, requestedBy, List.copyOf(steps),
        decision.isEmpty() ? "" : decision + " by " + decisionBy, decisionRequestId, List.copyOf(refused),
        awaiting ? deadline : 0);
  }
}
