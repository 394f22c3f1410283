package dev.cloudedge.cli.remediate;

import dev.cloudedge.cli.ExitCodes;
import io.temporal.client.WorkflowNotFoundException;
import io.temporal.client.WorkflowUpdateException;
import io.temporal.failure.ApplicationFailure;
import java.io.PrintWriter;
import java.util.function.Supplier;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Sends an operator decision as a workflow update and reports the workflow's answer: the update's
 * validator accepts or refuses it before anything is recorded, so the operator learns at once and
 * no polling is needed.
 */
final class DecisionUpdate {
  private DecisionUpdate() {}

  /**
   * Runs {@code update}: exit 0 with {@code accepted: <text>} on stdout when the workflow accepted
   * the decision, exit 2 with {@code cloudedge: refused: <reason>} on stderr when it refused it.
   *
   * @param update sends the update and returns what to print when it is accepted
   * @param notRunning the message when the workflow is not running (the decision window is closed)
   * @throws IllegalArgumentException with {@code notRunning} when no such workflow is running
   */
  static int send(CommandSpec spec, Supplier<String> update, String notRunning) {
    String accepted;
    try {
      accepted = update.get();
    } catch (WorkflowNotFoundException e) {
      throw new IllegalArgumentException(notRunning);
    } catch (WorkflowUpdateException e) {
      PrintWriter err = spec.commandLine().getErr();
      err.println("cloudedge: refused: " + reason(e));
      err.flush();
      return ExitCodes.USAGE;
    }
    PrintWriter out = spec.commandLine().getOut();
    out.println("accepted: " + accepted);
    out.flush();
    return ExitCodes.OK;
  }

  /** The validator's (or handler's) reason: the message of the application failure behind the update failure. */
  static String reason(WorkflowUpdateException e) {
    for (Throwable t = e.getCause(); t != null; t = t.getCause()) {
      if (t instanceof ApplicationFailure af) {
        return af.getOriginalMessage();
      }
    }
    return e.getCause() == null ? e.getMessage() : e.getCause().getMessage();
  }
}
