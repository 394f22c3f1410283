package dev.cloudedge.federation.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cloudedge.federation.event.FederationEvent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reference §4 and test vectors 16-20 and 22 against a real SQLite file. */
class FederationStoreTest {
  static final Instant NOW = Instant.parse("2026-05-30T12:00:00Z");
  static final long NOW_UNIX = NOW.getEpochSecond();
  static final String OBS = FederationEvent.OBSERVED_IPV4_TYPE;

  @TempDir Path dir;
  FederationStore store;

  @BeforeEach
  void open() {
    store = FederationStore.open(dir.resolve("state.db"));
  }

  @AfterEach
  void close() {
    store.close();
  }

  static FederationEvent ev(String id, String group, Instant observed, Instant expires) {
    return new FederationEvent(id, group, "onprem", OBS, "10.88.60.9/32", "", Map.of("mac", "aa:bb:cc:dd:ee:ff"),
        observed, expires);
  }

  private List<String> ids(List<EventRecord> rows) {
    return rows.stream().map(r -> r.event().id()).toList();
  }

  private List<String> allIds() {
    return ids(store.listEvents("", true, NOW_UNIX));
  }

  // ------------------------------------------------------------ vector 16

  @Test
  void recordingTheSameEventTwiceKeepsOneRow() {
    FederationEvent e = ev("evt-1", "cloudedge", NOW, null);
    assertFalse(store.recordEvent(e, NOW));
    assertTrue(store.recordEvent(e, NOW.plusSeconds(5)), "the second record is a duplicate");
    assertEquals(1, store.countEvents("cloudedge"));
    EventRecord r = store.getEvent("evt-1").orElseThrow();
    assertEquals("evt-1", r.event().dedupeKey(), "dedupeKey defaults to the id");
    assertEquals(Map.of("mac", "aa:bb:cc:dd:ee:ff"), r.event().payload());
    assertEquals(NOW, r.event().observedAt());
    assertNull(r.event().expiresAt());
    assertEquals(NOW.plusSeconds(5), r.recordedAt(), "recorded_at is refreshed by the upsert");
  }

  @Test
  void duplicateIsPerGroupAndStorageIsPerId() {
    store.recordEvent(ev("x", "g1", NOW, null), NOW);
    assertFalse(store.recordEvent(ev("x", "g2", NOW, null), NOW), "same id in another group is not a duplicate");
    assertEquals("g1", store.getEvent("x").orElseThrow().event().group(), "group is never changed by a re-record");
  }

  @Test
  void storeDefaultsAndTruncation() {
    FederationEvent e = new FederationEvent("a", "g", "", "t", "", "", Map.of(), null,
        NOW.plusMillis(1500));
    store.recordEvent(e, NOW.plusMillis(700));
    EventRecord r = store.getEvent("a").orElseThrow();
    assertEquals(NOW, r.event().observedAt(), "a zero observedAt is stamped with the store's now, whole seconds");
    assertEquals(NOW.plusSeconds(1), r.event().expiresAt(), "times are stored as whole unix seconds");
    assertEquals(Map.of(), r.event().payload());
    String payload = store.query("SELECT payload FROM federation_events WHERE id = 'a'", List.of(),
        rs -> rs.getString(1)).get(0);
    assertEquals("{}", payload, "an empty payload is stored as {}");
  }

  @Test
  void storeValidatesWithoutTrimming() {
    assertEquals("federation event id is required", assertThrows(IllegalArgumentException.class,
        () -> store.recordEvent(new FederationEvent("", "g", "", "t", "", "", null, null, null), NOW)).getMessage());
    assertEquals("federation event group is required", assertThrows(IllegalArgumentException.class,
        () -> store.recordEvent(new FederationEvent("a", "", "", "t", "", "", null, null, null), NOW)).getMessage());
    assertEquals("federation event type is required", assertThrows(IllegalArgumentException.class,
        () -> store.recordEvent(new FederationEvent("a", "g", "", "", "", "", null, null, null), NOW)).getMessage());
    assertEquals(0, allIds().size());
  }

