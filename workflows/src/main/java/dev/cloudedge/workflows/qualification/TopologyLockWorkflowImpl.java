package dev.cloudedge.workflows.qualification;

import io.temporal.workflow.Workflow;

/** Holds a topology lock until released. */
public class TopologyLockWorkflowImpl implements TopologyLockWorkflow {
  private String holder = "";
  private boolean released;

  @Override
  public void hold(String holderWorkflowId) {
    holder = holderWorkflowId;
    Workflow.setCurrentDetails("held by " + holderWorkflowId);
    Workflow.await(() -> released);
    Workflow.await(Workflow::isEveryHandlerFinished);
  }

  @Override
  public void release() {
    released = true;
  }

  @Override
  public String holder() {
    return holder;
  }
}
