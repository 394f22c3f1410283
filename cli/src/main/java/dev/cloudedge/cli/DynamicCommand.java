package dev.cloudedge.cli;

import dev.cloudedge.cli.options.CliSettings;
import dev.cloudedge.cli.options.ConfigOptions;
import dev.cloudedge.cli.options.StateFileOptions;
import dev.cloudedge.cli.output.OutputFormat;
import dev.cloudedge.cli.output.OutputOptions;
import dev.cloudedge.cli.output.Printer;
import dev.cloudedge.federation.dynamic.DynamicConfigStore;
import dev.cloudedge.federation.dynamic.EffectiveDynamicConfig;
import dev.cloudedge.federation.store.FederationStore;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code cloudedge dynamic}: the dynamic config plugins proposed. */
@Command(
    name = "dynamic",
    mixinStandardHelpOptions = true,
    description = "Dynamic config: what plugins proposed through subscriptions.",
    subcommands = {DynamicCommand.Render.class})
public final class DynamicCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getOut());
    return ExitCodes.OK;
  }

  /** {@code cloudedge dynamic render}. */
  @Command(name = "render", mixinStandardHelpOptions = true,
      description = {"Render the effective claims of every live DynamicConfigPart with their dry-run action plans,",
          "checked against the startup config (AddressMobilityDomain, OverlayPeer, CloudProviderProfile).",
          "Exit 0 when every claim is valid, 1 when a claim has a problem (listed)."})
  public static final class Render implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin OutputOptions output;

    @Mixin ConfigOptions config;
    @Mixin StateFileOptions state;

    @Override
    public Integer call() {
      var cfg = config.load();
      Instant now = CliSettings.of(spec).clock().instant();
      EffectiveDynamicConfig eff;
      try (FederationStore store = state.openReadOnly()) {
        eff = EffectiveDynamicConfig.render(new DynamicConfigStore(store).list(false, now), cfg);
      }
      PrintWriter out = spec.commandLine().getOut();
      if (output.format() != OutputFormat.TABLE) {
        Printer.structured(out, output.format(), eff);
      } else {
        printTable(out, eff);
      }
      return eff.problems().isEmpty() ? ExitCodes.OK : ExitCodes.FAILED;
    }

    private static void printTable(PrintWriter out, EffectiveDynamicConfig eff) {
      Printer.rows(out, OutputFormat.TABLE, eff.claims(), List.of(
          new Printer.Column<EffectiveDynamicConfig.EffectiveClaim>("CLAIM", EffectiveDynamicConfig.EffectiveClaim::name),
          new Printer.Column<EffectiveDynamicConfig.EffectiveClaim>("ADDRESS", c -> c.spec().address()),
          new Printer.Column<EffectiveDynamicConfig.EffectiveClaim>("OWNER", c -> c.spec().ownerSide()),
          new Printer.Column<EffectiveDynamicConfig.EffectiveClaim>("DOMAIN", c -> c.spec().domainRef()),
          new Printer.Column<EffectiveDynamicConfig.EffectiveClaim>("CAPTURE", c -> c.spec().capture().type()),
          new Printer.Column<EffectiveDynamicConfig.EffectiveClaim>("PROVIDER", c -> c.spec().capture().providerRef()),
          new Printer.Column<EffectiveDynamicConfig.EffectiveClaim>("NIC", c -> c.spec().capture().nicRef()),
          new Printer.Column<EffectiveDynamicConfig.EffectiveClaim>("PEER", c -> c.spec().delivery().peerRef()),
          new Printer.Column<EffectiveDynamicConfig.EffectiveClaim>("VALID", c -> c.valid() ? "yes" : "no"),
          new Printer.Column<EffectiveDynamicConfig.EffectiveClaim>("SOURCE", EffectiveDynamicConfig.EffectiveClaim::source),
          new Printer.Column<EffectiveDynamicConfig.EffectiveClaim>("PLANS", c -> String.join(",", c.actionPlans()))));
      out.println();
      dev.cloudedge.cli.action.ActionPlansCommand.printPlans(out, OutputFormat.TABLE, eff.actionPlans());
      if (!eff.problems().isEmpty()) {
        out.println();
        out.println("PROBLEMS");
        for (String p : new ArrayList<>(eff.problems())) {
          out.println(p);
        }
      }
      out.flush();
    }
  }
}
