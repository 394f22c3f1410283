package dev.cloudedge.cli.doctor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cloudedge.cli.Cloudedge;
import dev.cloudedge.cli.options.CliSettings;
import dev.cloudedge.federation.config.ConfigLoader;
import dev.cloudedge.federation.doctor.DoctorReport;
import dev.cloudedge.federation.doctor.FederationDoctor;
import dev.cloudedge.federation.store.FederationStore;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code cloudedge doctor federation} in-process: output formats, plan digest and exit codes 0/1/2. */
class DoctorFederationCommandTest {
  private static final Instant T = Instant.parse("2026-07-21T08:00:00Z");
  private static final long TU = T.getEpochSecond();

  @TempDir Path dir;
  private Path config;
  private Path db;
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  @BeforeEach
  void setUp() throws Exception {
    config = dir.resolve("node.yaml");
    Files.writeString(config, """
        apiVersion: federation.routerd.net/v1alpha1
        kind: EventGroup
        metadata: {name: cloudedge}
        spec: {nodeName: self-node}
        ---
        apiVersion: federation.routerd.net/v1alpha1
        kind: EventPeer
        metadata: {name: peer-peer-a}
        spec: {groupRef: cloudedge, nodeName: peer-a, endpoint: "http://10.0.0.1:8787"}
        ---
        apiVersion: federation.routerd.net/v1alpha1
        kind: EventPeer
        metadata: {name: peer-peer-b}
        spec: {groupRef: cloudedge, nodeName: peer-b, endpoint: "http://10.0.0.2:8787"}
        """);
    db = dir.resolve("state.db");
  }

  /** Example A's state: one event, failed to both peers. */
  private void failedState() {
    try (FederationStore s = FederationStore.open(db)) {
      s.update("INSERT INTO federation_events(id, group_name, source_node, type, observed_at, expires_at, recorded_at)"
          + " VALUES ('evt-1', 'cloudedge', 'self-node', 't', ?, ?, ?)", TU - 200, TU + 600, TU - 200);
      for (String p : List.of("peer-a", "peer-b")) {
        s.update("INSERT INTO event_deliveries(event_id, peer, status, attempts, last_error, event_expires_at)"
            + " VALUES ('evt-1', ?, 'failed', 3, 'timeout', ?)", p, TU + 600);
      }
    }
  }

  private void healthyState() {
    try (FederationStore s = FederationStore.open(db)) {
      s.update("INSERT INTO federation_events(id, group_name, source_node, type, observed_at, expires_at, recorded_at)"
          + " VALUES ('evt-1', 'cloudedge', 'self-node', 't', ?, ?, ?)", TU - 5, TU + 600, TU - 5);
      for (String p : List.of("peer-a", "peer-b")) {
        s.update("INSERT INTO event_deliveries(event_id, peer, status, attempts, delivered_at, event_expires_at)"
            + " VALUES ('evt-1', ?, 'delivered', 1, ?, ?)", p, TU, TU + 600);
      }
    }
  }

  private int run(String... args) {
    CommandLine cl = Cloudedge.commandLine(new CliSettings(dir.resolve("default.db"), Clock.fixed(T, ZoneOffset.UTC)));
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    return cl.execute(args);
  }

  private DoctorReport library(boolean plan) throws Exception {
    return FederationDoctor.diagnose(ConfigLoader.load(List.of(config)), db, T, plan);
  }

  @Test
  void failingChecksExitOneAndPrintTheLibraryTable() throws Exception {
    failedState();
    int rc = run("doctor", "federation", "--config", config.toString(), "--state-file", db.toString(),
        "--remediation-plan");
    assertEquals(1, rc, err.toString());
    assertEquals(library(true).toTable(), out.toString());
    assertTrue(out.toString().startsWith("DOCTOR      FAIL    pass=8 warn=0 fail=2 skip=2\n"), out.toString());
    assertTrue(out.toString().contains("REMEDIATION PLAN         2026-07-21T08:00:00Z  2 action(s)"));
    assertTrue(err.toString().contains("remediation plan digest: " + library(true).remediationPlan().digest()),
        err.toString());
    assertTrue(err.toString().contains("doctor found failing checks"));
  }

