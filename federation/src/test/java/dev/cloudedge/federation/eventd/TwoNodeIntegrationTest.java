package dev.cloudedge.federation.eventd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cloudedge.federation.config.ConfigLoader;
import dev.cloudedge.federation.config.FederationConfig;
import dev.cloudedge.federation.delivery.MutableClock;
import dev.cloudedge.federation.delivery.PassResult;
import dev.cloudedge.federation.event.EventCodec;
import dev.cloudedge.federation.event.FederationEvent;
import dev.cloudedge.federation.metrics.EventdMetrics;
import dev.cloudedge.federation.metrics.MetricValues;
import dev.cloudedge.federation.security.Hmac;
import dev.cloudedge.federation.security.Secret;
import dev.cloudedge.federation.store.DeliveryRecord;
import dev.cloudedge.federation.store.EventRecord;
import dev.cloudedge.federation.store.FederationStore;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Two real nodes on 127.0.0.1: delivery, duplicate, bad signature, partition and recovery, TTL re-push, restart. */
class TwoNodeIntegrationTest {
  static final String GROUP = "cloudedge";
  static final String TYPE = FederationEvent.OBSERVED_IPV4_TYPE;

  @TempDir Path dir;
  MutableClock clock = new MutableClock(Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
  Path secret;
  List<EventdRuntime> running = new ArrayList<>();
  HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @BeforeEach
  void setUp() throws Exception {
    secret = dir.resolve("group.key");
    Files.writeString(secret, "0123456789abcdef0123456789abcdef\n");
  }

  @AfterEach
  void tearDown() {
    for (EventdRuntime rt : running) {
      rt.close();
    }
  }

  static FederationConfig config(String yaml) throws Exception {
    return FederationConfig.of(ConfigLoader.parse(yaml, "test.yaml"));
  }

  String group(String node, String extraAuth) {
    return """
        apiVersion: federation.routerd.net/v1alpha1
        kind: EventGroup
        metadata: {name: cloudedge}
        spec:
          nodeName: %s
          auth: {mode: hmac, secretFile: %s%s}
        """.formatted(node, secret, extraAuth);
  }

  static String peer(String node, String endpoint) {
    return """
        ---
        apiVersion: federation.routerd.net/v1alpha1
        kind: EventPeer
        metadata: {name: %s}
        spec: {groupRef: cloudedge, nodeName: %s, endpoint: "%s"}
        """.formatted(node, node, endpoint);
  }

  EventdRuntime cloud(int port) throws Exception {
    EventdRuntime rt = EventdRuntime.start(EventdOptions.builder(config(group("cloud", "")), dir.resolve("cloud.db"))
        .clock(clock).backgroundLoops(false).listen(GROUP, new InetSocketAddress("127.0.0.1", port))
        .adminAddress(new InetSocketAddress("127.0.0.1", 0)).build());
    running.add(rt);
    return rt;
  }

  EventdRuntime onprem(int cloudPort, boolean loops) throws Exception {
    EventdRuntime rt = EventdRuntime.start(EventdOptions.builder(
            config(group("onprem", "") + peer("cloud", "http://127.0.0.1:" + cloudPort)), dir.resolve("onprem.db"))
        .clock(clock).backgroundLoops(loops).build());
    running.add(rt);
    return rt;
  }

  static void await(String what, BooleanSupplier cond) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (!cond.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.sleep(5);
    }
  }

  static String status(EventdRuntime rt, String id, String peer) {
    List<DeliveryRecord> rows = rt.store().listDeliveries(id, peer);
    return rows.isEmpty() ? "" : rows.get(0).status();
  }

  FederationEvent event(String id, Instant expires) {
    return new FederationEvent(id, GROUP, "", TYPE, "10.88.60.9/32", "", Map.of("mac", "aa:bb:cc:dd:ee:ff"),
        clock.instant(), expires);
  }

