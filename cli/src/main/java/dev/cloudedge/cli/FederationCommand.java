package dev.cloudedge.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code cloudedge federation}: the event federation commands. */
@Command(
    name = "federation",
    mixinStandardHelpOptions = true,
    description = "Event federation: events, deliveries and subscription runs.",
    subcommands = {FederationSubscriptionCommand.class})
public final class FederationCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getOut());
    return ExitCodes.OK;
  }
}
