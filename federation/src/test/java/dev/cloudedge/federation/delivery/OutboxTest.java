package dev.cloudedge.federation.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cloudedge.federation.config.Kinds;
import dev.cloudedge.federation.config.Resource;
import dev.cloudedge.federation.event.FederationEvent;
import dev.cloudedge.federation.metrics.EventdMetrics;
import dev.cloudedge.federation.metrics.MetricValues;
import dev.cloudedge.federation.metrics.Telemetry;
import dev.cloudedge.federation.security.GroupKeys;
import dev.cloudedge.federation.security.Secret;
import dev.cloudedge.federation.store.DeliveryRecord;
import dev.cloudedge.federation.store.FederationStore;
import dev.cloudedge.federation.store.GroupCommitWriter;
import dev.cloudedge.federation.transport.PushClient;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Outbox semantics against real SQLite and real HTTP (reference §3, §9 vectors 10–15). */
class OutboxTest {
  static final Secret KEY = Secret.ofText("0123456789abcdef0123456789abcdef");
  static final Instant T0 = Instant.parse("2026-06-17T12:00:00Z");
  static final String GROUP = "cloudedge";
  static final String TYPE = FederationEvent.OBSERVED_IPV4_TYPE;

  @TempDir Path dir;
  MutableClock clock = new MutableClock(T0);
  FederationStore store;
  GroupCommitWriter writer;
  Telemetry telemetry;
  ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(1);
  ExecutorService worker = Executors.newCachedThreadPool();
  PushClient client;
  io.netty.channel.EventLoopGroup loops = new io.netty.channel.MultiThreadIoEventLoopGroup(1,
      io.netty.channel.nio.NioIoHandler.newFactory());
  List<AutoCloseable> closers = new ArrayList<>();

  @BeforeEach
  void setUp() {
    store = FederationStore.open(dir.resolve("sender.db"));
    writer = new GroupCommitWriter(store, clock, evs -> { });
    telemetry = Telemetry.local();
    client = new PushClient(clock, Duration.ofSeconds(3), loops);
  }

  @AfterEach
  void tearDown() throws Exception {
    for (AutoCloseable c : closers) {
      c.close();
    }
    writer.close();
    store.close();
    telemetry.close();
    client.close();
    loops.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
    scheduler.shutdownNow();
    worker.shutdownNow();
  }

  static Kinds.EventPeer peer(String name, String endpoint, List<String> types, List<String> prefixes) {
    return new Kinds.EventPeer(new Resource(Kinds.FEDERATION_API_VERSION, Kinds.EVENT_PEER, name, null, "test"),
        new Kinds.EventPeerSpec(GROUP, name, "", endpoint, types, prefixes));
  }

  Outbox outbox(int maxAttempts, Kinds.EventPeer... peers) {
    RetryPolicy retry = new RetryPolicy(maxAttempts, Duration.ofMillis(1), Duration.ofMillis(2), Duration.ofSeconds(10),
        Duration.ofMinutes(5));
    Outbox o = new Outbox(new Outbox.Settings(GROUP, "onprem", List.of(peers), retry, GroupKeys.single(KEY)), store,
        writer, client, telemetry.metrics(), clock, scheduler, worker, DeliveryListener.NONE, 8);
    closers.add(0, o);
    return o;
  }

  ScriptedPeer scripted() throws Exception {
    ScriptedPeer p = new ScriptedPeer(KEY);
    closers.add(p);
    return p;
  }

  static FederationEvent ev(String id, String source, Instant observed, Instant expires) {
    return new FederationEvent(id, GROUP, source, TYPE, "10.88.60.9/32", id, Map.of("mac", "aa:bb:cc:dd:ee:ff"),
        observed, expires);
  }

  void seed(FederationEvent e) {
    store.recordEvent(e, clock.instant());
  }

  DeliveryRecord row(String id, String peer) {
    List<DeliveryRecord> rows = store.listDeliveries(id, peer);
    assertEquals(1, rows.size(), "rows of " + id + " -> " + peer);
    return rows.get(0);
  }