  HttpResponse<String> post(int port, long ts, String sig, byte[] body) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/events"))
        .header("X-Routerd-Timestamp", Long.toString(ts)).header("X-Routerd-Signature", sig)
        .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void deliveryDuplicateBadSignaturePartitionRecoveryAndTtlRepush() throws Exception {
    EventdRuntime cloud = cloud(0);
    int port = cloud.receiverAddress(GROUP).orElseThrow().getPort();
    EventdRuntime onprem = onprem(port, false);

    // Delivery: pushed at once, no tick needed.
    EmitResult emitted = onprem.emit(event("evt-1", null));
    assertEquals("onprem", emitted.event().sourceNode());
    await("evt-1 delivered", () -> "delivered".equals(status(onprem, "evt-1", "cloud")));
    EventRecord got = cloud.store().getEvent("evt-1").orElseThrow();
    assertEquals("10.88.60.9/32", got.event().subject());
    assertEquals("aa:bb:cc:dd:ee:ff", got.event().payload().get("mac"));
    assertEquals("onprem", got.event().sourceNode());
    assertTrue(onprem.store().listDeliveries("evt-1", "cloud").get(0).attempts() >= 1);

    // Duplicate: same signed body again -> 200 duplicate:true, still one row.
    byte[] body = EventCodec.encode(got.event());
    Secret key = Secret.ofText("0123456789abcdef0123456789abcdef");
    long ts = clock.instant().getEpochSecond();
    HttpResponse<String> dup = post(port, ts, Hmac.sign(key, ts, body), body);
    assertEquals(200, dup.statusCode());
    assertEquals("{\"accepted\":true,\"duplicate\":true,\"id\":\"evt-1\"}\n", dup.body());
    // Bad signature and stale timestamp change nothing.
    assertEquals(401, post(port, ts, "deadbeef", body).statusCode());
    assertEquals(403, post(port, ts - 3600, Hmac.sign(key, ts - 3600, body), body).statusCode());
    assertEquals(1, cloud.store().countEvents(GROUP));
    assertEquals(1, MetricValues.counter(cloud.telemetry(), EventdMetrics.REJECT_TOTAL, Map.of("reason", "bad_signature")));
    assertEquals(1, MetricValues.counter(cloud.telemetry(), EventdMetrics.DUPLICATE_TOTAL, Map.of("group", GROUP)));

    // The receiver's own outbox never re-forwards a received event (loop guard).
    assertEquals(0, cloud.runOutboxPass(GROUP).eventsConsidered());

    // Partition: the peer goes away; the pair fails and backs off.
    cloud.close();
    running.remove(cloud);
    onprem.emit(event("evt-2", null));
    await("evt-2 failed", () -> "failed".equals(status(onprem, "evt-2", "cloud")));
    DeliveryRecord failed = onprem.store().listDeliveries("evt-2", "cloud").get(0);
    assertEquals(3, failed.attempts());
    assertTrue(failed.lastError().contains("connection refused"), failed.lastError());
    assertEquals(1, onprem.runOutboxPass(GROUP).backedOff());

    // Recovery: the peer returns on the same port; an operator retries now.
    EventdRuntime cloud2 = cloud(port);
    RetryResult retry = onprem.retryFailedNow(GROUP, "cloud");
    assertEquals(1, retry.backoffCleared());
    assertEquals(1, retry.pass().delivered());
    assertTrue(cloud2.store().getEvent("evt-2").isPresent());

    // TTL refresh: re-emitting with a later expiry re-pushes at once and moves the receiver's expiry.
    Instant exp1 = clock.instant().plusSeconds(600);
    Instant exp2 = clock.instant().plusSeconds(1200);
    onprem.emit(event("evt-ttl", exp1));
    await("evt-ttl delivered", () -> "delivered".equals(status(onprem, "evt-ttl", "cloud")));
    EmitResult refresh = onprem.emit(event("evt-ttl", exp2));
    assertTrue(refresh.duplicate());
    await("evt-ttl re-pushed", () -> exp2.equals(onprem.store().listDeliveries("evt-ttl", "cloud").get(0).eventExpiresAt()));
    assertEquals(exp2, cloud2.store().getEvent("evt-ttl").orElseThrow().event().expiresAt());
    assertEquals(1, MetricValues.counter(onprem.telemetry(), EventdMetrics.REPUSH_TOTAL, Map.of("peer", "cloud")));
    assertEquals(0, onprem.repushStaleNow(GROUP, "cloud").pushed(), "nothing stale any more");

    // Metrics are scrapeable on the admin listener.
    InetSocketAddress admin = cloud2.adminAddress().orElseThrow();
    HttpResponse<String> scrape = http.send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + admin.getPort() + "/metrics")).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, scrape.statusCode());
    assertTrue(scrape.body().contains("routerd_eventd_receiver_accepted_total{group=\"cloudedge\"} 2"), scrape.body());
  }

  @Test
  void senderRestartResumesPendingDeliveries() throws Exception {
    EventdRuntime cloud = cloud(0);
    int port = cloud.receiverAddress(GROUP).orElseThrow().getPort();
    // A sender that crashed right after recording: the event and its pending row are on disk.
    try (FederationStore crashed = FederationStore.open(dir.resolve("onprem.db"))) {
      crashed.recordEvent(event("evt-crash", null).normalized().withObservedAt(clock.instant())
          .withExpiresAt(null).normalized(), clock.instant());
      crashed.update("UPDATE federation_events SET source_node = 'onprem' WHERE id = 'evt-crash'");
      crashed.enqueueDelivery("evt-crash", "cloud");
    }
    EventdRuntime onprem = onprem(port, true);
    await("pending delivery resumed by the start-up pass",
        () -> "delivered".equals(status(onprem, "evt-crash", "cloud")));
    assertTrue(cloud.store().getEvent("evt-crash").isPresent());

    // A failed pair keeps its backoff across a restart and is retried once it elapses.
    cloud.close();
    running.remove(cloud);
    onprem.emit(event("evt-late", null));
    await("evt-late failed", () -> "failed".equals(status(onprem, "evt-late", "cloud")));
    onprem.close();
    running.remove(onprem);
    EventdRuntime cloud2 = cloud(port);
    EventdRuntime onprem2 = onprem(port, false);
    assertEquals(1, onprem2.runOutboxPass(GROUP).backedOff());
    clock.advance(Duration.ofSeconds(11));
    PassResult r = onprem2.runOutboxPass(GROUP);
    assertEquals(1, r.delivered());
    assertTrue(cloud2.store().getEvent("evt-late").isPresent());
  }

  @Test
  void keyRotationByReload() throws Exception {
    EventdRuntime cloud = cloud(0);
    int port = cloud.receiverAddress(GROUP).orElseThrow().getPort();
    EventdRuntime onprem = onprem(port, false);
    Path newKey = dir.resolve("new.key");
    Files.writeString(newKey, "a-brand-new-secret-of-32-bytes!!");
    String rotated = """
        apiVersion: federation.routerd.net/v1alpha1
        kind: EventGroup
        metadata: {name: cloudedge}
        spec:
          nodeName: cloud
          auth: {mode: hmac, secretFile: %s, previousSecretFiles: [%s]}
        """.formatted(newKey, secret);
    ReloadResult rr = cloud.reload(config(rotated));
    assertEquals(List.of(GROUP), rr.updated());
    onprem.emit(event("signed-with-old", null));
    await("old key still accepted", () -> "delivered".equals(status(onprem, "signed-with-old", "cloud")));
    // Once the sender rotates, the new key is accepted too; the old one can then be dropped.
    onprem.reload(config(group("onprem", "").replace(secret.toString(), newKey.toString())
        + peer("cloud", "http://127.0.0.1:" + port)));
    cloud.reload(config(rotated.replace(", previousSecretFiles: [" + secret + "]", "")));
    onprem.emit(event("signed-with-new", null));
    await("new key accepted", () -> "delivered".equals(status(onprem, "signed-with-new", "cloud")));
  }

  @Test
  void endpointChangeByReload() throws Exception {
    EventdRuntime cloud = cloud(0);
    int port = cloud.receiverAddress(GROUP).orElseThrow().getPort();
    EventdRuntime onprem = onprem(1, false);
    onprem.emit(event("evt-moved", null));
    await("failed against the wrong endpoint", () -> "failed".equals(status(onprem, "evt-moved", "cloud")));
    onprem.reload(config(group("onprem", "") + peer("cloud", "http://127.0.0.1:" + port + "/")));
    assertEquals(1, onprem.retryFailedNow(GROUP, "cloud").pass().delivered());
    assertTrue(cloud.store().getEvent("evt-moved").isPresent());
  }

  @Test
  void anEventRecordedByAnotherProcessIsPushedWithoutWaitingForTheTick() throws Exception {
    EventdRuntime cloud = cloud(0);
    int port = cloud.receiverAddress(GROUP).orElseThrow().getPort();
    String node = """
        ---
        apiVersion: cloudedge.dev/v1alpha1
        kind: EventNode
        metadata: {name: onprem}
        spec: {pushInterval: 1h}
        """;
    EventdRuntime onprem = EventdRuntime.start(EventdOptions.builder(
            config(group("onprem", "") + peer("cloud", "http://127.0.0.1:" + port) + node), dir.resolve("onprem.db"))
        .clock(clock).backgroundLoops(true).build());
    running.add(onprem);
    // The first tick runs at start; wait for it so only the watcher can deliver what follows.
    Thread.sleep(300);
    // What `cloudedge federation event emit` does: its own connection to the same file.
    try (FederationStore other = FederationStore.open(dir.resolve("onprem.db"))) {
      other.recordEvent(new FederationEvent("cli-1", GROUP, "onprem", TYPE, "10.88.60.9/32", "", Map.of(),
          clock.instant(), null), clock.instant());
    }
    await("cli-1 delivered long before the 1h tick", () -> cloud.store().getEvent("cli-1").isPresent());
  }

  @Test
  void startupFailuresNameTheCulprit() throws Exception {
    Path missing = dir.resolve("missing.key");
    EventdException e = assertThrows(EventdException.class, () -> EventdRuntime.start(
        config(group("n", "").replace(secret.toString(), missing.toString())), dir.resolve("a.db")));
    assertEquals("EventGroup cloudedge: read secret: open " + missing + ": no such file or directory", e.getMessage());

    Path empty = dir.resolve("empty.key");
    Files.writeString(empty, "\n");
    e = assertThrows(EventdException.class, () -> EventdRuntime.start(
        config(group("n", "").replace(secret.toString(), empty.toString())), dir.resolve("a.db")));
    assertEquals("EventGroup cloudedge: empty secret file " + empty, e.getMessage());

    Path corrupt = dir.resolve("corrupt.db");
    Files.writeString(corrupt, "this is not a database, just text that is long enough to have a header........");
    e = assertThrows(EventdException.class, () -> EventdRuntime.start(config(group("n", "")), corrupt));
    assertTrue(e.getMessage().startsWith("open state store " + corrupt), e.getMessage());

    EventdRuntime cloud = cloud(0);
    int port = cloud.receiverAddress(GROUP).orElseThrow().getPort();
    e = assertThrows(EventdException.class, () -> EventdRuntime.start(EventdOptions.builder(
        config(group("other", "")), dir.resolve("b.db")).listen(GROUP, new InetSocketAddress("127.0.0.1", port)).build()));
    assertEquals("EventGroup cloudedge: listen on 127.0.0.1:" + port + ": address already in use", e.getMessage());
    assertFalse(e.getMessage().contains("0123456789abcdef"));

    IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
        () -> cloud.emit(new FederationEvent("x", "nope", "", "t", "", "", Map.of(), null, null)));
    assertTrue(bad.getMessage().contains("\"nope\" is not hosted"), bad.getMessage());
    bad = assertThrows(IllegalArgumentException.class,
        () -> cloud.emit(new FederationEvent(" ", GROUP, "", "t", "", "", Map.of(), null, null)));
    assertEquals("federation event id is required", bad.getMessage());
  }

  /** Records what the runtime tells an extension, and when. */
  static class RecordingExtension implements EventdExtension {
    final List<String> calls = new java.util.concurrent.CopyOnWriteArrayList<>();
    volatile EventdContext context;

    @Override
    public String name() {
      return "recorder";
    }

    @Override
    public void start(EventdContext ctx) {
      context = ctx;
      calls.add("start");
    }

    @Override
    public void onEventsStored(List<FederationEvent> events) {
      events.forEach(e -> calls.add("stored " + e.id()));
    }

    @Override
    public void onConfigReloaded(FederationConfig config) {
      calls.add("reloaded " + config.eventGroups().size());
    }

    @Override
    public void close() {
      calls.add("close open=" + !context.store().path().toString().isEmpty());
    }
  }

  @Test
  void extensionsAreStartedToldAboutStoredEventsAndClosed() throws Exception {
    RecordingExtension ext = new RecordingExtension();
    EventdRuntime cloud = EventdRuntime.start(EventdOptions.builder(config(group("cloud", "")), dir.resolve("x.db"))
        .clock(clock).backgroundLoops(false).listen(GROUP, new InetSocketAddress("127.0.0.1", 0)).extension(ext).build());
    running.add(cloud);
    assertEquals("cloud", ext.context.nodeName());
    int port = cloud.receiverAddress(GROUP).orElseThrow().getPort();
    EventdRuntime onprem = onprem(port, false);
    onprem.emit(event("pushed", null));
    cloud.emit(event("local", null));
    await("both stored", () -> ext.calls.contains("stored pushed") && ext.calls.contains("stored local"));
    cloud.reload(config(group("cloud", "")));
    assertTrue(ext.calls.contains("reloaded 1"), ext.calls.toString());
    cloud.close();
    running.remove(cloud);
    assertEquals("start", ext.calls.get(0));
    assertTrue(ext.calls.get(ext.calls.size() - 1).startsWith("close"), ext.calls.toString());
    RecordingExtension failing = new RecordingExtension() {
      @Override
      public void start(EventdContext ctx) {
        throw new IllegalStateException("plugin directory missing");
      }
    };
    EventdException e = assertThrows(EventdException.class, () -> EventdRuntime.start(EventdOptions.builder(
        config(group("cloud", "")), dir.resolve("y.db")).extension(failing).build()));
    assertEquals("start extension recorder: plugin directory missing", e.getMessage());
  }

  @Test
  void emptyListenAddressBindsLoopback() throws Exception {
    int port;
    try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
      port = s.getLocalPort();
    }
    String yaml = group("cloud", "") + "  listen: {port: " + port + "}\n";
    EventdRuntime rt = EventdRuntime.start(EventdOptions.builder(config(yaml), dir.resolve("l.db"))
        .backgroundLoops(false).build());
    running.add(rt);
    InetSocketAddress a = rt.receiverAddress(GROUP).orElseThrow();
    assertTrue(a.getAddress().isLoopbackAddress(), a.toString());
    assertEquals(port, a.getPort());
  }
}
