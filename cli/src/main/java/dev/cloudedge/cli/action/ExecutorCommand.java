package dev.cloudedge.cli.action;

import dev.cloudedge.federation.provider.executors.BundledExecutors;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code cloudedge executor exec aws|azure|oci}: the bundled executors' process entry (executor protocol on stdin/stdout). */
@Command(name = "executor", mixinStandardHelpOptions = true,
    description = "Bundled provider executors (run by the action engine through plugins/<provider>-executor).",
    subcommands = {ExecutorCommand.Exec.class})
public final class ExecutorCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    throw new IllegalArgumentException("executor requires subcommand: exec aws|azure|oci");
  }

  /** Reads an ExecuteActionRequest on stdin and writes an ExecuteActionResult on stdout. */
  @Command(name = "exec", mixinStandardHelpOptions = true,
      description = "Run one ExecuteActionRequest (stdin) with the real aws, az or oci CLI; result JSON on stdout.")
  static final class Exec implements Callable<Integer> {
    @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "PROVIDER", description = "aws, azure or oci.")
    String provider;

    @Override
    public Integer call() {
      if (!BundledExecutors.PROVIDERS.contains(provider)) {
        throw new IllegalArgumentException("unknown executor \"" + provider + "\" (use aws, azure or oci)");
      }
      // The executor protocol owns stdin/stdout directly; the engine gave this process a clean environment.
      return BundledExecutors.run(provider, System.in, spec.commandLine().getOut(), spec.commandLine().getErr(),
          System.getenv());
    }
  }
}
