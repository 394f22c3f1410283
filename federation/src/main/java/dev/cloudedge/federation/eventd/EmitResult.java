package dev.cloudedge.federation.eventd;

import dev.cloudedge.federation.event.FederationEvent;

/**
 * A locally recorded event.
 *
 * @param event the event as stored (normalized, times in whole seconds, sourceNode defaulted)
 * @param duplicate whether the id already existed in its group (a re-record: TTL refresh)
 */
public record EmitResult(FederationEvent event, boolean duplicate) {}
