package dev.cloudedge.federation.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cloudedge.federation.security.Secret;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The push client's pipelining against a raw-socket HTTP/1.1 peer on 127.0.0.1 that decides, per
 * connection, when to answer and when to hang up: answers matched to requests in order, few
 * connections, and requests cut off by a closed connection sent once more within their timeout.
 */
class PushClientTest {
  static final Secret KEY = Secret.ofText("0123456789abcdef0123456789abcdef");

  final EventLoopGroup loops = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
  final List<AutoCloseable> closers = new ArrayList<>();

  @AfterEach
  void tearDown() throws Exception {
    for (AutoCloseable c : closers) {
      c.close();
    }
    loops.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }

  /** What the peer does on one connection with the requests it has read so far. */
  interface Script {
    /**
     * @param conn the connection's number, from 0
     * @param bodies the bodies read on this connection so far, oldest first
     * @param out answers go here, in order; return false to hang up
     */
    boolean onRequest(int conn, List<String> bodies, OutputStream out) throws IOException;
  }

  /** A peer that reads pipelined HTTP/1.1 requests and lets a script answer them. */
  static final class RawPeer implements AutoCloseable {
    final ServerSocket server;
    final AtomicInteger connections = new AtomicInteger();
    final List<String> received = new CopyOnWriteArrayList<>();
    final List<Socket> sockets = new CopyOnWriteArrayList<>();

    RawPeer(Script script) throws IOException {
      server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
      Thread t = new Thread(() -> {
        while (!server.isClosed()) {
          try {
            Socket s = server.accept();
            sockets.add(s);
            int n = connections.getAndIncrement();
            Thread c = new Thread(() -> serve(s, n, script), "raw-peer-conn-" + n);
            c.setDaemon(true);
            c.start();
          } catch (IOException e) {
            return;
          }
        }
      }, "raw-peer-accept");
      t.setDaemon(true);
      t.start();
    }

    private void serve(Socket s, int n, Script script) {
      List<String> bodies = new ArrayList<>();
      try (s; InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
        while (true) {
          String body = readRequest(in);
          if (body == null) {
            return;
          }
          bodies.add(body);
          received.add(body);
          if (!script.onRequest(n, bodies, out)) {
            return;
          }
          out.flush();
        }
      } catch (IOException e) {
        // The client went away.
      }
    }

    /** One request's body, or null at end of stream. */
    private static String readRequest(InputStream in) throws IOException {
      ByteArrayOutputStream head = new ByteArrayOutputStream();
      int b;
      int matched = 0;
      while (matched < 4) {
        b = in.read();
        if (b < 0) {
          return null;
        }
        head.write(b);
        matched = (b == "\r\n\r\n".charAt(matched)) ? matched + 1 : (b == '\r' ? 1 : 0);
      }
      int length = 0;
      for (String line : head.toString(StandardCharsets.ISO_8859_1).split("\r\n")) {
        if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
          length = Integer.parseInt(line.substring(15).trim());
        }
      }
      byte[] body = in.readNBytes(length);
      return body.length < length ? null : new String(body, StandardCharsets.UTF_8);
    }

    static void answer(OutputStream out, int status) throws IOException {
      out.write(("HTTP/1.1 " + status + " X\r\nContent-Type: application/json\r\nContent-Length: 3\r\n\r\n{}\n")
          .getBytes(StandardCharsets.US_ASCII));
    }

    String endpoint() {
      return "http://127.0.0.1:" + server.getLocalPort();
    }

