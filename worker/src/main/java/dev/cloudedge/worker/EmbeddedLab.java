package dev.cloudedge.worker;

import dev.cloudedge.worker.lab.Lab;
import dev.cloudedge.worker.lab.NetnsLab;
import dev.cloudedge.worker.lab.TcpProxy;
import dev.cloudedge.workflows.qualification.Topology;
import io.temporal.worker.WorkerFactory;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.List;

/**
 * Everything in one process: the embedded Temporal server (unless an address is given), the lab's
 * two nodes and proxy, and the control and node workers. Or, for the netns lab, everything but the
 * nodes, which run as their own processes in their own network namespaces ({@link NetnsLab}).
 */
public final class EmbeddedLab implements AutoCloseable {
  /** Which lab. */
  public enum Kind {
    /** Both nodes in this JVM on 127.0.0.1, a TCP proxy between them. */
    LOOPBACK,
    /** Each node its own process in its own network namespace; faults are topology-file commands. */
    NETNS
  }

  private final EmbeddedTemporal server;
  private final TemporalConnection connection;
  private final Lab lab;
  private final NetnsLab netns;
  private final WorkerFactory factory;
  private final List<String> orphanedFaults;
  private final boolean controlWorker;

  private EmbeddedLab(EmbeddedTemporal server, TemporalConnection connection, Lab lab, NetnsLab netns, WorkerFactory factory,
      List<String> orphanedFaults, boolean controlWorker) {
    this.controlWorker = controlWorker;
    this.server = server;
    this.connection = connection;
    this.lab = lab;
    this.netns = netns;
    this.factory = factory;
    this.orphanedFaults = List.copyOf(orphanedFaults);
  }

  /**
   * Starts it all.
   *
   * @param settings where Temporal is; without an address the embedded server is started on {@code
   *     devPort} (0 picks a free port)
   * @throws EmbeddedTemporal.NotInstalledException without an address when the dev-server jar is absent
   */
  public static EmbeddedLab start(TemporalSettings settings, int devPort, Path labDir, TcpProxy.Mode cutMode)
      throws IOException {
    return start(settings, devPort, labDir, cutMode, true);
  }

  /**
   * Starts it all, the control worker only when {@code controlWorker} is set (it may run in its
   * own {@code cloudedge worker --control} process).
   *
   * <p>With an embedded server, faults a previous lab process left applied are undone first (see
   * {@link Lab#restoreOrphanedFaults()}); with an external server they stay, because the run that
   * applied them is still open there and its pending restore undoes them once the node worker polls
   * again.
   */
  public static EmbeddedLab start(TemporalSettings settings, int devPort, Path labDir, TcpProxy.Mode cutMode,
      boolean controlWorker) throws IOException {
    EmbeddedTemporal server = null;
    TemporalSettings s = settings;
    if (!settings.hasAddress()) {
      server = EmbeddedTemporal.start(devPort == 0 ? freePort() : devPort);
      s = settings.override(server.address(), null, null, null, null, false, null);
    }
    TemporalConnection conn = null;
    Lab lab = null;
    try {
      conn = TemporalConnection.connect(s);
      lab = Lab.start(labDir, cutMode, Workers.selfArtifact());
      List<String> orphaned = server != null ? lab.restoreOrphanedFaults() : List.of();
      WorkerFactory factory = WorkerFactory.newInstance(conn.client());
      if (controlWorker) {
        Workers.control(factory, Workers.selfArtifact(), s.namespace());
      }
      Workers.node(factory, lab.sender());
      Workers.node(factory, lab.receiver());
      factory.start();
      return new EmbeddedLab(server, conn, lab, null, factory, orphaned, controlWorker);
    } catch (IOException | RuntimeException e) {
      if (lab != null) {
        lab.close();
      }
      if (conn != null) {
        conn.close();
      }
      if (server != null) {
        server.close();
      }
      throw e;
    }
  }