  long counter(String name, Map<String, String> attrs) {
    return MetricValues.counter(telemetry, name, attrs);
  }

  @Test
  void vector10AlwaysFailingPeer() throws Exception {
    ScriptedPeer p = scripted().otherwise(500);
    Outbox o = outbox(3, peer("cloud", p.endpoint(), List.of(), List.of()));
    seed(ev("evt-1", "onprem", T0, null));
    PassResult r = o.runPass();
    assertEquals(1, r.failed());
    DeliveryRecord d = row("evt-1", "cloud");
    assertEquals("failed", d.status());
    assertEquals(3, d.attempts());
    assertEquals("peer returned HTTP 500", d.lastError());
    assertNull(d.deliveredAt());
    assertEquals(1, d.failures());
    assertEquals(3, p.posts.get());
    assertTrue(p.requests.stream().allMatch(ScriptedPeer.Request::signatureValid));
    assertEquals("application/json", p.requests.get(0).contentType());
    assertEquals(1, counter(EventdMetrics.DELIVERY_TOTAL, Map.of("status", "failed", "peer", "cloud", "event_type", TYPE)));
    assertEquals(3, counter(EventdMetrics.DELIVERY_ATTEMPTS_TOTAL, Map.of("status", "failed")));
    assertEquals(0, MetricValues.histogramCount(telemetry, EventdMetrics.DELIVERY_LAG, Map.of()));
  }

  @Test
  void vector11RetryThenSuccess() throws Exception {
    ScriptedPeer p = scripted().then(500, 500).otherwise(200);
    Outbox o = outbox(3, peer("cloud", p.endpoint(), List.of(), List.of()));
    seed(ev("evt-1", "onprem", T0, null));
    clock.advance(Duration.ofSeconds(2));
    o.runPass();
    DeliveryRecord d = row("evt-1", "cloud");
    assertEquals("delivered", d.status());
    assertEquals(3, d.attempts());
    assertEquals("", d.lastError());
    assertEquals(1, counter(EventdMetrics.DELIVERY_TOTAL, Map.of("status", "delivered")));
    assertEquals(3, counter(EventdMetrics.DELIVERY_ATTEMPTS_TOTAL, Map.of("status", "delivered")));
    assertEquals(1, MetricValues.histogramCount(telemetry, EventdMetrics.DELIVERY_LAG, Map.of("peer", "cloud")));
  }

  @Test
  void vector12PartitionRecoveryWithAcrossPassBackoff() throws Exception {
    ScriptedPeer p = scripted().then(503).otherwise(200);
    Outbox o = outbox(1, peer("cloud", p.endpoint(), List.of(), List.of()));
    seed(ev("evt-1", "onprem", T0, null));
    clock.set(T0.plusSeconds(10));
    o.runPass();
    DeliveryRecord failed = row("evt-1", "cloud");
    assertEquals("failed", failed.status());
    assertEquals(1, failed.attempts());
    // The first failed pass backs off between half and all of the 10 s base.
    assertNotNull(failed.nextAttemptAt());
    long wait = Duration.between(T0.plusSeconds(10), failed.nextAttemptAt()).toMillis();
    assertTrue(wait >= 5000 && wait <= 10000, "backoff " + wait);
    clock.set(T0.plusSeconds(12));
    PassResult skipped = o.runPass();
    assertEquals(1, skipped.backedOff());
    assertEquals(1, p.posts.get(), "a backed-off pair is not hammered");
    clock.set(T0.plusSeconds(30));
    o.runPass();
    DeliveryRecord d = row("evt-1", "cloud");
    assertEquals("delivered", d.status());
    assertEquals(1, d.attempts());
    assertEquals(30, Duration.between(T0, d.deliveredAt()).getSeconds());
    assertEquals(0, d.failures());
    assertNull(d.nextAttemptAt());
  }

  static FederationEvent at(String id, String subject, Instant expires) {
    return new FederationEvent(id, GROUP, "onprem", TYPE, subject, id, Map.of("mac", "aa:bb:cc:dd:ee:ff"), T0, expires);
  }

