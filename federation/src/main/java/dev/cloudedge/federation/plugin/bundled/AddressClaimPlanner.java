package dev.cloudedge.federation.plugin.bundled;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cloudedge.federation.claim.ClaimNames;
import dev.cloudedge.federation.claim.HybridKinds;
import dev.cloudedge.federation.event.FederationEvent;
import dev.cloudedge.federation.plan.ActionPlan;
import dev.cloudedge.federation.plugin.PluginKind;
import dev.cloudedge.federation.plugin.PluginRequest;
import dev.cloudedge.federation.plugin.PluginResult;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The dry-run address-claim planners {@code aws-address-claim}, {@code azure-address-claim} and
 * {@code oci-address-claim} (subscription reference §3.4): from the first observed-client event
 * and the CloudProviderProfile, AddressMobilityDomain and OverlayPeer in the plugin context, a
 * RemoteAddressClaim plus two dry-run plans (assign the secondary IP, ensure forwarding). A
 * planner never invents a cloud NIC id: without {@code payload.nicRef} it refuses.
 */
public final class AddressClaimPlanner {

  /**
   * A provider's planner profile.
   *
   * @param provider provider id
   * @param forwardingKey the forwarding parameter name
   * @param forwardingValue its value
   * @param targetKeys payload keys copied into plan targets when non-blank
   */
  public record Profile(String provider, String forwardingKey, String forwardingValue, List<String> targetKeys) {
    /** The bundled plugin name, e.g. {@code aws-address-claim}. */
    public String pluginName() {
      return provider + "-address-claim";
    }
  }

  public static final Profile AWS = new Profile("aws", "sourceDestCheck", "false", List.of("region", "account", "subnetRef"));
  public static final Profile AZURE = new Profile("azure", "ipForwarding", "true",
      List.of("subscriptionId", "resourceGroup", "region", "ipConfigName"));
  public static final Profile OCI = new Profile("oci", "skipSourceDestCheck", "true", List.of("compartmentId", "region"));

  private AddressClaimPlanner() {}

