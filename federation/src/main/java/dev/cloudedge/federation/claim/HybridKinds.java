package dev.cloudedge.federation.claim;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.cloudedge.federation.config.FederationConfig;
import dev.cloudedge.federation.config.Resource;
import dev.cloudedge.federation.config.SpecDecodeException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The {@code hybrid.routerd.net/v1alpha1} Kinds this product reads: {@code RemoteAddressClaim}
 * (the {@code d8d37504^} shape, subscription reference §2.1), and the resources a claim refers to,
 * {@code AddressMobilityDomain}, {@code OverlayPeer} and {@code CloudProviderProfile}. Spec records
 * mirror the YAML keys; lists and strings are never null after decoding.
 */
public final class HybridKinds {
  /** apiVersion of every Kind here. */
  public static final String API_VERSION = "hybrid.routerd.net/v1alpha1";

  public static final String REMOTE_ADDRESS_CLAIM = "RemoteAddressClaim";
  public static final String ADDRESS_MOBILITY_DOMAIN = "AddressMobilityDomain";
  public static final String OVERLAY_PEER = "OverlayPeer";
  public static final String CLOUD_PROVIDER_PROFILE = "CloudProviderProfile";

  private HybridKinds() {}

  private static String str(String s) {
    return s == null ? "" : s;
  }

  // ---------------------------------------------------------------- RemoteAddressClaim

  /** {@code spec.capture.activeWhen}: when the capture is active ({@code single-router}, {@code vrrp-master}). */
  @JsonPropertyOrder({"type", "virtualAddressRef"})
  @JsonInclude(JsonInclude.Include.NON_EMPTY)
  public record ActiveWhen(String type, String virtualAddressRef) {
    public ActiveWhen {
      type = str(type);
      virtualAddressRef = str(virtualAddressRef);
    }
  }

  /** {@code spec.capture}: how the claiming side attracts traffic for the address. */
  @JsonPropertyOrder({"type", "providerRef", "providerMode", "captureStrategy", "strategy", "nicRef",
      "configureOSAddress", "interface", "excludeAddresses", "gratuitousARP", "activeWhen"})
  public record Capture(
      @JsonInclude(JsonInclude.Include.ALWAYS) String type,
      @JsonInclude(JsonInclude.Include.NON_EMPTY) String providerRef,
      @JsonInclude(JsonInclude.Include.NON_EMPTY) String providerMode,
      @JsonInclude(JsonInclude.Include.NON_EMPTY) String captureStrategy,
      @JsonInclude(JsonInclude.Include.NON_EMPTY) String strategy,
      @JsonInclude(JsonInclude.Include.NON_EMPTY) String nicRef,
      @JsonInclude(JsonInclude.Include.NON_DEFAULT) boolean configureOSAddress,
      @JsonProperty("interface") @JsonInclude(JsonInclude.Include.NON_EMPTY) String iface,
      @JsonInclude(JsonInclude.Include.NON_EMPTY) List<String> excludeAddresses,
      @JsonInclude(JsonInclude.Include.NON_DEFAULT) boolean gratuitousARP,
      @JsonInclude(JsonInclude.Include.ALWAYS) ActiveWhen activeWhen) {
    public Capture {
      type = str(type);
      providerRef = str(providerRef);
      providerMode = str(providerMode);
      captureStrategy = str(captureStrategy);
      strategy = str(strategy);
      nicRef = str(nicRef);
      iface = str(iface);
      excludeAddresses = excludeAddresses == null ? List.of() : List.copyOf(excludeAddresses);
      activeWhen = activeWhen == null ? new ActiveWhen("", "") : activeWhen;
    }

    /** A provider secondary-IP capture, as the reference plugins emit it. */
    public static Capture providerSecondaryIp(String providerRef, String nicRef) {
      return new Capture("provider-secondary-ip", providerRef, "secondary-ip", "", "", nicRef, false, "", null,
          false, null);
    }
  }

  /** {@code spec.delivery}: how traffic for the address reaches the owning side. */
  @JsonPropertyOrder({"peerRef", "mode", "tunnelInterface"})
  public record Delivery(
      @JsonInclude(JsonInclude.Include.ALWAYS) String peerRef,
      @JsonInclude(JsonInclude.Include.ALWAYS) String mode,
      @JsonInclude(JsonInclude.Include.NON_EMPTY) String tunnelInterface) {
    public Delivery {
      peerRef = str(peerRef);
      mode = str(mode);
      tunnelInterface = str(tunnelInterface);
    }
  }

  /** RemoteAddressClaim spec. */
  @JsonPropertyOrder({"domainRef", "address", "ownerSide", "capture", "delivery"})
  public record RemoteAddressClaimSpec(
      String domainRef, String address, String ownerSide, Capture capture, Delivery delivery) {
    public RemoteAddressClaimSpec {
      domainRef = str(domainRef);
      address = str(address);
      ownerSide = str(ownerSide);
      capture = capture == null ? new Capture(null, null, null, null, null, null, false, null, null, false, null)
          : capture;
      delivery = delivery == null ? new Delivery(null, null, null) : delivery;
    }
  }

  // ---------------------------------------------------------------- referenced Kinds

  /** AddressMobilityDomain spec: the prefix inside which addresses may move between sides. */
  public record AddressMobilityDomainSpec(String prefix, String description) {
    public AddressMobilityDomainSpec {
      prefix = str(prefix);
      description = str(description);
    }
  }

  /**
   * OverlayPeer spec: the far end of the overlay that delivers a claimed address. Only what a
   * claim needs is read; routerd's other OverlayPeer fields pass through untouched.
   */
  public record OverlayPeerSpec(String nodeName, String endpoint, String tunnelInterface) {
    public OverlayPeerSpec {
      nodeName = str(nodeName);
      endpoint = str(endpoint);
      tunnelInterface = str(tunnelInterface);
    }
  }

  /** {@code CloudProviderProfile.spec.auth}; the command is validated but never run. */
  public record ProfileAuth(String mode, String command) {
    public ProfileAuth {
      mode = str(mode);
      command = str(command);
    }
  }

  /** CloudProviderProfile spec (reference §3.6). */
  public record CloudProviderProfileSpec(
      String provider, String subscriptionID, String resourceGroup, String region, List<String> capabilities,
      ProfileAuth auth) {
    public CloudProviderProfileSpec {
      provider = str(provider);
      subscriptionID = str(subscriptionID);
      resourceGroup = str(resourceGroup);
      region = str(region);
      capabilities = capabilities == null ? List.of() : List.copyOf(capabilities);
      auth = auth == null ? new ProfileAuth("", "") : auth;
    }
  }

  /** A decoded resource of one of these Kinds. */
  public record Typed<S>(Resource resource, S spec) {
    public String name() {
      return resource.name();
    }
  }

  /** Decodable resources of {@code kind} with this apiVersion, in config order. */
  public static <S> List<Typed<S>> all(FederationConfig config, String kind, Class<S> spec) {
    List<Typed<S>> out = new ArrayList<>();
    for (Resource r : config.ofKind(kind)) {
      if (!API_VERSION.equals(r.apiVersion())) {
        continue;
      }
      try {
        out.add(new Typed<>(r, r.decodeSpec(spec)));
      } catch (SpecDecodeException e) {
        // The validator reports it with the resource id.
      }
    }
    return out;
  }

  /** The first decodable resource of {@code kind} named {@code name}. */
  public static <S> Optional<Typed<S>> find(FederationConfig config, String kind, Class<S> spec, String name) {
    return all(config, kind, spec).stream().filter(t -> t.name().equals(name)).findFirst();
  }
}
