package dev.cloudedge.workflows.remediation;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;
import java.util.List;

/**
 * Node-local remediation activities, run by the worker hosting the node (its task queue), on the
 * node's own config files, state database and eventd runtime. Executions are idempotent by their
 * journal key: a retried call returns the journaled outcome instead of acting again.
 */
@ActivityInterface(namePrefix = "Remediation")
public interface RemediationActivities {

  /** Runs the doctor with the remediation plan and returns the group's findings and policy. */
  @ActivityMethod
  Diagnosis diagnose(DiagnoseRequest request);

  /**
   * Executes a ready action on the node's eventd under the durable rate limit, journaled in
   * {@code action_executions}: succeeded, failed, or skipped with the rate-limit reason.
   */
  @ActivityMethod
  ExecutionOutcome execute(ExecutionRequest request);

  /** Runs the diagnostic of an inspect-only action; never mutates anything. */
  @ActivityMethod
  Inspection inspect(InspectionRequest request);

  /**
   * Applies an approved endpoint change: edits the config file atomically (backup kept), reloads
   * the runtime (restoring the backup if the reload fails) and journals it.
   */
  @ActivityMethod
  ExecutionOutcome applyEndpoint(EndpointChange request);

  /** Journals an action that was not executed (rejected, timed out, frozen, not allowed by policy). */
  @ActivityMethod
  ExecutionOutcome journalSkip(SkipRecord request);

  /**
   * Which group to diagnose.
   *
   * @param group the EventGroup
   */
  record DiagnoseRequest(String group) {}

  /**
   * One planned action for the group.
   *
   * @param action the wire name
   * @param readiness ready, inspect-only or not-ready
   * @param group the target group
   * @param peer the target peer (node name), empty when none
   * @param resource the target resource, empty when none
   * @param reason the check detail that produced it
   */
  record PlannedAction(String action, String readiness, String group, String peer, String resource, String reason) {
    /** A readable key: {@code <action>/<group>/<peer or resource>}. */
    public String key() {
      return action + "/" + group + "/" + (peer.isEmpty() ? resource : peer);
    }
  }

  /**
   * The policy as it applies to this group.
   *
   * @param enabled whether automatic execution is enabled
   * @param allowedActions ready actions allowed to run automatically
   * @param maxExecutionsPerHour the rate limit per (action, group, peer)
   * @param approvalTimeoutSeconds how long an approval may take
   * @param sloDefined whether a FederationSLO exists for the group
   * @param blockers per ready action, why it may not run automatically (empty map value = allowed)
   */
  record PolicyView(boolean enabled, List<String> allowedActions, int maxExecutionsPerHour, long approvalTimeoutSeconds,
      boolean sloDefined, List<String> blockers) {
    /** Why {@code action} may not run automatically, or empty. */
    public String blocker(String action) {
      for (String b : blockers) {
        if (b.startsWith(action + ": ")) {
          return b.substring(action.length() + 2);
        }
      }
      return "";
    }
  }

  /**
   * The doctor's findings for a group.
   *
   * @param overall the report's overall status
   * @param groupHealthy whether no federation check of the group is WARN or FAIL
   * @param problems the group's WARN/FAIL checks as {@code STATUS name: detail}
   * @param actions the group's planned actions, in plan order
   * @param planDigest the plan digest ({@code sha256:...})
   * @param policy the remediation policy
   */
  record Diagnosis(String overall, boolean groupHealthy, List<String> problems, List<PlannedAction> actions,
      String planDigest, PolicyView policy) {}

  /**
   * An execution of a ready action.
   *
   * @param workflowId the remediation workflow
   * @param key the journal idempotency key (also the rate-limit grant key)
   * @param action the planned action
   * @param planDigest the digest of the plan it comes from
   * @param approvedBy who approved ({@code policy:remediation-auto} for automatic runs)
   * @param atEpochMillis the workflow's time of the decision, for the rate-limit window
   * @param maxPerHour the limit to apply
   */
  record ExecutionRequest(String workflowId, String key, PlannedAction action, String planDigest, String approvedBy,
      long atEpochMillis, int maxPerHour) {}

  /**
   * What happened to an action.
   *
   * @param key the action key ({@link PlannedAction#key()})
   * @param action the wire name
   * @param outcome executed, failed, rate-limited, frozen, not-allowed, inspected, approved, rejected,
   *     timed-out
   * @param message a sentence for the operator
   * @param journalId the {@code action_executions} row id, 0 when none
   * @param verified for executions: whether the re-run doctor no longer plans the action
   * @param output the diagnostic output (inspect-only) or the verification findings
   */
  record ExecutionOutcome(String key, String action, String outcome, String message, long journalId, boolean verified,
      List<String> output) {
    /** This outcome with the verification result. */
    public ExecutionOutcome verifiedAs(boolean ok, List<String> findings) {
      return new ExecutionOutcome(key, action, outcome, message, journalId, ok, findings);
    }
  }

  /**
   * An inspect-only diagnostic.
   *
   * @param action the planned action
   */
  record InspectionRequest(PlannedAction action) {}

  /**
   * A diagnostic's output.
   *
   * @param key the action key
   * @param action the wire name
   * @param lines what it found, one line per item
   */
  record Inspection(String key, String action, List<String> lines) {}

  /**
   * An approved endpoint change.
   *
   * @param workflowId the remediation workflow
   * @param key the journal idempotency key
   * @param action the planned configure-peer-endpoint action
   * @param endpoint the endpoint to set
   * @param approvedBy the approver
   * @param planDigest the digest of the plan
   */
  record EndpointChange(String workflowId, String key, PlannedAction action, String endpoint, String approvedBy,
      String planDigest) {}

  /**
   * An action journaled as not executed.
   *
   * @param workflowId the remediation workflow
   * @param key the journal idempotency key
   * @param action the planned action
   * @param outcome rejected, timed-out, frozen or not-allowed
   * @param by who decided (an operator, {@code policy:remediation}, {@code kill-switch})
   * @param reason why
   * @param planDigest the digest of the plan
   */
  record SkipRecord(String workflowId, String key, PlannedAction action, String outcome, String by, String reason,
      String planDigest) {}
}
