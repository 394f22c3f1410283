package dev.cloudedge.workflows;

import java.util.Objects;

/**
 * Task-queue names. Workflows and evidence activities run on the control queue; node-local
 * activities run on the queue of the node they act on, so a partition or restart is always applied
 * by the worker that hosts that node.
 */
public final class TaskQueues {
  /** The queue polled by the control worker: qualification workflows and evidence activities. */
  public static final String CONTROL = "cloudedge-control";

  private static final String NODE_PREFIX = "cloudedge-node-";

  private TaskQueues() {}

  /** The task queue of the worker hosting {@code nodeName}. */
  public static String node(String nodeName) {
    Objects.requireNonNull(nodeName, "nodeName");
    if (nodeName.isBlank()) {
      throw new IllegalArgumentException("node name must not be empty");
    }
    return NODE_PREFIX + nodeName;
  }
}
