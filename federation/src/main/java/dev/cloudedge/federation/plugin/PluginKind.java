package dev.cloudedge.federation.plugin;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.cloudedge.federation.config.ConfigValidator;
import dev.cloudedge.federation.config.FederationConfig;
import dev.cloudedge.federation.config.GoDuration;
import dev.cloudedge.federation.config.Resource;
import dev.cloudedge.federation.config.SpecDecodeException;
import dev.cloudedge.federation.event.GoText;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The {@code Plugin} Kind ({@code plugin.routerd.net/v1alpha1}): an external executable that
 * turns matched events into a {@code PluginResult}, with its capabilities, timeout, environment
 * and the allowlist of config resources it may see (subscription reference §1.9, §1.12).
 */
public final class PluginKind {
  /** apiVersion of Plugin, PluginRequest and PluginResult. */
  public static final String API_VERSION = "plugin.routerd.net/v1alpha1";
  public static final String KIND = "Plugin";
  /** The capability enumeration. */
  public static final List<String> CAPABILITIES = List.of(
      "observe.cloud", "observe.providerPrivateIPs", "propose.dynamicConfig", "propose.providerAction",
      "execute.providerAction");
  /** Used when {@code spec.timeout} is blank. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

  private PluginKind() {}

  private static String str(String s) {
    return s == null ? "" : s;
  }

  /** One entry of {@code spec.context.resources}: a config resource the plugin may see (redacted). */
  public record ContextRef(String apiVersion, String kind, String name) {
    public ContextRef {
      apiVersion = str(apiVersion);
      kind = str(kind);
      name = str(name);
    }
  }

  /** {@code spec.context}. */
  public record ContextSpec(List<ContextRef> resources) {
    public ContextSpec {
      resources = resources == null ? List.of() : List.copyOf(resources);
    }
  }

  /** {@code spec.triggers[i]}: informational for subscription-driven plugins. */
  @JsonInclude(JsonInclude.Include.NON_EMPTY)
  public record Trigger(String type, String topic, String interval) {
    public Trigger {
      type = str(type);
      topic = str(topic);
      interval = str(interval);
    }
  }

  /** Plugin spec. */
  public record PluginSpec(
      String executable, List<String> capabilities, String timeout, Map<String, String> env, ContextSpec context,
      List<Trigger> triggers, String description) {
    public PluginSpec {
      executable = str(executable);
      capabilities = capabilities == null ? List.of() : List.copyOf(capabilities);
      timeout = str(timeout);
      env = env == null ? Map.of() : new TreeMap<>(env);
      context = context == null ? new ContextSpec(null) : context;
      triggers = triggers == null ? List.of() : List.copyOf(triggers);
      description = str(description);
    }
  }

  /** A decoded Plugin. */
  public record Plugin(Resource resource, PluginSpec spec) {
    public String name() {
      return resource.name();
    }

    /** The effective timeout: blank is 10 s. */
    public Duration timeout() {
      return GoText.isBlank(spec.timeout()) ? DEFAULT_TIMEOUT : GoDuration.parse(GoText.trimSpace(spec.timeout()));
    }
  }

  /** Decodable Plugins with the right apiVersion, in config order. */
  public static List<Plugin> all(FederationConfig config) {
    List<Plugin> out = new ArrayList<>();
    for (Resource r : config.ofKind(KIND)) {
      if (!API_VERSION.equals(r.apiVersion())) {
        continue;
      }
      try {
        out.add(new Plugin(r, r.decodeSpec(PluginSpec.class)));
      } catch (SpecDecodeException e) {
        // The validator reports it.
      }
    }
    return out;
  }

  /** The Plugin whose {@code metadata.name} is exactly {@code name}. */
  public static Optional<Plugin> find(FederationConfig config, String name) {
    return all(config).stream().filter(p -> p.name().equals(name)).findFirst();
  }

  /** Registers the Plugin Kind rule with a validator. */
  public static ConfigValidator register(ConfigValidator v) {
    return v.withKind(KIND, PluginKind::validate);
  }

  /** Kind rule: every problem of one Plugin resource. */
  public static void validate(Resource r, List<String> errors) {
    if (!API_VERSION.equals(r.apiVersion())) {
      errors.add(r.id() + " must use apiVersion " + API_VERSION);
      return;
    }
    PluginSpec s;
    try {
      s = r.decodeSpec(PluginSpec.class);
    } catch (SpecDecodeException e) {
      errors.add(e.getMessage());
      return;
    }
    String exe = GoText.trimSpace(s.executable());
    if (exe.isEmpty()) {
      errors.add(r.id() + " spec.executable is required");
    } else if (!exe.startsWith("/")) {
      errors.add(r.id() + " spec.executable must be an absolute path");
    }
    for (int i = 0; i < s.capabilities().size(); i++) {
      String c = GoText.trimSpace(s.capabilities().get(i));
      if (c.isEmpty()) {
        errors.add(r.id() + " spec.capabilities[" + i + "] must not be empty");
      } else if (!CAPABILITIES.contains(c)) {
        errors.add(r.id() + " spec.capabilities[" + i + "] \"" + c + "\" must be one of "
            + String.join(", ", CAPABILITIES));
      }
    }
    if (!GoText.isBlank(s.timeout())) {
      try {
        Duration d = GoDuration.parse(GoText.trimSpace(s.timeout()));
        if (d.isZero() || d.isNegative()) {
          errors.add(r.id() + " spec.timeout must be greater than 0");
        }
      } catch (IllegalArgumentException e) {
        errors.add(r.id() + " spec.timeout must be a Go duration: " + e.getMessage());
      }
    }
    for (String k : s.env().keySet()) {
      if (GoText.isBlank(k)) {
        errors.add(r.id() + " spec.env has a blank key");
      } else if (k.contains("=")) {
        errors.add(r.id() + " spec.env key \"" + k + "\" must not contain \"=\"");
      }
    }
    List<ContextRef> refs = s.context().resources();
    for (int i = 0; i < refs.size(); i++) {
      String at = r.id() + " spec.context.resources[" + i + "]";
      if (GoText.isBlank(refs.get(i).apiVersion())) {
        errors.add(at + ".apiVersion is required");
      }
      if (GoText.isBlank(refs.get(i).kind())) {
        errors.add(at + ".kind is required");
      }
      if (GoText.isBlank(refs.get(i).name())) {
        errors.add(at + ".name is required");
      }
    }
    for (int i = 0; i < s.triggers().size(); i++) {
      String t = GoText.trimSpace(s.triggers().get(i).type());
      if (!t.equals("event") && !t.equals("interval")) {
        errors.add(r.id() + " spec.triggers[" + i + "].type must be event or interval");
      }
    }
  }
}
