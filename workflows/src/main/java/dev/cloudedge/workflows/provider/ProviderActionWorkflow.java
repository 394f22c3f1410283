package dev.cloudedge.workflows.provider;

import dev.cloudedge.workflows.provider.ProviderActivities.Step;
import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.SignalMethod;
import io.temporal.workflow.UpdateMethod;
import io.temporal.workflow.UpdateValidatorMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.util.List;
import java.util.Objects;

/**
 * Executes a claim's provider action plans (for example assign the secondary IP, then ensure
 * forwarding) as durable activities. The workflow id derives from the first plan's idempotency key
 * ({@link #workflowId}), so the same plan can never run twice concurrently. The policy gates first
 * (default deny); approval is {@code policy:auto-approve} when the policy allows it, otherwise an
 * operator's decision (not from the requester, one decision, within the timeout, then
 * auto-reject), sent as the {@link #submitApproval} / {@link #submitRejection} update (its
 * validator refuses with the reason before anything is recorded) or, for callers that can only
 * signal, as the {@link #approve} / {@link #reject} signal (a refusal is recorded). Steps run in order; a compensation (the step's undo) is registered before
 * each step and, when a later step fails or the workflow is cancelled, runs in a detached scope
 * when the policy allows undo.
 */
@WorkflowInterface
public interface ProviderActionWorkflow {

  /** {@code provider-action/<node>/<idempotencyKey>}. */
  static String workflowId(String node, String idempotencyKey) {
    Objects.requireNonNull(node, "node");
    Objects.requireNonNull(idempotencyKey, "idempotencyKey");
    if (node.isBlank() || idempotencyKey.isBlank()) {
      throw new IllegalArgumentException("node and idempotencyKey must be non-empty");
    }
    return "provider-action/" + node + "/" + idempotencyKey;
  }

  /** Imports, gates, waits for approval when needed, executes with compensation; returns every step. */
  @WorkflowMethod
  ProviderActionResult execute(ProviderActionRequest request);

  /** An operator approves the plans. Refused (and recorded) when not acceptable. */
  @SignalMethod
  void approve(Approval approval);

  /** An operator rejects the plans. Refused (and recorded) when not acceptable. */
  @SignalMethod
  void reject(Rejection rejection);

  /**
   * An operator approves the plans and learns at once whether it was accepted; {@link
   * #validateApproval} refuses an unacceptable approval before it is recorded.
   *
   * @return the accepted decision
   */
  @UpdateMethod
  Accepted submitApproval(Approval approval);

  /** Refuses an unacceptable approval by throwing {@link IllegalArgumentException} with the reason. */
  @UpdateValidatorMethod(updateName = "submitApproval")
  void validateApproval(Approval approval);

  /**
   * An operator rejects the plans and learns at once whether the rejection was accepted.
   *
   * @return the accepted decision
   */
  @UpdateMethod
  Accepted submitRejection(Rejection rejection);

  /** Refuses an unacceptable rejection by throwing {@link IllegalArgumentException} with the reason. */
  @UpdateValidatorMethod(updateName = "submitRejection")
  void validateRejection(Rejection rejection);

  /** Phase, steps, decision and refused signals so far. */
  @QueryMethod
  ProviderActionStatus status();

  /**
   * What to run.
   *
   * @param node the node whose journal and executors are used
   * @param plansJson the plans (JSON array), in execution order
   * @param requestedBy who asked; may not approve
   * @param approvalTimeoutSeconds how long approval may take (0 = 24 h)
   */
  record ProviderActionRequest(String node, String plansJson, String requestedBy, long approvalTimeoutSeconds) {}

  /**
   * An approval.
   *
   * @param requestId the sender's id to find its outcome in {@link #status()}
   * @param approver who (required; not the requester)
   * @param comment free text
   */
  record Approval(String requestId, String approver, String comment) {}

  /**
   * A rejection.
   *
   * @param requestId the sender's id
   * @param approver who (required; not the requester)
   * @param reason why
   */
  record Rejection(String requestId, String approver, String reason) {}

  /**
   * A decision the workflow accepted.
   *
   * @param requestId the sender's id
   * @param decision approved or rejected
   * @param by who decided
   * @param atEpochMillis when (workflow time)
   */
  record Accepted(String requestId, String decision, String by, long atEpochMillis) {}

  /**
   * A refused signal.
   *
   * @param requestId the sender's id
   * @param signal approve or reject
   * @param by the identity given
   * @param reason why it was refused
   * @param atEpochMillis when
   */
  record Refused(String requestId, String signal, String by, String reason, long atEpochMillis) {}

  /**
   * The state for queries.
   *
   * @param phase importing, gating, awaiting-approval, executing, compensating or done
   * @param requestedBy the requester
   * @param steps the journal rows as last seen
   * @param decision approved/rejected/timed-out by whom, empty while undecided
   * @param decisionRequestId the request id of the accepted decision
   * @param refused refused signals
   * @param approvalDeadlineEpochMillis when approval times out (0 when no approval is awaited)
   */
  record ProviderActionStatus(String phase, String requestedBy, List<Step> steps, String decision,
      String decisionRequestId, List<Refused> refused, long approvalDeadlineEpochMillis) {}

  /**
   * The result.
   *
   * @param outcome succeeded, failed, compensated, denied, rejected or timed-out
   * @param message one line for the operator
   * @param steps the rows after execution
   * @param compensations what each compensation did
   * @param decision who decided ({@code policy:auto-approve} when automatic)
   * @param refused refused signals
   */
  record ProviderActionResult(String outcome, String message, List<Step> steps, List<Step> compensations,
      String decision, List<Refused> refused) {}
}