  @Test
  void aBatchIsAllOrNothing() {
    FederationEvent good = ev("good", "g", NOW, null);
    FederationEvent bad = new FederationEvent("bad", "g", "", "", "", "", null, null, null);
    assertThrows(IllegalArgumentException.class, () -> store.recordEvents(List.of(good, bad), NOW));
    assertEquals(List.of(), allIds());
    assertEquals(List.of(false, false, true),
        store.recordEvents(List.of(good, ev("other", "g", NOW, null), good), NOW));
  }

  @Test
  void epochExpiryIsStoredAsZeroAndMeansNone() {
    store.recordEvent(ev("epoch", "g", NOW, Instant.EPOCH), NOW);
    assertNull(store.getEvent("epoch").orElseThrow().event().expiresAt());
    assertEquals(List.of("epoch"), ids(store.listEvents("g", false, NOW_UNIX)), "0 means never expires");
  }

  // ------------------------------------------------------------ vector 17

  @Test
  void listFilter() {
    store.recordEvent(ev("d", "g1", NOW, NOW.plusSeconds(3600)), NOW);
    store.recordEvent(ev("a", "g1", NOW.minusSeconds(180), null), NOW);
    store.recordEvent(ev("c", "g2", NOW.minusSeconds(60), null), NOW);
    store.recordEvent(ev("b", "g1", NOW.minusSeconds(120), NOW.minusSeconds(60)), NOW);
    assertEquals(List.of("a", "d"), ids(store.listEvents("g1", false, NOW_UNIX)));
    assertEquals(List.of("a", "b", "d"), ids(store.listEvents("g1", true, NOW_UNIX)));
    assertEquals(List.of("a", "c", "d"), ids(store.listEvents("", false, NOW_UNIX)));
    assertEquals(List.of(), store.listEvents("no-such-group", true, NOW_UNIX));
  }

  @Test
  void anEventExpiringThisSecondIsStillListed() {
    store.recordEvent(ev("edge", "g", NOW.minusSeconds(10), NOW), NOW);
    assertEquals(List.of("edge"), ids(store.listEvents("g", false, NOW_UNIX)));
    assertEquals(List.of(), ids(store.listEvents("g", false, NOW_UNIX + 1)));
  }

  // ------------------------------------------------------------ vector 18

  @Test
  void pruneByAgeIsStrictAndPerGroup() {
    store.recordEvent(ev("old", "g1", NOW.minus(Duration.ofHours(2)), null), NOW);
    store.recordEvent(ev("mid", "g1", NOW.minus(Duration.ofMinutes(30)), null), NOW);
    store.recordEvent(ev("new", "g1", NOW.minus(Duration.ofMinutes(5)), null), NOW);
    store.recordEvent(ev("boundary", "g1", NOW.minus(Duration.ofHours(1)), null), NOW);
    store.recordEvent(ev("other", "g2", NOW.minus(Duration.ofHours(2)), null), NOW);
    assertEquals(1, store.pruneEvents("g1", Duration.ofHours(1), 0, NOW));
    assertEquals(List.of("boundary", "mid", "new"), ids(store.listEvents("g1", true, NOW_UNIX)),
        "observed_at == now - maxAge is kept (strict <)");
    assertEquals(List.of("other"), ids(store.listEvents("g2", true, NOW_UNIX)));
  }

  @Test
  void pruneByCountKeepsTheNewest() {
    for (int i = 1; i <= 5; i++) {
      store.recordEvent(ev("e" + i, "g", NOW.minusSeconds(60L * (5 - i)), null), NOW);
    }
    store.enqueueDelivery("e1", "peer");
    assertEquals(3, store.pruneEvents("g", Duration.ZERO, 2, NOW));
    assertEquals(List.of("e4", "e5"), allIds());
    assertEquals(1, store.listDeliveries("e1", "").size(), "delivery rows are never pruned");
  }

  @Test
  void pruneByCountBreaksTiesById() {
    for (String id : List.of("b", "a", "c")) {
      store.recordEvent(ev(id, "g", NOW, null), NOW);
    }
    assertEquals(1, store.pruneEvents("g", null, 2, NOW));
    assertEquals(List.of("b", "c"), allIds());
  }

