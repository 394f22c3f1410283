package dev.cloudedge.cli.options;

import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.Objects;
import picocli.CommandLine.Model.CommandSpec;

/**
 * The CLI's process-wide settings, resolved once from the environment when the command line is
 * built. Commands read them from here instead of calling {@code System.getenv} themselves, and
 * tests build the command line with their own settings (a temporary state file, a fixed clock).
 *
 * @param defaultStateFile the state file used when {@code --state-file} is not given
 * @param clock the clock for "now" (default observation time, expiry filters)
 */
public record CliSettings(Path defaultStateFile, Clock clock) {
  /** The environment variable that overrides the default state file. */
  public static final String STATE_FILE_ENV = "CLOUDEDGE_STATE_FILE";
  /** The state file when neither {@code --state-file} nor {@value #STATE_FILE_ENV} is set. */
  public static final Path DEFAULT_STATE_FILE = Path.of("/var/lib/cloudedge/cloudedge.db");

  public CliSettings {
    Objects.requireNonNull(defaultStateFile, "defaultStateFile");
    Objects.requireNonNull(clock, "clock");
  }

  /** Settings from an environment map: {@value #STATE_FILE_ENV} when set and not blank, the system UTC clock. */
  public static CliSettings fromEnvironment(Map<String, String> env) {
    String v = env.get(STATE_FILE_ENV);
    Path stateFile = v == null || v.isBlank() ? DEFAULT_STATE_FILE : Path.of(v.trim());
    return new CliSettings(stateFile, Clock.systemUTC());
  }

  /** Something that holds the settings: the top command. */
  @FunctionalInterface
  public interface Holder {
    /** The settings of this command line. */
    CliSettings settings();
  }

  /**
   * The settings of the command line {@code spec} belongs to: the root command's when it is a
   * {@link Holder}, otherwise (a command run on its own) the process environment's.
   */
  public static CliSettings of(CommandSpec spec) {
    CommandSpec root = spec.root();
    if (root.userObject() instanceof Holder h) {
      return h.settings();
    }
    return fromEnvironment(System.getenv());
  }
}
