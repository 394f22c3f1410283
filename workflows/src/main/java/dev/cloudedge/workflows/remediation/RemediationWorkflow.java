package dev.cloudedge.workflows.remediation;

import dev.cloudedge.workflows.remediation.RemediationActivities.ExecutionOutcome;
import dev.cloudedge.workflows.remediation.RemediationActivities.PlannedAction;
import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.SignalMethod;
import io.temporal.workflow.UpdateMethod;
import io.temporal.workflow.UpdateValidatorMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.util.List;
import java.util.Objects;

/**
 * Remediation of one EventGroup on one node. Runs the doctor with its plan, then handles every
 * action by readiness: <em>ready</em> actions run automatically when the remediation policy allows
 * it, under the durable rate limit and only while the kill switch is off, and are verified by a
 * second doctor run; <em>inspect-only</em> actions run their diagnostic and attach its output;
 * <em>not-ready</em> actions ({@code configure-peer-endpoint}) wait for an operator decision. A
 * decision is refused when it comes from the requester, is a second decision, arrives after the
 * approval timeout (then the action is rejected automatically), names no pending action, or
 * approves an endpoint change without a usable endpoint. It is sent either as the
 * {@link #submitApproval} / {@link #submitRejection} update, whose validator refuses it before
 * anything is recorded and hands the reason straight back to the caller (the CLI uses these), or
 * as the {@link #approve} / {@link #reject} signal for callers that can only signal (the Temporal
 * UI's signal form, old SDKs); a refused signal is recorded with its reason and visible through
 * {@link #status()}. Both paths apply the same checks.
 */
@WorkflowInterface
public interface RemediationWorkflow {

  /** The workflow id: {@code remediation/<node>/<group>/<runId>}. */
  static String workflowId(String node, String group, String runId) {
    for (String[] p : new String[][] {{"node", node}, {"group", group}, {"runId", runId}}) {
      Objects.requireNonNull(p[1], p[0]);
      if (p[1].isBlank() || p[1].contains("/")) {
        throw new IllegalArgumentException(p[0] + " must be non-empty and contain no '/', got \"" + p[1] + "\"");
      }
    }
    return "remediation/" + node + "/" + group + "/" + runId;
  }

  /** Remediates and returns what was done to each action. */
  @WorkflowMethod
  RemediationResult remediate(RemediationRequest request);

  /** An operator approves a pending action. Refused (and recorded) when not acceptable. */
  @SignalMethod
  void approve(Approval approval);

  /** An operator rejects a pending action. Refused (and recorded) when not acceptable. */
  @SignalMethod
  void reject(Rejection rejection);

  /**
   * An operator approves a pending action and learns at once whether it was accepted: the validator
   * ({@link #validateApproval}) refuses an unacceptable approval, with the reason, before it is
   * recorded in the history.
   *
   * @return the accepted decision
   */
  @UpdateMethod
  Decision submitApproval(Approval approval);

  /**
   * Refuses an unacceptable approval by throwing {@link IllegalArgumentException} with the reason
   * (the same checks as the {@link #approve} signal).
   */
  @UpdateValidatorMethod(updateName = "submitApproval")
  void validateApproval(Approval approval);

  /**
   * An operator rejects a pending action and learns at once whether the rejection was accepted.
   *
   * @return the accepted decision
   */
  @UpdateMethod
  Decision submitRejection(Rejection rejection);

  /** Refuses an unacceptable rejection by throwing {@link IllegalArgumentException} with the reason. */
  @UpdateValidatorMethod(updateName = "submitRejection")
  void validateRejection(Rejection rejection);

  /** Phase, pending approvals, accepted decisions, refused signals and outcomes so far. */
  @QueryMethod
  RemediationStatus status();

