package dev.cloudedge.cli;

import dev.cloudedge.cli.doctor.DoctorCommand;
import dev.cloudedge.cli.options.CliSettings;
import java.util.Arrays;
import java.util.List;
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
    description = "CloudEdge Federation: signed, durable fact federation between edge and cloud nodes.")
public final class Cloudedge implements Callable<Integer>, CliSettings.Holder {

  /**
   * The top-level commands, in the order {@code --help} lists them. They are added at run time,
   * not through {@code @Command(subcommands = ...)}, so that a run builds only the branch it uses:
   * picocli introspects every command class it is given, and the whole tree costs a fresh JVM
   * about a third of a second, more than {@code --version} itself.
   */
  static final List<Class<?>> COMMANDS = List.of(
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
      QualifyCommand.class);

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

  /** Builds the whole command line with explicit settings and the project's exception handlers. */
  public static CommandLine commandLine(CliSettings settings) {
    return build(settings, COMMANDS);
  }

  /**
   * Builds the command line that {@code args} need: the top command with only the top-level
   * command the arguments name (and its subcommands), or every command when they name none
   * ({@code --help}, {@code help}, a typo that picocli should answer with suggestions). Parsing
   * and results are the same as with {@link #commandLine(CliSettings)}.
   */
  public static CommandLine commandLine(CliSettings settings, String[] args) {
    List<String> list = Arrays.asList(args);
    boolean versionOnly = (list.contains("-V") || list.contains("--version"))
        && !list.contains("-h") && !list.contains("--help") && list.stream().allMatch(a -> a.startsWith("-"));
    if (versionOnly) {
      return build(settings, List.of());
    }
    Class<?> named = namedCommand(args);
    return build(settings, named == null || named == CommandLine.HelpCommand.class ? COMMANDS : List.of(named));
  }

  /** The top-level command class the first non-option argument names, or null. */
  static Class<?> namedCommand(String[] args) {
    for (String a : args) {
      if (a.startsWith("-")) {
        continue; // top options (-v, -h, -V) take no value
      }
      for (Class<?> c : COMMANDS) {
        Command command = c.getAnnotation(Command.class);
        if (command.name().equals(a) || Arrays.asList(command.aliases()).contains(a)) {
          return c;
        }
      }
      return null;
    }
    return null;
  }

  private static CommandLine build(CliSettings settings, List<Class<?>> commands) {
    CommandLine cl = new CommandLine(new Cloudedge(settings));
    for (Class<?> c : commands) {
      cl.addSubcommand(c);
    }
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
    System.exit(commandLine(CliSettings.fromEnvironment(System.getenv()), args).execute(args));
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
