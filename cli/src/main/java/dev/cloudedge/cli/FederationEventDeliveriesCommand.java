package dev.cloudedge.cli;

import dev.cloudedge.cli.options.StateFileOptions;
import dev.cloudedge.cli.output.OutputFormat;
import dev.cloudedge.cli.output.OutputOptions;
import dev.cloudedge.cli.output.Printer;
import dev.cloudedge.federation.event.GoText;
import dev.cloudedge.federation.store.DeliveryRecord;
import dev.cloudedge.federation.store.FederationStore;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code cloudedge federation event deliveries}: the per-(event, peer) delivery rows. */
@Command(
    name = "deliveries",
    mixinStandardHelpOptions = true,
    description = "List per-(event, peer) delivery rows, ordered by event id and peer.")
public final class FederationEventDeliveriesCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin StateFileOptions state;
  @Mixin OutputOptions output;

  @Option(names = "--group", paramLabel = "NAME",
      description = "Only deliveries of events in this group (rows of pruned events drop out).")
  String group = "";

  @Option(names = "--event-id", paramLabel = "ID", description = "Only this event.")
  String eventId = "";

  @Option(names = "--peer", paramLabel = "NODE", description = "Only this peer (its node name).")
  String peer = "";

  @Option(names = "--status", paramLabel = "STATUS", description = "Only pending, delivered or failed rows.")
  String status = "";

  @Override
  public Integer call() {
    String st = GoText.trimSpace(status);
    if (!st.isEmpty() && !DeliveryRecord.isStatus(st)) {
      throw new IllegalArgumentException(
          "invalid --status \"" + status + "\": must be one of pending, delivered, failed");
    }
    List<DeliveryRecord> rows;
    try (FederationStore store = state.openReadOnly()) {
      rows = store.listDeliveriesFiltered(GoText.trimSpace(group), GoText.trimSpace(eventId),
          GoText.trimSpace(peer), st);
    }
    if (output.format() == OutputFormat.TABLE) {
      Printer.rows(spec.commandLine().getOut(), output.format(), rows, FederationViews.DELIVERY_COLUMNS);
    } else {
      Printer.structured(spec.commandLine().getOut(), output.format(),
          rows.stream().map(FederationViews.DeliveryView::of).toList());
    }
    return ExitCodes.OK;
  }
}
