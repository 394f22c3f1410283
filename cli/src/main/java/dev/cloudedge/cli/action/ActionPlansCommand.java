package dev.cloudedge.cli.action;

import dev.cloudedge.cli.ExitCodes;
import dev.cloudedge.cli.PipelineCliSupport;

import dev.cloudedge.cli.options.CliSettings;
import dev.cloudedge.cli.options.StateFileOptions;
import dev.cloudedge.cli.output.OutputFormat;
import dev.cloudedge.cli.output.OutputOptions;
import dev.cloudedge.cli.output.Printer;
import dev.cloudedge.federation.dynamic.DynamicConfigStore;
import dev.cloudedge.federation.dynamic.EffectiveDynamicConfig;
import dev.cloudedge.federation.store.FederationStore;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code cloudedge action plans}: read-only; nothing here executes a plan. */
@Command(name = "plans", mixinStandardHelpOptions = true,
    description = "List the dry-run action plans of every live DynamicConfigPart (display only).")
public final class ActionPlansCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin OutputOptions output;

  @Mixin StateFileOptions state;

  @Option(names = "--config", paramLabel = "FILE", arity = "1..*",
      description = "Startup config files (only used to name the claims a plan belongs to; optional).")
  List<Path> config;

  @Option(names = "--provider", paramLabel = "P", description = "Only plans of this provider (aws, azure, oci, gcp).")
  String provider;

  @Override
  public Integer call() {
    var cfg = PipelineCliSupport.loadConfig(config);
    List<EffectiveDynamicConfig.SourcedPlan> plans;
    Instant now = CliSettings.of(spec).clock().instant();
    try (FederationStore store = state.openReadOnly()) {
      plans = EffectiveDynamicConfig.render(new DynamicConfigStore(store).list(false, now), cfg)
          .actionPlans();
    }
    if (provider != null && !provider.isBlank()) {
      plans = plans.stream().filter(p -> p.plan().provider().equals(provider.trim())).toList();
    }
    printPlans(spec.commandLine().getOut(), output.format(), plans);
    return ExitCodes.OK;
  }

  public static void printPlans(PrintWriter out, OutputFormat format, List<EffectiveDynamicConfig.SourcedPlan> plans) {
    Printer.rows(out, format, plans, List.of(
        new Printer.Column<EffectiveDynamicConfig.SourcedPlan>("PLAN", p -> p.plan().name()),
        new Printer.Column<EffectiveDynamicConfig.SourcedPlan>("PROVIDER", p -> p.plan().provider()),
        new Printer.Column<EffectiveDynamicConfig.SourcedPlan>("ACTION", p -> p.plan().action()),
        new Printer.Column<EffectiveDynamicConfig.SourcedPlan>("MODE",
            p -> p.plan().mode().isEmpty() ? "dry-run" : p.plan().mode()),
        new Printer.Column<EffectiveDynamicConfig.SourcedPlan>("RISK", p -> p.plan().riskLevel()),
        new Printer.Column<EffectiveDynamicConfig.SourcedPlan>("TARGET", p -> target(p)),
        new Printer.Column<EffectiveDynamicConfig.SourcedPlan>("IDEMPOTENCY_KEY", p -> p.plan().idempotencyKey()),
        new Printer.Column<EffectiveDynamicConfig.SourcedPlan>("CLAIMS", p -> String.join(",", p.claims())),
        new Printer.Column<EffectiveDynamicConfig.SourcedPlan>("EXPIRES", p -> PipelineCliSupport.seconds(p.expiresAt()))));
  }

  private static String target(EffectiveDynamicConfig.SourcedPlan p) {
    var t = p.plan().target() == null ? new TreeMap<String, String>() : new TreeMap<>(p.plan().target());
    String a = t.getOrDefault("address", "");
    String nic = t.getOrDefault("nicRef", "");
    return a.isEmpty() ? nic : a + "@" + nic;
  }
}
