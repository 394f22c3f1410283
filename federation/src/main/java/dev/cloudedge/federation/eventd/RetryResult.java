package dev.cloudedge.federation.eventd;

import dev.cloudedge.federation.delivery.PassResult;

/**
 * What {@link EventdRuntime#retryFailedNow} did.
 *
 * @param backoffCleared failed pairs whose across-pass backoff was reset
 * @param pass the pass that ran right after
 */
public record RetryResult(int backoffCleared, PassResult pass) {}
