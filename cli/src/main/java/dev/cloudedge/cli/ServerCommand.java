package dev.cloudedge.cli;

import dev.cloudedge.worker.EmbeddedTemporal;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code cloudedge server}: the embedded Temporal server. */
@Command(name = "server", mixinStandardHelpOptions = true, description = "Run an embedded Temporal server.",
    subcommands = ServerCommand.StartDev.class)
public final class ServerCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    throw new IllegalArgumentException("server requires a subcommand (start-dev)");
  }

  /** {@code cloudedge server start-dev}. */
  @Command(name = "start-dev", mixinStandardHelpOptions = true,
      description = {"Run Temporal's in-memory Java test server in real time on 127.0.0.1:7233 with CloudEdge's search "
          + "attributes registered. No install, no download; all state is lost when it stops (Ctrl-C). Needs "
          + "cloudedge-devserver.jar on the class path (bin/cloudedge adds it)."})
  public static final class StartDev implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--port", defaultValue = "7233", description = "Port (default ${DEFAULT-VALUE}).")
    int port;

    @Override
    public Integer call() throws InterruptedException {
      EmbeddedTemporal server = EmbeddedTemporal.start(port);
      CountDownLatch stop = new CountDownLatch(1);
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        server.close();
        stop.countDown();
      }));
      spec.commandLine().getOut().println("Temporal dev server (in-memory, real time) on " + server.address()
          + ", namespace default; search attributes registered. Ctrl-C stops it.");
      spec.commandLine().getOut().flush();
      stop.await();
      return ExitCodes.OK;
    }
  }
}
