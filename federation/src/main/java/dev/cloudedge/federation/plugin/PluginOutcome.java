package dev.cloudedge.federation.plugin;

/**
 * What one plugin invocation did (reference §1.9 step 7), whether it succeeded or not.
 *
 * @param result the decoded result, or {@code null} on failure
 * @param failure the failure, or {@code null} on success
 * @param durationMs wall time of the child process
 * @param stdoutDigest hex SHA-256 of the captured stdout, empty when the process never ran
 * @param stderr the first 8192 bytes of stderr
 * @param exitCode the exit code, or {@code null} when the process never ran or was killed
 */
public record PluginOutcome(
    PluginResult result, PluginException failure, long durationMs, String stdoutDigest, String stderr,
    Integer exitCode) {
  public PluginOutcome {
    stdoutDigest = stdoutDigest == null ? "" : stdoutDigest;
    stderr = stderr == null ? "" : stderr;
  }

  /** True when stdout held a decodable PluginResult. */
  public boolean ok() {
    return failure == null;
  }

  /** The failure text, or empty. */
  public String error() {
    return failure == null ? "" : failure.getMessage();
  }
}
