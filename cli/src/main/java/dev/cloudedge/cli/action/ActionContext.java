package dev.cloudedge.cli.action;

import dev.cloudedge.federation.config.ConfigException;
import dev.cloudedge.federation.config.ConfigLoader;
import dev.cloudedge.federation.config.ConfigProblem;
import dev.cloudedge.federation.config.ConfigValidator;
import dev.cloudedge.federation.config.FederationConfig;
import dev.cloudedge.federation.provider.ActionEngine;
import dev.cloudedge.federation.provider.ActionJournal;
import dev.cloudedge.federation.provider.ExecutorResolver;
import dev.cloudedge.federation.provider.ProviderActionPolicy;
import dev.cloudedge.federation.provider.exec.ExecutorRunner;
import dev.cloudedge.federation.store.FederationStore;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import picocli.CommandLine.Option;

/** The options every {@code action} subcommand shares: state file, config files and the bundled plugins dir. */
public final class ActionContext {
  /** The default state file when neither {@code --state-file} nor {@code CLOUDEDGE_STATE_FILE} is given. */
  public static final String DEFAULT_STATE_FILE = "/var/lib/cloudedge/cloudedge.db";

  @Option(names = "--state-file", paramLabel = "DB",
      description = "SQLite state file (default: $CLOUDEDGE_STATE_FILE or " + DEFAULT_STATE_FILE + ").")
  Path stateFile;

  @Option(names = "--config", paramLabel = "FILE", arity = "1..*",
      description = "Config files with the ProviderActionPolicy and executor Plugins (repeatable).")
  List<Path> config = new ArrayList<>();

  @Option(names = "--plugins-dir", paramLabel = "DIR",
      description = "Bundled executors directory, used when the config declares no executor Plugin "
          + "(default: $CLOUDEDGE_PLUGINS_DIR, else the plugins/ folder next to the CLI jar's repository).")
  Path pluginsDir;

  Path stateFile() {
    if (stateFile != null) {
      return stateFile;
    }
    String env = System.getenv("CLOUDEDGE_STATE_FILE");
    return Path.of(env == null || env.isBlank() ? DEFAULT_STATE_FILE : env);
  }

  FederationStore openStore() {
    return FederationStore.open(stateFile());
  }

  /** The validated config (empty when no {@code --config}); problems are a user error. */
  FederationConfig config() {
    if (config.isEmpty()) {
      return FederationConfig.of(List.of());
    }
    FederationConfig c;
    try {
      c = ConfigLoader.load(config);
    } catch (ConfigException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
    List<ConfigProblem> problems = new ConfigValidator().validate(c);
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException("invalid config:\n  " + problems.stream()
          .map(p -> p.message() + " (" + p.origin() + ")").collect(Collectors.joining("\n  ")));
    }
    return c;
  }

  Path pluginsDir() {
    if (pluginsDir != null) {
      return pluginsDir;
    }
    String env = System.getenv("CLOUDEDGE_PLUGINS_DIR");
    if (env != null && !env.isBlank()) {
      return Path.of(env);
    }
    try {
      Path jar = Path.of(ActionContext.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      // <repo>/cli/target/cloudedge.jar → <repo>/plugins
      Path root = jar.getParent() == null || jar.getParent().getParent() == null ? null
          : jar.getParent().getParent().getParent();
      if (root != null && Files.isDirectory(root.resolve("plugins"))) {
        return root.resolve("plugins");
      }
    } catch (URISyntaxException | RuntimeException e) {
      // No code source location: only configured executors are used.
    }
    return null;
  }

  /** An engine on an open store with the config's executors. */
  ActionEngine engine(FederationStore store, FederationConfig cfg) {
    return new ActionEngine(new ActionJournal(store), ExecutorResolver.from(cfg, pluginsDir()),
        new ExecutorRunner(System.getenv("PATH")), Clock.systemUTC(), ActionEngine.DEFAULT_STALE_RUNNING_TIMEOUT);
  }

  static ProviderActionPolicy policy(FederationConfig cfg) {
    return ProviderActionPolicy.from(cfg);
  }

  /** Parses an action id with routerd's text. */
  static long id(String text) {
    try {
      return Long.parseLong(text.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("invalid action id \"" + text + "\": strconv.ParseInt: parsing \"" + text
          + "\": invalid syntax", e);
    }
  }
}