  @Test
  void anEmptyGroupNeverAppliesTheCountCap() {
    store.recordEvent(ev("a", "g", NOW, null), NOW);
    store.recordEvent(ev("b", "g", NOW, null), NOW);
    assertEquals(0, store.pruneEvents("", Duration.ZERO, 1, NOW));
    assertEquals(2, allIds().size());
  }

  @Test
  void pruneCombinedAgeThenCount() {
    store.recordEvent(ev("old-1", "g", NOW.minus(Duration.ofHours(48)), null), NOW);
    store.recordEvent(ev("old-2", "g", NOW.minus(Duration.ofHours(48)), null), NOW);
    for (int i = 1; i <= 3; i++) {
      store.recordEvent(ev("recent-" + i, "g", NOW.minusSeconds(60L * (3 - i)), null), NOW);
    }
    assertEquals(3, store.pruneEvents("g", Duration.ofHours(24), 2, NOW));
    List<String> left = allIds();
    assertEquals(List.of("recent-2", "recent-3"), left);
  }

  // ------------------------------------------------------------ vector 19

  private EventRecord rerecord(Long obs1, Long exp1, Long obs2, Long exp2) {
    FederationEvent first = new FederationEvent("u", "g", "node-a", OBS, "10.0.0.1/32", "dk-1", Map.of("k", "v1"),
        Instant.ofEpochSecond(obs1), exp1 == null ? null : Instant.ofEpochSecond(exp1));
    FederationEvent second = new FederationEvent("u", "g2", "node-b", "other.type", "10.0.0.2/32", "dk-2",
        Map.of("k", "v2"), Instant.ofEpochSecond(obs2), exp2 == null ? null : Instant.ofEpochSecond(exp2));
    store.recordEvent(first, NOW);
    store.recordEvent(second, NOW.plusSeconds(1));
    EventRecord r = store.getEvent("u").orElseThrow();
    assertEquals("node-b", r.event().sourceNode(), "source_node is overwritten");
    assertEquals("g", r.event().group());
    assertEquals(OBS, r.event().type());
    assertEquals("10.0.0.1/32", r.event().subject());
    assertEquals("dk-1", r.event().dedupeKey());
    assertEquals(Map.of("k", "v1"), r.event().payload());
    assertEquals(NOW.plusSeconds(1), r.recordedAt());
    return r;
  }

  private Long storedExpiry() {
    return store.query("SELECT expires_at FROM federation_events WHERE id = 'u'", List.of(), rs -> {
      long v = rs.getLong(1);
      return rs.wasNull() ? null : v;
    }).get(0);
  }

  @Test
  void upsertNullExpiryStaysNullEvenWhenReRecordedWithOne() {
    EventRecord r = rerecord(100L, null, 50L, 500L);
    assertEquals(Instant.ofEpochSecond(100), r.event().observedAt(), "observed_at never moves back");
    assertNull(storedExpiry());
  }

  @Test
  void upsertWithoutExpiryMakesTheRowNonExpiring() {
    rerecord(100L, 600L, 90L, null);
    assertNull(storedExpiry(), "SQLite MAX(x, NULL) is NULL");
  }

  @Test
  void upsertExpiryNeverShrinks() {
    rerecord(100L, 600L, 90L, 500L);
    assertEquals(600L, storedExpiry());
  }

  @Test
  void upsertExpiryAndObservationMoveForward() {
    EventRecord r = rerecord(100L, 600L, 200L, 1200L);
    assertEquals(1200L, storedExpiry());
    assertEquals(Instant.ofEpochSecond(200), r.event().observedAt());
  }

  @Test
  void sameDedupeKeyWithAnotherIdIsANewRowAndDoesNotRefreshTheOld() {
    store.recordEvent(new FederationEvent("a", "g", "", "t", "", "k", null, NOW, NOW.plusSeconds(60)), NOW);
    store.recordEvent(new FederationEvent("b", "g", "", "t", "", "k", null, NOW, NOW.plusSeconds(600)), NOW);
    assertEquals(List.of("a", "b"), allIds());
    assertEquals(NOW.plusSeconds(60), store.getEvent("a").orElseThrow().event().expiresAt());
  }

