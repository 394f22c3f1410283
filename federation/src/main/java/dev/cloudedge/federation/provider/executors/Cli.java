package dev.cloudedge.federation.provider.executors;

import java.util.List;

/** One cloud CLI ({@code aws}, {@code az}, {@code oci}): runs an argv and returns stdout. */
@FunctionalInterface
public interface Cli {
  /**
   * Runs the CLI with {@code argv} (the tool name excluded).
   *
   * @return stdout
   * @throws CliException when it exits non-zero, cannot start or times out
   */
  String run(List<String> argv) throws CliException;
}