  @Test
  void jsonIsTheContractDocumentAndStableAcrossRuns() throws Exception {
    failedState();
    assertEquals(1, run("doctor", "federation", "--config", config.toString(), "--state-file", db.toString(),
        "-o", "json", "--remediation-plan"));
    String first = out.toString();
    assertEquals(library(true).toJson(), first);
    JsonNode doc = new ObjectMapper().readTree(first);
    assertEquals("fail", doc.at("/summary/overall").asText());
    assertEquals(2, doc.at("/remediationPlan/actions").size());
    out.getBuffer().setLength(0);
    run("doctor", "federation", "--config", config.toString(), "--state-file", db.toString(), "-o", "json",
        "--remediation-plan");
    assertEquals(first, out.toString(), "byte-identical for identical state and clock");
  }

  @Test
  void healthyExitsZeroWithoutPlanKey() throws Exception {
    healthyState();
    assertEquals(0, run("doctor", "federation", "--config", config.toString(), "--state-file", db.toString(),
        "-o", "yaml"));
    assertTrue(out.toString().startsWith("summary:\n  overall: pass\n"), out.toString());
    assertFalse(out.toString().contains("remediationPlan"));
    assertEquals("", err.toString());
  }

  @Test
  void nowOptionOverridesTheClock() throws Exception {
    healthyState();
    assertEquals(0, run("doctor", "federation", "--config", config.toString(), "--state-file", db.toString(),
        "-o", "json", "--remediation-plan", "--now", "2026-07-21T17:05:00+09:00"));
    assertTrue(out.toString().contains("\"generatedAt\": \"2026-07-21T08:05:00Z\""), out.toString());
    assertTrue(out.toString().contains("nearest event expires in 300s"), out.toString());
    out.getBuffer().setLength(0);
    assertEquals(2, run("doctor", "federation", "--config", config.toString(), "--state-file", db.toString(),
        "--now", "yesterday"));
    assertEquals("", out.toString());
    assertTrue(err.toString().contains("invalid --now \"yesterday\""), err.toString());
  }

  @Test
  void missingStateFileIsTheNoRecordsPathAndIsNotCreated() {
    Path missing = dir.resolve("nowhere/state.db");
    assertEquals(0, run("doctor", "federation", "--config", config.toString(), "--state-file", missing.toString()));
    assertTrue(out.toString().contains("no federation delivery records"), out.toString());
    assertFalse(Files.exists(missing));
    assertFalse(Files.exists(missing.getParent()));
  }

  @Test
  void unreadableConfigIsExitTwoWithOneLineNamingIt() {
    Path nope = dir.resolve("nope.yaml");
    assertEquals(2, run("doctor", "federation", "--config", nope.toString(), "--state-file", db.toString()));
    assertEquals("", out.toString());
    assertEquals(1, err.toString().lines().count(), err.toString());
    assertTrue(err.toString().contains(nope.toString()), err.toString());
  }

  @Test
  void unreadableDatabaseIsExitTwoWithOneLineNamingIt() throws Exception {
    Files.writeString(db, "not sqlite at all, definitely not a database header; padding padding padding padding");
    assertEquals(2, run("doctor", "federation", "--config", config.toString(), "--state-file", db.toString()));
    assertEquals("", out.toString());
    assertEquals("cloudedge: open state file " + db + ": file is not a SQLite database\n", err.toString());
  }

  @Test
  void unknownOutputIsRefusedBeforeAnyWork() {
    Path missing = dir.resolve("untouched.db");
    assertEquals(2, run("doctor", "federation", "--config", dir.resolve("also-missing.yaml").toString(),
        "--state-file", missing.toString(), "-o", "xml"));
    assertEquals("", out.toString());
    assertTrue(err.toString().contains("unsupported output \"xml\""), err.toString());
    assertFalse(err.toString().contains("also-missing"), "refused before the config is read");
    assertFalse(Files.exists(missing));
  }
}
