package dev.cloudedge.workflows.provider;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;
import java.util.List;

/**
 * Provider action journal and execution on the node that owns the journal (its task queue), through
 * the provider action engine: import by idempotency key, the §4.1/§4.5 policy gate, approvals,
 * execution by the provider's executor (heartbeating while it runs) and undo. Failures carry a
 * {@link dev.cloudedge.workflows.remediation.RemediationFailureType}: only {@code TRANSIENT} is
 * retried; a policy denial, a validation error, a state conflict or an authorization failure is not.
 */
@ActivityInterface(namePrefix = "ProviderAction")
public interface ProviderActivities {

  /** Imports the plans into {@code action_executions} by idempotency key; returns their rows in plan order. */
  @ActivityMethod
  List<Step> importPlans(ImportRequest request);

  /** Evaluates the policy for each row (mode execute): denial reasons, auto-approval, undo. */
  @ActivityMethod
  Gate gate(List<Long> ids);

  /** Approves pending rows ({@code pending → approved}) for {@code by}. */
  @ActivityMethod
  List<Step> approve(Decision decision);

  /** Rejects pending or approved rows. */
  @ActivityMethod
  List<Step> reject(Decision decision);

  /** Executes one row live (auto-approving when the policy allows); recovers a row left running by a crash. */
  @ActivityMethod
  Step execute(long id);

  /** Undoes a succeeded row by its plan's undo (§4.12) when the policy allows undo; otherwise says why not. */
  @ActivityMethod
  Step undo(long id);

  /**
   * Plans to import.
   *
   * @param plansJson a JSON array of action plans (reference §3.1 shape)
   * @param source the journal source ({@code workflow:<id>} or {@code file:<path>})
   */
  record ImportRequest(String plansJson, String source) {}

  /**
   * One journal row.
   *
   * @param id the row id
   * @param idempotencyKey its key
   * @param provider aws, azure, oci
   * @param action the action verb
   * @param status the journal status
   * @param message the result message or a note
   * @param error the error, empty when none
   * @param failureClass the executor's failure class ({@code authorization}, {@code transient}, ...), empty when none
   * @param hasUndo whether the plan carries an undo
   */
  record Step(long id, String idempotencyKey, String provider, String action, String status, String message,
      String error, String failureClass, boolean hasUndo) {}

  /**
   * The policy's verdict.
   *
   * @param denials one {@code <id>: <reason>} per denied row (empty when all pass)
   * @param autoApprove whether the policy approves by itself ({@code policy:auto-approve})
   * @param allowUndo whether undo (compensation, rollback) is allowed
   */
  record Gate(List<String> denials, boolean autoApprove, boolean allowUndo) {}

  /**
   * An operator decision on rows.
   *
   * @param ids the rows
   * @param by who
   * @param reason the rejection reason (empty for approvals)
   */
  record Decision(List<Long> ids, String by, String reason) {}
}
