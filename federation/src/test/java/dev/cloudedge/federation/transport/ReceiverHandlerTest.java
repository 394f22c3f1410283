package dev.cloudedge.federation.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cloudedge.federation.metrics.EventdMetrics;
import dev.cloudedge.federation.metrics.MetricValues;
import dev.cloudedge.federation.metrics.Telemetry;
import dev.cloudedge.federation.security.GroupKeys;
import dev.cloudedge.federation.security.Hmac;
import dev.cloudedge.federation.security.Secret;
import dev.cloudedge.federation.store.FederationStore;
import dev.cloudedge.federation.store.GroupCommitWriter;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerKeepAliveHandler;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The receiver's routes through the real HTTP pipeline on an {@link EmbeddedChannel} (reference §2.5, §9 vectors 7–8). */
class ReceiverHandlerTest {
  static final Secret K_TEST = Secret.ofText("0123456789abcdef0123456789abcdef");
  static final long NOW = 1781697600L; // 2026-06-17T12:00:00Z
  static final String GROUP = "cloudedge";

  @TempDir Path dir;
  FederationStore store;
  GroupCommitWriter writer;
  Telemetry telemetry;
  ReceiverState state;
  ExecutorService blocking;
  Secret previous = Secret.ofText("previous-secret");

  record Reply(int status, Map<String, String> headers, String body) {}

  @BeforeEach
  void setUp() {
    Clock clock = Clock.fixed(Instant.ofEpochSecond(NOW), ZoneOffset.UTC);
    store = FederationStore.open(dir.resolve("state.db"));
    writer = new GroupCommitWriter(store, clock, evs -> { });
    telemetry = Telemetry.local();
    blocking = Executors.newSingleThreadExecutor();
    state = new ReceiverState(new ReceiverSettings(GROUP, "cloud", GroupKeys.rotating(K_TEST, List.of(previous)),
        Duration.ofMinutes(5)), ev -> writer.record(ev), () -> store.countEvents(GROUP), blocking,
        telemetry.metrics(), clock);
  }

  @AfterEach
  void tearDown() {
    writer.close();
    store.close();
    telemetry.close();
    blocking.shutdownNow();
  }

  private EmbeddedChannel channel() {
    return new EmbeddedChannel(new HttpServerCodec(), new HttpServerKeepAliveHandler(), new BodyLimitAggregator(state),
        new ReceiverHandler(state));
  }

