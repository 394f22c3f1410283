package dev.cloudedge.worker.lab;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A TCP proxy on loopback between the lab's sender and receiver that can cut the network for real:
 * {@link Mode#REFUSE} closes the listening socket (new connections are refused, open ones reset),
 * {@link Mode#DROP} accepts connections and never forwards a byte (a black hole: pushes time out).
 * The mode is persisted to a state file, like a firewall rule, so a process that dies while a
 * partition is applied comes back partitioned until the restore runs.
 */
public final class TcpProxy implements AutoCloseable {
  /** What the proxy does with traffic. */
  public enum Mode {
    /** Forward both ways. */
    PASS,
    /** Refuse connections. */
    REFUSE,
    /** Accept and black-hole connections. */
    DROP
  }

  private final int listenPort;
  private final InetSocketAddress upstream;
  private final Path stateFile;
  private final ExecutorService pumps = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "lab-proxy");
    t.setDaemon(true);
    return t;
  });
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private volatile ServerSocket server;
  private volatile Mode mode = Mode.PASS;
  private volatile boolean closed;

  /**
   * Starts the proxy on {@code 127.0.0.1:listenPort} towards {@code upstream}, in the mode recorded
   * in {@code stateFile} (PASS when absent).
   */
  public TcpProxy(int listenPort, InetSocketAddress upstream, Path stateFile) throws IOException {
    this.listenPort = listenPort;
    this.upstream = upstream;
    this.stateFile = stateFile;
    Mode saved = Mode.PASS;
    String tag = "startup";
    if (Files.exists(stateFile)) {
      String[] s = Files.readString(stateFile, StandardCharsets.UTF_8).trim().split("\\s+", 2);
      saved = s[0].isEmpty() ? Mode.PASS : Mode.valueOf(s[0]);
      // Keep the tag of the fault that holds the cut: the state file still names it after a restart.
      tag = s.length > 1 ? s[1] : tag;
    }
    apply(saved, tag);
  }

  /** The current mode. */
  public Mode mode() {
    return mode;
  }

  /** The proxy's port on 127.0.0.1. */
  public int port() {
    return listenPort;
  }

  /** Switches the mode, persisting it first so a crash keeps it; idempotent. */
  public synchronized void apply(Mode next, String tag) throws IOException {
    // Atomically: a process killed mid-write must leave the old rule or the new one, never an empty file.
    Path tmp = stateFile.resolveSibling(stateFile.getFileName() + ".tmp");
    Files.writeString(tmp, next.name() + " " + tag + "\n", StandardCharsets.UTF_8);
    Files.move(tmp, stateFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    mode = next;
    // Existing connections never survive a mode change: a cut must cut what is in flight too.
    for (Socket s : open) {
      closeQuietly(s);
    }
    open.clear();
    if (next == Mode.REFUSE) {
      if (server != null) {
        closeQuietly(server);
        server = null;
      }
      awaitRefused();
      return;
    }
    if (server == null) {
      ServerSocket ss = new ServerSocket();
      ss.setReuseAddress(true);
      ss.bind(new InetSocketAddress("127.0.0.1", listenPort));
      server = ss;
      pumps.execute(() -> acceptLoop(ss));
    }
  }

  /** The listening socket's close can complete after {@code close()} returns; wait until connects are refused. */
  private void awaitRefused() throws IOException {
    long until = System.nanoTime() + 2_000_000_000L;
    while (System.nanoTime() < until) {
      try (Socket probe = new Socket()) {
        probe.connect(new InetSocketAddress("127.0.0.1", listenPort), 200);
      } catch (IOException refused) {
        return;
      }
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while cutting port " + listenPort, e);
      }
    }
    throw new IOException("port " + listenPort + " still accepts connections after the cut");
  }

  private void acceptLoop(ServerSocket ss) {
    while (!closed && !ss.isClosed()) {
      Socket client;
      try {
        client = ss.accept();
      } catch (IOException e) {
        return;
      }
      if (mode == Mode.REFUSE) {
        // Raced the cut: the listener was closing.
        closeQuietly(client);
        continue;
      }
      open.add(client);
      if (mode == Mode.DROP) {
        // Held open and drained, never answered.
        pumps.execute(() -> drain(client));
        continue;
      }
      pumps.execute(() -> connect(client));
    }
  }

  private void connect(Socket client) {
    Socket up = new Socket();
    try {
      up.connect(upstream, 3000);
    } catch (IOException e) {
      closeQuietly(client);
      closeQuietly(up);
      open.remove(client);
      return;
    }
    open.add(up);
    pumps.execute(() -> pump(client, up));
    pump(up, client);
  }

  private void pump(Socket from, Socket to) {
    byte[] buf = new byte[16384];
    try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
      for (int n; (n = in.read(buf)) > 0; ) {
        if (mode != Mode.PASS) {
          break;
        }
        out.write(buf, 0, n);
        out.flush();
      }
    } catch (IOException e) {
      // Peer closed or the proxy cut the connection.
    } finally {
      closeQuietly(from);
      closeQuietly(to);
      open.remove(from);
      open.remove(to);
    }
  }

  private void drain(Socket s) {
    byte[] buf = new byte[16384];
    try (InputStream in = s.getInputStream()) {
      while (in.read(buf) > 0) {
        // Swallow.
      }
    } catch (IOException e) {
      // Closed on restore.
    } finally {
      closeQuietly(s);
      open.remove(s);
    }
  }

  private static void closeQuietly(AutoCloseable c) {
    try {
      c.close();
    } catch (Exception e) {
      // Closing on a cut or shutdown; nothing to report.
    }
  }

  @Override
  public void close() {
    closed = true;
    if (server != null) {
      closeQuietly(server);
    }
    for (Socket s : open) {
      closeQuietly(s);
    }
    pumps.shutdownNow();
  }
}
