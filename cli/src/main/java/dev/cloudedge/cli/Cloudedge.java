package dev.cloudedge.cli;

import dev.cloudedge.cli.doctor.DoctorCommand;
import dev.cloudedge.cli.options.CliSettings;
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
    subcommands = {
      CommandLine.HelpCommand.class,
      FederationCommand.class,
      ValidateCommand.class,
      StateCommand.class,
      EventdCommand.class,
      DoctorCommand.class,
      PluginCommand.class,
      DynamicCommand.class,
      dev.cloudedge.cli.action.ActionCommand.class,
      dev.cloudedge.cli.action.ExecutorCommand.class,
      dev.cloudedge.cli.remediate.RemediateCommand.class,
      BenchCommand.class,
      ServerCommand.class,
      WorkerCommand.class,
      LabCommand.class,
      QualifyCommand.class,
    })
public final class Cloudedge implements Callable<Integer>, CliSettings.Holder {

  @Spec CommandSpec spec;

  private final CliSettings settings;

  /** The top command with settings resolved once from the process environment. */
  public Cloudedge() {
    this(CliSettings.fromEnvironment(System.getenv()));
  }

  /** The top command with explicit settings (tests: a temporary state file, a fixed clock). */
  public Cloudedge(CliSettings settings) {
    this.settings = java.util.Objects.requireNonNull(settings, "settings");
  }

  @Override
  public CliSettings settings() {
    return settings;
  }

  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getOut());
    return ExitCodes.OK;
  }

  /** Builds the command line with the project's exception handlers; tests use this too. */
  public static CommandLine commandLine() {
    return commandLine(CliSettings.fromEnvironment(System.getenv()));
  }

  /** Builds the command line with explicit settings and the project's exception handlers. */
  public static CommandLine commandLine(CliSettings settings) {
    CommandLine cl = new CommandLine(new Cloudedge(settings));
    cl.setExecutionExceptionHandler(new ErrorHandlers.Execution());
    cl.setParameterExceptionHandler(new ErrorHandlers.Parameter());
    return cl;
  }

  public static void main(String[] args) {
    try {
      Logging.configure(args, System.getenv());
    } catch (IllegalArgumentException e) {
      System.err.println("cloudedge: " + e.getMessage());
      System.exit(ExitCodes.USAGE);
    }
    System.exit(commandLine().execute(args));
  }

  /**
   * {@code -v}: logs at INFO instead of WARN. Read by {@link Logging} before the command line is
   * parsed (loggers must not exist yet); declared here so every command accepts it and lists it.
   */
  @CommandLine.Option(names = {"-v", "--verbose"}, scope = CommandLine.ScopeType.INHERIT,
      description = "Log at INFO instead of WARN (logs go to stderr; CLOUDEDGE_LOG_LEVEL sets any level).")
  boolean verbose;

  /** Reads the version Maven wrote into the jar manifest. */
  static final class VersionProvider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = Cloudedge.class.getPackage().getImplementationVersion();
      return new String[] {"cloudedge " + (v == null ? "development build" : v)};
    }
  }
}
