package dev.cloudedge.cli;

import dev.cloudedge.cli.options.TemporalOptions;
import dev.cloudedge.worker.EmbeddedLab;
import dev.cloudedge.worker.EmbeddedTemporal;
import dev.cloudedge.worker.lab.LabLayout;
import dev.cloudedge.worker.lab.NetnsLab;
import dev.cloudedge.worker.lab.TcpProxy;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code cloudedge lab}: the local two-node lab. */
@Command(name = "lab", mixinStandardHelpOptions = true, description = "The local two-node qualification lab on loopback.",
    subcommands = LabCommand.Up.class)
public final class LabCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    throw new IllegalArgumentException("lab requires a subcommand (up)");
  }

  /** {@code cloudedge lab up}. */
  @Command(name = "up", mixinStandardHelpOptions = true,
      description = {"Start the lab: the embedded Temporal server (unless TEMPORAL_ADDRESS is set), a receiver and a "
          + "sender eventd on 127.0.0.1 (groups fedqual-primary and fedqual-secondary with different SLOs, a "
          + "subscription with a test plugin on the receiver), a TCP proxy between them that can cut the network, and "
          + "the control and node workers. Runs until Ctrl-C."})
  public static final class Up implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Mixin TemporalOptions temporal;

    @Option(names = "--dir", paramLabel = "DIR", defaultValue = ".cloudedge/lab", description = "Lab directory (default ${DEFAULT-VALUE}).")
    Path dir;

    @Option(names = "--partition-mode", paramLabel = "MODE", defaultValue = "refuse",
        description = "How the proxy cuts the network: refuse (connections refused) or drop (black hole). Default ${DEFAULT-VALUE}.")
    String partitionMode;

    @Option(names = "--dev-port", paramLabel = "PORT", defaultValue = "7233", description = "Embedded server port (default ${DEFAULT-VALUE}).")
    int devPort;

    @Option(names = "--kind", paramLabel = "KIND", defaultValue = "loopback",
        description = "loopback (both nodes in this process on 127.0.0.1, a TCP proxy between them) or netns (each node "
            + "its own process in its own network namespace, faults by nftables, chmod and SIGKILL; needs root, ip and nft). "
            + "Default ${DEFAULT-VALUE}.")
    String kind;

    @Option(names = "--control-worker", negatable = true, defaultValue = "true", fallbackValue = "true",
        description = "Also run the control worker (workflows and evidence) in this process; --no-control-worker "
            + "leaves it to a separate 'cloudedge worker --control'. Default on.")
    boolean controlWorker;

    @Override
    public Integer call() throws Exception {
      TcpProxy.Mode mode = QualifyCommand.cutMode(partitionMode);
      if (!temporal.settings().hasAddress()) {
        EmbeddedTemporal.requireInstalled();
      }
      EmbeddedLab lab = start(labKind(kind), temporal.settings(), devPort, dir, mode, controlWorker, spec.commandLine().getErr());
      CountDownLatch stop = new CountDownLatch(1);
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        lab.close();
        stop.countDown();
      }));
      print(spec.commandLine().getOut(), lab, mode);
      if (!lab.orphanedFaults().isEmpty()) {
        // A fresh in-memory server has no run that could still restore them.
        spec.commandLine().getErr().println("lab: undid faults a previous lab process left applied: "
            + String.join(", ", lab.orphanedFaults()));
        spec.commandLine().getErr().flush();
      }
      stop.await();
      return ExitCodes.OK;
    }

    static void print(PrintWriter out, EmbeddedLab lab, TcpProxy.Mode mode) {
      if (lab.netns() != null) {
        printNetns(out, lab, mode);
        return;
      }
      LabLayout l = lab.lab().layout();
      out.println("lab " + l.dir() + " (topology " + l.topologyId() + ")");
      out.println("  temporal   " + lab.temporalAddress() + (lab.embeddedServer() ? " (embedded, in-memory)" : ""));
      out.println("  receiver   " + LabLayout.RECEIVER + " listens 127.0.0.1:" + l.receiverPortA() + " (" + LabLayout.GROUP_A
          + "), 127.0.0.1:" + l.receiverPortB() + " (" + LabLayout.GROUP_B + "); config " + l.receiverConfig());
      out.println("  proxy      127.0.0.1:" + l.proxyPort() + " -> 127.0.0.1:" + l.receiverPortA() + " (cuts by " + mode.name().toLowerCase() + ")");
      out.println("  sender     " + LabLayout.SENDER + " pushes " + LabLayout.GROUP_A + " via " + l.receiverEndpoint() + "; config " + l.senderConfig());
      out.println("  plugin     " + l.plugin() + " (subscription " + LabLayout.SUBSCRIPTION + ")");
      out.println("  workers    " + (lab.controlWorker() ? "control queue cloudedge-control; " : "") + "node queues cloudedge-node-" + LabLayout.SENDER
          + ", cloudedge-node-" + LabLayout.RECEIVER);
      out.println("qualify with: cloudedge qualify start --lab " + l.dir() + " --evidence-dir DIR --wait");
      out.flush();
    }

    static void printNetns(PrintWriter out, EmbeddedLab lab, TcpProxy.Mode mode) {
      NetnsLab n = lab.netns();
      out.println("netns lab " + n.dir() + " (topology " + lab.topology().id() + ", file " + n.topologyFile() + ")");
      out.println("  temporal   " + lab.temporalAddress() + (lab.embeddedServer() ? " (embedded, in-memory)" : "")
          + "; node workers dial unix://" + n.socket());
      out.println("  receiver   " + LabLayout.RECEIVER + " pid " + n.pid(LabLayout.RECEIVER) + " in netns " + n.receiverNamespace()
          + ", listens " + NetnsLab.RECEIVER_ADDRESS + ":" + NetnsLab.RECEIVER_PORT_A + " (" + LabLayout.GROUP_A + "), "
          + NetnsLab.RECEIVER_ADDRESS + ":" + NetnsLab.RECEIVER_PORT_B + " (" + LabLayout.GROUP_B + ")");
      out.println("  sender     " + LabLayout.SENDER + " pid " + n.pid(LabLayout.SENDER) + " in netns " + n.senderNamespace()
          + ", listens " + NetnsLab.SENDER_ADDRESS + ":" + NetnsLab.SENDER_PORT_A + "; pushes " + LabLayout.GROUP_A + " to "
          + NetnsLab.receiverEndpoint());
      out.println("  faults     nftables in " + n.senderNamespace() + " (" + mode.name().toLowerCase(java.util.Locale.ROOT)
          + "), chmod of " + n.plugin() + ", SIGKILL of a node process (restarted by this process)");
      out.println("  workers    " + (lab.controlWorker() ? "control queue cloudedge-control here; " : "")
          + "node queues in the node processes (logs " + n.dir() + "/<node>.log)");
      out.println("qualify with: cloudedge qualify start --lab " + n.dir() + " --evidence-dir DIR --wait");
      out.flush();
    }
  }

  /** {@code loopback} or {@code netns}. */
  static EmbeddedLab.Kind labKind(String s) {
    return switch (s.toLowerCase(java.util.Locale.ROOT)) {
      case "loopback" -> EmbeddedLab.Kind.LOOPBACK;
      case "netns" -> EmbeddedLab.Kind.NETNS;
      default -> throw new IllegalArgumentException("lab kind must be loopback or netns, got " + s);
    };
  }

  /** Starts a lab of {@code kind}; notices (leftovers removed, node restarts) go to {@code err}. */
  static EmbeddedLab start(EmbeddedLab.Kind kind, dev.cloudedge.worker.TemporalSettings settings, int devPort, Path dir,
      TcpProxy.Mode mode, boolean controlWorker, PrintWriter err) throws Exception {
    if (kind == EmbeddedLab.Kind.LOOPBACK) {
      return EmbeddedLab.start(settings, devPort, dir, mode, controlWorker);
    }
    return EmbeddedLab.startNetns(settings, devPort, dir, mode, controlWorker, nodeCommand(), line -> {
      synchronized (err) {
        err.println(line);
        err.flush();
      }
    });
  }

  /** How a node process runs this very CLI: the same java, class path and entry point. */
  static java.util.List<String> nodeCommand() {
    String javaBin = ProcessHandle.current().info().command()
        .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    // A node is mostly idle: a small heap and the quick-start JIT keep start-up and footprint down.
    return java.util.List.of(javaBin, "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xshare:auto",
        "-cp", System.getProperty("java.class.path"), Cloudedge.class.getName());
  }
}
