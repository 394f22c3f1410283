package dev.cloudedge.worker;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.enums.v1.TaskQueueType;
import io.temporal.api.taskqueue.v1.TaskQueue;
import io.temporal.api.workflowservice.v1.DescribeTaskQueueRequest;
import io.temporal.client.WorkflowClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Whether workers poll the task queues a workflow needs, as far as the server can tell, so a
 * command that starts a workflow can warn at once instead of leaving it scheduled in silence.
 *
 * <p>A real Temporal server lists a queue's recent pollers ({@code DescribeTaskQueue}). Temporal's
 * Java test server (what {@code server start-dev} embeds) does not implement that call; there the
 * check falls back to the workflow's own history: a worker that polls the workflow queue starts the
 * first workflow task within moments.
 */
public final class PollerCheck {
  /** What the server says about a queue's pollers. */
  public enum Answer {
    /** At least one worker polled recently. */
    POLLED,
    /** No worker polled recently. */
    NOT_POLLED,
    /** The server cannot list pollers. */
    UNKNOWN
  }

  private final WorkflowClient client;

  public PollerCheck(WorkflowClient client) {
    this.client = Objects.requireNonNull(client, "client");
  }

  /** The pollers of {@code taskQueue} for workflow or activity tasks. */
  public Answer pollers(String taskQueue, TaskQueueType type) {
    try {
      var r = client.getWorkflowServiceStubs().blockingStub().describeTaskQueue(DescribeTaskQueueRequest.newBuilder()
          .setNamespace(client.getOptions().getNamespace())
          .setTaskQueue(TaskQueue.newBuilder().setName(taskQueue).build())
          .setTaskQueueType(type)
          .build());
      return r.getPollersCount() > 0 ? Answer.POLLED : Answer.NOT_POLLED;
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() == Status.Code.UNIMPLEMENTED) {
        return Answer.UNKNOWN;
      }
      throw e;
    }
  }

  /** Whether a worker has started a workflow task of {@code workflowId} (from its history). */
  public boolean workflowTaskStarted(String workflowId) {
    try (var events = client.streamHistory(workflowId)) {
      return events.anyMatch(e -> e.getEventType() == EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED);
    }
  }

  /**
   * Warnings for a just-started workflow: none when its queues are polled. Waits up to {@code
   * within} for its first workflow task only when the server cannot list pollers.
   */
  public List<String> warnings(String workflowId, String workflowQueue, List<String> activityQueues, Duration within,
      String hint) throws InterruptedException {
    return warnings(workflowId, workflowQueue, activityQueues, System.nanoTime(), within, hint);
  }

  /**
   * Like {@link #warnings(String, String, List, Duration, String)}, the wait counted from {@code
   * sinceNanos} ({@link System#nanoTime()}) for a caller that has already waited part of it.
   *
   * @param workflowQueue the queue the workflow's tasks go to
   * @param activityQueues further queues its activities go to (checked only where pollers can be listed)
   * @param hint what to start, e.g. {@code cloudedge worker --control}
   */
  public List<String> warnings(String workflowId, String workflowQueue, List<String> activityQueues, long sinceNanos,
      Duration within, String hint) throws InterruptedException {
    List<String> out = new ArrayList<>();
    switch (pollers(workflowQueue, TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW)) {
      case NOT_POLLED -> out.add("no worker polls task queue " + workflowQueue + ": " + workflowId
          + " waits until one does (" + hint + ")");
      case UNKNOWN -> {
        long until = sinceNanos + within.toNanos();
        while (!workflowTaskStarted(workflowId)) {
          if (System.nanoTime() > until) {
            out.add("no worker has picked up " + workflowId + " within " + within.toSeconds() + " s: is a worker polling task queue "
                + workflowQueue + "? (" + hint + ")");
            break;
          }
          Thread.sleep(200);
        }
      }
      case POLLED -> { }
    }
    for (String q : activityQueues) {
      if (pollers(q, TaskQueueType.TASK_QUEUE_TYPE_ACTIVITY) == Answer.NOT_POLLED) {
        out.add("no worker polls task queue " + q + ": its activities wait until one does");
      }
    }
    return out;
  }
}
