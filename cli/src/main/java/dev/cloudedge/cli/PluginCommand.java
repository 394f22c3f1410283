package dev.cloudedge.cli;

import dev.cloudedge.cli.output.OutputOptions;
import dev.cloudedge.cli.output.Printer;
import dev.cloudedge.federation.config.FederationConfig;
import dev.cloudedge.federation.plugin.PluginException;
import dev.cloudedge.federation.plugin.PluginKind;
import dev.cloudedge.federation.plugin.PluginRun;
import dev.cloudedge.federation.plugin.PluginRunStore;
import dev.cloudedge.federation.plugin.PluginRunner;
import dev.cloudedge.federation.plugin.bundled.BundledPlugins;
import dev.cloudedge.federation.store.FederationStore;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code cloudedge plugin}: the bundled plugins and the Plugins of a config. */
@Command(
    name = "plugin",
    mixinStandardHelpOptions = true,
    description = "Plugins: list them, or run a bundled one through the plugin protocol.",
    subcommands = {PluginCommand.ListPlugins.class, PluginCommand.Exec.class})
public final class PluginCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getOut());
    return ExitCodes.OK;
  }

  /**
   * One listed plugin.
   *
   * @param name plugin name
   * @param origin {@code bundled} or the config file location
   * @param executable the executable (bundled: {@code cloudedge plugin exec <name>})
   * @param capabilities its capabilities
   * @param timeout its timeout
   * @param check {@code ok} or why the executable cannot run
   * @param lastRun the latest plugin_runs status, when a state file was given
   * @param lastError the latest error, when a state file was given
   */
  public record PluginRow(String name, String origin, String executable, List<String> capabilities, String timeout,
      String check, String lastRun, String lastError) {}

  /** {@code cloudedge plugin list}. */
  @Command(name = "list", mixinStandardHelpOptions = true,
      description = "List the bundled plugins and the Plugin resources of --config, with an executable check.")
  public static final class ListPlugins implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin OutputOptions output;

    @Option(names = "--config", paramLabel = "FILE", arity = "1..*", description = "Config files with Plugin resources.")
    List<Path> config;

    @Option(names = "--state-file", paramLabel = "DB", description = "Also show each plugin's latest run from this state file.")
    Path stateFile;

    @Override
    public Integer call() {
      FederationConfig cfg = PipelineCliSupport.loadConfig(config);
      List<PluginRow> rows = new ArrayList<>();
      FederationStore store = stateFile == null ? null : PipelineCliSupport.openReadOnly(stateFile);
      try {
        PluginRunStore runs = store == null ? null : new PluginRunStore(store);
        for (BundledPlugins.Bundled b : BundledPlugins.ALL) {
          rows.add(withLastRun(new PluginRow(b.name(), "bundled", "cloudedge plugin exec " + b.name(),
              b.capabilities(), b.timeout(), "ok", "", ""), runs));
        }
        for (PluginKind.Plugin p : PluginKind.all(cfg)) {
          String check = "ok";
          try {
            PluginRunner.validateExecutable(p.spec().executable());
            PluginRunner.timeout(p.spec().timeout());
          } catch (PluginException e) {
            check = e.getMessage();
          }
          rows.add(withLastRun(new PluginRow(p.name(), p.resource().origin(), p.spec().executable(),
              p.spec().capabilities(), p.spec().timeout().trim(), check, "", ""), runs));
        }
      } finally {
        if (store != null) {
          store.close();
        }
      }
      Printer.rows(spec.commandLine().getOut(), output.format(), rows, List.of(
          new Printer.Column<PluginRow>("NAME", PluginRow::name),
          new Printer.Column<PluginRow>("ORIGIN", PluginRow::origin),
          new Printer.Column<PluginRow>("EXECUTABLE", PluginRow::executable),
          new Printer.Column<PluginRow>("CAPABILITIES", r -> String.join(",", r.capabilities())),
          new Printer.Column<PluginRow>("TIMEOUT", r -> r.timeout().isEmpty() ? "10s" : r.timeout()),
          new Printer.Column<PluginRow>("CHECK", r -> PipelineCliSupport.truncate(r.check())),
          new Printer.Column<PluginRow>("LAST_RUN", PluginRow::lastRun),
          new Printer.Column<PluginRow>("LAST_ERROR", r -> PipelineCliSupport.truncate(r.lastError()))));
      return ExitCodes.OK;
    }

    private static PluginRow withLastRun(PluginRow r, PluginRunStore runs) {
      if (runs == null) {
        return r;
      }
      List<PluginRun> last = runs.list(r.name(), 1);
      if (last.isEmpty()) {
        return r;
      }
      return new PluginRow(r.name(), r.origin(), r.executable(), r.capabilities(), r.timeout(), r.check(),
          last.get(0).status(), last.get(0).error());
    }
  }

  /** {@code cloudedge plugin exec NAME}: a bundled plugin as a plugin executable. */
  @Command(name = "exec", mixinStandardHelpOptions = true,
      description = {"Run a bundled plugin: PluginRequest JSON on stdin, PluginResult JSON on stdout.",
          "Exit 0: stdout holds a PluginResult; exit 1: the plugin refused (reason on stderr); exit 2: unknown plugin."})
  public static final class Exec implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "NAME",
        description = "event-to-remote-claim, aws-address-claim, azure-address-claim or oci-address-claim.")
    String name;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      return BundledPlugins.exec(name, System.in, out, err);
    }
  }

}
