package dev.cloudedge.worker;

import dev.cloudedge.worker.lab.Lab;
import dev.cloudedge.worker.lab.TcpProxy;
import io.temporal.worker.WorkerFactory;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.List;

/**
 * Everything in one process: the embedded Temporal server (unless an address is given), the lab's
 * two nodes and proxy, and the control and node workers.
 */
public final class EmbeddedLab implements AutoCloseable {
  private final DevServer server;
  private final TemporalConnection connection;
  private final Lab lab;
  private final WorkerFactory factory;
  private final List<String> orphanedFaults;
  private final boolean controlWorker;

  private EmbeddedLab(DevServer server, TemporalConnection connection, Lab lab, WorkerFactory factory,
      List<String> orphanedFaults, boolean controlWorker) {
    this.controlWorker = controlWorker;
    this.server = server;
    this.connection = connection;
    this.lab = lab;
    this.factory = factory;
    this.orphanedFaults = List.copyOf(orphanedFaults);
  }

  /**
   * Starts it all.
   *
   * @param settings where Temporal is; without an address a dev server is started on {@code devPort}
   *     (0 picks a free port)
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
    DevServer server = null;
    TemporalSettings s = settings;
    if (!settings.hasAddress()) {
      server = DevServer.start(devPort == 0 ? freePort() : devPort);
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
      return new EmbeddedLab(server, conn, lab, factory, orphaned, controlWorker);
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

  private static int freePort() throws IOException {
    try (ServerSocket p = new ServerSocket()) {
      p.bind(new InetSocketAddress("127.0.0.1", 0));
      return p.getLocalPort();
    }
  }

  public Lab lab() {
    return lab;
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
    lab.close();
    connection.close();
    if (server != null) {
      server.close();
    }
  }
}
