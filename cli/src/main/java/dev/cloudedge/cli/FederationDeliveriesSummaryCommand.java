package dev.cloudedge.cli;

import dev.cloudedge.cli.options.CliSettings;
import dev.cloudedge.cli.options.StateFileOptions;
import dev.cloudedge.cli.output.OutputFormat;
import dev.cloudedge.cli.output.OutputOptions;
import dev.cloudedge.cli.output.Printer;
import dev.cloudedge.federation.event.GoText;
import dev.cloudedge.federation.store.DeliverySummary;
import dev.cloudedge.federation.store.FederationStore;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code cloudedge federation deliveries summary}: delivery state per (group, peer). */
@Command(
    name = "summary",
    mixinStandardHelpOptions = true,
    description = "Summarize delivery state per (group, peer): counts, stale TTLs, the largest lag and the "
        + "soonest expiry.")
public final class FederationDeliveriesSummaryCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin StateFileOptions state;
  @Mixin OutputOptions output;

  @Option(names = "--group", paramLabel = "NAME", description = "Only this EventGroup.")
  String group = "";

  @Option(names = "--peer", paramLabel = "NODE", description = "Only this peer.")
  String peer = "";

  @Option(names = "--type", paramLabel = "TYPE", description = "Only events of this type.")
  String type = "";

  @Option(names = "--include-expired", description = "Also count deliveries of expired events.")
  boolean includeExpired;

  @Override
  public Integer call() {
    long now = CliSettings.of(spec).clock().instant().getEpochSecond();
    List<DeliverySummary> rows;
    try (FederationStore store = state.openReadOnly()) {
      rows = store.deliverySummary(GoText.trimSpace(group), GoText.trimSpace(peer), GoText.trimSpace(type),
          includeExpired, now);
    }
    if (output.format() == OutputFormat.TABLE) {
      Printer.rows(spec.commandLine().getOut(), output.format(), rows, FederationViews.SUMMARY_COLUMNS);
    } else {
      Printer.structured(spec.commandLine().getOut(), output.format(),
          rows.stream().map(FederationViews.SummaryView::of).toList());
    }
    return ExitCodes.OK;
  }
}
