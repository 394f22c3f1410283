package dev.cloudedge.federation.plugin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.cloudedge.federation.config.FederationConfig;
import dev.cloudedge.federation.config.Resource;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Builds a plugin's context (subscription reference §1.12): only the config resources its
 * {@code spec.context.resources} allowlist names, each spec deep-copied and redacted. Nothing
 * secret reaches a plugin: secret-looking values are blanked, secret-file keys and
 * {@code *From} indirections are dropped.
 */
public final class PluginContextBuilder {
  private static final List<String> DROPPED_SUFFIXES = List.of("keyfile", "secretfile", "passwordfile");
  private static final List<String> SENSITIVE = List.of(
      "secret", "password", "privatekey", "presharedkey", "psk", "token", "credential", "passphrase", "authkey");
  private static final Set<String> FROM_KEYS = Set.of("file", "env", "base64");

  private PluginContextBuilder() {}

  /** The context for {@code plugin}; {@code {}} when it allowlists nothing. Missing refs are skipped. */
  public static PluginRequest.Context build(PluginKind.Plugin plugin, FederationConfig config) {
    List<PluginRequest.ContextResource> out = new ArrayList<>();
    for (PluginKind.ContextRef ref : plugin.spec().context().resources()) {
      for (Resource r : config.resources()) {
        if (r.apiVersion().equals(ref.apiVersion()) && r.kind().equals(ref.kind()) && r.name().equals(ref.name())) {
          JsonNode spec = r.spec().isObject() ? redact((ObjectNode) r.spec().deepCopy()) : null;
          out.add(new PluginRequest.ContextResource(r.apiVersion(), r.kind(), r.name(), spec));
          break;
        }
      }
    }
    return new PluginRequest.Context(out);
  }

  /** Redacts a copy of an object in place and returns it. */
  static ObjectNode redact(ObjectNode node) {
    Iterator<Map.Entry<String, JsonNode>> it = node.fields();
    List<String> remove = new ArrayList<>();
    List<String> blank = new ArrayList<>();
    while (it.hasNext()) {
      Map.Entry<String, JsonNode> e = it.next();
      String lower = e.getKey().toLowerCase(Locale.ROOT);
      JsonNode v = e.getValue();
      if (DROPPED_SUFFIXES.stream().anyMatch(lower::endsWith)) {
        remove.add(e.getKey());
      } else if (SENSITIVE.stream().anyMatch(lower::contains)) {
        if (v.isObject()) {
          remove.add(e.getKey());
        } else {
          blank.add(e.getKey());
        }
      } else if (lower.endsWith("from") && isIndirection(v)) {
        remove.add(e.getKey());
      } else {
        redactValue(v);
      }
    }
    remove.forEach(node::remove);
    blank.forEach(k -> node.set(k, TextNode.valueOf("")));
    return node;
  }

  private static boolean isIndirection(JsonNode v) {
    if (!v.isObject() || v.isEmpty()) {
      return false;
    }
    Iterator<String> names = v.fieldNames();
    while (names.hasNext()) {
      if (!FROM_KEYS.contains(names.next())) {
        return false;
      }
    }
    return true;
  }

  private static void redactValue(JsonNode v) {
    if (v.isObject()) {
      redact((ObjectNode) v);
    } else if (v.isArray()) {
      for (JsonNode x : (ArrayNode) v) {
        redactValue(x);
      }
    }
  }

}
