package dev.cloudedge.federation.eventd;

import dev.cloudedge.federation.config.FederationConfig;
import dev.cloudedge.federation.store.FederationStore;
import java.time.Clock;

/**
 * What an {@link EventdExtension} gets from the runtime that hosts it.
 *
 * @param nodeName the node this runtime serves (the EventGroups' {@code spec.nodeName})
 * @param config the node's configuration as loaded
 * @param store the node's open state store, shared with the runtime
 * @param clock the runtime's clock (tests inject a fixed or stepping one)
 */
public record EventdContext(String nodeName, FederationConfig config, FederationStore store, Clock clock) {}
