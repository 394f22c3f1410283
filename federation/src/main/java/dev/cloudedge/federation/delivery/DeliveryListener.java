package dev.cloudedge.federation.delivery;

import dev.cloudedge.federation.event.FederationEvent;
import java.time.Instant;

/** Told about every (event, peer) outcome after its state is durable; must return quickly. */
@FunctionalInterface
public interface DeliveryListener {
  /** A listener that ignores everything. */
  DeliveryListener NONE = (event, peer, delivered, attempts, error, at) -> { };

  /**
   * @param delivered whether the peer answered 2xx
   * @param attempts POSTs made in this pass
   * @param error empty on success, otherwise the last error text
   * @param at when the outcome was decided (the outbox clock)
   */
  void onOutcome(FederationEvent event, String peer, boolean delivered, int attempts, String error, Instant at);
}
