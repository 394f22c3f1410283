package dev.cloudedge.federation.transport;

import dev.cloudedge.federation.metrics.EventdMetrics;
import dev.cloudedge.federation.metrics.MetricValues;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cloudedge.federation.metrics.Telemetry;
import dev.cloudedge.federation.security.GroupKeys;
import dev.cloudedge.federation.security.Secret;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A real socket against the receiver: keep-alive, idle and read timeouts, port in use. */
class ReceiverServerTest {
  EventLoopGroup loops;
  ExecutorService blocking;
  Telemetry telemetry;
  ReceiverServer server;

  @BeforeEach
  void setUp() {
    loops = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    blocking = Executors.newSingleThreadExecutor();
    telemetry = Telemetry.local();
    ReceiverState state = new ReceiverState(new ReceiverSettings("g", "n", GroupKeys.single(Secret.ofText("k")),
        Duration.ofMinutes(5)), ev -> CompletableFuture.completedFuture(false), () -> 0L, blocking,
        telemetry.metrics(), Clock.systemUTC());
    server = ReceiverServer.bind(loops, new InetSocketAddress("127.0.0.1", 0), state, Duration.ofMillis(400),
        Duration.ofMillis(700));
  }

  @AfterEach
  void tearDown() {
    server.close(Duration.ofSeconds(1));
    loops.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
    blocking.shutdownNow();
    telemetry.close();
  }

  private Socket connect() throws Exception {
    return connect(server);
  }

  /** Reads until EOF and returns the time it took. */
  private static long millisUntilClosed(InputStream in) throws Exception {
    long start = System.nanoTime();
    while (in.read() >= 0) {
      // drain
    }
    return (System.nanoTime() - start) / 1_000_000;
  }

  @Test
  void keepAliveServesSeveralRequestsOnOneConnection() throws Exception {
    try (Socket s = connect()) {
      OutputStream out = s.getOutputStream();
      String req = "GET /v1/status HTTP/1.1\r\nHost: x\r\n\r\n";
      out.write((req + req).getBytes(StandardCharsets.US_ASCII));
      out.flush();
      byte[] buf = new byte[8192];
      StringBuilder got = new StringBuilder();
      while (got.toString().split("HTTP/1.1 200 OK", -1).length < 3) {
        int n = s.getInputStream().read(buf);
        assertTrue(n > 0, "connection closed early: " + got);
        got.append(new String(buf, 0, n, StandardCharsets.US_ASCII));
      }
      assertTrue(got.toString().contains("\"group\":\"g\""), got.toString());
    }
  }

  @Test
  void silentClientIsDisconnectedByTheIdleTimeout() throws Exception {
    try (Socket s = connect()) {
      long ms = millisUntilClosed(s.getInputStream());
      assertTrue(ms >= 300 && ms < 3000, "closed after " + ms + " ms");
    }
  }

  @Test
  void tricklingClientIsDisconnectedByTheReadTimeout() throws Exception {
    // One byte every 200 ms keeps the idle timer (400 ms) happy; the 700 ms read deadline does not.
    long ms = millisUntilCutWhileTrickling(
        "POST /v1/events HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n".getBytes(StandardCharsets.US_ASCII),
        "x".repeat(20).getBytes(StandardCharsets.US_ASCII), 200);
    assertTrue(ms >= 600, "closed after " + ms + " ms");
  }

  /**
   * Sends {@code head} at once, then {@code trickle} one byte per {@code gapMillis}; returns when
   * the server closed the connection, failing when it never did.
   */
  private long millisUntilCutWhileTrickling(byte[] head, byte[] trickle, long gapMillis) throws Exception {
    try (Socket s = connect()) {
      OutputStream out = s.getOutputStream();
      out.write(head);
      long start = System.nanoTime();
      boolean closed = false;
      for (int i = 0; i < trickle.length && !closed; i++) {
        try {
          out.write(trickle[i]);
          out.flush();
          Thread.sleep(gapMillis);
        } catch (java.io.IOException e) {
          closed = true;
        }
        s.setSoTimeout(1);
        try {
          closed |= s.getInputStream().read() < 0;
        } catch (java.net.SocketTimeoutException e) {
          // still open
        } catch (java.io.IOException e) {
          closed = true;
        }
      }
      long ms = (System.nanoTime() - start) / 1_000_000;
      assertTrue(closed, "a trickling client kept the connection for " + ms + " ms");
      return ms;
    }
  }