  /**
   * Builds the claim and the two plans.
   *
   * @throws BundledPluginException naming what is missing
   */
  public static PluginResult build(Profile profile, PluginRequest req) throws BundledPluginException {
    String p = profile.provider();
    Optional<PluginRequest.ContextResource> cpp = context(req, HybridKinds.CLOUD_PROVIDER_PROFILE);
    List<PluginRequest.MatchedEvent> events = req.spec().events();
    if (profile == AZURE && cpp.isPresent()) {
      events = withAzureProfileDefaults(events, cpp.get().spec());
    }
    PluginRequest.MatchedEvent ev = events.stream()
        .filter(e -> FederationEvent.OBSERVED_IPV4_TYPE.equals(e.type()))
        .findFirst()
        .orElseThrow(() -> new BundledPluginException(
            "no \"" + FederationEvent.OBSERVED_IPV4_TYPE + "\" event in PluginRequest"));
    for (String kind : List.of(HybridKinds.CLOUD_PROVIDER_PROFILE, HybridKinds.ADDRESS_MOBILITY_DOMAIN,
        HybridKinds.OVERLAY_PEER)) {
      if (context(req, kind).isEmpty()) {
        throw new BundledPluginException("required context resource of kind \"" + kind + "\" is missing");
      }
    }
    String profileName = cpp.map(PluginRequest.ContextResource::name).orElse("");
    String domainName = context(req, HybridKinds.ADDRESS_MOBILITY_DOMAIN).map(PluginRequest.ContextResource::name)
        .orElse("");
    String peerName = context(req, HybridKinds.OVERLAY_PEER).map(PluginRequest.ContextResource::name).orElse("");
    String address = EventToRemoteClaim.or(ev.payloadValue("address"), ev.subject());
    if (address.isBlank()) {
      throw new BundledPluginException("event \"" + ev.id() + "\" has no address (payload.address or subject)");
    }
    String domain = EventToRemoteClaim.or(ev.payloadValue("domain"), domainName);
    if (domain.isBlank()) {
      throw new BundledPluginException("event \"" + ev.id()
          + "\" has no domain (payload.domain) and no AddressMobilityDomain in context");
    }
    String providerRef = EventToRemoteClaim.or(profileName, EventToRemoteClaim.or(ev.payloadValue("providerRef"), p));
    String peerRef = EventToRemoteClaim.or(peerName, ev.payloadValue("peerRef"));
    String nicRef = ev.payloadValue("nicRef");
    if (nicRef.isBlank()) {
      throw new BundledPluginException("event \"" + ev.id() + "\" has no nicRef (payload.nicRef) for provider \"" + p
          + "\"; refusing to invent a cloud NIC id");
    }
    String ownerSide = EventToRemoteClaim.or(ev.payloadValue("ownerSide"), "onprem");

    HybridKinds.RemoteAddressClaimSpec claim = new HybridKinds.RemoteAddressClaimSpec(domain, address, ownerSide,
        HybridKinds.Capture.providerSecondaryIp(providerRef, nicRef),
        new HybridKinds.Delivery(peerRef, "route", "wg-hybrid"));

    Map<String, String> assignTarget = new TreeMap<>();
    assignTarget.put("provider", p);
    assignTarget.put("providerRef", providerRef);
    assignTarget.put("nicRef", nicRef);
    assignTarget.put("address", address);
    copyTargetKeys(profile, ev, assignTarget);
    ActionPlan assign = new ActionPlan(
        p + "-assign-" + ClaimNames.sanitize(address), p, "assign-secondary-ip", assignTarget, providerRef, "dry-run",
        "Assign " + address + " as a secondary IP on " + p + " NIC " + nicRef + " (dry-run; not executed)",
        "medium", p + ":" + nicRef + ":assign-secondary-ip:" + address, null, null,
        List.of(p + " NIC " + nicRef + " would advertise secondary IP " + address),
        new ActionPlan.Undo("unassign-secondary-ip", assignTarget));

    Map<String, String> fwdTarget = new TreeMap<>();
    fwdTarget.put("provider", p);
    fwdTarget.put("providerRef", providerRef);
    fwdTarget.put("nicRef", nicRef);
    copyTargetKeys(profile, ev, fwdTarget);
    Map<String, String> fwdParams = Map.of(profile.forwardingKey(), profile.forwardingValue());
    Map<String, String> undoParams = new TreeMap<>(fwdTarget);
    undoParams.putAll(fwdParams);
    ActionPlan forwarding = new ActionPlan(
        p + "-forwarding-" + ClaimNames.sanitize(nicRef), p, "ensure-forwarding-enabled", fwdTarget, providerRef,
        "dry-run",
        "Ensure IP forwarding / source-dest check disabled on " + p + " NIC " + nicRef + " (dry-run; not executed)",
        "medium", p + ":" + nicRef + ":ensure-forwarding-enabled", fwdParams, null,
        List.of(p + " NIC " + nicRef + " would forward traffic for the claimed address (" + profile.forwardingKey()
            + "=" + profile.forwardingValue() + ")"),
        new ActionPlan.Undo("ensure-forwarding-disabled", undoParams));

    return new PluginResult(PluginKind.API_VERSION, "PluginResult", new PluginResult.Metadata(profile.pluginName()),
        new PluginResult.Status("", "30m",
            List.of(EventToRemoteClaim.claimEntry(ClaimNames.claimName(ownerSide, address), claim)), null,
            List.of(assign, forwarding), null));
  }

  private static void copyTargetKeys(Profile profile, PluginRequest.MatchedEvent ev, Map<String, String> target) {
    for (String k : profile.targetKeys()) {
      String v = ev.payloadValue(k);
      if (!v.isBlank()) {
        target.put(k, v);
      }
    }
  }

  private static Optional<PluginRequest.ContextResource> context(PluginRequest req, String kind) {
    return req.spec().context().resources().stream()
        .filter(r -> kind.equals(r.kind()) && HybridKinds.API_VERSION.equals(r.apiVersion()))
        .findFirst();
  }

  /** Azure: the profile's subscription and resource group fill blank payload keys of every event. */
  private static List<PluginRequest.MatchedEvent> withAzureProfileDefaults(
      List<PluginRequest.MatchedEvent> events, JsonNode spec) {
    String sub = spec == null ? "" : spec.path("subscriptionID").asText("");
    String rg = spec == null ? "" : spec.path("resourceGroup").asText("");
    List<PluginRequest.MatchedEvent> out = new ArrayList<>();
    for (PluginRequest.MatchedEvent e : events) {
      Map<String, String> payload = new LinkedHashMap<>(e.payload());
      if (!sub.isBlank() && payload.getOrDefault("subscriptionId", "").isBlank()) {
        payload.put("subscriptionId", sub);
      }
      if (!rg.isBlank() && payload.getOrDefault("resourceGroup", "").isBlank()) {
        payload.put("resourceGroup", rg);
      }
      out.add(new PluginRequest.MatchedEvent(e.id(), e.group(), e.sourceNode(), e.type(), e.subject(), e.dedupeKey(),
          payload, e.observedAt(), e.expiresAt()));
    }
    return out;
  }
}
