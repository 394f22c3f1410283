package dev.cloudedge.federation.plugin;

/** A plugin run failed; the message is the reference's text and says which failure it was. */
public final class PluginException extends Exception {
  private static final long serialVersionUID = 1L;

  /** Which of the protocol's failures happened. */
  public enum Failure {
    /** Missing, not a regular file or not executable. */
    NOT_EXECUTABLE,
    /** The Plugin's timeout is not a positive Go duration. */
    BAD_TIMEOUT,
    /** The process ran past its timeout and was killed. */
    TIMEOUT,
    /** stdout or stderr went past its capture limit. */
    OUTPUT_LIMIT,
    /** Non-zero exit, or the process could not be started. */
    EXIT_STATUS,
    /** stdout is not a decodable PluginResult. */
    DECODE,
    /** The result decoded but breaks the PluginResult rules (claim, plan, ttl ...). */
    INVALID_RESULT,
    /** The plugin context could not be built. */
    CONTEXT,
    /** This process is shutting down and stopped the plugin; the run is not the plugin's fault. */
    INTERRUPTED
  }

  private final Failure failure;

  public PluginException(Failure failure, String message) {
    super(message);
    this.failure = failure;
  }

  /** Which failure this is. */
  public Failure failure() {
    return failure;
  }
}
