package dev.cloudedge.federation.plugin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cloudedge.federation.claim.HybridKinds;
import dev.cloudedge.federation.config.Yaml;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Decodes plugin stdout the way routerd does: as YAML (so JSON is accepted), with every resource
 * spec decoded against its Kind. A Kind this product does not know is refused
 * ({@code unsupported resource kind ...}), so a plugin cannot slip arbitrary config in.
 */
public final class PluginResultDecoder {
  /** The resource Kinds a plugin may propose, by {@code apiVersion/kind}. */
  private static final Map<String, Class<?>> KINDS = Map.of(
      HybridKinds.API_VERSION + "/" + HybridKinds.REMOTE_ADDRESS_CLAIM, HybridKinds.RemoteAddressClaimSpec.class,
      HybridKinds.API_VERSION + "/" + HybridKinds.ADDRESS_MOBILITY_DOMAIN, HybridKinds.AddressMobilityDomainSpec.class,
      HybridKinds.API_VERSION + "/" + HybridKinds.OVERLAY_PEER, HybridKinds.OverlayPeerSpec.class,
      HybridKinds.API_VERSION + "/" + HybridKinds.CLOUD_PROVIDER_PROFILE, HybridKinds.CloudProviderProfileSpec.class);

  private PluginResultDecoder() {}

  /**
   * Decodes one plugin's stdout. Empty output decodes to an empty result (which then fails the
   * apiVersion rule, as in routerd).
   *
   * @throws PluginException {@code decode plugin <name> stdout: <why>}
   */
  public static PluginResult decode(String plugin, byte[] stdout) throws PluginException {
    String prefix = "decode plugin " + plugin + " stdout: ";
    JsonNode tree;
    try {
      tree = Yaml.MAPPER.readTree(new String(stdout, StandardCharsets.UTF_8));
    } catch (JsonProcessingException e) {
      throw new PluginException(PluginException.Failure.DECODE, prefix + e.getOriginalMessage());
    }
    if (tree == null || tree.isMissingNode() || tree.isNull()) {
      return new PluginResult(null, null, null, null);
    }
    if (!tree.isObject()) {
      throw new PluginException(PluginException.Failure.DECODE, prefix + "expected a mapping, got " + tree.getNodeType());
    }
    PluginResult raw;
    try {
      raw = PluginJson.MAPPER.treeToValue(tree, PluginResult.class);
    } catch (JsonProcessingException e) {
      throw new PluginException(PluginException.Failure.DECODE, prefix + e.getOriginalMessage());
    } catch (RuntimeException e) {
      throw new PluginException(PluginException.Failure.DECODE, prefix + e.getMessage());
    }
    List<PluginResult.ResourceEntry> typed = new ArrayList<>();
    for (PluginResult.ResourceEntry r : raw.status().resources()) {
      Class<?> specType = KINDS.get(r.apiVersion() + "/" + r.kind());
      if (specType == null) {
        throw new PluginException(PluginException.Failure.DECODE, prefix + "unsupported resource kind " + r.kind()
            + " in " + r.id());
      }
      JsonNode spec = r.spec();
      if (spec == null || spec.isNull() || spec.isMissingNode()) {
        typed.add(new PluginResult.ResourceEntry(r.apiVersion(), r.kind(), r.metadata(), null, true));
        continue;
      }
      try {
        Object decoded = PluginJson.MAPPER.treeToValue(spec, specType);
        ObjectNode normal = PluginJson.MAPPER.valueToTree(decoded);
        typed.add(new PluginResult.ResourceEntry(r.apiVersion(), r.kind(), r.metadata(), normal, true));
      } catch (JsonProcessingException e) {
        throw new PluginException(PluginException.Failure.DECODE, prefix + r.id() + " spec: " + e.getOriginalMessage());
      } catch (RuntimeException e) {
        throw new PluginException(PluginException.Failure.DECODE, prefix + r.id() + " spec: " + e.getMessage());
      }
    }
    PluginResult.Status s = raw.status();
    return new PluginResult(raw.apiVersion(), raw.kind(), raw.metadata(),
        new PluginResult.Status(s.observedAt(), s.ttl(), typed, s.directives(), s.actionPlans(), s.events()));
  }
}
