package dev.cloudedge.federation.subscription;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.time.Instant;

/**
 * The last status of a subscription (reference §1.13): {@code Idle}, {@code Waiting},
 * {@code Pending}, {@code Applied} or {@code Degraded}.
 *
 * @param subscription the subscription name
 * @param phase the phase
 * @param matched events in the last batch or schedule
 * @param message why, for Waiting, Pending and Degraded
 * @param updatedAt when it was set
 */
@JsonPropertyOrder({"subscription", "phase", "matched", "message", "updatedAt"})
public record SubscriptionStatus(String subscription, String phase, int matched, String message, Instant updatedAt) {
  public static final String IDLE = "Idle";
  public static final String WAITING = "Waiting";
  public static final String PENDING = "Pending";
  public static final String APPLIED = "Applied";
  public static final String DEGRADED = "Degraded";
}
