package dev.cloudedge.federation.claim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cloudedge.federation.config.ConfigLoader;
import dev.cloudedge.federation.config.ConfigProblem;
import dev.cloudedge.federation.config.ConfigValidator;
import dev.cloudedge.federation.config.FederationConfig;
import java.util.List;
import org.junit.jupiter.api.Test;

class ClaimRulesTest {
  private static final String ID = "hybrid.routerd.net/v1alpha1/RemoteAddressClaim/c1";

  private static HybridKinds.RemoteAddressClaimSpec claim(String address, String side, HybridKinds.Capture capture) {
    return new HybridKinds.RemoteAddressClaimSpec("d", address, side, capture,
        new HybridKinds.Delivery("onprem-main", "route", "wg-hybrid"));
  }

  private static HybridKinds.Capture psi(String nic) {
    return HybridKinds.Capture.providerSecondaryIp("p", nic);
  }

  @Test
  void claimNamesAreDeterministic() {
    assertEquals("onprem-10-88-60-9", ClaimNames.claimName("onprem", "10.88.60.9/32"));
    assertEquals("onprem-10-0-0-1", ClaimNames.claimName("", "10.0.0.1/32"));
    assertEquals("cloud-addr", ClaimNames.claimName("cloud", "/32"));
    assertEquals("10-88-60-9-32", ClaimNames.sanitize("10.88.60.9/32"));
  }

  @Test
  void validClaimPasses() {
    assertEquals(List.of(), ClaimRules.validateClaim(ID, claim("10.88.60.9/32", "onprem", psi("n"))));
  }

  @Test
  void acceptance16Messages() {
    assertEquals(List.of(ID + " spec.address: must be an IPv4 /32 CIDR"),
        ClaimRules.validateClaim(ID, claim("10.88.60.0/24", "onprem", psi("n"))));
    assertEquals(List.of(ID + " spec.ownerSide must be cloud or onprem"),
        ClaimRules.validateClaim(ID, claim("10.88.60.9/32", "edge", psi("n"))));
    HybridKinds.Capture garp = new HybridKinds.Capture("garp", "", "", "", "", "", false, "", null, false, null);
    assertEquals(List.of(ID + " spec.capture.type \"garp\" is reserved/not implemented in MVP"),
        ClaimRules.validateClaim(ID, claim("10.88.60.9/32", "onprem", garp)));
    assertEquals(List.of(ID + " spec.capture.nicRef is required when spec.capture.type is provider-secondary-ip"),
        ClaimRules.validateClaim(ID, claim("10.88.60.9/32", "onprem", psi(""))));
  }

  @Test
  void addressForms() {
    assertEquals(List.of(ID + " spec.address: must be an IPv4 /32 CIDR"),
        ClaimRules.validateClaim(ID, claim("2001:db8::1/128", "onprem", psi("n"))));
    List<String> bare = ClaimRules.validateClaim(ID, claim("10.88.60.9", "onprem", psi("n")));
    assertTrue(bare.get(0).startsWith(ID + " spec.address: must be a valid IPv4 /32 CIDR: "), bare.toString());
    assertEquals(List.of(ID + " spec.address: is required"),
        ClaimRules.validateClaim(ID, claim("", "onprem", psi("n"))));
  }

  @Test
  void deliveryModeAndActiveWhen() {
    HybridKinds.RemoteAddressClaimSpec bgp = new HybridKinds.RemoteAddressClaimSpec("d", "10.88.60.9/32", "onprem",
        psi("n"), new HybridKinds.Delivery("peer", "bgp", ""));
    assertEquals(List.of(), ClaimRules.validateClaim(ID, bgp));
    HybridKinds.RemoteAddressClaimSpec bad = new HybridKinds.RemoteAddressClaimSpec("d", "10.88.60.9/32", "onprem",
        new HybridKinds.Capture("provider-secondary-ip", "p", "secondary-ip", "", "", "n", false, "", null, false,
            new HybridKinds.ActiveWhen("vrrp-master", "")),
        new HybridKinds.Delivery("", "ospf", ""));
    assertEquals(List.of(
        ID + " spec.capture.activeWhen.virtualAddressRef is required when type is vrrp-master",
        ID + " spec.delivery.mode must be route or bgp",
        ID + " spec.delivery.peerRef is required"), ClaimRules.validateClaim(ID, bad));
  }

  private static FederationConfig config(String yaml) throws Exception {
    return FederationConfig.of(ConfigLoader.parse(yaml, "test.yaml"));
  }

  private static final String REFERENCED = """
      apiVersion: hybrid.routerd.net/v1alpha1
      kind: AddressMobilityDomain
      metadata: {name: cloudedge-same-subnet}
      spec: {prefix: 10.88.60.0/24}
      ---
      apiVersion: hybrid.routerd.net/v1alpha1
      kind: OverlayPeer
      metadata: {name: onprem-main}
      spec: {tunnelInterface: wg-hybrid}
      ---
      apiVersion: hybrid.routerd.net/v1alpha1
      kind: CloudProviderProfile
      metadata: {name: cloud-tokyo}
      spec: {provider: aws, capabilities: [secondary-ip], auth: {mode: external-command, command: /bin/true}}
      """;

