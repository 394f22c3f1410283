package dev.cloudedge.workflows.qualification;

import dev.cloudedge.workflows.TaskQueues;
import io.temporal.activity.ActivityCancellationType;
import io.temporal.activity.ActivityOptions;
import io.temporal.api.enums.v1.ParentClosePolicy;
import io.temporal.api.enums.v1.WorkflowIdReusePolicy;
import io.temporal.common.RetryOptions;
import io.temporal.common.SearchAttributes;
import io.temporal.workflow.ChildWorkflowCancellationType;
import io.temporal.workflow.ChildWorkflowOptions;
import java.time.Duration;

/**
 * Every activity, retry and child-workflow option of the qualification, in one place.
 *
 * <p>Node reads are short and do not heartbeat; on a deadline or cancel node activities are
 * abandoned (ABANDON) and the workflow goes straight to its compensation, whose restore activities
 * run in a detached scope. The long ones (restart, security probes, fault commands and the
 * rollback's restore and checks) heartbeat every second while they run and have a {@link
 * #HEARTBEAT} timeout, so a node worker that dies during one is noticed within it and the retry
 * runs on the restarted worker. Timeouts are not part of a workflow's replayed commands, so
 * changing them needs no version.
 */
public final class QualificationOptions {
  /** Heartbeat timeout of the node activities that heartbeat. */
  public static final Duration HEARTBEAT = Duration.ofSeconds(10);

  private QualificationOptions() {}

  private static RetryOptions.Builder retry(int maxAttempts, Duration maxInterval) {
    return RetryOptions.newBuilder()
        .setInitialInterval(Duration.ofSeconds(1))
        .setBackoffCoefficient(2.0)
        .setMaximumInterval(maxInterval)
        .setMaximumAttempts(maxAttempts)
        .setDoNotRetry(QualificationFailureType.nonRetryableNames());
  }

  /** Reads on a node (deliveries, events, doctor, summaries): short, retried on infra errors. */
  public static ActivityOptions nodeRead(String taskQueue, String summary) {
    return ActivityOptions.newBuilder()
        .setTaskQueue(taskQueue)
        .setStartToCloseTimeout(Duration.ofSeconds(30))
        .setRetryOptions(retry(5, Duration.ofSeconds(10)).build())
        .setCancellationType(ActivityCancellationType.ABANDON)
        .setSummary(summary)
        .build();
  }

  /**
   * Preflight identity of a node: bounded by schedule-to-close so a node without a worker is a
   * setup error, not an endless wait.
   */
  public static ActivityOptions nodePreflight(String taskQueue, String summary) {
    return ActivityOptions.newBuilder()
        .setTaskQueue(taskQueue)
        .setStartToCloseTimeout(Duration.ofSeconds(20))
        .setScheduleToCloseTimeout(Duration.ofSeconds(60))
        .setRetryOptions(retry(5, Duration.ofSeconds(10)).build())
        .setCancellationType(ActivityCancellationType.ABANDON)
        .setSummary(summary)
        .build();
  }

  /** Applying a fault or emitting: a few attempts; the apply may have run even when it timed out. */
  public static ActivityOptions nodeAction(String taskQueue, String summary) {
    return ActivityOptions.newBuilder()
        .setTaskQueue(taskQueue)
        .setStartToCloseTimeout(Duration.ofSeconds(30))
        .setRetryOptions(retry(3, Duration.ofSeconds(5)).build())
        .setCancellationType(ActivityCancellationType.ABANDON)
        .setSummary(summary)
        .build();
  }

  /** Security probes: several HTTP requests in one activity. */
  public static ActivityOptions nodeProbes(String taskQueue, String summary) {
    return ActivityOptions.newBuilder()
        .setTaskQueue(taskQueue)
        .setStartToCloseTimeout(Duration.ofSeconds(60))
        .setHeartbeatTimeout(HEARTBEAT)
        .setRetryOptions(retry(3, Duration.ofSeconds(5)).build())
        .setCancellationType(ActivityCancellationType.ABANDON)
        .setSummary(summary)
        .build();
  }

  /** Restarting a runtime (systemctl restart may take its stop timeout). */
  public static ActivityOptions nodeRestart(String taskQueue, String summary) {
    return ActivityOptions.newBuilder()
        .setTaskQueue(taskQueue)
        .setStartToCloseTimeout(Duration.ofSeconds(120))
        .setHeartbeatTimeout(HEARTBEAT)
        .setRetryOptions(retry(2, Duration.ofSeconds(5)).build())
        .setCancellationType(ActivityCancellationType.ABANDON)
        .setSummary(summary)
        .build();
  }

  /**
   * Rollback of a fault: retried without limit and without a schedule-to-close bound, so a restore
   * scheduled while the node's worker is down runs as soon as the worker is back.
   */
  public static ActivityOptions nodeRestore(String taskQueue, String summary) {
    return ActivityOptions.newBuilder()
        .setTaskQueue(taskQueue)
        .setStartToCloseTimeout(Duration.ofSeconds(30))
        .setHeartbeatTimeout(HEARTBEAT)
        .setRetryOptions(retry(0, Duration.ofSeconds(10)).build())
        .setSummary(summary)
        .build();
  }

  /** Evidence writes on the control queue. */
  public static ActivityOptions evidence(String summary) {
    return ActivityOptions.newBuilder()
        .setTaskQueue(TaskQueues.CONTROL)
        .setStartToCloseTimeout(Duration.ofSeconds(60))
        .setRetryOptions(retry(10, Duration.ofSeconds(10)).build())
        .setSummary(summary)
        .build();
  }

  /** A scenario child workflow; cancellation waits for its compensation to finish. */
  public static ChildWorkflowOptions scenario(
      String workflowId, String summary, String details, SearchAttributes attributes) {
    return ChildWorkflowOptions.newBuilder()
        .setWorkflowId(workflowId)
        .setTaskQueue(TaskQueues.CONTROL)
        .setCancellationType(ChildWorkflowCancellationType.WAIT_CANCELLATION_COMPLETED)
        .setWorkflowIdReusePolicy(WorkflowIdReusePolicy.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE)
        .setStaticSummary(summary)
        .setStaticDetails(details)
        .setTypedSearchAttributes(attributes)
        .build();
  }

  /** The topology lock child: dies with its parent, whatever way the parent closes. */
  public static ChildWorkflowOptions topologyLock(String workflowId, String summary) {
    return ChildWorkflowOptions.newBuilder()
        .setWorkflowId(workflowId)
        .setTaskQueue(TaskQueues.CONTROL)
        .setParentClosePolicy(ParentClosePolicy.PARENT_CLOSE_POLICY_TERMINATE)
        .setCancellationType(ChildWorkflowCancellationType.ABANDON)
        .setWorkflowIdReusePolicy(WorkflowIdReusePolicy.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE)
        .setStaticSummary(summary)
        .build();
  }
}
