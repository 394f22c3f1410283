package dev.cloudedge.workflows.remediation;

import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.SignalMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.util.List;

/**
 * The remediation kill switch: one long-lived workflow ({@link #WORKFLOW_ID}) whose state every
 * remediation reads right before it would execute something automatically. {@code cloudedge
 * remediate freeze} signals it with signal-with-start, so the first freeze creates it. It never
 * acts itself; it only holds the switch and its audit trail, and continues as new to keep its
 * history short.
 */
@WorkflowInterface
public interface RemediationControlWorkflow {
  /** The singleton's workflow id. */
  String WORKFLOW_ID = "remediation/control";

  /** Holds the switch until terminated; {@code initial} carries the state across continue-as-new. */
  @WorkflowMethod
  void control(SwitchState initial);

  /** Freezes all automatic remediation (idempotent; a second freeze updates the reason). */
  @SignalMethod
  void freeze(SwitchChange change);

  /** Lifts the freeze (idempotent). */
  @SignalMethod
  void unfreeze(SwitchChange change);

  /** The switch and its recent changes. */
  @QueryMethod
  SwitchState state();

  /**
   * A freeze or unfreeze.
   *
   * @param by who (required)
   * @param reason why (free text)
   */
  record SwitchChange(String by, String reason) {}

  /**
   * One recorded change.
   *
   * @param frozen the state after it
   * @param by who
   * @param reason why
   * @param atEpochMillis when (workflow time)
   */
  record ChangeEntry(boolean frozen, String by, String reason, long atEpochMillis) {}

  /**
   * The switch.
   *
   * @param frozen whether automatic execution is frozen
   * @param by who set the current state
   * @param reason why
   * @param sinceEpochMillis since when (0 = never changed)
   * @param history recent changes, oldest first (at most 50)
   */
  record SwitchState(boolean frozen, String by, String reason, long sinceEpochMillis, List<ChangeEntry> history) {
    /** The initial, unfrozen state. */
    public static SwitchState initial() {
      return new SwitchState(false, "", "", 0, List.of());
    }
  }
}
