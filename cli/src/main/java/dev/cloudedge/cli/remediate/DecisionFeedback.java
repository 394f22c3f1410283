package dev.cloudedge.cli.remediate;

import dev.cloudedge.cli.ExitCodes;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Immediate feedback for a decision sent as a signal: the workflow's status query is polled until
 * it shows the decision accepted or refused, so the operator learns the outcome at once.
 */
final class DecisionFeedback {
  /** How long to wait for the workflow to process a decision. */
  static final Duration WAIT = Duration.ofSeconds(15);

  /**
   * What the workflow made of the signal.
   *
   * @param accepted whether it was accepted
   * @param text what to print: the accepted decision, or the refusal's reason
   */
  record Outcome(boolean accepted, String text) {}

  private DecisionFeedback() {}

  /**
   * Polls until {@code poll} reports an outcome: exit 0 when accepted (printed on stdout), 1 when
   * refused (the reason on stderr), 3 with {@code pending} printed when the workflow has not
   * processed the signal within {@link #WAIT}.
   */
  static int await(CommandSpec spec, Supplier<Optional<Outcome>> poll, String pending) {
    PrintWriter out = spec.commandLine().getOut();
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (System.nanoTime() < deadline) {
      Optional<Outcome> o = poll.get();
      if (o.isPresent()) {
        if (o.get().accepted()) {
          out.println("accepted: " + o.get().text());
          out.flush();
          return ExitCodes.OK;
        }
        PrintWriter err = spec.commandLine().getErr();
        err.println("cloudedge: refused: " + o.get().text());
        err.flush();
        return ExitCodes.FAILED;
      }
      try {
        Thread.sleep(200);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    out.println(pending);
    out.flush();
    return ExitCodes.INCOMPLETE;
  }
}
