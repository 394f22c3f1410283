package dev.cloudedge.federation.plugin.bundled;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cloudedge.federation.claim.ClaimNames;
import dev.cloudedge.federation.claim.HybridKinds;
import dev.cloudedge.federation.event.FederationEvent;
import dev.cloudedge.federation.plugin.PluginJson;
import dev.cloudedge.federation.plugin.PluginKind;
import dev.cloudedge.federation.plugin.PluginRequest;
import dev.cloudedge.federation.plugin.PluginResult;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code event-to-remote-claim} (subscription reference §2.3): a provider-agnostic plugin that
 * turns every observed-client event into a RemoteAddressClaim with placeholder provider fields
 * where the event does not carry them. It proposes no action plans.
 */
public final class EventToRemoteClaim {
  public static final String NAME = "event-to-remote-claim";

  private EventToRemoteClaim() {}

  /** Builds the result; events without an address are skipped. */
  public static PluginResult build(PluginRequest req) {
    List<PluginResult.ResourceEntry> resources = new ArrayList<>();
    for (PluginRequest.MatchedEvent ev : req.spec().events()) {
      if (!FederationEvent.OBSERVED_IPV4_TYPE.equals(ev.type())) {
        continue;
      }
      String address = or(ev.payloadValue("address"), ev.subject());
      if (address.isBlank()) {
        continue;
      }
      String ownerSide = or(ev.payloadValue("ownerSide"), "onprem");
      HybridKinds.RemoteAddressClaimSpec spec = new HybridKinds.RemoteAddressClaimSpec(
          ev.payloadValue("domain"), address, ownerSide,
          HybridKinds.Capture.providerSecondaryIp(or(ev.payloadValue("providerRef"), "example-provider"),
              or(ev.payloadValue("nicRef"), "example-nic-ref")),
          new HybridKinds.Delivery(or(ev.payloadValue("peerRef"), "onprem-main"), "route", "wg-hybrid"));
      resources.add(claimEntry(ClaimNames.claimName(ownerSide, address), spec));
    }
    return new PluginResult(PluginKind.API_VERSION, "PluginResult", new PluginResult.Metadata(NAME),
        new PluginResult.Status("", "30m", resources, null, null, null));
  }

  static PluginResult.ResourceEntry claimEntry(String name, HybridKinds.RemoteAddressClaimSpec spec) {
    ObjectNode node = PluginJson.MAPPER.valueToTree(spec);
    return new PluginResult.ResourceEntry(HybridKinds.API_VERSION, HybridKinds.REMOTE_ADDRESS_CLAIM,
        new PluginResult.ResourceMetadata(name, null), node, true);
  }

  static String or(String v, String fallback) {
    return v == null || v.isBlank() ? fallback : v;
  }
}
