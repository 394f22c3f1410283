package dev.cloudedge.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** The {@code cloudedge} top command: federation, qualification and remediation tools. */
@Command(
    name = "cloudedge",
    mixinStandardHelpOptions = true,
    versionProvider = Cloudedge.VersionProvider.class,
    description = "CloudEdge Federation: signed, durable fact federation between edge and cloud nodes.",
    subcommands = {CommandLine.HelpCommand.class, EventdCommand.class, BenchCommand.class})
public final class Cloudedge implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getOut());
    return ExitCodes.OK;
  }

  /** Builds the command line with the project's exception handlers; tests use this too. */
  public static CommandLine commandLine() {
    CommandLine cl = new CommandLine(new Cloudedge());
    cl.setExecutionExceptionHandler(new ErrorHandlers.Execution());
    cl.setParameterExceptionHandler(new ErrorHandlers.Parameter());
    return cl;
  }

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /** Reads the version Maven wrote into the jar manifest. */
  static final class VersionProvider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = Cloudedge.class.getPackage().getImplementationVersion();
      return new String[] {"cloudedge " + (v == null ? "development build" : v)};
    }
  }
}
