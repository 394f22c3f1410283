package dev.cloudedge.federation.claim;

import dev.cloudedge.federation.claim.HybridKinds.AddressMobilityDomainSpec;
import dev.cloudedge.federation.claim.HybridKinds.CloudProviderProfileSpec;
import dev.cloudedge.federation.claim.HybridKinds.OverlayPeerSpec;
import dev.cloudedge.federation.claim.HybridKinds.RemoteAddressClaimSpec;
import dev.cloudedge.federation.config.ConfigValidator;
import dev.cloudedge.federation.config.FederationConfig;
import dev.cloudedge.federation.config.Resource;
import dev.cloudedge.federation.config.SpecDecodeException;
import dev.cloudedge.federation.event.GoText;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Validation of the hybrid Kinds with routerd's messages (subscription reference §2.2, §3.6), and
 * the cross-references a claim must satisfy against the startup config. Every message starts with
 * the resource id {@code hybrid.routerd.net/v1alpha1/<Kind>/<name>}.
 */
public final class ClaimRules {
  private ClaimRules() {}

  /** Registers the four hybrid Kinds with a validator. */
  public static ConfigValidator register(ConfigValidator v) {
    return v.withKind(HybridKinds.REMOTE_ADDRESS_CLAIM, ClaimRules::remoteAddressClaim)
        .withKind(HybridKinds.ADDRESS_MOBILITY_DOMAIN, ClaimRules::addressMobilityDomain)
        .withKind(HybridKinds.OVERLAY_PEER, ClaimRules::overlayPeer)
        .withKind(HybridKinds.CLOUD_PROVIDER_PROFILE, ClaimRules::cloudProviderProfile)
        .withCrossRule((config, problems) -> {
          for (HybridKinds.Typed<RemoteAddressClaimSpec> c
              : HybridKinds.all(config, HybridKinds.REMOTE_ADDRESS_CLAIM, RemoteAddressClaimSpec.class)) {
            for (String e : crossReferences(c.resource().id(), c.spec(), config)) {
              problems.add(new dev.cloudedge.federation.config.ConfigProblem(
                  c.resource().id(), c.resource().origin(), e));
            }
          }
        });
  }

  private static boolean apiVersionOk(Resource r, List<String> errors) {
    if (!HybridKinds.API_VERSION.equals(r.apiVersion())) {
      errors.add(r.id() + " must use apiVersion " + HybridKinds.API_VERSION);
      return false;
    }
    return true;
  }

  private static <T> T decode(Resource r, Class<T> type, List<String> errors) {
    try {
      return r.decodeSpec(type);
    } catch (SpecDecodeException e) {
      errors.add(e.getMessage());
      return null;
    }
  }

  /** Kind rule for RemoteAddressClaim. */
  public static void remoteAddressClaim(Resource r, List<String> errors) {
    if (!apiVersionOk(r, errors)) {
      return;
    }
    RemoteAddressClaimSpec s = decode(r, RemoteAddressClaimSpec.class, errors);
    if (s != null) {
      errors.addAll(validateClaim(r.id(), s));
    }
  }

