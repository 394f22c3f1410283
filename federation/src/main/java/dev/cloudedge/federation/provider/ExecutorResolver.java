package dev.cloudedge.federation.provider;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cloudedge.federation.config.FederationConfig;
import dev.cloudedge.federation.config.Resource;
import dev.cloudedge.federation.provider.exec.ExecutorPlugin;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Finds the executor for a provider (reference §4.2): among {@code Plugin} resources declaring
 * {@code execute.providerAction}, the one named {@code <provider>-executor} (case-insensitive), else
 * the only one. When the config declares no executor at all and a bundled plugins directory is
 * known, the bundled launcher {@code <dir>/<provider>-executor/bin/<provider>-executor} is used with
 * the bundled manifest's timeout; a config that declares executors always wins.
 */
public final class ExecutorResolver {
  /** The Plugin Kind. */
  public static final String PLUGIN_KIND = "Plugin";
  /** Bundled executor timeouts, from the reference manifests (aws 30s, azure 120s, oci 30s). */
  public static final Map<String, String> BUNDLED_TIMEOUTS = Map.of("aws", "30s", "azure", "120s", "oci", "30s");

  private final List<ExecutorPlugin> configured;
  private final Path bundledDir;

  /**
   * @param configured executor-capable plugins from the config, in order
   * @param bundledDir the bundled {@code plugins} directory, or {@code null}
   */
  public ExecutorResolver(List<ExecutorPlugin> configured, Path bundledDir) {
    this.configured = List.copyOf(configured);
    this.bundledDir = bundledDir;
  }

  /** A resolver over a config's {@code Plugin} resources. */
  public static ExecutorResolver from(FederationConfig config, Path bundledDir) {
    List<ExecutorPlugin> out = new ArrayList<>();
    for (Resource r : config.ofKind(PLUGIN_KIND)) {
      plugin(r).filter(p -> p.capabilities().contains(ExecutorPlugin.CAPABILITY)).ifPresent(out::add);
    }
    return new ExecutorResolver(out, bundledDir);
  }

  /** Reads the executor-relevant fields of a Plugin resource (the Plugin Kind's validation lives with its owner). */
  static Optional<ExecutorPlugin> plugin(Resource r) {
    JsonNode s = r.spec();
    if (!s.isObject()) {
      return Optional.empty();
    }
    List<String> caps = new ArrayList<>();
    s.path("capabilities").forEach(c -> caps.add(c.asText("")));
    Map<String, String> env = new TreeMap<>();
    s.path("env").fields().forEachRemaining(e -> env.put(e.getKey(), e.getValue().asText("")));
    return Optional.of(new ExecutorPlugin(r.name(), s.path("executable").asText(""), caps,
        s.path("timeout").asText(""), env));
  }

  /**
   * The executor for a provider.
   *
   * @throws IllegalStateException with routerd's texts when none or several match
   */
  public ExecutorPlugin resolve(String provider) {
    String want = provider.trim().toLowerCase(Locale.ROOT) + "-executor";
    for (ExecutorPlugin p : configured) {
      if (p.name().equalsIgnoreCase(want)) {
        return p;
      }
    }
    if (configured.size() == 1) {
      return configured.get(0);
    }
    if (configured.isEmpty() && bundledDir != null) {
      Path exe = bundledDir.resolve(want).resolve("bin").resolve(want).toAbsolutePath();
      if (Files.isRegularFile(exe)) {
        return new ExecutorPlugin(want, exe.toString(), List.of(ExecutorPlugin.CAPABILITY),
            BUNDLED_TIMEOUTS.getOrDefault(provider.trim().toLowerCase(Locale.ROOT), ""), Map.of());
      }
    }
    if (configured.isEmpty() || configured.size() == 1) {
      throw new IllegalStateException("no Plugin with capability \"" + ExecutorPlugin.CAPABILITY + "\" named \""
          + want + "\" (or sole executor)");
    }
    throw new IllegalStateException("ambiguous executor for provider \"" + provider + "\": " + configured.size()
        + " executors found, none named \"" + want + "\"");
  }
}
