package dev.cloudedge.cli.options;

import dev.cloudedge.federation.config.ConfigException;
import dev.cloudedge.federation.config.ConfigLoader;
import dev.cloudedge.federation.config.FederationConfig;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * The shared {@code --config FILE...} option: one or more multi-document YAML manifests (or routerd
 * Router configs), loaded in the order given. Repeatable ({@code --config a.yaml --config b.yaml})
 * or several files after one flag.
 */
public final class ConfigOptions {
  @Option(
      names = "--config",
      paramLabel = "FILE",
      arity = "1..*",
      required = true,
      description = "Config file(s): multi-document YAML with EventGroup, EventPeer, EventSubscription, "
          + "FederationSLO, EventNode resources, or a routerd Router config. Repeatable.")
  List<Path> files;

  /** The files, in the order given. */
  public List<Path> files() {
    return List.copyOf(files);
  }

  /**
   * Loads the files without validating them.
   *
   * @throws IllegalArgumentException naming the file (and document) that cannot be read or parsed
   */
  public FederationConfig load() {
    try {
      return ConfigLoader.load(files());
    } catch (ConfigException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
  }
}
