package dev.cloudedge.federation.subscription;

import dev.cloudedge.federation.config.Kinds;
import dev.cloudedge.federation.event.FederationEvent;
import java.time.Instant;
import java.util.Map;

/** The matching predicate of an EventSubscription (subscription reference §1.5), exactly. */
public final class SubscriptionMatcher {
  private SubscriptionMatcher() {}

  /**
   * Whether {@code event} matches: same group, live at {@code now} (unix seconds, expiresAt ≥ now
   * still counts), type listed, a subject prefix when any are given, every payload pair equal (a
   * missing key is ""), and a listed source node when any are given.
   */
  public static boolean matches(Kinds.EventSubscription sub, FederationEvent event, Instant now) {
    if (!event.group().equals(sub.groupRef())) {
      return false;
    }
    if (event.expiresAt() != null && event.expiresAt().getEpochSecond() < now.getEpochSecond()) {
      return false;
    }
    return matchesSpec(sub.spec().match(), event);
  }

  /** The match block alone, without group and expiry. */
  public static boolean matchesSpec(Kinds.SubscriptionMatch m, FederationEvent event) {
    if (!m.types().contains(event.type())) {
      return false;
    }
    if (!m.subjectPrefixes().isEmpty() && m.subjectPrefixes().stream().noneMatch(event.subject()::startsWith)) {
      return false;
    }
    for (Map.Entry<String, String> e : m.payload().entrySet()) {
      String want = e.getValue() == null ? "" : e.getValue();
      if (!event.payload().getOrDefault(e.getKey(), "").equals(want)) {
        return false;
      }
    }
    return m.sourceNodes().isEmpty() || m.sourceNodes().contains(event.sourceNode());
  }
}