  private Reply request(EmbeddedChannel ch, String method, String path, Map<String, String> headers, byte[] body) {
    StringBuilder sb = new StringBuilder(method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n");
    headers.forEach((k, v) -> sb.append(k).append(": ").append(v).append("\r\n"));
    sb.append("Content-Length: ").append(body.length).append("\r\n\r\n");
    ByteBuf buf = Unpooled.buffer();
    buf.writeBytes(sb.toString().getBytes(StandardCharsets.US_ASCII));
    buf.writeBytes(body);
    ch.writeInbound(buf);
    return readReply(ch);
  }

  private static Reply readReply(EmbeddedChannel ch) {
    List<Reply> got = replies(ch, 1);
    if (got.isEmpty()) {
      throw new AssertionError("no complete reply within 10 s");
    }
    return got.get(0);
  }

  private Reply post(EmbeddedChannel ch, String ts, String sig, String body) {
    Map<String, String> h = new java.util.LinkedHashMap<>();
    if (ts != null) {
      h.put(ReceiverHandler.TIMESTAMP_HEADER, ts);
    }
    if (sig != null) {
      h.put(ReceiverHandler.SIGNATURE_HEADER, sig);
    }
    return request(ch, "POST", "/v1/events", h, body.getBytes(StandardCharsets.UTF_8));
  }

  private Reply signed(EmbeddedChannel ch, long ts, Secret key, String body) {
    return post(ch, Long.toString(ts), Hmac.sign(key, ts, body.getBytes(StandardCharsets.UTF_8)), body);
  }

  private long rejects(String reason) {
    return MetricValues.counter(telemetry, EventdMetrics.REJECT_TOTAL, Map.of("group", GROUP, "reason", reason));
  }

  static String event(String id, String group) {
    return "{\"id\":\"" + id + "\",\"group\":\"" + group + "\",\"sourceNode\":\"onprem\",\"type\":\"routerd.client.ipv4.observed\","
        + "\"subject\":\"10.88.60.9/32\",\"payload\":{\"mac\":\"aa:bb:cc:dd:ee:ff\"},\"observedAt\":\"2026-06-17T11:59:00Z\"}";
  }

  @Test
  void vector8RejectMatrix() {
    EmbeddedChannel ch = channel();
    Reply r = post(ch, "not-a-number", null, "");
    assertEquals(400, r.status());
    assertEquals("bad timestamp\n", r.body());
    assertEquals("text/plain; charset=utf-8", r.headers().get("content-type"));
    assertEquals("nosniff", r.headers().get("x-content-type-options"));
    assertEquals(1, rejects("bad_timestamp"));

    r = post(ch, Long.toString(NOW), "deadbeef", "{}");
    assertEquals(401, r.status());
    assertEquals("bad signature\n", r.body());
    assertEquals(1, rejects("bad_signature"));

    r = signed(ch, NOW - 3600, K_TEST, "{}");
    assertEquals(403, r.status());
    assertEquals("stale timestamp\n", r.body());
    assertEquals(1, rejects("stale_timestamp"));

    r = post(ch, Long.toString(NOW), "66a909ff0ac25f565728654b74fe25d09fcfd243efeb47d462369e1eb3689922",
        "{\"id\":\"\",\"group\":\"\",\"type\":\"\"}");
    assertEquals(400, r.status());
    assertEquals("invalid event: federation event id is required\n", r.body());
    assertEquals(1, rejects("validation"));

    r = signed(ch, NOW, K_TEST, "{not json");
    assertEquals(400, r.status());
    assertEquals("bad event body\n", r.body());
    r = signed(ch, NOW, K_TEST, "[]");
    assertEquals("bad event body\n", r.body());
    r = signed(ch, NOW, K_TEST, "{\"id\":\"a\",\"group\":\"cloudedge\",\"type\":\"t\",\"payload\":{\"n\":1}}");
    assertEquals("bad event body\n", r.body());
    assertEquals(3, rejects("bad_body"));
    assertEquals(7, state.rejected());
    assertEquals(0, store.countEvents(GROUP));
  }

  @Test
  void staleIsCheckedBeforeTheSignature() {
    EmbeddedChannel ch = channel();
    Reply r = post(ch, Long.toString(NOW - 3600), "garbage", "{}");
    assertEquals(403, r.status());
    assertEquals(1, rejects("stale_timestamp"));
    assertEquals(0, rejects("bad_signature"));
  }

  @Test
  void vector7ReplayWindowBounds() {
    EmbeddedChannel ch = channel();
    int i = 0;
    for (long skew : new long[] {240, -240, 300, -300}) {
      Reply r = signed(ch, NOW + skew, K_TEST, event("w" + i++, GROUP));
      assertEquals(200, r.status(), "skew " + skew);
    }
    for (long skew : new long[] {-600, 301, -301}) {
      Reply r = signed(ch, NOW + skew, K_TEST, event("w" + i++, GROUP));
      assertEquals(403, r.status(), "skew " + skew);
    }
    assertEquals(3, rejects("stale_timestamp"));
  }

  @Test
  void timestampHeaderIsCanonicalized() {
    EmbeddedChannel ch = channel();
    String body = event("canon", GROUP);
    String sig = Hmac.sign(K_TEST, NOW, body.getBytes(StandardCharsets.UTF_8));
    assertEquals(200, post(ch, "+" + NOW, sig, body).status());
    assertEquals(200, post(ch, "0" + NOW, sig, body).status());
    assertEquals(400, post(ch, NOW + "x", sig, body).status());
    assertEquals(400, post(ch, "0x10", sig, body).status());
  }

  @Test
  void acceptThenDuplicateUpserts() {
    EmbeddedChannel ch = channel();
    Reply r = signed(ch, NOW, K_TEST, event("evt-1", GROUP));
    assertEquals(200, r.status());
    assertEquals("{\"accepted\":true,\"duplicate\":false,\"id\":\"evt-1\"}\n", r.body());
    assertEquals("application/json", r.headers().get("content-type"));
    r = signed(ch, NOW, K_TEST, event("evt-1", GROUP));
    assertEquals("{\"accepted\":true,\"duplicate\":true,\"id\":\"evt-1\"}\n", r.body());
    assertEquals(1, store.countEvents(GROUP));
    assertEquals(1, state.received());
    assertEquals(1, state.duplicates());
    assertEquals(1, MetricValues.counter(telemetry, EventdMetrics.ACCEPTED_TOTAL, Map.of("group", GROUP)));
    assertEquals(1, MetricValues.counter(telemetry, EventdMetrics.DUPLICATE_TOTAL, Map.of("group", GROUP)));
    assertTrue(ch.isOpen(), "keep-alive keeps the connection");
  }

  @Test
  void previousKeyOfARotationIsAccepted() {
    EmbeddedChannel ch = channel();
    assertEquals(200, signed(ch, NOW, previous, event("old-key", GROUP)).status());
    assertEquals(401, signed(ch, NOW, Secret.ofText("stranger"), event("x", GROUP)).status());
  }

  private Reply signedBytes(EmbeddedChannel ch, long ts, byte[] body) {
    Map<String, String> h = new java.util.LinkedHashMap<>();
    h.put(ReceiverHandler.TIMESTAMP_HEADER, Long.toString(ts));
    h.put(ReceiverHandler.SIGNATURE_HEADER, Hmac.sign(K_TEST, ts, body));
    return request(ch, "POST", "/v1/events", h, body);
  }

  @Test
  void decodesAsRoutersGoReceiver() {
    EmbeddedChannel ch = channel();
    Reply r = signed(ch, NOW, K_TEST, "null");
    assertEquals(400, r.status());
    assertEquals("invalid event: federation event id is required\n", r.body(), "null is a zero event in Go");
    assertEquals(1, rejects("validation"));

    byte[] bom = ("\uFEFF" + event("bom", GROUP)).getBytes(StandardCharsets.UTF_8);
    assertEquals("bad event body\n", signedBytes(ch, NOW, bom).body());
    assertEquals(1, rejects("bad_body"));

    // A lone surrogate escape is U+FFFD, so it does not collide with a literal "?".
    assertEquals("{\"accepted\":true,\"duplicate\":false,\"id\":\"?\"}\n", signed(ch, NOW, K_TEST, event("?", GROUP)).body());
    r = signed(ch, NOW, K_TEST, event("\\ud800", GROUP));
    assertEquals("{\"accepted\":true,\"duplicate\":false,\"id\":\"\uFFFD\"}\n", r.body());
    assertEquals(2, store.countEvents(GROUP));

    // Raw invalid UTF-8 is accepted; the signature still covers the raw bytes as sent.
    byte[] raw = event("raw-X", GROUP).getBytes(StandardCharsets.UTF_8);
    raw[new String(raw, StandardCharsets.ISO_8859_1).indexOf('X')] = (byte) 0xFF;
    r = signedBytes(ch, NOW, raw);
    assertEquals("{\"accepted\":true,\"duplicate\":false,\"id\":\"raw-\uFFFD\"}\n", r.body());
    byte[] asStored = event("raw-\uFFFD", GROUP).getBytes(StandardCharsets.UTF_8);
    Map<String, String> h = new java.util.LinkedHashMap<>();
    h.put(ReceiverHandler.TIMESTAMP_HEADER, Long.toString(NOW));
    h.put(ReceiverHandler.SIGNATURE_HEADER, Hmac.sign(K_TEST, NOW, asStored));
    assertEquals(401, request(ch, "POST", "/v1/events", h, raw).status(),
        "a signature over the repaired text does not verify the raw bytes");

    assertEquals("{\"accepted\":true,\"duplicate\":false,\"id\":\"\\u003cb\\u003e\"}\n",
        signed(ch, NOW, K_TEST, event("<b>", GROUP)).body(), "the answer's id is escaped as Go's encoder does");
  }

  @Test
  void wrongGroupIsAValidationReject() {
    EmbeddedChannel ch = channel();
    Reply r = signed(ch, NOW, K_TEST, event("evt-other", "other-group"));
    assertEquals(400, r.status());
    assertEquals("invalid event: group \"other-group\" is not this receiver's group \"cloudedge\"\n", r.body());
    assertEquals(1, rejects("validation"));
    assertEquals(0, store.countEvents("other-group"));
  }

  @Test
  void bodyOverOneMebibyteIs413() {
    EmbeddedChannel ch = channel();
    byte[] big = new byte[BodyLimitAggregator.MAX_BODY_BYTES + 1];
    java.util.Arrays.fill(big, (byte) 'a');
    Reply r = request(ch, "POST", "/v1/events", Map.of(ReceiverHandler.TIMESTAMP_HEADER, Long.toString(NOW)), big);
    assertEquals(413, r.status());
    assertEquals("body too large\n", r.body());
    assertEquals(1, rejects("body_too_large"));
    assertFalse(ch.isOpen(), "the rest of the body is never parsed");
    // Exactly 1 MiB is read and judged on its merits.
    EmbeddedChannel ch2 = channel();
    byte[] limit = new byte[BodyLimitAggregator.MAX_BODY_BYTES];
    java.util.Arrays.fill(limit, (byte) ' ');
    Reply ok = request(ch2, "POST", "/v1/events", Map.of(ReceiverHandler.TIMESTAMP_HEADER, Long.toString(NOW),
        ReceiverHandler.SIGNATURE_HEADER, Hmac.sign(K_TEST, NOW, limit)), limit);
    assertEquals(400, ok.status());
    assertEquals("bad event body\n", ok.body());
  }

  @Test
  void routesMethodsAndStatus() {
    EmbeddedChannel ch = channel();
    Reply r = request(ch, "GET", "/v1/events", Map.of(), new byte[0]);
    assertEquals(405, r.status());
    assertEquals("", r.body());
    assertEquals(0, state.rejected(), "405 is not counted");
    assertEquals(404, request(ch, "GET", "/", Map.of(), new byte[0]).status());
    r = request(ch, "POST", "/v1/events/", Map.of(), new byte[0]);
    assertEquals(404, r.status());
    assertEquals("404 page not found\n", r.body());
    signed(ch, NOW, K_TEST, event("s1", GROUP));
    r = request(ch, "POST", "/v1/status", Map.of(), new byte[0]);
    assertEquals(200, r.status());
    assertEquals("{\"node\":\"cloud\",\"group\":\"cloudedge\",\"received\":1,\"duplicate\":0,\"rejected\":0,"
        + "\"storedEvents\":1,\"replayWindowSeconds\":300}\n", r.body());
  }

  @Test
  void storeErrorIs500AndCounted() {
    ReceiverState failing = new ReceiverState(state.settings(),
        ev -> java.util.concurrent.CompletableFuture.failedFuture(new IllegalStateException("disk full")),
        () -> 0L, blocking, telemetry.metrics(), Clock.fixed(Instant.ofEpochSecond(NOW), ZoneOffset.UTC));
    EmbeddedChannel ch = new EmbeddedChannel(new HttpServerCodec(), new HttpServerKeepAliveHandler(),
        new BodyLimitAggregator(failing), new ReceiverHandler(failing));
    Reply r = signed(ch, NOW, K_TEST, event("e", GROUP));
    assertEquals(500, r.status());
    assertEquals("store error\n", r.body());
    assertEquals(1, rejects("store_error"));
  }

  /** One raw request (no reply read), for pipelining several in one write. */
  private static String raw(String method, String path, Map<String, String> headers, String body) {
    StringBuilder sb = new StringBuilder(method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n");
    headers.forEach((k, v) -> sb.append(k).append(": ").append(v).append("\r\n"));
    sb.append("Content-Length: ").append(body.getBytes(StandardCharsets.UTF_8).length).append("\r\n\r\n").append(body);
    return sb.toString();
  }

  private static Map<String, String> signedHeaders(long ts, String body) {
    return Map.of(ReceiverHandler.TIMESTAMP_HEADER, Long.toString(ts),
        ReceiverHandler.SIGNATURE_HEADER, Hmac.sign(K_TEST, ts, body.getBytes(StandardCharsets.UTF_8)));
  }

  /** Replies in the order they were written, until {@code n} complete ones were read. */
  private static List<Reply> replies(EmbeddedChannel ch, int n) {
    StringBuilder out = new StringBuilder();
    List<Reply> got = new java.util.ArrayList<>();
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (got.size() < n && System.nanoTime() < deadline) {
      ch.runPendingTasks();
      ByteBuf b;
      while ((b = ch.readOutbound()) != null) {
        // Bytes as Latin-1 chars, so Content-Length counts bytes; bodies are decoded as UTF-8 below.
        out.append(b.toString(StandardCharsets.ISO_8859_1));
        b.release();
      }
      String s = out.toString();
      int end = s.indexOf("\r\n\r\n");
      if (end > 0) {
        Map<String, String> headers = new java.util.TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        String[] lines = s.substring(0, end).split("\r\n");
        for (int i = 1; i < lines.length; i++) {
          int c = lines[i].indexOf(':');
          headers.put(lines[i].substring(0, c).trim(), lines[i].substring(c + 1).trim());
        }
        int len = Integer.parseInt(headers.getOrDefault("content-length", "0"));
        if (s.length() >= end + 4 + len) {
          String body = new String(s.substring(end + 4, end + 4 + len).getBytes(StandardCharsets.ISO_8859_1),
              StandardCharsets.UTF_8);
          got.add(new Reply(Integer.parseInt(lines[0].split(" ")[1]), headers, body));
          out.delete(0, end + 4 + len);
          continue;
        }
      }
      Thread.onSpinWait();
    }
    return got;
  }

  /**
   * HTTP/1.1 pipelining: stores are answered after the write, rejects at once, yet every answer
   * leaves in request order, so a client never reads a 200 in the slot of a request that was
   * refused and not stored.
   */
  @Test
  void pipelinedRequestsAreAnsweredInRequestOrder() {
    EmbeddedChannel ch = channel();
    String a = event("evt-pipe-a", GROUP);
    String b = event("evt-pipe-b", GROUP);
    String other = event("evt-pipe-other", "another-group");
    String batch = raw("POST", "/v1/events", signedHeaders(NOW, a), a)
        + raw("POST", "/v1/events", Map.of(ReceiverHandler.TIMESTAMP_HEADER, Long.toString(NOW),
            ReceiverHandler.SIGNATURE_HEADER, "0".repeat(64)), b)
        + raw("POST", "/v1/events", signedHeaders(NOW, b), b)
        + raw("POST", "/v1/events", signedHeaders(NOW, other), other)
        + raw("GET", "/v1/status", Map.of(), "")
        + raw("GET", "/nowhere", Map.of(), "");
    ch.writeInbound(Unpooled.copiedBuffer(batch, StandardCharsets.US_ASCII));
    List<Reply> got = replies(ch, 6);
    assertEquals(List.of(200, 401, 200, 400, 200, 404), got.stream().map(Reply::status).toList(), got.toString());
    assertTrue(got.get(0).body().contains("\"id\":\"evt-pipe-a\""), got.get(0).body());
    assertTrue(got.get(2).body().contains("\"id\":\"evt-pipe-b\""), got.get(2).body());
    assertTrue(got.get(4).body().contains("\"storedEvents\":2"), got.get(4).body());
    ch.finishAndReleaseAll();
  }

  /** A state whose sink hands every store to {@code sink}; the rest is the test's. */
  private ReceiverState stateWith(EventSink sink) {
    return new ReceiverState(state.settings(), sink, () -> store.countEvents(GROUP), blocking, telemetry.metrics(),
        Clock.fixed(Instant.ofEpochSecond(NOW), ZoneOffset.UTC));
  }

  private static EmbeddedChannel channel(ReceiverState st) {
    return new EmbeddedChannel(new HttpServerCodec(), new HttpServerKeepAliveHandler(), new BodyLimitAggregator(st),
        new ReceiverHandler(st));
  }

  /**
   * The stores of one connection's pipelined requests run at once: this sink answers none until
   * all eight have reached it, so a receiver that stored them one at a time would never answer.
   */
  @Test
  void pipelinedStoresRunConcurrentlyAndAreAnsweredInOrder() {
    int n = 8;
    List<java.util.concurrent.CompletableFuture<Boolean>> held = new java.util.ArrayList<>();
    List<String> seen = new java.util.ArrayList<>();
    ReceiverState st = stateWith(ev -> {
      java.util.concurrent.CompletableFuture<Boolean> f = new java.util.concurrent.CompletableFuture<>();
      synchronized (held) {
        held.add(f);
        seen.add(ev.id());
        if (held.size() == n) {
          // Completed newest first: the answers must still leave in request order.
          for (int i = n - 1; i >= 0; i--) {
            held.get(i).complete(i % 2 == 1);
          }
        }
      }
      return f;
    });
    EmbeddedChannel ch = channel(st);
    StringBuilder batch = new StringBuilder();
    for (int i = 0; i < n; i++) {
      String e = event("evt-conc-" + i, GROUP);
      batch.append(raw("POST", "/v1/events", signedHeaders(NOW, e), e));
    }
    ch.writeInbound(Unpooled.copiedBuffer(batch, StandardCharsets.US_ASCII));
    List<Reply> got = replies(ch, n);
    assertEquals(n, got.size(), "answered " + got.size() + " of " + n + "; stores reached the sink: " + seen);
    for (int i = 0; i < n; i++) {
      assertEquals(200, got.get(i).status());
      assertEquals("{\"accepted\":true,\"duplicate\":" + (i % 2 == 1) + ",\"id\":\"evt-conc-" + i + "\"}\n",
          got.get(i).body());
    }
    assertEquals(0, st.inFlight(), "every answered store has left the in-flight count");
    assertTrue(ch.isOpen());
    ch.finishAndReleaseAll();
  }

  /**
   * A body over 1 MiB pipelined behind a store still being written is answered 413 after that
   * store's 200, then the connection closes; the request behind it is neither stored nor answered.
   */
  @Test
  void oversizedBodyIsAnsweredInItsTurnAndEndsTheConnection() throws Exception {
    java.util.concurrent.CompletableFuture<Boolean> first = new java.util.concurrent.CompletableFuture<>();
    List<String> stored = new java.util.concurrent.CopyOnWriteArrayList<>();
    ReceiverState st = stateWith(ev -> {
      stored.add(ev.id());
      return ev.id().equals("evt-before") ? first : java.util.concurrent.CompletableFuture.completedFuture(false);
    });
    EmbeddedChannel ch = channel(st);
    String before = event("evt-before", GROUP);
    String after = event("evt-after", GROUP);
    String batch = raw("POST", "/v1/events", signedHeaders(NOW, before), before)
        + "POST /v1/events HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: " + (BodyLimitAggregator.MAX_BODY_BYTES + 1)
        + "\r\n\r\n" + raw("POST", "/v1/events", signedHeaders(NOW, after), after);
    ch.writeInbound(Unpooled.copiedBuffer(batch, StandardCharsets.US_ASCII));
    ch.runPendingTasks();
    assertTrue(ch.outboundMessages().isEmpty(), "nothing may be answered before the first request");
    first.complete(false);
    List<Reply> got = replies(ch, 2);
    ch.runPendingTasks();
    assertTrue(ch.outboundMessages().isEmpty(), "a third answer: " + ch.outboundMessages());
    assertEquals(List.of(200, 413), got.stream().map(Reply::status).toList(), got.toString());
    assertEquals("body too large\n", got.get(1).body());
    assertFalse(ch.isOpen(), "the unread body is never parsed as a request");
    assertEquals(List.of("evt-before"), stored);
    assertEquals(1, rejects("body_too_large"));
  }

  /** A request with Connection: close ends the pipeline: what follows it is not read. */
  @Test
  void connectionCloseEndsThePipeline() {
    List<String> stored = new java.util.concurrent.CopyOnWriteArrayList<>();
    ReceiverState st = stateWith(ev -> {
      stored.add(ev.id());
      return java.util.concurrent.CompletableFuture.completedFuture(false);
    });
    EmbeddedChannel ch = channel(st);
    String last = event("evt-last", GROUP);
    String ignored = event("evt-ignored", GROUP);
    Map<String, String> closing = new java.util.LinkedHashMap<>(signedHeaders(NOW, last));
    closing.put("Connection", "close");
    ch.writeInbound(Unpooled.copiedBuffer(raw("POST", "/v1/events", closing, last)
        + raw("POST", "/v1/events", signedHeaders(NOW, ignored), ignored), StandardCharsets.US_ASCII));
    List<Reply> got = replies(ch, 1);
    ch.runPendingTasks();
    assertTrue(ch.outboundMessages().isEmpty(), "a second answer: " + ch.outboundMessages());
    assertEquals(List.of(200), got.stream().map(Reply::status).toList(), got.toString());
    assertEquals("close", got.get(0).headers().get("connection"));
    assertFalse(ch.isOpen());
    assertEquals(List.of("evt-last"), stored);
  }

  /**
   * A status read pipelined behind a store still being written waits for it, as on a serial
   * server: it counts the stored event and the accepted request.
   */
  @Test
  void statusBehindAStoreSeesItsEffect() throws Exception {
    java.util.concurrent.CompletableFuture<Void> gate = new java.util.concurrent.CompletableFuture<>();
    ReceiverState st = stateWith(ev -> gate.thenCompose(x -> writer.record(ev)));
    EmbeddedChannel ch = channel(st);
    String a = event("evt-before-status", GROUP);
    ch.writeInbound(Unpooled.copiedBuffer(raw("POST", "/v1/events", signedHeaders(NOW, a), a)
        + raw("GET", "/v1/status", Map.of(), ""), StandardCharsets.US_ASCII));
    Thread.sleep(200);
    ch.runPendingTasks();
    assertTrue(ch.outboundMessages().isEmpty(), "answered before the store was written");
    gate.complete(null);
    List<Reply> got = replies(ch, 2);
    assertEquals(List.of(200, 200), got.stream().map(Reply::status).toList(), got.toString());
    assertTrue(got.get(1).body().contains("\"received\":1,") && got.get(1).body().contains("\"storedEvents\":1,"),
        got.get(1).body());
    ch.finishAndReleaseAll();
  }
}
