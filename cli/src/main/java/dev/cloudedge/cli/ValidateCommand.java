package dev.cloudedge.cli;

import dev.cloudedge.cli.options.ConfigOptions;
import dev.cloudedge.federation.config.ConfigProblem;
import dev.cloudedge.federation.config.ConfigValidator;
import dev.cloudedge.federation.config.FederationConfig;
import dev.cloudedge.federation.config.Resource;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code cloudedge validate --config FILE...}: loads the files and checks every resource with
 * routerd's rules and CloudEdge's strict ones (no empty file, no unknown Kind, no reference to a
 * resource that does not exist). Prints every problem (not just the first) with where it was written and exits
 * 2, or prints a one-line summary and exits 0.
 */
@Command(
    name = "validate",
    mixinStandardHelpOptions = true,
    description = "Validate config files; report every problem with its resource id and file, exit 0 or 2.")
public final class ValidateCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin ConfigOptions config;

  @Override
  public Integer call() {
    FederationConfig cfg = config.load();
    List<ConfigProblem> problems = new ConfigValidator().validateStrict(cfg);
    if (!problems.isEmpty()) {
      PrintWriter err = spec.commandLine().getErr();
      for (ConfigProblem p : problems) {
        err.println(p.origin().isEmpty() ? p.message() : p.message() + " (" + p.origin() + ")");
      }
      err.println(problems.size() + (problems.size() == 1 ? " problem" : " problems") + " in "
          + files(cfg.files().size()));
      err.flush();
      return ExitCodes.USAGE;
    }
    Map<String, Integer> perKind = new LinkedHashMap<>();
    for (Resource r : cfg.resources()) {
      perKind.merge(r.kind(), 1, Integer::sum);
    }
    StringJoiner kinds = new StringJoiner(", ", " (", ")");
    kinds.setEmptyValue("");
    perKind.forEach((k, n) -> kinds.add(k + " " + n));
    PrintWriter out = spec.commandLine().getOut();
    out.println("OK: " + cfg.resources().size() + (cfg.resources().size() == 1 ? " resource" : " resources")
        + " in " + files(cfg.files().size()) + kinds);
    out.flush();
    return ExitCodes.OK;
  }

  private static String files(int n) {
    return n + (n == 1 ? " file" : " files");
  }
}