    @Override
    public void close() throws IOException {
      server.close();
      for (Socket s : sockets) {
        s.close();
      }
    }
  }

  RawPeer peer(Script script) throws IOException {
    RawPeer p = new RawPeer(script);
    closers.add(p);
    return p;
  }

  PushClient client(Duration timeout, int maxConnections, int depth) {
    PushClient c = new PushClient(Clock.systemUTC(), timeout, loops, maxConnections, depth);
    closers.add(0, c);
    return c;
  }

  static int statusFor(String body) {
    return body.startsWith("bad") ? 400 : 200;
  }

  /**
   * The peer answers a connection's requests only once eight have arrived on it, so a client that
   * waited for each answer before the next request would never be answered. Sixteen pushes use
   * two connections, and every push gets the answer to its own request.
   */
  @Test
  void pipelinesOnFewConnectionsAndMatchesAnswersInOrder() throws Exception {
    RawPeer p = peer((conn, bodies, out) -> {
      if (bodies.size() % 8 == 0) {
        for (String b : bodies.subList(bodies.size() - 8, bodies.size())) {
          RawPeer.answer(out, statusFor(b));
        }
      }
      return true;
    });
    PushClient c = client(Duration.ofSeconds(10), 2, 8);
    List<String> bodies = new ArrayList<>();
    List<CompletableFuture<PushClient.Result>> results = new ArrayList<>();
    for (int i = 0; i < 16; i++) {
      String body = (i % 3 == 0 ? "bad-" : "ok-") + i;
      bodies.add(body);
      results.add(c.push(p.endpoint(), body.getBytes(StandardCharsets.UTF_8), KEY));
    }
    for (int i = 0; i < 16; i++) {
      PushClient.Result r = results.get(i).get(10, TimeUnit.SECONDS);
      assertEquals(statusFor(bodies.get(i)), r.status(), bodies.get(i) + ": " + r);
    }
    assertEquals(2, p.connections.get(), "connections opened");
  }

  /**
   * The peer answers the first request of its first connection and hangs up with two more read but
   * unanswered: those two are sent once more, on a new connection, and succeed.
   */
  @Test
  void requestsCutOffByAClosedConnectionAreSentOnceMore() throws Exception {
    RawPeer p = peer((conn, bodies, out) -> {
      if (conn > 0) {
        RawPeer.answer(out, 200);
        return true;
      }
      if (bodies.size() == 1) {
        return true;
      }
      if (bodies.size() == 3) {
        RawPeer.answer(out, 200);
        out.flush();
        return false;
      }
      return true;
    });
    PushClient c = client(Duration.ofSeconds(10), 1, 8);
    List<CompletableFuture<PushClient.Result>> results = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      results.add(c.push(p.endpoint(), ("e-" + i).getBytes(StandardCharsets.UTF_8), KEY));
    }
    for (CompletableFuture<PushClient.Result> f : results) {
      assertTrue(f.get(10, TimeUnit.SECONDS).ok(), f.get().toString());
    }
    assertEquals(List.of("e-0", "e-1", "e-2", "e-1", "e-2"), p.received);
    assertEquals(2, p.connections.get());
  }

  /** A peer that hangs up on every request: one resend each, then the attempt fails with routerd's EOF text. */
  @Test
  void aRequestIsResentOnlyOnce() throws Exception {
    RawPeer p = peer((conn, bodies, out) -> false);
    PushClient c = client(Duration.ofSeconds(10), 1, 8);
    PushClient.Result r = c.push(p.endpoint(), "e".getBytes(StandardCharsets.UTF_8), KEY).get(10, TimeUnit.SECONDS);
    assertEquals(0, r.status());
    assertEquals("Post \"" + p.endpoint() + "/v1/events\": EOF", r.error());
    assertEquals(List.of("e", "e"), p.received);
  }

  /**
   * Nothing is ever answered. The request pipelined behind the first, sent half a timeout later,
   * is resent on a new connection when the first times out, but keeps its own deadline: it fails
   * one timeout after it was sent, not one timeout after the resend.
   */
  @Test
  void aTimeoutClosesTheConnectionAndTheRequestBehindIsResentWithinItsOwnDeadline() throws Exception {
    RawPeer p = peer((conn, bodies, out) -> true);
    PushClient c = client(Duration.ofMillis(1000), 1, 8);
    String timedOut = "Post \"" + p.endpoint() + "/v1/events\": context deadline exceeded (Client.Timeout exceeded"
        + " while awaiting headers)";
    CompletableFuture<PushClient.Result> first = c.push(p.endpoint(), "stuck".getBytes(StandardCharsets.UTF_8), KEY);
    Thread.sleep(500);
    long sent = System.nanoTime();
    CompletableFuture<PushClient.Result> second = c.push(p.endpoint(), "behind".getBytes(StandardCharsets.UTF_8), KEY);
    assertEquals(timedOut, first.get(5, TimeUnit.SECONDS).error());
    assertEquals(timedOut, second.get(5, TimeUnit.SECONDS).error());
    long took = System.nanoTime() - sent;
    assertTrue(took < Duration.ofMillis(1300).toNanos(), "the resend got a fresh deadline: " + took / 1_000_000 + " ms");
    assertEquals(List.of("stuck", "behind", "behind"), p.received);
    assertEquals(2, p.connections.get());
  }
}
