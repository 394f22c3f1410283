package dev.cloudedge.federation.dynamic;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.cloudedge.federation.claim.HybridKinds;
import dev.cloudedge.federation.claim.Ipv4Prefix;
import dev.cloudedge.federation.config.FederationConfig;
import dev.cloudedge.federation.event.FederationEvent;
import dev.cloudedge.federation.event.GoText;
import dev.cloudedge.federation.plugin.PluginResult;
import dev.cloudedge.federation.store.FederationStore;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The self-capture guard (wire reference §8.13, adapted to claims): a node must not announce
 * {@code routerd.client.ipv4.observed} for an address it captures itself, or the peer would claim
 * it back and the address would loop between sides. An address is captured by this node when an
 * active (unexpired) RemoteAddressClaim in this node's dynamic config, or a RemoteAddressClaim in
 * its startup config, has a capture type and that address.
 */
public final class SelfCaptureGuard {
  private SelfCaptureGuard() {}

  /** Refusal of an emit; nothing has been stored when this is thrown. */
  public static final class SelfCaptureException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    SelfCaptureException(String message) {
      super(message);
    }
  }

  /**
   * Refuses an event that would announce an address this node captures. Call it before storing
   * an emitted event; events of other types, and non-IP subjects or payloads, pass.
   *
   * @param store this node's open store
   * @param config this node's startup config, or {@code null} when none was given
   * @param event the normalized event about to be stored
   * @param now the current time (part expiry)
   * @throws SelfCaptureException {@code federation observed event for <ip> rejected: address is
   *     locally captured by RemoteAddressClaim/<name>}
   */
  public static void requireNotSelfCaptured(FederationStore store, FederationConfig config, FederationEvent event,
      Instant now) {
    Objects.requireNonNull(store, "store");
    Objects.requireNonNull(event, "event");
    Objects.requireNonNull(now, "now");
    if (FederationEvent.OBSERVED_IPV4_TYPE.equals(event.type()) && observedIp(event).isPresent()) {
      load(store, config, now).requireNotSelfCaptured(event);
    }
  }

  /** The name of the claim that captures the event's address on this node, if any. */
  public static Optional<String> capturingClaim(FederationStore store, FederationConfig config, FederationEvent event,
      Instant now) {
    if (!FederationEvent.OBSERVED_IPV4_TYPE.equals(event.type()) || observedIp(event).isEmpty()) {
      return Optional.empty();
    }
    return load(store, config, now).capturingClaim(event);
  }

  /**
   * Reads the claims that capture addresses on this node once (startup config first, then the
   * active dynamic parts), so a batch of events is checked without a store read per event.
   *
   * @param store this node's open store
   * @param config this node's startup config, or {@code null} when none was given
   * @param now the current time (part expiry)
   */
  public static Snapshot load(FederationStore store, FederationConfig config, Instant now) {
    Objects.requireNonNull(store, "store");
    Objects.requireNonNull(now, "now");
    Map<Integer, String> byAddress = new LinkedHashMap<>();
    if (config != null) {
      for (HybridKinds.Typed<HybridKinds.RemoteAddressClaimSpec> c : HybridKinds.all(
          config, HybridKinds.REMOTE_ADDRESS_CLAIM, HybridKinds.RemoteAddressClaimSpec.class)) {
        capturedAddress(c.spec()).ifPresent(a -> byAddress.putIfAbsent(a, c.name()));
      }
    }
    for (DynamicConfigPart p : new DynamicConfigStore(store).list(false, now)) {
      for (PluginResult.ResourceEntry r : p.resources()) {
        if (!HybridKinds.API_VERSION.equals(r.apiVersion()) || !HybridKinds.REMOTE_ADDRESS_CLAIM.equals(r.kind())) {
          continue;
        }
        try {
          capturedAddress(DynamicParts.claimSpec(r.spec())).ifPresent(a -> byAddress.putIfAbsent(a,
              r.metadata().name()));
        } catch (JsonProcessingException e) {
          // An unreadable claim captures nothing; the render command reports it.
        }
      }
    }
    return new Snapshot(byAddress);
  }

  /** The addresses this node captures, as read by {@link #load}; immutable. */
  public static final class Snapshot {
    private final Map<Integer, String> claimByAddress;

    private Snapshot(Map<Integer, String> claimByAddress) {
      this.claimByAddress = Map.copyOf(claimByAddress);
    }

    /** The name of the claim that captures the event's address, if any (the first in read order). */
    public Optional<String> capturingClaim(FederationEvent event) {
      if (!FederationEvent.OBSERVED_IPV4_TYPE.equals(event.type())) {
        return Optional.empty();
      }
      return observedIp(event).map(ip -> claimByAddress.get(ip.address()));
    }

    /**
     * Refuses an event that would announce an address this node captures.
     *
     * @throws SelfCaptureException as {@link SelfCaptureGuard#requireNotSelfCaptured}
     */
    public void requireNotSelfCaptured(FederationEvent event) {
      capturingClaim(event).ifPresent(name -> {
        throw new SelfCaptureException("federation observed event for "
            + observedIp(event).map(Ipv4Prefix::addressText).orElse("")
            + " rejected: address is locally captured by RemoteAddressClaim/" + name);
      });
    }
  }

  private static Optional<Integer> capturedAddress(HybridKinds.RemoteAddressClaimSpec c) {
    if (GoText.isBlank(c.capture().type())) {
      return Optional.empty();
    }
    Ipv4Prefix a = Ipv4Prefix.parsePrefixOrAddress(GoText.trimSpace(c.address()));
    return a == null ? Optional.empty() : Optional.of(a.address());
  }

  /** The event's IP: {@code payload.address} first, else the subject; prefix or bare address. */
  static Optional<Ipv4Prefix> observedIp(FederationEvent e) {
    String a = GoText.trimSpace(e.payload().getOrDefault("address", ""));
    if (a.isEmpty()) {
      a = GoText.trimSpace(e.subject());
    }
    return Optional.ofNullable(Ipv4Prefix.parsePrefixOrAddress(a));
  }
}
