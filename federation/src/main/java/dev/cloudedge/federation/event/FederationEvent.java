package dev.cloudedge.federation.event;

import java.time.Instant;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * One observed fact, as it travels on the wire and sits in the store (reference §1).
 *
 * <p>Times are {@code null} for Go's zero time: an absent {@code observedAt}, and an {@code
 * expiresAt} that means "never expires". The payload is a sorted, unmodifiable string map, never
 * {@code null}.
 *
 * @param id the idempotency key and store primary key
 * @param group the EventGroup (bus) name
 * @param sourceNode the node that emitted the event, or empty
 * @param type the typed topic, e.g. {@code routerd.client.ipv4.observed}
 * @param subject the entity the event is about, or empty
 * @param dedupeKey the dedupe key; {@link #normalized()} defaults it to the id
 * @param payload string key/value facts
 * @param observedAt when the fact was observed, or {@code null}
 * @param expiresAt absolute expiry, or {@code null} for none
 */
public record FederationEvent(
    String id,
    String group,
    String sourceNode,
    String type,
    String subject,
    String dedupeKey,
    Map<String, String> payload,
    Instant observedAt,
    Instant expiresAt) {

  /** The event type of an observed client IPv4 address. */
  public static final String OBSERVED_IPV4_TYPE = "routerd.client.ipv4.observed";

  public FederationEvent {
    id = id == null ? "" : id;
    group = group == null ? "" : group;
    sourceNode = sourceNode == null ? "" : sourceNode;
    type = type == null ? "" : type;
    subject = subject == null ? "" : subject;
    dedupeKey = dedupeKey == null ? "" : dedupeKey;
    payload = payload == null || payload.isEmpty()
        ? Collections.emptySortedMap()
        : Collections.unmodifiableSortedMap(new TreeMap<>(payload));
  }

  /**
   * Go-trims the identifying fields and defaults {@code dedupeKey} to the id (reference §1.2).
   * Payload keys and values are kept verbatim; the clock is never read.
   */
  public FederationEvent normalized() {
    String nid = GoText.trimSpace(id);
    String dk = GoText.trimSpace(dedupeKey);
    return new FederationEvent(
        nid,
        GoText.trimSpace(group),
        GoText.trimSpace(sourceNode),
        GoText.trimSpace(type),
        GoText.trimSpace(subject),
        dk.isEmpty() ? nid : dk,
        payload,
        observedAt,
        expiresAt);
  }

  /**
   * Validates a normalized event in the reference order and returns the first failure.
   *
   * @throws EventValidationException with the reference message
   */
  public FederationEvent validate() {
    if (GoText.isBlank(id)) {
      throw new EventValidationException("federation event id is required");
    }
    if (GoText.isBlank(group)) {
      throw new EventValidationException("federation event group is required");
    }
    if (GoText.isBlank(type)) {
      throw new EventValidationException("federation event type is required");
    }
    return this;
  }

  /** Normalizes, then validates. */
  public FederationEvent normalizedAndValid() {
    return normalized().validate();
  }

  /** True only when an expiry is set and {@code now} is strictly after it (reference §1.3). */
  public boolean isExpired(Instant now) {
    Objects.requireNonNull(now, "now");
    return expiresAt != null && now.isAfter(expiresAt);
  }

  /** A copy with another expiry. */
  public FederationEvent withExpiresAt(Instant newExpiry) {
    return new FederationEvent(id, group, sourceNode, type, subject, dedupeKey, payload, observedAt, newExpiry);
  }

  /** A copy with another observation time. */
  public FederationEvent withObservedAt(Instant newObserved) {
    return new FederationEvent(id, group, sourceNode, type, subject, dedupeKey, payload, newObserved, expiresAt);
  }
}
