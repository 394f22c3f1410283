package dev.cloudedge.cli;

import dev.cloudedge.cli.options.CliSettings;
import dev.cloudedge.cli.options.StateFileOptions;
import dev.cloudedge.cli.output.OutputFormat;
import dev.cloudedge.cli.output.OutputOptions;
import dev.cloudedge.cli.output.Printer;
import dev.cloudedge.federation.event.GoText;
import dev.cloudedge.federation.store.EventRecord;
import dev.cloudedge.federation.store.FederationStore;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code cloudedge federation event list}: the stored events, oldest observation first. */
@Command(
    name = "list",
    mixinStandardHelpOptions = true,
    description = "List stored events ordered by observation time; expired events are hidden unless asked for.")
public final class FederationEventListCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin StateFileOptions state;
  @Mixin OutputOptions output;

  @Option(names = "--group", paramLabel = "NAME", description = "Only this EventGroup (default: every group).")
  String group = "";

  @Option(names = "--include-expired", description = "Also list events whose expiresAt has passed.")
  boolean includeExpired;

  @Override
  public Integer call() {
    long now = CliSettings.of(spec).clock().instant().getEpochSecond();
    List<EventRecord> rows;
    try (FederationStore store = state.openReadOnly()) {
      rows = store.listEvents(GoText.trimSpace(group), includeExpired, now);
    }
    if (output.format() == OutputFormat.TABLE) {
      Printer.rows(spec.commandLine().getOut(), output.format(), rows, FederationViews.EVENT_COLUMNS);
    } else {
      Printer.structured(spec.commandLine().getOut(), output.format(),
          rows.stream().map(FederationViews.EventView::of).toList());
    }
    return ExitCodes.OK;
  }
}
