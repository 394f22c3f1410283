package dev.cloudedge.federation.store;

/**
 * Delivery state per (group, peer), as the doctor and {@code federation deliveries summary} read it
 * (reference §4.4).
 *
 * @param group the event group
 * @param peer the peer's node name
 * @param events delivery rows counted
 * @param delivered rows delivered
 * @param staleTtl delivered rows whose peer holds an older expiry than the event now has
 * @param failed rows failed
 * @param pending rows pending
 * @param maxLagSeconds the largest {@code delivered_at - observed_at}, 0 when none
 * @param minExpiresInSeconds the smallest {@code expires_at - now} over expiring events (may be negative), 0 when none
 */
public record DeliverySummary(
    String group,
    String peer,
    long events,
    long delivered,
    long staleTtl,
    long failed,
    long pending,
    long maxLagSeconds,
    long minExpiresInSeconds) {}
