package dev.cloudedge.federation.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cloudedge.federation.metrics.EventdMetrics;
import dev.cloudedge.federation.metrics.MetricValues;
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
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The receiver-wide body budget on a real socket: bodies being received hold it, one that does not
 * fit is answered 503 before it is read (in its turn among pipelined requests), and the budget
 * comes back when requests complete or their connections end.
 */
class ReceiverBodyBudgetTest {
  private static final long BUDGET = 3000;

  EventLoopGroup loops;
  ExecutorService blocking;
  Telemetry telemetry;
  ReceiverState state;
  ReceiverServer server;

  @BeforeEach
  void setUp() {
    loops = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    blocking = Executors.newSingleThreadExecutor();
    telemetry = Telemetry.local();
    state = new ReceiverState(new ReceiverSettings("g", "n", GroupKeys.single(Secret.ofText("k")),
        Duration.ofMinutes(5)), ev -> CompletableFuture.completedFuture(false), () -> 0L, blocking,
        telemetry.metrics(), Clock.systemUTC(), BUDGET);
    server = ReceiverServer.bind(loops, new InetSocketAddress("127.0.0.1", 0), state, Duration.ofSeconds(30),
        Duration.ofSeconds(30));
  }

  @AfterEach
  void tearDown() {
    server.close(Duration.ofSeconds(1));
    loops.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
    blocking.shutdownNow();
    telemetry.close();
  }

  private Socket connect() throws Exception {
    Socket s = new Socket();
    s.connect(server.address());
    s.setSoTimeout(5000);
    return s;
  }

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

  private void awaitReserved(long bytes) throws InterruptedException {
    long deadline = System.nanoTime() + 5_000_000_000L;
    while (state.bodyBytesReserved() != bytes && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertEquals(bytes, state.bodyBytesReserved(), "reserved body bytes");
  }

  @Test
  void aBodyThatDoesNotFitIsAnswered503BeforeItIsReadAndTheBudgetComesBack() throws Exception {
    try (Socket a = connect(); Socket b = connect(); Socket c = connect()) {
      OutputStream oa = a.getOutputStream();
      oa.write((head(1500) + "x".repeat(100)).getBytes(StandardCharsets.US_ASCII));
      oa.flush();
      awaitReserved(1500);
      OutputStream ob = b.getOutputStream();
      ob.write((head(1500) + "y".repeat(100)).getBytes(StandardCharsets.US_ASCII));
      ob.flush();
      awaitReserved(3000);

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
      awaitReserved(1500);
      // b goes away mid-body: its share returns too.
      b.close();
      awaitReserved(0);
    }
    // With the budget back, a request of the same size is read and answered.
    try (Socket d = connect()) {
      d.getOutputStream().write((head(1500) + "z".repeat(1500)).getBytes(StandardCharsets.US_ASCII));
      assertEquals("HTTP/1.1 403 Forbidden", firstLine(d.getInputStream()), "read and answered");
    }
    awaitReserved(0);
    assertEquals(1L, MetricValues.counter(telemetry, EventdMetrics.REJECT_TOTAL, Map.of("group", "g", "reason", "receiver_busy")));
  }

  @Test
  void aRefusedRequestIsAnsweredInItsTurnAmongPipelinedRequests() throws Exception {
    try (Socket hold = connect(); Socket p = connect()) {
      hold.getOutputStream().write((head(2500) + "h").getBytes(StandardCharsets.US_ASCII));
      awaitReserved(2500);
      // Two pipelined requests: a status read, then a body that does not fit in the 500 bytes left.
      p.getOutputStream().write(("GET /v1/status HTTP/1.1\r\nHost: x\r\n\r\n" + head(1000))
          .getBytes(StandardCharsets.US_ASCII));
      String both = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
      int ok = both.indexOf("HTTP/1.1 200");
      int busy = both.indexOf("HTTP/1.1 503");
      assertTrue(ok >= 0 && busy > ok, "200 first, then 503: " + both);
    }
    awaitReserved(0);
  }
}
