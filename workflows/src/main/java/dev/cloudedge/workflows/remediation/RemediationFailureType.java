package dev.cloudedge.workflows.remediation;

import io.temporal.failure.ApplicationErrorCategory;
import io.temporal.failure.ApplicationFailure;

/**
 * Failure types of remediation and provider-action activities. The type name is the constant's
 * name; only {@link #TRANSIENT} is retried by the activity retry policies.
 */
public enum RemediationFailureType {
  /** Bad input (group, endpoint, ids). Never retried. */
  INVALID_REQUEST(false),
  /** The config cannot be loaded or does not validate. Never retried. */
  CONFIG(false),
  /** The policy refused the operation. Never retried. */
  POLICY_DENIED(false),
  /** The cloud refused our credentials or permissions. Never retried. */
  AUTHORIZATION(false),
  /** The journal row is in a state that forbids the operation. Never retried. */
  INVALID_STATE(false),
  /** A timeout, throttling, a lost connection or an I/O error: retried with backoff. */
  TRANSIENT(true);

  private final boolean retryable;

  RemediationFailureType(boolean retryable) {
    this.retryable = retryable;
  }

  /** Whether activity retry policies retry this failure. */
  public boolean retryable() {
    return retryable;
  }

  /**
   * The application failure for this type with a message an operator can act on. A bad request or
   * config is the operator's to fix, not a fault of the worker: it is {@link
   * ApplicationErrorCategory#BENIGN}, so the SDK logs it at debug level without a stack trace.
   */
  public ApplicationFailure failure(String message) {
    return ApplicationFailure.newBuilder()
        .setMessage(message)
        .setType(name())
        .setNonRetryable(!retryable)
        .setCategory(operatorError() ? ApplicationErrorCategory.BENIGN : ApplicationErrorCategory.UNSPECIFIED)
        .build();
  }

  /** Whether a failure of this type is the operator's to fix (a wrong node, group or config). */
  public boolean operatorError() {
    return this == INVALID_REQUEST || this == CONFIG;
  }

  /** The type named by {@code failureType}, if it is one of ours. */
  public static java.util.Optional<RemediationFailureType> of(String failureType) {
    return java.util.Arrays.stream(values()).filter(t -> t.name().equals(failureType)).findFirst();
  }

  /** The names of the non-retryable types, for {@code RetryOptions.setDoNotRetry}. */
  public static String[] nonRetryableNames() {
    return java.util.Arrays.stream(values()).filter(t -> !t.retryable).map(Enum::name).toArray(String[]::new);
  }
}