  /**
   * What to remediate.
   *
   * @param node the node whose eventd is remediated (its task queue does the work)
   * @param group the EventGroup
   * @param runId a readable run id (part of the workflow id)
   * @param requestedBy who asked for it; this identity may not approve its own actions
   * @param approvalTimeoutSeconds how long approvals may take; 0 = the policy's (default 24 h)
   */
  record RemediationRequest(String node, String group, String runId, String requestedBy, long approvalTimeoutSeconds) {}

  /**
   * An approval.
   *
   * @param requestId an id chosen by the sender to find its decision in {@link #status()}; may be empty
   * @param approver who approves (required; not the requester)
   * @param action the action key ({@code configure-peer-endpoint/<group>/<peer>}); empty when exactly
   *     one action is pending
   * @param endpoint for {@code configure-peer-endpoint}: the endpoint to set (http(s) base URL)
   * @param comment free text
   */
  record Approval(String requestId, String approver, String action, String endpoint, String comment) {}

  /**
   * A rejection.
   *
   * @param requestId an id chosen by the sender; may be empty
   * @param approver who rejects (required; not the requester)
   * @param action the action key; empty when exactly one action is pending
   * @param reason why
   */
  record Rejection(String requestId, String approver, String action, String reason) {}

  /**
   * An action waiting for a decision.
   *
   * @param key the action key to name in a decision
   * @param action the planned action
   * @param requestedBy the requester (who may not decide)
   * @param deadlineEpochMillis when it is rejected automatically
   */
  record PendingApproval(String key, PlannedAction action, String requestedBy, long deadlineEpochMillis) {}

  /**
   * An accepted decision.
   *
   * @param requestId the sender's id
   * @param key the action key
   * @param decision approved, rejected or timed-out
   * @param by the approver ({@code policy:approval-timeout} for timeouts)
   * @param endpoint the approved endpoint, empty otherwise
   * @param reason the rejection reason or the approval comment
   * @param atEpochMillis when (workflow time)
   */
  record Decision(String requestId, String key, String decision, String by, String endpoint, String reason,
      long atEpochMillis) {}

  /**
   * A refused signal.
   *
   * @param requestId the sender's id
   * @param signal approve or reject
   * @param by the identity given
   * @param key the action named (may be empty)
   * @param reason why it was refused
   * @param atEpochMillis when (workflow time)
   */
  record RefusedSignal(String requestId, String signal, String by, String key, String reason, long atEpochMillis) {}

  /**
   * The workflow's state for queries.
   *
   * @param phase diagnosing, acting, awaiting-approval, verifying or done
   * @param requestedBy the requester
   * @param planDigest the plan digest
   * @param pending actions waiting for a decision
   * @param decisions accepted decisions
   * @param refused refused signals
   * @param outcomes outcomes so far
   */
  record RemediationStatus(String phase, String requestedBy, String planDigest, List<PendingApproval> pending,
      List<Decision> decisions, List<RefusedSignal> refused, List<ExecutionOutcome> outcomes) {}

  /**
   * The result.
   *
   * @param workflowId the workflow id
   * @param node the node
   * @param group the group
   * @param planDigest the digest of the plan acted on
   * @param healthyBefore whether the group was healthy at the start
   * @param healthyAfter whether the final doctor run found the group healthy
   * @param frozen whether the kill switch stopped an automatic execution
   * @param summary one line for the operator
   * @param outcomes what happened to each action
   * @param decisions accepted decisions
   * @param refused refused signals
   * @param problemsAfter the group's WARN/FAIL checks in the final doctor run
   * @param error the operator's error that stopped the remediation before anything was diagnosed (no
   *     worker serves the node, the node has no such group, its config does not load); empty otherwise.
   *     Such a run completes with this result instead of failing, so the worker does not log an
   *     operator's typo as a workflow failure.
   */
  record RemediationResult(String workflowId, String node, String group, String planDigest, boolean healthyBefore,
      boolean healthyAfter, boolean frozen, String summary, List<ExecutionOutcome> outcomes, List<Decision> decisions,
      List<RefusedSignal> refused, List<String> problemsAfter, String error) {}
}
