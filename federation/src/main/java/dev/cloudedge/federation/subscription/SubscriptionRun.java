package dev.cloudedge.federation.subscription;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * One row of {@code event_subscription_runs} (reference §1.6).
 *
 * @param id row id
 * @param subscription {@code EventSubscription/<name>}
 * @param eventId the event
 * @param eventGroup its group
 * @param plugin the Plugin of the latest attempt
 * @param status {@code pending}, {@code succeeded} or {@code failed}
 * @param attempts attempts so far
 * @param startedAt RFC 3339 UTC of the latest attempt
 * @param completedAt RFC 3339 UTC, or empty
 * @param dynamicSource the part source on success, or empty
 * @param dynamicGeneration 1 on success, else {@code null}
 * @param error the failure text, or empty
 */
@JsonPropertyOrder({"id", "subscription", "eventId", "eventGroup", "plugin", "status", "attempts", "startedAt",
    "completedAt", "dynamicSource", "dynamicGeneration", "error"})
public record SubscriptionRun(
    long id, String subscription, String eventId, String eventGroup, String plugin, String status, int attempts,
    String startedAt, String completedAt, String dynamicSource, Long dynamicGeneration, String error) {
  public static final String PENDING = "pending";
  public static final String SUCCEEDED = "succeeded";
  public static final String FAILED = "failed";

  /**
   * Eligibility (reference §1.6): succeeded never again; failed while attempts &lt; maxAttempts;
   * anything else (pending after a crash) always.
   */
  public boolean eligible(int maxAttempts) {
    return switch (status) {
      case SUCCEEDED -> false;
      case FAILED -> attempts < maxAttempts;
      default -> true;
    };
  }
}