  /**
   * Single-resource claim validation in routerd's order.
   *
   * @param id the claim's resource id, prefixed to every message
   * @return every problem, empty when valid
   */
  public static List<String> validateClaim(String id, RemoteAddressClaimSpec s) {
    List<String> errors = new ArrayList<>();
    if (GoText.isBlank(s.domainRef())) {
      errors.add(id + " spec.domainRef is required");
    }
    addressProblem(s.address()).ifPresent(p -> errors.add(id + " spec.address: " + p));
    String side = GoText.trimSpace(s.ownerSide());
    if (!side.equals("cloud") && !side.equals("onprem")) {
      errors.add(id + " spec.ownerSide must be cloud or onprem");
    }
    HybridKinds.Capture c = s.capture();
    String type = GoText.trimSpace(c.type());
    String strategy = GoText.trimSpace(c.captureStrategy()).isEmpty()
        ? GoText.trimSpace(c.strategy()) : GoText.trimSpace(c.captureStrategy());
    switch (type) {
      case "provider-secondary-ip" -> {
        String when = " is required when spec.capture.type is provider-secondary-ip";
        if (GoText.isBlank(c.providerRef())) {
          errors.add(id + " spec.capture.providerRef" + when);
        }
        if (GoText.isBlank(c.providerMode())) {
          errors.add(id + " spec.capture.providerMode" + when);
        }
        if (GoText.isBlank(c.nicRef())) {
          errors.add(id + " spec.capture.nicRef" + when);
        }
        if (c.configureOSAddress() && GoText.isBlank(c.iface())) {
          errors.add(id + " spec.capture.interface is required when spec.capture.configureOSAddress is true");
        }
        if (!strategy.isEmpty() && !strategy.equals("secondary-ip") && !strategy.equals("route-table")) {
          errors.add(id + " spec.capture.captureStrategy must be secondary-ip or route-table");
        }
      }
      case "proxy-arp" -> {
        if (GoText.isBlank(c.iface())) {
          errors.add(id + " spec.capture.interface is required when spec.capture.type is proxy-arp");
        }
        if (!strategy.isEmpty() && !strategy.equals("proxy-arp")) {
          errors.add(id + " spec.capture.captureStrategy must be proxy-arp when spec.capture.type is proxy-arp");
        }
      }
      case "" -> errors.add(id + " spec.capture.type is required");
      default -> errors.add(id + " spec.capture.type \"" + type + "\" is reserved/not implemented in MVP");
    }
    String awType = GoText.trimSpace(c.activeWhen().type());
    String vref = GoText.trimSpace(c.activeWhen().virtualAddressRef());
    switch (awType) {
      case "" -> {
        if (!vref.isEmpty()) {
          errors.add(id + " spec.capture.activeWhen.type must be single-router or vrrp-master");
        }
      }
      case "single-router" -> {
        if (!vref.isEmpty()) {
          errors.add(id + " spec.capture.activeWhen.virtualAddressRef must be empty when type is single-router");
        }
      }
      case "vrrp-master" -> {
        if (vref.isEmpty()) {
          errors.add(id + " spec.capture.activeWhen.virtualAddressRef is required when type is vrrp-master");
        }
      }
      default -> errors.add(id + " spec.capture.activeWhen.type must be single-router or vrrp-master");
    }
    String mode = GoText.trimSpace(s.delivery().mode());
    if (!mode.equals("route") && !mode.equals("bgp")) {
      errors.add(id + " spec.delivery.mode must be route or bgp");
    }
    if (GoText.isBlank(s.delivery().peerRef())) {
      errors.add(id + " spec.delivery.peerRef is required");
    }
    return errors;
  }

  /** Why a claim address is not an IPv4 /32 CIDR, without the {@code spec.address: } prefix. */
  static Optional<String> addressProblem(String address) {
    String a = GoText.trimSpace(address);
    if (a.isEmpty()) {
      return Optional.of("is required");
    }
    try {
      Ipv4Prefix p = Ipv4Prefix.parse(a).masked();
      if (p.bits() != 32) {
        return Optional.of("must be an IPv4 /32 CIDR");
      }
      return Optional.empty();
    } catch (Ipv4Prefix.ParseException e) {
      return Optional.of("must be a valid IPv4 /32 CIDR: " + e.getMessage());
    } catch (Ipv4Prefix.NotIpv4Exception e) {
      return Optional.of("must be an IPv4 /32 CIDR");
    }
  }

