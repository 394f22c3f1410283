package dev.cloudedge.federation.store;

import dev.cloudedge.federation.event.FederationEvent;
import java.time.Instant;

/**
 * A stored event: the envelope plus when this node recorded it (whole seconds, UTC).
 *
 * @param event the event as stored (times truncated to seconds)
 * @param recordedAt when it was last recorded here
 */
public record EventRecord(FederationEvent event, Instant recordedAt) {}
