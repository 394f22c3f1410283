package dev.cloudedge.federation.subscription;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * The last status of a subscription (reference §1.13): {@code Idle}, {@code Waiting},
 * {@code Pending}, {@code Applied} or {@code Degraded}.
 *
 * @param subscription the subscription name
 * @param phase the phase
 * @param matched events in the last batch or schedule
 * @param message why, for Waiting, Pending and Degraded
 * @param updatedAt when it was set (RFC 3339 UTC)
 */
@JsonPropertyOrder({"subscription", "phase", "matched", "message", "updatedAt"})
public record SubscriptionStatus(String subscription, String phase, int matched, String message, String updatedAt) {
  public static final String IDLE = "Idle";
  public static final String WAITING = "Waiting";
  public static final String PENDING = "Pending";
  public static final String APPLIED = "Applied";
  public static final String DEGRADED = "Degraded";
}