  // ------------------------------------------------------------ vector 20

  private static FederationEvent discovery(String id, Instant observed, String source) {
    return new FederationEvent(id, "cloudedge", "cloud", OBS, "10.0.0.9/32", "10.0.0.9",
        source == null ? Map.of() : Map.of("source", source), observed, null);
  }

  @Test
  void discoveryCompactionKeepsTheNewestPerDedupeKey() {
    for (int i = 0; i < 3; i++) {
      store.recordEvent(discovery("provider-discovery-" + i, NOW.plusSeconds(60L * i), "provider-discovery"), NOW);
    }
    store.enqueueDelivery("provider-discovery-0", "peer");
    store.recordEvent(discovery("manual-observed", NOW, null), NOW);
    assertEquals(List.of("manual-observed", "provider-discovery-2"), allIds().stream().sorted().toList());
    assertEquals(1, store.listDeliveries("provider-discovery-0", "").size(), "orphan delivery rows stay");
  }

  @Test
  void compactionAppliesToOnpremL2AndTrimmedSources() {
    store.recordEvent(discovery("l2-0", NOW, "onprem-l2-discovery"), NOW);
    store.recordEvent(discovery("l2-1", NOW.plusSeconds(1), " onprem-l2-discovery\n"), NOW);
    assertEquals(List.of("l2-1"), allIds());
  }

  @Test
  void compactionDoesNotApplyToOtherSourcesTypesOrGroups() {
    store.recordEvent(discovery("s-0", NOW, "manual"), NOW);
    store.recordEvent(discovery("s-1", NOW.plusSeconds(1), "manual"), NOW);
    store.recordEvent(new FederationEvent("t-0", "cloudedge", "", "other.type", "", "10.0.0.9",
        Map.of("source", "provider-discovery"), NOW, null), NOW);
    store.recordEvent(new FederationEvent("g-0", "elsewhere", "", OBS, "", "10.0.0.9",
        Map.of("source", "provider-discovery"), NOW, null), NOW);
    store.recordEvent(discovery("p-0", NOW.plusSeconds(2), "provider-discovery"), NOW);
    assertEquals(List.of("g-0", "p-0", "t-0"), allIds().stream().sorted().toList(),
        "p-0 compacts s-0/s-1 (same type, group and dedupeKey) but not other types or groups");
  }

  @Test
  void compactionKeepsTheNewestByObservationNotByArrival() {
    store.recordEvent(discovery("late-but-newer", NOW.plusSeconds(120), "provider-discovery"), NOW);
    store.recordEvent(discovery("arrives-last", NOW, "provider-discovery"), NOW);
    assertEquals(List.of("late-but-newer"), allIds());
  }

  // ------------------------------------------------------------ deliveries

  @Test
  void enqueueIsIdempotentAndNeverResetsADeliveredRow() {
    store.recordEvent(ev("e", "g", NOW, NOW.plusSeconds(600)), NOW);
    store.enqueueDelivery("e", "p");
    store.enqueueDelivery("e", "p");
    assertEquals(1, store.listDeliveries("e", "p").size());
    DeliveryRecord d = store.listDeliveries("e", "p").get(0);
    assertEquals(DeliveryRecord.PENDING, d.status());
    assertEquals(0, d.attempts());
    store.markDelivered("e", "p", 2, NOW.plusSeconds(3), NOW.plusSeconds(600), NOW.plusSeconds(3));
    store.enqueueDelivery("e", "p");
    d = store.listDeliveries("e", "p").get(0);
    assertEquals(DeliveryRecord.DELIVERED, d.status());
    assertEquals(2, d.attempts());
    assertEquals("", d.lastError());
    assertEquals(NOW.plusSeconds(3), d.deliveredAt());
    assertEquals(NOW.plusSeconds(600), d.eventExpiresAt());
  }

