package dev.cloudedge.cli.doctor;

import dev.cloudedge.cli.ExitCodes;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code cloudedge doctor}: health checks; the federation area is {@code doctor federation}. */
@Command(
    name = "doctor",
    mixinStandardHelpOptions = true,
    description = "Check the health of this node's federation from its config and state database.",
    subcommands = {DoctorFederationCommand.class})
public final class DoctorCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getOut());
    return ExitCodes.OK;
  }
}
