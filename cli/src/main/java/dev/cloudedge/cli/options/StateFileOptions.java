package dev.cloudedge.cli.options;

import dev.cloudedge.federation.store.FederationStore;
import dev.cloudedge.federation.store.StoreException;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The shared {@code --state-file DB} option. Without it, the state file is {@code
 * $CLOUDEDGE_STATE_FILE}, else {@code /var/lib/cloudedge/cloudedge.db} (see {@link CliSettings}).
 */
public final class StateFileOptions {
  @Spec(Spec.Target.MIXEE)
  CommandSpec mixee;

  @Option(
      names = "--state-file",
      paramLabel = "DB",
      description = "SQLite state file (default: $" + CliSettings.STATE_FILE_ENV + ", else "
          + "/var/lib/cloudedge/cloudedge.db).")
  Path stateFile;

  /** The state file this command works on. */
  public Path path() {
    return stateFile != null ? stateFile : CliSettings.of(mixee).defaultStateFile();
  }

  /**
   * Opens the state file, creating it (and its directory) when missing.
   *
   * @throws IllegalArgumentException naming the file when it cannot be opened (corrupt, unwritable)
   */
  public FederationStore open() {
    try {
      return FederationStore.open(path());
    } catch (StoreException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
  }

  /**
   * Opens a state file that must already exist, so a read-only command with a mistyped path fails
   * instead of silently creating an empty database.
   *
   * @throws IllegalArgumentException naming the file when it is missing or cannot be opened
   */
  public FederationStore openExisting() {
    Path p = path();
    if (!Files.exists(p)) {
      throw new IllegalArgumentException("state file " + p + " does not exist (use --state-file or $"
          + CliSettings.STATE_FILE_ENV + ")");
    }
    return open();
  }

  /**
   * Opens an existing state file read-only, for commands that only read: the file is neither
   * created nor migrated nor changed in any byte (see {@link FederationStore#openReadOnly}).
   *
   * @throws IllegalArgumentException naming the file when it is missing or cannot be read
   */
  public FederationStore openReadOnly() {
    Path p = path();
    if (!Files.exists(p)) {
      throw new IllegalArgumentException("state file " + p + " does not exist (use --state-file or $"
          + CliSettings.STATE_FILE_ENV + ")");
    }
    try {
      return FederationStore.openReadOnly(p);
    } catch (StoreException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
  }
}
