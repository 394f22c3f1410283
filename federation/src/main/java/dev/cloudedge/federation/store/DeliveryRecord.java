package dev.cloudedge.federation.store;

import java.time.Instant;

/**
 * One {@code event_deliveries} row: the delivery state of an (event, peer) pair.
 *
 * @param id the row id (0 where a query does not select it)
 * @param eventId the event id
 * @param peer the peer's node name
 * @param status {@code pending}, {@code delivered} or {@code failed}
 * @param attempts POSTs made in the latest pass
 * @param lastAttemptAt when the latest pass ended, or {@code null}
 * @param lastError the latest error text; empty after a success
 * @param deliveredAt when it was delivered, or {@code null}
 * @param eventExpiresAt the event expiry the peer last received, or {@code null}
 * @param failures consecutive failed passes (CloudEdge: drives the across-tick backoff)
 * @param nextAttemptAt the earliest next attempt under that backoff, or {@code null} for now
 */
public record DeliveryRecord(
    long id,
    String eventId,
    String peer,
    String status,
    int attempts,
    Instant lastAttemptAt,
    String lastError,
    Instant deliveredAt,
    Instant eventExpiresAt,
    int failures,
    Instant nextAttemptAt) {

  public static final String PENDING = "pending";
  public static final String DELIVERED = "delivered";
  public static final String FAILED = "failed";

  /** Whether {@code s} is one of the three delivery states. */
  public static boolean isStatus(String s) {
    return PENDING.equals(s) || DELIVERED.equals(s) || FAILED.equals(s);
  }
}