  @Test
  void failureClearsDeliveredAtButKeepsTheExpiry() {
    store.recordEvent(ev("e", "g", NOW, NOW.plusSeconds(600)), NOW);
    store.enqueueDelivery("e", "p");
    store.markDelivered("e", "p", 1, NOW, NOW.plusSeconds(600), NOW);
    store.markFailed("e", "p", 3, "peer returned HTTP 500", NOW.plusSeconds(900), NOW.plusSeconds(10),
        NOW.plusSeconds(20));
    DeliveryRecord d = store.listDeliveries("e", "p").get(0);
    assertEquals(DeliveryRecord.FAILED, d.status());
    assertEquals(3, d.attempts());
    assertEquals("peer returned HTTP 500", d.lastError());
    assertNull(d.deliveredAt());
    assertEquals(NOW.plusSeconds(900), d.eventExpiresAt());
    assertEquals(1, d.failures());
    assertEquals(NOW.plusSeconds(20), d.nextAttemptAt());
    assertEquals(1, store.resetBackoff("g", "p"));
    assertNull(store.listDeliveries("e", "p").get(0).nextAttemptAt());
  }

  @Test
  void deliveryListingsFilterAndOrder() {
    store.recordEvent(ev("e2", "g1", NOW, null), NOW);
    store.recordEvent(ev("e1", "g1", NOW, null), NOW);
    store.recordEvent(ev("f1", "g2", NOW, null), NOW);
    store.enqueueDelivery("e2", "peer-b");
    store.enqueueDelivery("e1", "peer-b");
    store.enqueueDelivery("e1", "peer-a");
    store.enqueueDelivery("f1", "peer-a");
    store.enqueueDelivery("gone", "peer-a");
    store.markFailed("e1", "peer-b", 1, "x", null, NOW, null);

    List<String> byId = store.listDeliveries("", "").stream().map(d -> d.eventId() + "/" + d.peer()).toList();
    assertEquals(List.of("e2/peer-b", "e1/peer-b", "e1/peer-a", "f1/peer-a", "gone/peer-a"), byId,
        "ListDeliveries orders by row id");
    assertEquals(2, store.listDeliveries("e1", "").size());
    assertEquals(3, store.listDeliveries("", "peer-a").size());

    List<String> g1 = store.listDeliveriesFiltered("g1", "", "", "").stream()
        .map(d -> d.eventId() + "/" + d.peer()).toList();
    assertEquals(List.of("e1/peer-a", "e1/peer-b", "e2/peer-b"), g1, "ordered by event id, peer");
    assertEquals(5, store.listDeliveriesFiltered("", "", "", "").size(), "no group: orphans included");
    assertEquals(List.of("e1"), store.listDeliveriesFiltered("g1", "", "peer-b", "failed").stream()
        .map(DeliveryRecord::eventId).toList());
    assertEquals(List.of("e2"), store.listDeliveriesFiltered("", "e2", "", "pending").stream()
        .map(DeliveryRecord::eventId).toList());
    assertEquals(List.of(), store.listDeliveriesFiltered("g2", "", "", "delivered"));
  }

  // ------------------------------------------------------------ vector 22 summary

  /** peer-a: e1 delivered with an older expiry (stale TTL), e2 delivered; peer-b: e1 delivered, e2 failed. */
  static void seedSummary(FederationStore s) {
    s.recordEvent(ev("e1", "cloudedge", NOW.minusSeconds(300), NOW.plusSeconds(1800)), NOW);
    s.recordEvent(ev("e2", "cloudedge", NOW.minusSeconds(200), NOW.plusSeconds(1740)), NOW);
    s.recordEvent(ev("old", "cloudedge", NOW.minusSeconds(900), NOW.minusSeconds(60)), NOW);
    for (String peer : List.of("peer-a", "peer-b")) {
      s.enqueueDelivery("e1", peer);
      s.enqueueDelivery("e2", peer);
    }
    s.enqueueDelivery("old", "peer-a");
    s.markDelivered("e1", "peer-a", 1, NOW.minusSeconds(298), NOW.plusSeconds(600), NOW.minusSeconds(298));
    s.markDelivered("e2", "peer-a", 1, NOW.minusSeconds(198), NOW.plusSeconds(1740), NOW.minusSeconds(198));
    s.markDelivered("e1", "peer-b", 2, NOW.minusSeconds(290), NOW.plusSeconds(1800), NOW.minusSeconds(290));
    s.markFailed("e2", "peer-b", 3, "peer returned HTTP 500", NOW.plusSeconds(1740), NOW, null);
  }

