package dev.cloudedge.workflows.remediation;

import dev.cloudedge.workflows.TaskQueues;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import java.time.Duration;

/** Every activity and retry option of the remediation and provider-action workflows, in one place. */
public final class RemediationOptions {
  private RemediationOptions() {}

  private static RetryOptions retry(int maxAttempts, Duration maxInterval) {
    return RetryOptions.newBuilder()
        .setInitialInterval(Duration.ofSeconds(1))
        .setBackoffCoefficient(2.0)
        .setMaximumInterval(maxInterval)
        .setMaximumAttempts(maxAttempts)
        .setDoNotRetry(RemediationFailureType.nonRetryableNames())
        .build();
  }

  /** Doctor runs and diagnostics on a node: read-only, retried on infrastructure errors. */
  public static ActivityOptions nodeRead(String node) {
    return ActivityOptions.newBuilder()
        .setTaskQueue(TaskQueues.node(node))
        .setStartToCloseTimeout(Duration.ofSeconds(60))
        .setRetryOptions(retry(5, Duration.ofSeconds(10)))
        .build();
  }

  /** How long the first node activity of a remediation may wait for the node's worker to pick it up. */
  public static final Duration NODE_PICKUP = Duration.ofSeconds(30);

  /**
   * The first doctor run of a remediation: {@link #nodeRead} that fails after {@link #NODE_PICKUP}
   * when no worker serves the node (a wrong {@code --node}, or its worker is down) instead of
   * waiting forever on a task queue nobody polls. Schedule-to-start timeouts are never retried.
   */
  public static ActivityOptions nodeFirstRead(String node) {
    return ActivityOptions.newBuilder(nodeRead(node))
        .setScheduleToStartTimeout(NODE_PICKUP)
        .build();
  }

  /**
   * A remediation execution on a node (retry, re-push, endpoint change): idempotent by its journal
   * key, so a retry after a timeout finds the earlier result instead of acting twice.
   */
  public static ActivityOptions nodeAction(String node) {
    return ActivityOptions.newBuilder()
        .setTaskQueue(TaskQueues.node(node))
        .setStartToCloseTimeout(Duration.ofSeconds(60))
        .setRetryOptions(retry(3, Duration.ofSeconds(10)))
        .build();
  }

  /** The kill-switch read on the control queue; unbounded retries would stall every remediation. */
  public static ActivityOptions killSwitch() {
    return ActivityOptions.newBuilder()
        .setTaskQueue(TaskQueues.CONTROL)
        .setStartToCloseTimeout(Duration.ofSeconds(10))
        .setRetryOptions(retry(5, Duration.ofSeconds(5)))
        .build();
  }

  /** Journal bookkeeping on a node (import, approve, reject, policy read). */
  public static ActivityOptions providerJournal(String node) {
    return ActivityOptions.newBuilder()
        .setTaskQueue(TaskQueues.node(node))
        .setStartToCloseTimeout(Duration.ofSeconds(30))
        .setRetryOptions(retry(5, Duration.ofSeconds(10)))
        .build();
  }

  /**
   * A provider executor run (a cloud CLI call): heartbeats every second while the executor runs,
   * so a lost worker is noticed in 30 s, not at the start-to-close timeout; transient failures
   * (the engine put the row back to approved) are retried with backoff, everything else is not.
   */
  public static ActivityOptions providerExecute(String node) {
    return ActivityOptions.newBuilder()
        .setTaskQueue(TaskQueues.node(node))
        .setStartToCloseTimeout(Duration.ofMinutes(5))
        .setHeartbeatTimeout(Duration.ofSeconds(30))
        .setRetryOptions(retry(5, Duration.ofSeconds(30)))
        .build();
  }

  /** A compensation (undo): retried longer, it must not be given up lightly. */
  public static ActivityOptions providerUndo(String node) {
    return ActivityOptions.newBuilder()
        .setTaskQueue(TaskQueues.node(node))
        .setStartToCloseTimeout(Duration.ofMinutes(5))
        .setHeartbeatTimeout(Duration.ofSeconds(30))
        .setRetryOptions(retry(10, Duration.ofMinutes(1)))
        .build();
  }
}
