package dev.cloudedge.workflows.remediation;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

/** Reads the remediation kill switch (the state of {@link RemediationControlWorkflow}); control queue. */
@ActivityInterface(namePrefix = "KillSwitch")
public interface KillSwitchActivities {

  /** The switch now; not frozen when the control workflow was never started. */
  @ActivityMethod
  RemediationControlWorkflow.SwitchState read();
}