  @Test
  void deliverySummaryOfVector22() {
    seedSummary(store);
    List<DeliverySummary> rows = store.deliverySummary("cloudedge", "", "", false, NOW_UNIX);
    assertEquals(List.of(
        new DeliverySummary("cloudedge", "peer-a", 2, 2, 1, 0, 0, 2, 1740),
        new DeliverySummary("cloudedge", "peer-b", 2, 1, 0, 1, 0, 10, 1740)), rows);
  }

  @Test
  void deliverySummaryFilters() {
    seedSummary(store);
    List<DeliverySummary> withExpired = store.deliverySummary("", "peer-a", "", true, NOW_UNIX);
    assertEquals(1, withExpired.size());
    assertEquals(3, withExpired.get(0).events());
    assertEquals(1, withExpired.get(0).pending());
    assertEquals(-60, withExpired.get(0).minExpiresInSeconds(), "may be negative");
    assertEquals(List.of(), store.deliverySummary("", "", "other.type", true, NOW_UNIX));
    assertEquals(List.of(), store.deliverySummary("no-such-group", "", "", true, NOW_UNIX));
  }

  @Test
  void deliverySummaryNullAggregatesAreZero() {
    store.recordEvent(ev("n", "g", NOW, null), NOW);
    store.enqueueDelivery("n", "p");
    assertEquals(List.of(new DeliverySummary("g", "p", 1, 0, 0, 0, 1, 0, 0)),
        store.deliverySummary("g", "", "", false, NOW_UNIX));
  }

  // ------------------------------------------------------------ schema, open, failures

  @Test
  void migrationsAreReRunnableOnAnExistingFile() {
    store.recordEvent(ev("keep", "g", NOW, null), NOW);
    int version = store.schemaVersion();
    assertEquals(Schema.MIGRATIONS.get(Schema.MIGRATIONS.size() - 1).version(), version);
    store.close();
    store = FederationStore.open(dir.resolve("state.db"));
    assertEquals(version, store.schemaVersion());
    assertEquals(List.of("keep"), allIds());
    // A crash after a migration's DDL but before its bookkeeping row: every step must be idempotent.
    store.update("DELETE FROM cloudedge_schema_migrations");
    store.close();
    store = FederationStore.open(dir.resolve("state.db"));
    assertEquals(version, store.schemaVersion());
    assertEquals(List.of("keep"), allIds());
  }