  @Test
  void crossReferencesResolveAgainstStartupConfig() throws Exception {
    FederationConfig cfg = config(REFERENCED);
    HybridKinds.RemoteAddressClaimSpec ok = new HybridKinds.RemoteAddressClaimSpec("cloudedge-same-subnet",
        "10.88.60.9/32", "onprem", HybridKinds.Capture.providerSecondaryIp("cloud-tokyo", "nic"),
        new HybridKinds.Delivery("onprem-main", "route", "wg-hybrid"));
    assertEquals(List.of(), ClaimRules.crossReferences(ID, ok, cfg));
    HybridKinds.RemoteAddressClaimSpec outside = new HybridKinds.RemoteAddressClaimSpec("cloudedge-same-subnet",
        "10.99.0.9/32", "onprem", HybridKinds.Capture.providerSecondaryIp("other", "nic"),
        new HybridKinds.Delivery("nobody", "route", ""));
    assertEquals(List.of(
        ID + " spec.address \"10.99.0.9/32\" is outside AddressMobilityDomain \"cloudedge-same-subnet\" prefix \"10.88.60.0/24\"",
        ID + " spec.delivery.peerRef references missing OverlayPeer \"nobody\"",
        ID + " spec.capture.providerRef references missing CloudProviderProfile \"other\""),
        ClaimRules.crossReferences(ID, outside, cfg));
    HybridKinds.RemoteAddressClaimSpec noDomain = new HybridKinds.RemoteAddressClaimSpec("gone", "10.88.60.9/32",
        "onprem", HybridKinds.Capture.providerSecondaryIp("cloud-tokyo", "nic"),
        new HybridKinds.Delivery("onprem-main", "route", ""));
    assertEquals(List.of(ID + " spec.domainRef references missing AddressMobilityDomain \"gone\""),
        ClaimRules.crossReferences(ID, noDomain, cfg));
  }

  @Test
  void validatorKnowsHybridKindsAndPlugin() throws Exception {
    FederationConfig cfg = config(REFERENCED + """
        ---
        apiVersion: hybrid.routerd.net/v1alpha1
        kind: CloudProviderProfile
        metadata: {name: broken}
        spec: {provider: digitalocean, capabilities: [""], auth: {mode: password}}
        ---
        apiVersion: hybrid.routerd.net/v1alpha1
        kind: AddressMobilityDomain
        metadata: {name: nowhere}
        spec: {prefix: not-a-prefix}
        ---
        apiVersion: hybrid.routerd.net/v1alpha1
        kind: RemoteAddressClaim
        metadata: {name: static}
        spec:
          domainRef: cloudedge-same-subnet
          address: 10.77.0.1/32
          ownerSide: cloud
          capture: {type: proxy-arp, interface: eth0}
          delivery: {peerRef: onprem-main, mode: route}
        ---
        apiVersion: plugin.routerd.net/v1alpha1
        kind: Plugin
        metadata: {name: p1}
        spec:
          executable: relative/path
          capabilities: [observe.cloud, fly]
          timeout: 0s
          env: {"A=B": x}
          context: {resources: [{apiVersion: hybrid.routerd.net/v1alpha1, kind: OverlayPeer}]}
        """);
    List<String> msgs = new ConfigValidator().validate(cfg).stream().map(ConfigProblem::message).toList();
    String cpp = "hybrid.routerd.net/v1alpha1/CloudProviderProfile/broken";
    String plugin = "plugin.routerd.net/v1alpha1/Plugin/p1";
    assertEquals(List.of(
        cpp + " spec.provider must be azure, aws, oci, or gcp",
        cpp + " spec.capabilities[0] must not be empty",
        cpp + " spec.auth.mode must be external-command",
        "hybrid.routerd.net/v1alpha1/AddressMobilityDomain/nowhere spec.prefix must be a valid IPv4 CIDR: "
            + "netip.ParsePrefix(\"not-a-prefix\"): no '/'",
        plugin + " spec.executable must be an absolute path",
        plugin + " spec.capabilities[1] \"fly\" must be one of observe.cloud, observe.providerPrivateIPs, "
            + "propose.dynamicConfig, propose.providerAction, execute.providerAction",
        plugin + " spec.timeout must be greater than 0",
        plugin + " spec.env key \"A=B\" must not contain \"=\"",
        plugin + " spec.context.resources[0].name is required",
        "hybrid.routerd.net/v1alpha1/RemoteAddressClaim/static spec.address \"10.77.0.1/32\" is outside "
            + "AddressMobilityDomain \"cloudedge-same-subnet\" prefix \"10.88.60.0/24\""), msgs);
  }
}