  /**
   * Starts the netns lab: the embedded server (unless an address is given), a Unix-socket front end
   * to it for the node processes, the two namespaces with a node process in each, and the control
   * worker when {@code controlWorker} is set.
   *
   * @param workerCommand how to run {@code cloudedge} for a node process
   * @param say one-line notices (leftovers of a killed run removed, a node restarted)
   * @throws IllegalArgumentException naming what is missing when this machine cannot run it (not
   *     root, no {@code ip} or {@code nft}), before anything is started
   */
  public static EmbeddedLab startNetns(TemporalSettings settings, int devPort, Path labDir, TcpProxy.Mode cutMode,
      boolean controlWorker, List<String> workerCommand, java.util.function.Consumer<String> say)
      throws IOException, InterruptedException {
    String missing = NetnsLab.missingPrerequisites(System.getenv());
    if (missing != null) {
      throw new IllegalArgumentException(missing);
    }
    EmbeddedTemporal server = null;
    TemporalSettings s = settings;
    if (!settings.hasAddress()) {
      server = EmbeddedTemporal.start(devPort == 0 ? freePort() : devPort);
      s = settings.override(server.address(), null, null, null, null, false, null);
    }
    TemporalConnection conn = null;
    NetnsLab lab = null;
    WorkerFactory factory = null;
    try {
      conn = TemporalConnection.connect(s);
      io.grpc.ManagedChannel channel = conn.stubs().getRawChannel();
      lab = NetnsLab.start(labDir, cutMode, workerCommand, socket -> LoopbackGrpcProxy.startUnix(socket, channel), say);
      // A partition a killed run left is gone with its namespaces; the plugin's execute bits are on
      // disk in the lab directory. With a fresh in-memory server no run could restore them.
      List<String> orphaned = new java.util.ArrayList<>();
      if (server != null && java.nio.file.Files.exists(lab.plugin()) && !java.nio.file.Files.isExecutable(lab.plugin())) {
        new dev.cloudedge.worker.lab.LabFaults(null, TcpProxy.Mode.REFUSE, lab.plugin()).restorePlugin("orphan-restore");
        orphaned.add("test plugin not executable");
      }
      factory = WorkerFactory.newInstance(conn.client());
      if (controlWorker) {
        Workers.control(factory, Workers.selfArtifact(), s.namespace());
      }
      factory.start();
      return new EmbeddedLab(server, conn, null, lab, factory, orphaned, controlWorker);
    } catch (IOException | InterruptedException | RuntimeException e) {
      if (factory != null) {
        factory.shutdownNow();
      }
      if (lab != null) {
        lab.close();
      }
      if (conn != null) {
        conn.close();
      }
      if (server != null) {
        server.close();
      }
      throw e;
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket p = new ServerSocket()) {
      p.bind(new InetSocketAddress("127.0.0.1", 0));
      return p.getLocalPort();
    }
  }

  /** The loopback lab, or {@code null} for the netns lab. */
  public Lab lab() {
    return lab;
  }

  /** The netns lab, or {@code null} for the loopback lab. */
  public NetnsLab netns() {
    return netns;
  }

  /** The lab's kind. */
  public Kind kind() {
    return netns != null ? Kind.NETNS : Kind.LOOPBACK;
  }

  /** The topology to qualify. */
  public Topology topology() {
    return netns != null ? netns.topology() : lab.layout().topology();
  }

  public TemporalConnection connection() {
    return connection;
  }

  /** The Temporal address in use. */
  public String temporalAddress() {
    return connection.settings().target();
  }

  /** The faults a previous lab process left applied that this start undid (embedded server only). */
  public List<String> orphanedFaults() {
    return orphanedFaults;
  }

  /** Whether this process runs the control worker. */
  public boolean controlWorker() {
    return controlWorker;
  }

  /** Whether this process runs the embedded server. */
  public boolean embeddedServer() {
    return server != null;
  }

  @Override
  public void close() {
    factory.shutdownNow();
    factory.awaitTermination(5, java.util.concurrent.TimeUnit.SECONDS);
    if (lab != null) {
      lab.close();
    }
    if (netns != null) {
      netns.close();
    }
    connection.close();
    if (server != null) {
      server.close();
    }
  }
}
