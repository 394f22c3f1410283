package dev.cloudedge.federation.transport;

import dev.cloudedge.federation.event.FederationEvent;
import java.util.concurrent.CompletableFuture;

/** Where a receiver hands a verified, valid event for durable storage. */
@FunctionalInterface
public interface EventSink {
  /**
   * Stores the event durably (an upsert, reference §4.3) without blocking the caller.
   *
   * @return completes with whether the id already existed in the event's group, once durable;
   *     completes exceptionally on a store error
   */
  CompletableFuture<Boolean> store(FederationEvent event);
}
