package dev.cloudedge.federation.provider;

import java.util.List;

/** The journal statuses of {@code action_executions} (reference §4.4), plus CloudEdge's {@code rejected}. */
public final class ActionStatus {
  public static final String PENDING = "pending";
  public static final String APPROVED = "approved";
  public static final String RUNNING = "running";
  public static final String SUCCEEDED = "succeeded";
  public static final String FAILED = "failed";
  public static final String SKIPPED = "skipped";
  public static final String ROLLED_BACK = "rolledBack";
  /** CloudEdge addition: an operator refused the action; terminal, and re-import keeps it refused. */
  public static final String REJECTED = "rejected";

  /** Every status, in lifecycle order. */
  public static final List<String> ALL =
      List.of(PENDING, APPROVED, RUNNING, SUCCEEDED, FAILED, SKIPPED, ROLLED_BACK, REJECTED);

  private ActionStatus() {}

  /** {@code history} for finished rows, else {@code active} (the list's LIFECYCLE column). */
  public static String lifecycle(String status) {
    return switch (status) {
      case SUCCEEDED, FAILED, SKIPPED, ROLLED_BACK, REJECTED -> "history";
      default -> "active";
    };
  }
}
