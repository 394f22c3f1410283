package dev.cloudedge.activities.remediation;

import dev.cloudedge.workflows.remediation.KillSwitchActivities;
import dev.cloudedge.workflows.remediation.RemediationControlWorkflow;
import dev.cloudedge.workflows.remediation.RemediationFailureType;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowNotFoundException;
import java.util.Objects;

/** Reads the kill switch by querying {@link RemediationControlWorkflow}. */
public final class KillSwitchActivitiesImpl implements KillSwitchActivities {
  private final WorkflowClient client;

  /** Reads through {@code client} (the worker's own client). */
  public KillSwitchActivitiesImpl(WorkflowClient client) {
    this.client = Objects.requireNonNull(client, "client");
  }

  @Override
  public RemediationControlWorkflow.SwitchState read() {
    try {
      return client.newWorkflowStub(RemediationControlWorkflow.class, RemediationControlWorkflow.WORKFLOW_ID).state();
    } catch (WorkflowNotFoundException e) {
      // Never frozen yet: the first freeze starts the control workflow.
      return RemediationControlWorkflow.SwitchState.initial();
    } catch (RuntimeException e) {
      throw RemediationFailureType.TRANSIENT.failure("read the remediation kill switch: " + e.getMessage());
    }
  }
}