  @Test
  void tricklingHeadersAreCutByTheDeadlineFromTheFirstByte() throws Exception {
    long ms = millisUntilCutWhileTrickling(new byte[0],
        "POST /v1/events HTTP/1.1\r\nHost: x\r\nX-Padding: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n"
            .getBytes(StandardCharsets.US_ASCII), 100);
    assertTrue(ms >= 600 && ms < 3000, "closed after " + ms + " ms");
  }

  @Test
  void connectionsPastTheCapGet503AndClose() throws Exception {
    ReceiverServer capped = ReceiverServer.bind(loops, new InetSocketAddress("127.0.0.1", 0), server.state(),
        Duration.ofSeconds(30), Duration.ofSeconds(30), 2);
    try {
      Socket a = new Socket();
      a.connect(capped.address());
      Socket b = new Socket();
      b.connect(capped.address());
      Thread.sleep(200);
      try (Socket c = new Socket()) {
        c.connect(capped.address());
        c.setSoTimeout(5000);
        String answer = new String(c.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
        assertTrue(answer.startsWith("HTTP/1.1 503"), answer);
        assertTrue(answer.contains("too many connections"), answer);
      }
      a.close();
      Thread.sleep(300);
      try (Socket d = new Socket()) {
        d.connect(capped.address());
        d.setSoTimeout(5000);
        d.getOutputStream().write("GET /v1/status HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
            .getBytes(StandardCharsets.US_ASCII));
        String answer = new String(d.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
        assertTrue(answer.startsWith("HTTP/1.1 200"), answer);
      }
      b.close();
      assertEquals(1L, MetricValues.counter(telemetry, EventdMetrics.REJECT_TOTAL,
          java.util.Map.of("group", "g", "reason", "too_many_connections")));
    } finally {
      capped.close(Duration.ofSeconds(1));
    }
  }

  @Test
  void portInUseNamesTheAddress() {
    TransportException e = org.junit.jupiter.api.Assertions.assertThrows(TransportException.class,
        () -> ReceiverServer.bind(loops, server.address(), server.state(), Duration.ofSeconds(1), Duration.ofSeconds(1)));
    assertEquals("listen on 127.0.0.1:" + server.address().getPort() + ": address already in use", e.getMessage());
  }

  // ------------------------------------------------------------------ the body budget
  // Bodies being received hold a receiver-wide budget; one that does not fit is answered 503
  // before it is read (in its turn among pipelined requests), and the budget comes back when
  // requests complete or their connections end.

  private static final long BUDGET = 3000;

  private static String head(int length) {
    return "POST /v1/events HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        + ReceiverHandler.TIMESTAMP_HEADER + ": 1\r\n" + ReceiverHandler.SIGNATURE_HEADER + ": 00\r\nContent-Length: " + length
        + "\r\n\r\n";
  }

  private static String firstLine(InputStream in) throws Exception {
    StringBuilder sb = new StringBuilder();
    int c;
    while ((c = in.read()) >= 0 && c != '\n') {
      sb.append((char) c);
    }
    return sb.toString().strip();
  }

  private static void awaitReserved(ReceiverState state, long bytes) throws InterruptedException {
    long deadline = System.nanoTime() + 5_000_000_000L;
    while (state.bodyBytesReserved() != bytes && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertEquals(bytes, state.bodyBytesReserved(), "reserved body bytes");
  }

  /** A receiver whose body budget is {@value #BUDGET} bytes, on the same loops. */
  private ReceiverServer budgeted() {
    ReceiverState state = new ReceiverState(server.state().settings(), ev -> CompletableFuture.completedFuture(false),
        () -> 0L, blocking, telemetry.metrics(), Clock.systemUTC(), BUDGET);
    return ReceiverServer.bind(loops, new InetSocketAddress("127.0.0.1", 0), state, Duration.ofSeconds(30),
        Duration.ofSeconds(30));
  }

  private static Socket connect(ReceiverServer to) throws Exception {
    Socket s = new Socket();
    s.connect(to.address());
    s.setSoTimeout(5000);
    return s;
  }

  @Test
  void aBodyThatDoesNotFitIsAnswered503BeforeItIsReadAndTheBudgetComesBack() throws Exception {
    ReceiverServer budgeted = budgeted();
    ReceiverState state = budgeted.state();
    try {
      try (Socket a = connect(budgeted); Socket b = connect(budgeted); Socket c = connect(budgeted)) {
        OutputStream oa = a.getOutputStream();
        oa.write((head(1500) + "x".repeat(100)).getBytes(StandardCharsets.US_ASCII));
        oa.flush();
        awaitReserved(state, 1500);
        OutputStream ob = b.getOutputStream();
        ob.write((head(1500) + "y".repeat(100)).getBytes(StandardCharsets.US_ASCII));
        ob.flush();
        awaitReserved(state, 3000);

        // The budget is full: c is refused at once, without sending its body.
        c.getOutputStream().write(head(10).getBytes(StandardCharsets.US_ASCII));
        c.getOutputStream().flush();
        String refused = new String(c.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
        assertTrue(refused.startsWith("HTTP/1.1 503"), refused);
        assertTrue(refused.contains("receiver busy") && refused.toLowerCase().contains("connection: close"), refused);

        // a completes: its answer (its timestamp is stale) comes, and its share returns.
        oa.write("x".repeat(1400).getBytes(StandardCharsets.US_ASCII));
        oa.flush();
        assertEquals("HTTP/1.1 403 Forbidden", firstLine(a.getInputStream()), "read and answered: its timestamp is stale");
        awaitReserved(state, 1500);
        // b goes away mid-body: its share returns too.
        b.close();
        awaitReserved(state, 0);
      }
      // With the budget back, a request of the same size is read and answered.
      try (Socket d = connect(budgeted)) {
        d.getOutputStream().write((head(1500) + "z".repeat(1500)).getBytes(StandardCharsets.US_ASCII));
        assertEquals("HTTP/1.1 403 Forbidden", firstLine(d.getInputStream()), "read and answered");
      }
      awaitReserved(state, 0);
      assertEquals(1L, MetricValues.counter(telemetry, EventdMetrics.REJECT_TOTAL, Map.of("group", "g", "reason", "receiver_busy")));
    } finally {
      budgeted.close(Duration.ofSeconds(1));
    }
  }

  @Test
  void aRefusedRequestIsAnsweredInItsTurnAmongPipelinedRequests() throws Exception {
    ReceiverServer budgeted = budgeted();
    ReceiverState state = budgeted.state();
    try {
      try (Socket hold = connect(budgeted); Socket p = connect(budgeted)) {
        hold.getOutputStream().write((head(2500) + "h").getBytes(StandardCharsets.US_ASCII));
        awaitReserved(state, 2500);
        // Two pipelined requests: a status read, then a body that does not fit in the 500 bytes left.
        p.getOutputStream().write(("GET /v1/status HTTP/1.1\r\nHost: x\r\n\r\n" + head(1000))
            .getBytes(StandardCharsets.US_ASCII));
        String both = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
        int ok = both.indexOf("HTTP/1.1 200");
        int busy = both.indexOf("HTTP/1.1 503");
        assertTrue(ok >= 0 && busy > ok, "200 first, then 503: " + both);
      }
      awaitReserved(state, 0);
    } finally {
      budgeted.close(Duration.ofSeconds(1));
    }
  }
}
