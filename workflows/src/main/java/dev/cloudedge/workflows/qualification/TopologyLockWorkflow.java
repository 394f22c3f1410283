package dev.cloudedge.workflows.qualification;

import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.SignalMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * The lock a qualification holds on its topology. It runs as a child of the qualification with id
 * {@code qualification-lock/<topologyId>}; Temporal allows one running workflow per id, so a second
 * qualification cannot start its lock and is refused. The lock ends when released or when its
 * parent closes (parent-close policy TERMINATE), so a crashed or terminated run cannot leak it.
 */
@WorkflowInterface
public interface TopologyLockWorkflow {

  /** Holds the lock for {@code holderWorkflowId} until released. */
  @WorkflowMethod
  void hold(String holderWorkflowId);

  /** Releases the lock. */
  @SignalMethod
  void release();

  /** The workflow id of the qualification holding the lock. */
  @QueryMethod
  String holder();

  /** The lock's workflow id for a topology. */
  static String workflowId(String topologyId) {
    return "qualification-lock/" + topologyId;
  }
}
