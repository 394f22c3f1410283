package dev.cloudedge.cli;

import dev.cloudedge.federation.config.ConfigException;
import dev.cloudedge.federation.config.ConfigLoader;
import dev.cloudedge.federation.config.FederationConfig;
import dev.cloudedge.federation.eventd.EventdException;
import dev.cloudedge.federation.eventd.EventdOptions;
import dev.cloudedge.federation.subscription.SubscriptionRuntime;
import dev.cloudedge.federation.eventd.EventdRuntime;
import dev.cloudedge.federation.transport.ReceiverServer;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code cloudedge eventd}: runs the federation daemon until SIGTERM or SIGINT. */
@Command(
    name = "eventd",
    mixinStandardHelpOptions = true,
    description = {
      "Run the federation daemon: for every EventGroup with spec.auth.secretFile, a receiver"
          + " (when spec.listen.port > 0; an empty address binds 127.0.0.1), the outbox and the pruner.",
      "Runs until SIGTERM or SIGINT, then shuts down cleanly: requests in flight finish, then the state file closes."
    })
public final class EventdCommand implements Callable<Integer> {
  /** The line printed once every listener is bound; scripts and the bench wait for it. */
  public static final String READY_LINE = "eventd: ready";

  @Spec CommandSpec spec;

  @Option(names = "--config", required = true, arity = "1..*", paramLabel = "FILE",
      description = "Configuration files (multi-document YAML; routerd Router files are accepted).")
  List<Path> configFiles;

  @Option(names = "--state-file", required = true, paramLabel = "DB", description = "The SQLite state file.")
  Path stateFile;

  @Option(names = "--admin-listen", paramLabel = "HOST:PORT",
      description = "Serve GET /metrics here (overrides the EventNode's spec.admin).")
  String adminListen;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    InetSocketAddress admin = adminListen == null ? null : parseHostPort(adminListen, "--admin-listen");
    FederationConfig config;
    try {
      config = ConfigLoader.load(configFiles);
    } catch (ConfigException e) {
      throw new ErrorHandlers.UserException(e.getMessage());
    }
    EventdRuntime runtime;
    try {
      runtime = EventdRuntime.start(EventdOptions.builder(config, stateFile).adminAddress(admin)
          .extension(new SubscriptionRuntime()).build());
    } catch (EventdException e) {
      err.println("cloudedge: eventd: " + e.getMessage());
      err.flush();
      return ExitCodes.FAILED;
    }
    // SIGTERM and SIGINT end the wait below: eventd shuts down and exits 0, as a systemd unit
    // expects of a clean stop (the JVM's own handling would exit 143). The hook still closes the
    // runtime on any other way out.
    CountDownLatch stopped = new CountDownLatch(1);
    onSignal("TERM", stopped);
    onSignal("INT", stopped);
    Thread hook = new Thread(runtime::close, "eventd-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    for (Map.Entry<String, InetSocketAddress> e : runtime.receiverAddresses().entrySet()) {
      out.println("eventd: listening on " + ReceiverServer.hostPort(e.getValue()) + " group=" + e.getKey()
          + " node=" + runtime.nodeName());
    }
    runtime.adminAddress().ifPresent(a -> out.println("eventd: metrics on http://" + ReceiverServer.hostPort(a)
        + "/metrics"));
    out.println(READY_LINE);
    out.flush();
    stopped.await();
    runtime.close();
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException shuttingDown) {
      // Already shutting down: the hook closes an already closed runtime, which is a no-op.
    }
    return ExitCodes.OK;
  }

  @SuppressWarnings("removal")
  private static void onSignal(String name, CountDownLatch stopped) {
    try {
      sun.misc.Signal.handle(new sun.misc.Signal(name), s -> stopped.countDown());
    } catch (IllegalArgumentException unavailable) {
      // No such signal here: the JVM's default handling and the shutdown hook remain.
    }
  }

  /**
   * Parses {@code HOST:PORT} ({@code [v6]:PORT}; an empty host is 127.0.0.1).
   *
   * @throws IllegalArgumentException naming the option
   */
  static InetSocketAddress parseHostPort(String text, String option) {
    int colon = text.lastIndexOf(':');
    if (colon < 0) {
      throw new IllegalArgumentException(option + " \"" + text + "\" must be HOST:PORT");
    }
    String host = text.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    int port;
    try {
      port = Integer.parseInt(text.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(option + " \"" + text + "\": port must be a number", e);
    }
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException(option + " \"" + text + "\": port must be 0..65535");
    }
    return new InetSocketAddress(host.isEmpty() ? "127.0.0.1" : host, port);
  }
}
