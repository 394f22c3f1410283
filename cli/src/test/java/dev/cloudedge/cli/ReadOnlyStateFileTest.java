package dev.cloudedge.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sqlite.SQLiteConfig;

/**
 * Every command that only reads leaves a state file exactly as it was: on a state file written by
 * the real routerd ({@code routerctl-fed}), each runs as the real CLI (a child JVM) and afterwards
 * the file's SHA-256 and its schema ({@code sqlite_master}, {@code PRAGMA table_info}) are
 * unchanged. Writers ({@code emit}) and {@code state migrate} still migrate, and routerd still reads
 * the migrated file.
 */
class ReadOnlyStateFileTest {
  @TempDir Path dir;

  private Path routerctl;

  record Result(int exit, String out, String err) {}

  @BeforeEach
  void findRouterd() {
    String env = System.getenv("CLOUDEDGE_ROUTERD_DIR");
    Path rd = Path.of(env == null || env.isBlank() ? "/work/shared/tools/routerd" : env);
    routerctl = rd.resolve("routerctl-fed");
    assumeTrue(Files.isExecutable(routerctl),
        "skipped: no routerd tools at " + rd + " (set CLOUDEDGE_ROUTERD_DIR to the directory of routerctl-fed)");
  }

  private Result run(List<String> cmd) throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile());
    pb.environment().remove("CLOUDEDGE_STATE_FILE");
    pb.environment().remove("CLOUDEDGE_DEBUG");
    Path out = Files.createTempFile(dir, "out", ".txt");
    Path err = Files.createTempFile(dir, "err", ".txt");
    pb.redirectOutput(out.toFile());
    pb.redirectError(err.toFile());
    Process p = pb.start();
    try {
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        throw new AssertionError(String.join(" ", cmd) + " did not finish in 60 s");
      }
    } finally {
      p.destroyForcibly();
    }
    Result r = new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
        Files.readString(err, StandardCharsets.UTF_8));
    Files.delete(out);
    Files.delete(err);
    return r;
  }

  private Result cloudedge(String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-XX:TieredStopAtLevel=1", "-Xshare:auto",
        "-cp", System.getProperty("java.class.path"),
        Cloudedge.class.getName()));
    cmd.addAll(List.of(args));
    return run(cmd);
  }

  private Result routerd(String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of(routerctl.toString()));
    cmd.addAll(List.of(args));
    return run(cmd);
  }

  /** A routerd state file with two events, made by routerd itself. */
  private Path routerdStateFile(String name) throws Exception {
    Path db = dir.resolve(name);
    for (String id : List.of("evt-rd-1", "evt-rd-2")) {
      Result r = routerd("event", "emit", "--group", "cloudedge", "--type", "routerd.client.ipv4.observed",
          "--subject", "10.88.60.9/32", "--source-node", "onprem", "--id", id, "--ttl", "30m",
          "--payload", "source=arp", "--state-file", db.toString());
      assertEquals(0, r.exit(), r.err());
    }
    return db;
  }

  private static String sha256(Path f) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(f)));
  }

  /** Every schema object's definition and every table's columns, as text, read without writing. */
  private static String schema(Path db) throws SQLException {
    SQLiteConfig cfg = new SQLiteConfig();
    cfg.setReadOnly(true);
    StringBuilder sb = new StringBuilder();
    try (Connection c = cfg.createConnection("jdbc:sqlite:" + db.toAbsolutePath());
        Statement s = c.createStatement()) {
      List<String> tables = new ArrayList<>();
      try (ResultSet rs = s.executeQuery("SELECT type, name, sql FROM sqlite_master ORDER BY type, name")) {
        while (rs.next()) {
          sb.append(rs.getString(1)).append(' ').append(rs.getString(2)).append(": ").append(rs.getString(3))
              .append('\n');
          if ("table".equals(rs.getString(1))) {
            tables.add(rs.getString(2));
          }
        }
      }
      for (String t : tables) {
        try (ResultSet rs = s.executeQuery("PRAGMA table_info(\"" + t + "\")")) {
          while (rs.next()) {
            sb.append(t).append('.').append(rs.getString("name")).append(' ').append(rs.getString("type"))
                .append(" dflt=").append(rs.getString("dflt_value")).append('\n');
          }
        }
      }
      try (ResultSet rs = s.executeQuery("PRAGMA journal_mode")) {
        sb.append("journal_mode ").append(rs.next() ? rs.getString(1) : "?").append('\n');
      }
    }
    return sb.toString();
  }

  @Test
  void readOnlyCommandsLeaveARouterdStateFileByteForByteUnchanged() throws Exception {
    Path db = routerdStateFile("routerd.db");
    Path config = dir.resolve("node.yaml");
    Files.writeString(config, """
        apiVersion: federation.routerd.net/v1alpha1
        kind: EventGroup
        metadata:
          name: cloudedge
        spec:
          nodeName: cloud
        ---
        apiVersion: federation.routerd.net/v1alpha1
        kind: EventPeer
        metadata:
          name: onprem
        spec:
          groupRef: cloudedge
          nodeName: onprem
          endpoint: http://127.0.0.1:9
        """);
    // A delivery row as routerd's outbox writes it (routerd's columns only: no failures, no
    // next_attempt_at_ms), so the reads go through the columns CloudEdge adds.
    try (Connection conn = new SQLiteConfig().createConnection("jdbc:sqlite:" + db.toAbsolutePath());
        Statement s = conn.createStatement()) {
      long now = java.time.Instant.now().getEpochSecond();
      s.executeUpdate("INSERT INTO event_deliveries(event_id, peer, status, attempts, last_attempt_at, last_error,"
          + " delivered_at, event_expires_at) VALUES ('evt-rd-1', 'cloud', 'delivered', 1, " + now + ", '', "
          + now + ", " + (now + 1800) + ")");
    }
    String sumBefore = sha256(db);
    String schemaBefore = schema(db);
    assertFalse(schemaBefore.contains("cloudedge_schema_migrations"), "the fixture is an un-migrated routerd file");

    String f = db.toString();
    String c = config.toString();
    List<List<String>> readers = List.of(
        List.of("federation", "event", "list", "--state-file", f, "-o", "json"),
        List.of("federation", "event", "list", "--include-expired", "--group", "cloudedge", "--state-file", f),
        List.of("federation", "event", "deliveries", "--state-file", f, "-o", "json"),
        List.of("federation", "deliveries", "summary", "--state-file", f, "-o", "json"),
        List.of("federation", "subscription", "runs", "--state-file", f),
        List.of("doctor", "federation", "--config", c, "--state-file", f, "-o", "json"),
        List.of("action", "list", "--state-file", f, "-o", "json"),
        List.of("action", "journal", "--state-file", f),
        List.of("action", "journal", "--audit", "--state-file", f),
        List.of("action", "plans", "--state-file", f),
        List.of("dynamic", "render", "--config", c, "--state-file", f),
        List.of("plugin", "list", "--state-file", f));
    List<Result> results = new ArrayList<>();
    for (List<String> args : readers) {
      Result r = cloudedge(args.toArray(String[]::new));
      results.add(r);
      if (args.get(0).equals("doctor")) {
        // The doctor's verdict depends on the data and the clock (exit 1: a check fails); only a usage
        // or store error (exit 2) would be wrong here.
        assertTrue(r.exit() == 0 || (r.exit() == 1 && r.err().equals("cloudedge: doctor found failing checks\n")),
            String.join(" ", args) + ": exit " + r.exit() + ": " + r.err());
        assertTrue(r.out().contains("\"checks\""), r.out());
      } else {
        assertEquals(0, r.exit(), String.join(" ", args) + ": " + r.err());
      }
      assertFalse(r.err().contains("Exception"), r.err());
      assertEquals(sumBefore, sha256(db), "cloudedge " + String.join(" ", args) + " changed the file's bytes");
    }
    String list = results.get(0).out();
    assertTrue(list.contains("\"id\": \"evt-rd-1\"") && list.contains("\"id\": \"evt-rd-2\""), list);
    String deliveries = results.get(2).out();
    assertTrue(deliveries.contains("\"eventId\": \"evt-rd-1\"") && deliveries.contains("\"status\": \"delivered\""),
        deliveries);
    assertTrue(results.get(3).out().contains("\"delivered\": 1"), results.get(3).out());
    Result show = cloudedge("action", "show", "1", "--state-file", f);
    assertEquals(ExitCodes.FAILED, show.exit(), show.err());
    assertEquals("cloudedge: action 1 not found\n", show.err());

    assertEquals(sumBefore, sha256(db));
    assertEquals(schemaBefore, schema(db));

    // routerd itself still reads it, and sees the same events.
    Result rd = routerd("event", "list", "--state-file", f, "-o", "json");
    assertEquals(0, rd.exit(), rd.err());
    assertTrue(rd.out().contains("evt-rd-1"), rd.out());
  }

  @Test
  void aMissingStateFileIsAnErrorAndIsNotCreated() throws Exception {
    Path missing = dir.resolve("nowhere").resolve("state.db");
    for (List<String> args : List.of(
        List.of("federation", "event", "list", "--state-file", missing.toString()),
        List.of("action", "list", "--state-file", missing.toString()),
        List.of("state", "migrate", "--state-file", missing.toString()))) {
      Result r = cloudedge(args.toArray(String[]::new));
      assertEquals(ExitCodes.USAGE, r.exit(), r.err());
      assertTrue(r.err().startsWith("cloudedge: ") && r.err().contains(missing + "")
          && r.err().contains("does not exist"), r.err());
      assertEquals(1, r.err().lines().count(), r.err());
    }
    assertFalse(Files.exists(missing.getParent()), "nothing was created");
  }

  @Test
  void migrateReportsWhatItAddsOnceAndWritersStillMigrate() throws Exception {
    Path db = routerdStateFile("routerd.db");
    Path copy = dir.resolve("copy.db");
    Files.copy(db, copy, StandardCopyOption.COPY_ATTRIBUTES);

    Result first = cloudedge("state", "migrate", "--state-file", db.toString());
    assertEquals(0, first.exit(), first.err());
    assertTrue(first.out().startsWith("state file " + db + ": migrated to schema version "), first.out());
    for (String line : List.of("added table cloudedge_schema_migrations", "added table action_audit",
        "added table remediation_rate_limit", "added column event_deliveries.failures",
        "added column event_deliveries.next_attempt_at_ms", "added column action_executions.attempt_id",
        "added index federation_events_recorded", "applied migration 1 routerd federation tables")) {
      assertTrue(first.out().lines().anyMatch(line::equals), line + " in\n" + first.out());
    }
    assertFalse(first.out().contains("added table federation_events"), "routerd's own tables are kept");
    String migrated = schema(db);
    String sum = sha256(db);

    Result second = cloudedge("state", "migrate", "--state-file", db.toString());
    assertEquals(0, second.exit(), second.err());
    assertTrue(second.out().matches("state file \\S+: schema version \\d+, nothing to do\n"), second.out());
    assertEquals(migrated, schema(db));
    assertEquals(sum, sha256(db), "a second migrate changes nothing");

    Result rd = routerd("event", "list", "--state-file", db.toString(), "-o", "json");
    assertEquals(0, rd.exit(), "routerd reads a migrated file: " + rd.err());
    assertTrue(rd.out().contains("evt-rd-2"), rd.out());

    // A writer migrates as before.
    String before = schema(copy);
    Result emit = cloudedge("federation", "event", "emit", "--group", "cloudedge", "--type", "t", "--id", "evt-ce-1",
        "--state-file", copy.toString());
    assertEquals(0, emit.exit(), emit.err());
    assertNotEquals(before, schema(copy));
    assertTrue(schema(copy).contains("table cloudedge_schema_migrations"));
  }
}