  @Test
  void opensAnExistingRouterdStateFileAndKeepsItsOtherTables() throws Exception {
    store.close();
    Path routerd = dir.resolve("routerd.db");
    try (var c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + routerd); var s = c.createStatement()) {
      s.execute("CREATE TABLE generations (id INTEGER PRIMARY KEY, note TEXT)");
      s.execute("INSERT INTO generations(note) VALUES ('routerd')");
      s.execute("CREATE TABLE federation_events (id TEXT PRIMARY KEY, group_name TEXT NOT NULL, source_node TEXT, "
          + "type TEXT NOT NULL, subject TEXT, dedupe_key TEXT, payload TEXT, observed_at INTEGER, "
          + "expires_at INTEGER, recorded_at INTEGER)");
      s.execute("CREATE TABLE event_deliveries (id INTEGER PRIMARY KEY AUTOINCREMENT, event_id TEXT NOT NULL, "
          + "peer TEXT NOT NULL, status TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, last_attempt_at INTEGER, "
          + "last_error TEXT, delivered_at INTEGER, UNIQUE(event_id, peer))");
      s.execute("INSERT INTO federation_events VALUES ('r1','cloudedge','onprem','" + OBS + "','10.0.0.1/32','r1',"
          + "'{\"mac\":\"m\"}'," + NOW_UNIX + ",NULL," + NOW_UNIX + ")");
      s.execute("INSERT INTO event_deliveries(event_id, peer, status, attempts) VALUES ('r1','cloud','delivered',1)");
    }
    store = FederationStore.open(routerd);
    assertEquals(Map.of("mac", "m"), store.getEvent("r1").orElseThrow().event().payload());
    DeliveryRecord d = store.listDeliveries("r1", "cloud").get(0);
    assertEquals("delivered", d.status());
    assertNull(d.eventExpiresAt(), "event_expires_at was added by migration");
    assertEquals(List.of("routerd"), store.query("SELECT note FROM generations", List.of(), rs -> rs.getString(1)));
    String journal = store.withConnection(c -> {
      try (var s = c.createStatement(); ResultSet rs = s.executeQuery("PRAGMA journal_mode")) {
        rs.next();
        return rs.getString(1);
      }
    });
    assertEquals("wal", journal);
  }

  @Test
  void aCorruptFileIsRefusedNamingTheFile() throws Exception {
    Path bad = dir.resolve("corrupt.db");
    byte[] junk = new byte[8192];
    new java.util.Random(42).nextBytes(junk);
    Files.write(bad, junk);
    StoreException e = assertThrows(StoreException.class, () -> FederationStore.open(bad));
    assertTrue(e.getMessage().contains(bad.toString()), e.getMessage());
    assertTrue(e.getMessage().contains("not a SQLite database"), e.getMessage());
  }

  @Test
  void anUnwritableFileIsRefusedNamingTheFile() throws Exception {
    store.recordEvent(ev("kept", "g", NOW, null), NOW);
    store.close();
    Path ro = dir.resolve("state.db");
    assertTrue(ro.toFile().setWritable(false, false));
    // Permission bits do not stop root; the immutable attribute does (where the file system has it).
    boolean immutable = Files.isWritable(ro) && chattr("+i", ro);
    try {
      org.junit.jupiter.api.Assumptions.assumeTrue(!Files.isWritable(ro) || immutable,
          "cannot make a file unwritable for this user here");
      StoreException e = assertThrows(StoreException.class, () -> FederationStore.open(ro));
      assertTrue(e.getMessage().contains(ro.toString()), e.getMessage());
    } finally {
      if (immutable) {
        chattr("-i", ro);
      }
      ro.toFile().setWritable(true, false);
      store = FederationStore.open(ro);
    }
    assertEquals(List.of("kept"), allIds(), "a refused open changes nothing");
  }

  private static boolean chattr(String flag, Path p) {
    try {
      Process proc = new ProcessBuilder("chattr", flag, p.toString()).redirectErrorStream(true).start();
      proc.getInputStream().readAllBytes();
      return proc.waitFor() == 0;
    } catch (java.io.IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  @Test
  void aDirectoryInPlaceOfTheFileIsRefusedNamingIt() throws Exception {
    Path d = Files.createDirectory(dir.resolve("is-a-dir.db"));
    StoreException e = assertThrows(StoreException.class, () -> FederationStore.open(d));
    assertTrue(e.getMessage().contains(d.toString()), e.getMessage());
  }

  @Test
  void anUncreatableDirectoryIsRefusedNamingIt() throws Exception {
    Path file = Files.writeString(dir.resolve("plain-file"), "x");
    Path p = file.resolve("sub").resolve("state.db");
    StoreException e = assertThrows(StoreException.class, () -> FederationStore.open(p));
    assertTrue(e.getMessage().contains(p.toString()), e.getMessage());
  }

  @Test
  void aFailedWriteRollsBackAndNamesTheFile() {
    store.recordEvent(ev("a", "g", NOW, null), NOW);
    StoreException e = assertThrows(StoreException.class, () -> store.inTransaction(c -> {
      try (var s = c.createStatement()) {
        s.execute("DELETE FROM federation_events");
        s.execute("INSERT INTO no_such_table VALUES (1)");
      }
      return null;
    }));
    assertTrue(e.getMessage().contains("state.db"), e.getMessage());
    assertEquals(List.of("a"), allIds());
  }
}
