package dev.cloudedge.cli.action;

import dev.cloudedge.cli.options.CliSettings;
import dev.cloudedge.federation.config.ConfigProblem;
import dev.cloudedge.federation.config.ConfigValidator;
import dev.cloudedge.federation.config.FederationConfig;
import dev.cloudedge.federation.provider.ActionEngine;
import dev.cloudedge.federation.provider.ActionJournal;
import dev.cloudedge.federation.provider.ExecutorResolver;
import dev.cloudedge.federation.store.FederationStore;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The {@code --plugins-dir} option of the commands that run executors, and the engine wiring every
 * {@code action} subcommand shares (the clock comes from the CLI settings).
 */
public final class ActionContext {
  /** Where bundled executors are looked for when neither the option nor the config names one. */
  public static final String PLUGINS_DIR_ENV = "CLOUDEDGE_PLUGINS_DIR";

  @Spec(Spec.Target.MIXEE)
  CommandSpec mixee;

  @Option(names = "--plugins-dir", paramLabel = "DIR",
      description = "Bundled executors directory, used when the config declares no executor Plugin "
          + "(default: $" + PLUGINS_DIR_ENV + ", else the plugins/ folder of the repository the CLI jar is in).")
  Path pluginsDir;

  /** Validates a loaded config; problems are a user error naming each resource. */
  static FederationConfig validated(FederationConfig c) {
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
    String env = System.getenv(PLUGINS_DIR_ENV);
    if (env != null && !env.isBlank()) {
      return Path.of(env.trim());
    }
    return repositoryPlugins();
  }

  /** {@code <repo>/plugins} when the CLI runs from {@code <repo>/cli/target/cloudedge.jar}. */
  static Path repositoryPlugins() {
    try {
      Path jar = Path.of(ActionContext.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      Path target = jar.getParent();
      Path root = target == null || target.getParent() == null ? null : target.getParent().getParent();
      if (root != null && Files.isDirectory(root.resolve("plugins"))) {
        return root.resolve("plugins");
      }
    } catch (URISyntaxException | RuntimeException e) {
      // No code source location: only configured executors are used.
    }
    return null;
  }

  /** An engine on an open store with the config's executors; the clock is the CLI settings'. */
  static ActionEngine engine(CommandSpec spec, FederationStore store, FederationConfig cfg, Path pluginsDir) {
    return new ActionEngine(new ActionJournal(store), ExecutorResolver.from(cfg, pluginsDir),
        new dev.cloudedge.federation.provider.exec.ExecutorRunner(System.getenv("PATH")),
        CliSettings.of(spec).clock(), ActionEngine.DEFAULT_STALE_RUNNING_TIMEOUT);
  }

  /** An engine for commands that never run an executor (approve, reject, import, recover). */
  static ActionEngine journalEngine(CommandSpec spec, FederationStore store) {
    return engine(spec, store, FederationConfig.of(List.of()), null);
  }

  /** Parses an action id with routerd's text. */
  static long id(String text) {
    try {
      return Long.parseLong(text.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("invalid action id \"" + text + "\": want the number in the ID column of"
          + " 'cloudedge action list'", e);
    }
  }
}
