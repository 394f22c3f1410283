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
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
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
 * Requests whose head cannot be parsed, sent on raw loopback sockets to a real receiver: each gets
 * Go's answer (400, 505) or CloudEdge's (414, 431) at once, then the connection is closed; before
 * this, a short garbage line got no answer at all and a bad version or method got 404 or 405.
 */
class ReceiverMalformedRequestTest {
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
    // Generous timeouts: an answer must come from the codec, not from a deadline closing the socket.
    server = ReceiverServer.bind(loops, new InetSocketAddress("127.0.0.1", 0), state, Duration.ofSeconds(20),
        Duration.ofSeconds(20));
  }

  @AfterEach
  void tearDown() {
    server.close(Duration.ofSeconds(1));
    loops.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
    blocking.shutdownNow();
    telemetry.close();
  }

  /** What came back on one connection, and how long until the server closed it. */
  record Answer(String text, long millisToClose) {}

  /** Sends {@code raw} and reads until the server closes the connection (at most 5 s). */
  private Answer send(String raw) throws Exception {
    try (Socket s = new Socket()) {
      s.connect(server.address());
      s.setSoTimeout(5000);
      long start = System.nanoTime();
      s.getOutputStream().write(raw.getBytes(StandardCharsets.ISO_8859_1));
      s.getOutputStream().flush();
      ByteArrayOutputStream got = new ByteArrayOutputStream();
      InputStream in = s.getInputStream();
      byte[] buf = new byte[8192];
      int n;
      while ((n = in.read(buf)) >= 0) {
        got.write(buf, 0, n);
      }
      return new Answer(got.toString(StandardCharsets.ISO_8859_1), (System.nanoTime() - start) / 1_000_000);
    }
  }

  private static void assertGoAnswer(Answer a, String status) {
    String want = "HTTP/1.1 " + status + "\r\n";
    assertTrue(a.text().startsWith(want), "expected " + want + " got: " + a.text());
    assertTrue(a.text().contains("\r\nconnection: close\r\n") || a.text().contains("\r\nConnection: close\r\n"),
        a.text());
    assertTrue(a.text().endsWith("\r\n\r\n" + status), "body is Go's \"" + status + "\": " + a.text());
    assertTrue(a.millisToClose() < 3000, "closed by the answer, not a timeout: " + a.millisToClose() + " ms");
  }

  @Test
  void aRequestLineThatIsNotHttpGets400AndTheConnectionCloses() throws Exception {
    assertGoAnswer(send("garbage\r\n\r\n"), "400 Bad Request");
    assertGoAnswer(send("hello world\r\nHost: x\r\n\r\n"), "400 Bad Request");
    assertGoAnswer(send("GET /v1/status\r\nHost: x\r\n\r\n"), "400 Bad Request");
    assertGoAnswer(send("GET /v1/status FOO/1.1\r\nHost: x\r\n\r\n"), "400 Bad Request");
    assertGoAnswer(send("GET /v1/status HTTP/1.1x\r\nHost: x\r\n\r\n"), "400 Bad Request");
    assertGoAnswer(send("G@T /v1/events HTTP/1.1\r\nHost: x\r\n\r\n"), "400 Bad Request");
    assertGoAnswer(send("GET  /v1/status HTTP/1.1\r\nHost: x\r\n\r\n"), "400 Bad Request");
    assertGoAnswer(send("GET /v1/status HTTP/1.1\r\nBad Header Line\r\n\r\n"), "400 Bad Request");
    assertGoAnswer(send("GET /v1/status HTTP/2.0\r\nHost: x\r\n\r\n"),
        "505 HTTP Version Not Supported: unsupported protocol version");
    assertEquals(9L, MetricValues.counter(telemetry, EventdMetrics.REJECT_TOTAL,
        Map.of("group", "g", "reason", "malformed_request")));
  }

  @Test
  void aLongRequestLineGets414AndLargeHeadersGet431() throws Exception {
    String longTarget = "/v1/status?" + "a".repeat(ReceiverCodec.MAX_INITIAL_LINE_BYTES);
    assertGoAnswer(send("GET " + longTarget + " HTTP/1.1\r\nHost: x\r\n\r\n"), "414 Request-URI Too Long");
    // The line has not even ended: the limit still applies while it arrives.
    assertGoAnswer(send("GET " + longTarget), "414 Request-URI Too Long");
    String okTarget = "/v1/status?" + "a".repeat(ReceiverCodec.MAX_INITIAL_LINE_BYTES - 40);
    assertTrue(send("GET " + okTarget + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").text()
        .startsWith("HTTP/1.1 200 OK\r\n"), "a line under the limit is served");

    String big = "X-Big: " + "b".repeat(ReceiverCodec.MAX_HEADER_BYTES) + "\r\n";
    assertGoAnswer(send("GET /v1/status HTTP/1.1\r\nHost: x\r\n" + big + "\r\n"),
        "431 Request Header Fields Too Large");
  }

  @Test
  void pipelinedRequestsBeforeAMalformedOneAreAnsweredFirstInOrder() throws Exception {
    String ok = "GET /v1/status HTTP/1.1\r\nHost: x\r\n\r\n";
    Answer a = send(ok + ok + "garbage\r\n\r\n" + ok);
    String[] parts = a.text().split("HTTP/1.1 ", -1);
    assertEquals(4, parts.length, "two answers, the 400, and nothing for the request after it: " + a.text());
    assertTrue(parts[1].startsWith("200 OK") && parts[2].startsWith("200 OK"), a.text());
    assertTrue(parts[3].startsWith("400 Bad Request") && parts[3].endsWith("400 Bad Request"), a.text());
  }

  @Test
  void headAnswersCarryNoBodyAndTheConnectionStaysUsable() throws Exception {
    Answer a = send("HEAD /v1/status HTTP/1.1\r\nHost: x\r\n\r\n"
        + "GET /v1/status HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    String[] parts = a.text().split("HTTP/1.1 ", -1);
    assertEquals(3, parts.length, a.text());
    assertTrue(parts[1].startsWith("200 OK") && parts[1].endsWith("\r\n\r\n"), "HEAD: headers only: " + parts[1]);
    assertTrue(parts[2].startsWith("200 OK") && parts[2].contains("\"group\":\"g\""), parts[2]);
  }
}
