package dev.cloudedge.cli;

import dev.cloudedge.cli.options.StateFileOptions;
import dev.cloudedge.cli.output.OutputOptions;
import dev.cloudedge.cli.output.Printer;
import dev.cloudedge.federation.store.FederationStore;
import dev.cloudedge.federation.subscription.SubscriptionRun;
import dev.cloudedge.federation.subscription.SubscriptionRunStore;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code cloudedge federation subscription}: what the subscription runtime did. */
@Command(
    name = "subscription",
    mixinStandardHelpOptions = true,
    description = "EventSubscription runs.",
    subcommands = {FederationSubscriptionCommand.Runs.class})
public final class FederationSubscriptionCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getOut());
    return ExitCodes.OK;
  }

  /** {@code cloudedge federation subscription runs}. */
  @Command(
      name = "runs",
      mixinStandardHelpOptions = true,
      description = "List event_subscription_runs rows: one per (subscription, event), with status and attempts.")
  public static final class Runs implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin OutputOptions output;

    @Option(names = "--subscription", paramLabel = "S",
        description = "Only this subscription: its name or EventSubscription/<name>.")
    String subscription;

    @Option(names = "--status", paramLabel = "STATUS", description = "Only rows in this status: pending, succeeded or failed.")
    String status;

    @Mixin StateFileOptions state;

    @Override
    public Integer call() {
      String st = status == null ? "" : status.trim();
      if (!st.isEmpty() && !SubscriptionRunStore.STATUSES.contains(st)) {
        throw new IllegalArgumentException("invalid --status \"" + status + "\": must be one of pending, succeeded, failed");
      }
      String sub = subscription == null ? "" : subscription.trim();
      if (!sub.isEmpty() && !sub.startsWith("EventSubscription/")) {
        sub = "EventSubscription/" + sub;
      }
      List<SubscriptionRun> rows;
      try (FederationStore store = state.openReadOnly()) {
        rows = new SubscriptionRunStore(store).list(sub, st);
      }
      Printer.rows(spec.commandLine().getOut(), output.format(), rows, List.of(
          new Printer.Column<SubscriptionRun>("ID", r -> Long.toString(r.id())),
          new Printer.Column<SubscriptionRun>("SUBSCRIPTION", SubscriptionRun::subscription),
          new Printer.Column<SubscriptionRun>("EVENT_ID", SubscriptionRun::eventId),
          new Printer.Column<SubscriptionRun>("GROUP", SubscriptionRun::eventGroup),
          new Printer.Column<SubscriptionRun>("PLUGIN", SubscriptionRun::plugin),
          new Printer.Column<SubscriptionRun>("STATUS", SubscriptionRun::status),
          new Printer.Column<SubscriptionRun>("ATTEMPTS", r -> Integer.toString(r.attempts())),
          new Printer.Column<SubscriptionRun>("STARTED", r -> PipelineCliSupport.seconds(r.startedAt())),
          new Printer.Column<SubscriptionRun>("COMPLETED", r -> PipelineCliSupport.seconds(r.completedAt())),
          new Printer.Column<SubscriptionRun>("ERROR", r -> PipelineCliSupport.truncate(r.error()))));
      return ExitCodes.OK;
    }
  }
}
