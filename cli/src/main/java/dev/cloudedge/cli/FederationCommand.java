package dev.cloudedge.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code cloudedge federation} (alias {@code fed}): inspect and emit federation events in a state file. */
@Command(
    name = "federation",
    aliases = "fed",
    mixinStandardHelpOptions = true,
    description = "Emit and inspect federation events and their delivery state in a node's state file.",
    subcommands = {FederationCommand.Event.class, FederationCommand.Deliveries.class, FederationSubscriptionCommand.class})
public final class FederationCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    throw new IllegalArgumentException("federation requires subcommand (event, deliveries, subscription)");
  }

  /** {@code cloudedge federation event}. */
  @Command(
      name = "event",
      mixinStandardHelpOptions = true,
      description = "Emit, list and trace federation events.",
      subcommands = {
        FederationEventEmitCommand.class,
        FederationEventListCommand.class,
        FederationEventDeliveriesCommand.class
      })
  public static final class Event implements Callable<Integer> {
    @Override
    public Integer call() {
      throw new IllegalArgumentException("federation event requires subcommand (emit, list, deliveries)");
    }
  }

  /** {@code cloudedge federation deliveries}. */
  @Command(
      name = "deliveries",
      mixinStandardHelpOptions = true,
      description = "Delivery state across peers.",
      subcommands = {FederationDeliveriesSummaryCommand.class})
  public static final class Deliveries implements Callable<Integer> {
    @Override
    public Integer call() {
      throw new IllegalArgumentException("federation deliveries requires subcommand (summary)");
    }
  }
}