  /**
   * The cross-references of a claim against the startup config: its AddressMobilityDomain exists
   * and holds the address, its OverlayPeer exists, and for a provider capture its
   * CloudProviderProfile exists.
   *
   * @return every problem, empty when all references resolve
   */
  public static List<String> crossReferences(String id, RemoteAddressClaimSpec s, FederationConfig config) {
    List<String> errors = new ArrayList<>();
    String domain = GoText.trimSpace(s.domainRef());
    if (!domain.isEmpty()) {
      Optional<HybridKinds.Typed<AddressMobilityDomainSpec>> d = HybridKinds.find(
          config, HybridKinds.ADDRESS_MOBILITY_DOMAIN, AddressMobilityDomainSpec.class, domain);
      if (d.isEmpty()) {
        errors.add(id + " spec.domainRef references missing AddressMobilityDomain \"" + domain + "\"");
      } else {
        String prefix = GoText.trimSpace(d.get().spec().prefix());
        Ipv4Prefix dp = Ipv4Prefix.parsePrefixOrAddress(prefix);
        Ipv4Prefix addr = Ipv4Prefix.parsePrefixOrAddress(GoText.trimSpace(s.address()));
        if (dp == null && prefix.contains(":") && prefix.contains("/")) {
          errors.add(id + " spec.address \"" + GoText.trimSpace(s.address()) + "\" is outside AddressMobilityDomain \""
              + domain + "\" prefix \"" + prefix + "\"");
        } else if (dp == null || !prefix.contains("/")) {
          errors.add(id + " spec.domainRef AddressMobilityDomain \"" + domain + "\" has an invalid prefix \""
              + prefix + "\"");
        } else if (addr != null && !dp.contains(addr)) {
          errors.add(id + " spec.address \"" + GoText.trimSpace(s.address()) + "\" is outside AddressMobilityDomain \""
              + domain + "\" prefix \"" + prefix + "\"");
        }
      }
    }
    String peer = GoText.trimSpace(s.delivery().peerRef());
    if (!peer.isEmpty() && HybridKinds.find(config, HybridKinds.OVERLAY_PEER, OverlayPeerSpec.class, peer).isEmpty()) {
      errors.add(id + " spec.delivery.peerRef references missing OverlayPeer \"" + peer + "\"");
    }
    String provider = GoText.trimSpace(s.capture().providerRef());
    if ("provider-secondary-ip".equals(GoText.trimSpace(s.capture().type())) && !provider.isEmpty()
        && HybridKinds.find(config, HybridKinds.CLOUD_PROVIDER_PROFILE, CloudProviderProfileSpec.class, provider)
            .isEmpty()) {
      errors.add(id + " spec.capture.providerRef references missing CloudProviderProfile \"" + provider + "\"");
    }
    String vref = GoText.trimSpace(s.capture().activeWhen().virtualAddressRef());
    if (!vref.isEmpty() && config.ofKind("VirtualAddress").stream().noneMatch(r -> r.name().equals(vref))) {
      errors.add(id + " spec.capture.activeWhen.virtualAddressRef references missing VirtualAddress \"" + vref + "\"");
    }
    return errors;
  }

  /** Kind rule for AddressMobilityDomain: {@code spec.prefix} must be a CIDR (claims need IPv4). */
  public static void addressMobilityDomain(Resource r, List<String> errors) {
    if (!apiVersionOk(r, errors)) {
      return;
    }
    AddressMobilityDomainSpec s = decode(r, AddressMobilityDomainSpec.class, errors);
    if (s == null) {
      return;
    }
    String p = GoText.trimSpace(s.prefix());
    if (p.isEmpty()) {
      errors.add(r.id() + " spec.prefix is required");
      return;
    }
    try {
      Ipv4Prefix.parse(p);
    } catch (Ipv4Prefix.ParseException e) {
      errors.add(r.id() + " spec.prefix must be a valid IPv4 CIDR: " + e.getMessage());
    } catch (Ipv4Prefix.NotIpv4Exception e) {
      // An IPv6 domain is valid; it simply holds no IPv4 claim (the cross-reference check says so).
    }
  }

  /** Kind rule for OverlayPeer: apiVersion and a decodable spec; the reference gives no other rule. */
  public static void overlayPeer(Resource r, List<String> errors) {
    if (!apiVersionOk(r, errors)) {
      return;
    }
    decode(r, OverlayPeerSpec.class, errors);
  }

  /** Kind rule for CloudProviderProfile (reference §3.6 messages, in order). */
  public static void cloudProviderProfile(Resource r, List<String> errors) {
    if (!apiVersionOk(r, errors)) {
      return;
    }
    CloudProviderProfileSpec s = decode(r, CloudProviderProfileSpec.class, errors);
    if (s == null) {
      return;
    }
    String p = GoText.trimSpace(s.provider());
    if (!List.of("azure", "aws", "oci", "gcp").contains(p)) {
      errors.add(r.id() + " spec.provider must be azure, aws, oci, or gcp");
    }
    if (s.capabilities().isEmpty()) {
      errors.add(r.id() + " spec.capabilities is required");
    }
    for (int i = 0; i < s.capabilities().size(); i++) {
      if (GoText.isBlank(s.capabilities().get(i))) {
        errors.add(r.id() + " spec.capabilities[" + i + "] must not be empty");
      }
    }
    String mode = GoText.trimSpace(s.auth().mode());
    if (mode.equals("external-command")) {
      if (GoText.isBlank(s.auth().command())) {
        errors.add(r.id() + " spec.auth.command is required when spec.auth.mode is external-command");
      }
    } else {
      errors.add(r.id() + " spec.auth.mode must be external-command");
    }
  }
}
