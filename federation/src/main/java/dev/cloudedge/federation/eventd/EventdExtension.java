package dev.cloudedge.federation.eventd;

import dev.cloudedge.federation.config.FederationConfig;
import dev.cloudedge.federation.event.FederationEvent;
import java.util.List;

/**
 * A capability hosted inside the eventd runtime next to the receivers and the outbox, such as the
 * subscription runtime. The runtime starts extensions after the store is open and before the
 * receivers accept traffic, tells them about every durably stored event, and closes them on
 * shutdown before the store closes.
 */
public interface EventdExtension extends AutoCloseable {
  /** A short name for logs. */
  String name();

  /** Starts the extension; a failure stops the runtime's start with this extension's name in the message. */
  void start(EventdContext context) throws Exception;

  /**
   * Events that were just stored durably, received from a peer or recorded locally. Called off the
   * network event loop; implementations hand work to their own executor and return quickly.
   */
  default void onEventsStored(List<FederationEvent> events) {}

  /**
   * The runtime took a new configuration ({@link EventdRuntime#reload}); an extension that reads
   * the config (subscriptions, plugins) switches to it. Called after the groups were updated.
   */
  default void onConfigReloaded(FederationConfig config) {}

  /** Stops the extension; must not throw for an extension that never started. */
  @Override
  void close();
}
