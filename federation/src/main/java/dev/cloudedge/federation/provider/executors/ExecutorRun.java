package dev.cloudedge.federation.provider.executors;

import dev.cloudedge.federation.provider.exec.ExecuteActionRequest;
import dev.cloudedge.federation.provider.exec.ExecuteActionResult;
import java.util.List;
import java.util.Map;

/**
 * What every provider executor keeps for one request: the spec, the CLI (guarded in dry-run), the
 * mode, and how that provider's authorization failures read.
 *
 * @param <E> what the operations may throw
 */
abstract class ExecutorRun<E extends Exception> implements ActionOps<E> {
  final ExecuteActionRequest.Spec s;
  final Cli cli;
  final boolean dry;
  final String action;
  final String mode;
  private final List<String> authPatterns;

  ExecutorRun(ExecuteActionRequest.Spec s, Cli cli, boolean dry, List<String> authPatterns) {
    this.s = s;
    this.cli = cli;
    this.dry = dry;
    this.action = s.action();
    this.mode = s.mode();
    this.authPatterns = authPatterns;
  }

  /** The first missing target key's error, given as (key, error) pairs; {@code null} when all are set. */
  final String need(String... keysAndErrors) {
    for (int i = 0; i < keysAndErrors.length; i += 2) {
      if (s.t(keysAndErrors[i]).isEmpty()) {
        return keysAndErrors[i + 1];
      }
    }
    return null;
  }

  /** A failed CLI call, classified (authorization vs transient) by this provider's patterns. */
  final ExecuteActionResult fail(String what, CliException e, String hint) {
    return Results.cliFailure(action + " " + mode + ": " + what, e, hint, authPatterns, Map.of());
  }
}
