package dev.cloudedge.cli;

import dev.cloudedge.federation.config.ConfigException;
import dev.cloudedge.federation.config.ConfigLoader;
import dev.cloudedge.federation.config.FederationConfig;
import dev.cloudedge.federation.store.FederationStore;
import dev.cloudedge.federation.store.StoreException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Shared helpers of the subscription, plugin, dynamic and action-plan commands. */
public final class PipelineCliSupport {
  private PipelineCliSupport() {}

  /**
   * Opens an existing state file read-only (an optional {@code --state-file}, so not the shared
   * mixin, whose default would always name a file): a read command never creates, migrates or
   * changes one.
   *
   * @throws IllegalArgumentException naming the file when it is missing or unreadable
   */
  static FederationStore openReadOnly(Path stateFile) {
    if (stateFile == null) {
      throw new IllegalArgumentException("--state-file is required");
    }
    if (!Files.isRegularFile(stateFile)) {
      throw new IllegalArgumentException("state file " + stateFile + " does not exist");
    }
    try {
      return FederationStore.openReadOnly(stateFile);
    } catch (StoreException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
  }

  /** Loads config files, or an empty config when none are given. */
  public static FederationConfig loadConfig(List<Path> files) {
    if (files == null || files.isEmpty()) {
      return FederationConfig.of(List.of());
    }
    try {
      return ConfigLoader.load(files);
    } catch (ConfigException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
  }

  /** An RFC 3339 time as a table shows it: whole seconds, UTC; empty stays empty. */
  public static String seconds(String rfc3339) {
    if (rfc3339 == null || rfc3339.isEmpty()) {
      return "";
    }
    try {
      return dev.cloudedge.federation.event.GoTime.formatSecondsOrDash(
          dev.cloudedge.federation.event.GoTime.parse(rfc3339));
    } catch (IllegalArgumentException e) {
      return rfc3339;
    }
  }

  /** Go-style truncation of a long cell: more than 60 characters → the first 57 and {@code ...}. */
  static String truncate(String s) {
    if (s == null) {
      return "";
    }
    return s.length() > 60 ? s.substring(0, 57) + "..." : s;
  }
}