  /**
   * After the first (full) pass, a pass reads only rows inserted or re-recorded since the previous
   * one and the pairs still pending or failed, so its cost follows the new work, not the state
   * file; a pair whose row went missing is found again by the full scan a config change asks for.
   */
  @Test
  void incrementalPassesFindNewRefreshedAndFailedRowsAndAConfigChangeScansAll() throws Exception {
    ScriptedPeer steady = scripted();
    ScriptedPeer flaky = scripted().then(503, 503, 503).otherwise(200);
    Outbox o = outbox(1, peer("steady", steady.endpoint(), List.of(), List.of("10.1.")),
        peer("flaky", flaky.endpoint(), List.of(), List.of("10.2.")));
    seed(at("f", "10.2.0.1/32", null));
    o.runPass();
    assertEquals("failed", row("f", "flaky").status());
    clock.set(T0.plusSeconds(20));
    o.runPass();
    clock.set(T0.plusSeconds(30));
    seed(at("n", "10.1.0.1/32", null));
    clock.set(T0.plusSeconds(60));
    o.runPass();
    assertEquals(3, flaky.posts.get());
    assertEquals(1, steady.posts.get());
    clock.set(T0.plusSeconds(100));
    seed(at("m", "10.1.0.2/32", T0.plusSeconds(3600)));
    clock.set(T0.plusSeconds(200));
    o.runPass();
    // f was recorded long before the previous pass and its rowid is old: only its failed row finds it.
    assertEquals("delivered", row("f", "flaky").status());
    assertEquals(4, flaky.posts.get());
    assertEquals(2, steady.posts.get(), "m is new");
    try (java.sql.Connection c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + store.path());
        java.sql.Statement st = c.createStatement()) {
      st.executeUpdate("DELETE FROM event_deliveries WHERE event_id = 'n'");
    }
    o.runPass();
    assertEquals(2, steady.posts.get(), "an incremental pass does not read old rows without a pending or failed pair");
    o.update(o.settings());
    o.runPass();
    assertEquals(3, steady.posts.get(), "the full scan after a config change finds the pair without a row");
    assertEquals("delivered", row("n", "steady").status());
    clock.set(T0.plusSeconds(300));
    seed(at("m", "10.1.0.2/32", T0.plusSeconds(7200)));
    PassResult r = o.runPass();
    assertEquals(1, r.staleTtl(), "a re-record keeps its rowid; its recorded_at finds it");
    assertEquals(4, steady.posts.get());
    assertEquals(T0.plusSeconds(7200), row("m", "steady").eventExpiresAt());
  }

  @Test
  void resetBackoffRetriesAtOnce() throws Exception {
    ScriptedPeer p = scripted().then(500).otherwise(200);
    Outbox o = outbox(1, peer("cloud", p.endpoint(), List.of(), List.of()));
    seed(ev("evt-1", "onprem", T0, null));
    o.runPass();
    assertEquals(1, o.runPass().backedOff());
    assertEquals(1, store.resetBackoff(GROUP, "cloud"));
    PassResult r = o.runPass();
    assertEquals(1, r.delivered());
    assertEquals("delivered", row("evt-1", "cloud").status());
  }

  @Test
  void vector13LoopGuard() throws Exception {
    ScriptedPeer p = scripted();
    Outbox o = outbox(3, peer("cloud", p.endpoint(), List.of(), List.of()));
    seed(ev("local-1", "onprem", T0, null));
    seed(ev("remote-1", "some-peer", T0, null));
    o.runPass();
    assertEquals(1, p.posts.get());
    assertEquals("delivered", row("local-1", "cloud").status());
    assertEquals(0, store.listDeliveries("remote-1", "").size());
  }

  @Test
  void vector14ExpiredSkipAndFilters() throws Exception {
    ScriptedPeer p = scripted();
    ScriptedPeer filtered = scripted();
    Outbox o = outbox(3, peer("cloud", p.endpoint(), List.of(), List.of()),
        peer("other", filtered.endpoint(), List.of("some.other.type"), List.of()),
        peer("prefix", filtered.endpoint(), List.of(TYPE), List.of("192.168.")));
    seed(ev("expired-1", "onprem", T0.minusSeconds(600), T0.minusSeconds(60)));
    seed(ev("fresh-1", "onprem", T0, T0.plusSeconds(1800)));
    o.runPass();
    assertEquals(1, p.posts.get());
    assertEquals(0, store.listDeliveries("expired-1", "").size());
    assertEquals("delivered", row("fresh-1", "cloud").status());
    assertEquals(0, filtered.posts.get(), "filtered-out peers get no POST");
    assertEquals(0, store.listDeliveries("fresh-1", "other").size(), "and no row");
    assertEquals(1, store.countEvents(GROUP) - 1, "the expired event stays in the store");
    assertEquals(0, o.runPass().eventsConsidered(), "delivered and filtered-out events are not scanned again");
    seed(ev("prefixed", "onprem", T0, null).withExpiresAt(null));
    store.update("UPDATE federation_events SET subject = '192.168.1.7/32' WHERE id = 'prefixed'");
    store.update("INSERT INTO federation_events(id, group_name, source_node, type, subject, dedupe_key, payload,"
        + " observed_at, recorded_at) VALUES ('upper', ?, 'onprem', 'T', '192.168.1.8/32', 'upper', '{}', ?, ?)",
        GROUP, T0.getEpochSecond(), T0.getEpochSecond());
    PassResult r = o.runPass();
    assertEquals(2, r.eventsConsidered(), "prefixed (cloud + prefix peer) and upper (cloud only)");
    assertEquals(1, filtered.posts.get(), "only the exact type with the prefix reaches the prefix peer");
    assertEquals("delivered", row("prefixed", "prefix").status());
  }

  @Test
  void vector15TtlRefreshSequence() throws Exception {
    ScriptedPeer p = scripted();
    Outbox o = outbox(3, peer("cloud", p.endpoint(), List.of(), List.of()));
    seed(ev("shard-1", "rr-node", T0, T0.plusSeconds(600)).withObservedAt(T0));
    // The node is onprem; re-seed with our own sourceNode (source_node is overwritten on re-record).
    seed(ev("shard-1", "onprem", T0, T0.plusSeconds(600)));
    o.runPass();
    assertEquals(1, p.posts.get());
    assertEquals(T0.plusSeconds(600), row("shard-1", "cloud").eventExpiresAt());
    o.runPass();
    assertEquals(1, p.posts.get(), "nothing changed: no POST");
    seed(ev("shard-1", "onprem", T0, T0.plusSeconds(1200)));
    PassResult r = o.runPass();
    assertEquals(1, r.staleTtl());
    assertEquals(2, p.posts.get());
    DeliveryRecord d = row("shard-1", "cloud");
    assertEquals("delivered", d.status());
    assertEquals(T0.plusSeconds(1200), d.eventExpiresAt());
    assertEquals(1, counter(EventdMetrics.STALE_TTL_TOTAL, Map.of("peer", "cloud")));
    assertEquals(1, counter(EventdMetrics.REPUSH_TOTAL, Map.of("peer", "cloud")));
    assertEquals(2, counter(EventdMetrics.DELIVERY_TOTAL, Map.of("status", "delivered")));
    String body = new String(p.requests.get(1).body());
    assertTrue(body.contains("\"expiresAt\":\"2026-06-17T12:20:00Z\""), body);
  }

  @Test
  void oneDeadPeerStallsNoOther() throws Exception {
    ScriptedPeer healthy = scripted();
    try (ServerSocket blackHole = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
      Outbox o = outbox(1, peer("dead", "http://127.0.0.1:" + blackHole.getLocalPort(), List.of(), List.of()),
          peer("cloud", healthy.endpoint(), List.of(), List.of()));
      FederationEvent e = ev("evt-now", "onprem", T0, null);
      writer.record(e, o.enqueueOps(e)).join();
      long start = System.nanoTime();
      var push = o.pushNow(e, false);
      while (!"delivered".equals(row("evt-now", "cloud").status())) {
        assertTrue(System.nanoTime() - start < Duration.ofSeconds(2).toNanos(), "healthy peer waited for the dead one");
        Thread.sleep(5);
      }
      assertFalse(push.isDone(), "the dead peer is still hanging");
      assertEquals("pending", row("evt-now", "dead").status());
      push.join();
      DeliveryRecord dead = row("evt-now", "dead");
      assertEquals("failed", dead.status());
      assertTrue(dead.lastError().startsWith("Post \"http://127.0.0.1:"), dead.lastError());
    }
  }

  @Test
  void refusedConnectionErrorText() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    Outbox o = outbox(1, peer("cloud", "http://127.0.0.1:" + port + "/", List.of(), List.of()));
    seed(ev("evt-1", "onprem", T0, null));
    o.runPass();
    assertEquals("Post \"http://127.0.0.1:" + port + "/v1/events\": dial tcp 127.0.0.1:" + port
        + ": connect: connection refused", row("evt-1", "cloud").lastError());
  }

  @Test
  void tickMetricsAreRecordedWithoutPeersOrEvents() {
    Outbox o = outbox(3);
    o.runPass();
    o.tick();
    assertEquals(2, counter(EventdMetrics.TICK_TOTAL, Map.of("group", GROUP)));
    assertEquals(0, counter(EventdMetrics.TICK_ERRORS_TOTAL, Map.of("group", GROUP)));
    assertEquals(2, MetricValues.histogramCount(telemetry, EventdMetrics.TICK_DURATION, Map.of("group", GROUP)));
  }

  @Test
  void prunerByAgeAndCount() {
    for (int i = 1; i <= 5; i++) {
      seed(ev("e" + i, "onprem", T0.minusSeconds(60L * (6 - i)), null));
    }
    seed(ev("old", "onprem", T0.minus(Duration.ofHours(2)), null));
    Pruner byAge = new Pruner(store, telemetry.metrics(), clock,
        () -> new Pruner.Retention(GROUP, Duration.ofHours(1), 0));
    assertEquals(1, byAge.pruneOnce());
    Pruner byCount = new Pruner(store, telemetry.metrics(), clock, () -> new Pruner.Retention(GROUP, Duration.ZERO, 2));
    assertEquals(3, byCount.pruneOnce());
    assertEquals(0, byCount.pruneOnce());
    assertEquals(List.of("e4", "e5"), store.listEvents(GROUP, true, T0.getEpochSecond()).stream()
        .map(r -> r.event().id()).toList());
    assertEquals(3, counter(EventdMetrics.PRUNER_TICK_TOTAL, Map.of("group", GROUP)));
    assertEquals(4, counter(EventdMetrics.PRUNER_PRUNED_TOTAL, Map.of("group", GROUP)));
  }

  @Test
  void metricsCarryOnlyAllowedLabels() throws Exception {
    ScriptedPeer p = scripted().then(500);
    Outbox o = outbox(2, peer("cloud", p.endpoint(), List.of(), List.of()));
    seed(ev("evt-1", "onprem", T0, T0.plusSeconds(60)));
    o.runPass();
    telemetry.metrics().rejected(GROUP, "bad_signature");
    telemetry.metrics().prunerTick(GROUP, 1, false);
    for (var m : telemetry.prometheus().collect()) {
      for (var point : m.getData().getPoints()) {
        point.getAttributes().forEach((k, v) ->
            assertTrue(EventdMetrics.ALLOWED_KEYS.contains(k), m.getName() + " carries " + k.getKey()));
      }
    }
    String text = telemetry.prometheus().scrape();
    assertTrue(text.contains("# TYPE routerd_eventd_outbox_delivery_lag_seconds histogram"), text);
    assertTrue(text.contains("routerd_eventd_outbox_delivery_lag_seconds_bucket{event_type=\"" + TYPE
        + "\",group=\"cloudedge\",peer=\"cloud\",le=\"5\"} 1"), text);
    assertFalse(text.contains("evt-1"), "no event ids in metrics");
  }
}
