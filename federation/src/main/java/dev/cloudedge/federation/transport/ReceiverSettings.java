package dev.cloudedge.federation.transport;

import dev.cloudedge.federation.security.GroupKeys;
import java.time.Duration;
import java.util.Objects;

/**
 * What a receiver checks requests against. A runtime swaps it atomically on reload (e.g. a key
 * rotation), so requests in flight see either the old or the new settings, never a mix.
 *
 * @param group the receiver's EventGroup; events of another group are rejected (reason {@code validation})
 * @param nodeName this node's name, reported by {@code GET /v1/status}
 * @param keys the accepted HMAC keys
 * @param replayWindow the freshness window; zero or negative skips the check (library use only)
 */
public record ReceiverSettings(String group, String nodeName, GroupKeys keys, Duration replayWindow) {
  public ReceiverSettings {
    Objects.requireNonNull(group, "group");
    Objects.requireNonNull(nodeName, "nodeName");
    Objects.requireNonNull(keys, "keys");
    Objects.requireNonNull(replayWindow, "replayWindow");
  }
}
