package dev.cloudedge.workflows.qualification;

import io.temporal.failure.ApplicationFailure;

/**
 * Failure types raised by qualification activities and workflows. The type name is the enum
 * constant's name; {@link #retryable()} decides whether activity retries apply (the
 * release-qualification classification: preflight, infrastructure, product).
 */
public enum QualificationFailureType {
  /** Invalid input: flags, topology, request records. Never retried. */
  INVALID_REQUEST(false),
  /** A preflight condition does not hold (missing group, SLO, peer, endpoint). Never retried. */
  PREFLIGHT(false),
  /** Another qualification holds the topology lock. Never retried. */
  TOPOLOGY_BUSY(false),
  /** The evidence directory cannot be used for this run. Never retried. */
  EVIDENCE_DIR(false),
  /** A fault method is not configured for this topology. Never retried. */
  FAULT_METHOD_MISSING(false),
  /** Infrastructure trouble (node unreachable, I/O): retried. */
  INFRA(true),
  /** The product under test misbehaved in a way the step reports directly. Never retried. */
  PRODUCT(false);

  private final boolean retryable;

  QualificationFailureType(boolean retryable) {
    this.retryable = retryable;
  }

  /** Whether activity retry policies retry this failure. */
  public boolean retryable() {
    return retryable;
  }

  /** Builds the application failure for this type with a message an operator can act on. */
  public ApplicationFailure failure(String message) {
    return retryable
        ? ApplicationFailure.newFailure(message, name())
        : ApplicationFailure.newNonRetryableFailure(message, name());
  }

  /** The names of the non-retryable types, for {@code RetryOptions.setDoNotRetry}. */
  public static String[] nonRetryableNames() {
    return java.util.Arrays.stream(values())
        .filter(t -> !t.retryable)
        .map(Enum::name)
        .toArray(String[]::new);
  }
}
