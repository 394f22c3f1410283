package dev.cloudedge.federation.doctor;

import static dev.cloudedge.federation.doctor.StateFixture.T;
import static dev.cloudedge.federation.doctor.StateFixture.TU;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Inputs the doctor must tolerate or refuse clearly: absent config, foreign and broken databases. */
class DoctorInputsTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void absentConfigStillReportsStateWithDefaults(@TempDir Path dir) throws Exception {
    try (StateFixture s = new StateFixture(dir)) {
      s.event("evt-1", "n", -90, 600L).deliver("evt-1", "peer-a", 0, 600L);
      DoctorReport r = s.doctor(null, true);
      assertEquals(List.of("cloudedge/peer-a failed deliveries", "cloudedge/peer-a pending deliveries",
          "cloudedge/peer-a stale TTL", "cloudedge/peer-a delivery lag", "cloudedge/peer-a event expiry",
          "expected peers"), r.checks().stream().map(Check::name).toList());
      assertEquals("startup config unavailable", r.checks().get(5).detail());
      assertEquals(CheckStatus.WARN, r.checks().get(3).status(), "default warn 60 applies to lag 90");
      JsonNode g = JSON.readTree(r.toJson()).at("/federation/slo/groups/0");
      assertEquals("cloudedge", g.get("group").asText());
      assertFalse(g.get("defined").asBoolean());
      assertEquals(List.of("check-peer-connectivity"), r.remediationPlan().actions().stream()
          .map(a -> a.action().wire()).toList());
    }
  }

  @Test
  void notASqliteFileIsOneClearErrorNamingThePath(@TempDir Path dir) throws Exception {
    Path bad = dir.resolve("garbage.db");
    Files.writeString(bad, "this is not a database, it is a text file with enough bytes to have a header.....");
    DoctorInputException e = assertThrows(DoctorInputException.class,
        () -> FederationDoctor.diagnose(StateFixture.f0(), bad, T, false));
    assertEquals("open state file " + bad + ": file is not a SQLite database", e.getMessage());
    DoctorInputException d = assertThrows(DoctorInputException.class,
        () -> FederationDoctor.diagnose(StateFixture.f0(), dir, T, false));
    assertTrue(d.getMessage().startsWith("open state file " + dir + ": "), d.getMessage());
  }

  @Test
  void emptyFileAndForeignDatabaseReadAsNoRecords(@TempDir Path dir) throws Exception {
    Path empty = Files.createFile(dir.resolve("empty.db"));
    DoctorReport r = FederationDoctor.diagnose(StateFixture.f1("self-node", "peer-a"), empty, T, false);
    assertEquals("no federation delivery records", r.checks().get(0).detail());
    assertEquals("cloudedge expected peers", r.checks().get(1).name());
    assertEquals(0, Files.size(empty), "never written");

    Path foreign = dir.resolve("foreign.db");
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + foreign); Statement s = c.createStatement()) {
      s.execute("CREATE TABLE generations (id INTEGER PRIMARY KEY)");
    }
    DoctorReport f = FederationDoctor.diagnose(StateFixture.f0(), foreign, T, false);
    assertEquals(CheckStatus.SKIP, f.summary().overall());
  }

  @Test
  void routerdDatabaseWithoutCloudEdgeColumnsOrEventExpiresAt(@TempDir Path dir) throws Exception {
    // A state file as an old routerd wrote it: no event_expires_at, no CloudEdge backoff columns, no migrations table.
    Path db = dir.resolve("routerd.db");
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = c.createStatement()) {
      s.execute("CREATE TABLE federation_events (id TEXT PRIMARY KEY, group_name TEXT NOT NULL, source_node TEXT,"
          + " type TEXT NOT NULL, subject TEXT, dedupe_key TEXT, payload TEXT, observed_at INTEGER,"
          + " expires_at INTEGER, recorded_at INTEGER)");
      s.execute("CREATE TABLE event_deliveries (id INTEGER PRIMARY KEY AUTOINCREMENT, event_id TEXT NOT NULL,"
          + " peer TEXT NOT NULL, status TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, last_attempt_at INTEGER,"
          + " last_error TEXT, delivered_at INTEGER, UNIQUE(event_id, peer))");
      s.execute("INSERT INTO federation_events VALUES ('evt-1', 'cloudedge', 'self-node', 't', '', 'evt-1', '{}', "
          + (TU - 7) + ", " + (TU + 900) + ", " + (TU - 7) + ")");
      s.execute("INSERT INTO event_deliveries(event_id, peer, status, attempts, delivered_at) VALUES "
          + "('evt-1', 'peer-a', 'delivered', 1, " + TU + ")");
    }
    DoctorReport r = FederationDoctor.diagnose(StateFixture.f1("self-node", "peer-a"), db, T, false);
    assertFalse(r.failed(), r.toTable());
    assertEquals("max delivery lag 7s", r.checks().get(3).detail());
    assertEquals("no stale TTL deliveries", r.checks().get(2).detail());
    assertEquals("all 1 active event(s) have delivery rows", r.checks().get(5).detail());
  }

  @Test
  void expiredEventsDropOutOfEveryCount(@TempDir Path dir) throws Exception {
    try (StateFixture s = new StateFixture(dir)) {
      s.event("old", "self-node", -900, -1L).fail("old", "peer-a");
      DoctorReport r = s.doctor(StateFixture.f1("self-node", "peer-a"), true);
      assertEquals("no federation delivery records", r.checks().get(0).detail());
      assertEquals(0, r.federation().failedDeliveryCount());
      assertFalse(r.failed());
    }
  }

  @Test
  void subSecondClockMattersOnlyForThePendingCheck(@TempDir Path dir) throws Exception {
    // Event expires at T+120; with the clock at T+0.5 s the remaining TTL is 119.5 s < 120: FAIL,
    // while the integer MinExpiresIn (120) does not reach the event-expiry threshold.
    try (StateFixture s = new StateFixture(dir)) {
      s.event("evt-1", "n", -10, 120L).pending("evt-1", "peer-a");
      DoctorReport r = FederationDoctor.diagnose(StateFixture.f0(), s.path, T.plusMillis(500), false);
      assertEquals(CheckStatus.FAIL, r.checks().get(1).status(), r.checks().get(1).detail());
      assertEquals("nearest event expires in 120s", r.checks().get(4).detail());
      assertEquals(CheckStatus.PASS, r.checks().get(4).status());
      DoctorReport atT = FederationDoctor.diagnose(StateFixture.f0(), s.path, T, false);
      assertEquals(CheckStatus.WARN, atT.checks().get(1).status());
    }
  }

  @Test
  void yamlCarriesTheSameKeysAndTypes(@TempDir Path dir) throws Exception {
    ObjectMapper yaml = new ObjectMapper(new com.fasterxml.jackson.dataformat.yaml.YAMLFactory());
    for (DoctorReport r : List.of(ExampleDocumentsTest.exampleC(dir.resolve("c")),
        ExampleDocumentsTest.exampleB(dir.resolve("b")))) {
      ExampleDocumentsTest.assertSameKeys(JSON.readTree(r.toJson()), yaml.readTree(r.toYaml()), "$");
    }
  }

  @Test
  void reportRoundTripsThroughPlainJackson(@TempDir Path dir) throws Exception {
    // Activities may hand the typed report to Temporal's Jackson converter: it must read back equal.
    DoctorReport r = ExampleDocumentsTest.exampleB(dir);
    DoctorReport back = JSON.readValue(JSON.writeValueAsString(r), DoctorReport.class);
    assertEquals(r, back);
    assertEquals(r.toJson(), back.toJson());
    DoctorReport c = ExampleDocumentsTest.exampleC(dir.resolve("c"));
    assertEquals(c, JSON.readValue(JSON.writeValueAsString(c), DoctorReport.class));
  }
}
