package dev.cloudedge.federation.eventd;

import java.util.List;

/**
 * What {@link EventdRuntime#reload} changed.
 *
 * @param started groups newly hosted
 * @param updated groups whose peers, keys, retention or replay window were re-applied
 * @param rebound groups whose receiver moved to a new address
 * @param stopped groups no longer hosted
 */
public record ReloadResult(List<String> started, List<String> updated, List<String> rebound, List<String> stopped) {
  public ReloadResult {
    started = List.copyOf(started);
    updated = List.copyOf(updated);
    rebound = List.copyOf(rebound);
    stopped = List.copyOf(stopped);
  }
}
