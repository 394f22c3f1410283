package dev.cloudedge.cli;

import static dev.cloudedge.cli.CliRun.NOW;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.cloudedge.cli.options.CliSettings;
import dev.cloudedge.federation.event.FederationEvent;
import dev.cloudedge.federation.store.FederationStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The federation commands in-process against a real state file (reference §6.4, vector 22). */
class FederationCommandsTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static final String OBS = FederationEvent.OBSERVED_IPV4_TYPE;

  @TempDir Path dir;
  Path db;
  CliSettings settings;

  @BeforeEach
  void setUp() {
    db = dir.resolve("state.db");
    settings = CliRun.settings(db);
  }

  private CliRun run(String... args) {
    return CliRun.run(settings, args);
  }

  private CliRun emitVector22(String... extra) {
    List<String> args = new ArrayList<>(List.of("fed", "event", "emit", "--group", "cloudedge", "--type", OBS,
        "--subject", "10.88.60.9/32", "--source-node", "onprem", "--id", "evt-test-1",
        "--payload", "mac=aa:bb:cc:dd:ee:ff", "--ttl", "30m"));
    args.addAll(List.of(extra));
    return run(args.toArray(String[]::new));
  }

  private static List<String> keys(JsonNode n) {
    List<String> out = new ArrayList<>();
    for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
      out.add(it.next());
    }
    return out;
  }

  // ------------------------------------------------------------------ emit

  @Test
  void emitRefusesAnAddressThisNodeCapturesAndStoresNothing() throws Exception {
    Path cfg = dir.resolve("claims.yaml");
    java.nio.file.Files.writeString(cfg, """
        apiVersion: hybrid.routerd.net/v1alpha1
        kind: RemoteAddressClaim
        metadata: {name: onprem-10-88-60-9}
        spec:
          domainRef: d
          address: 10.88.60.9/32
          ownerSide: cloud
          capture: {type: proxy-arp, interface: eth0}
          delivery: {peerRef: p, mode: route}
        """);
    CliRun r = emitVector22("--config", cfg.toString());
    assertEquals(2, r.exitCode());
    assertEquals("federation observed event for 10.88.60.9 rejected: address is locally captured by "
        + "RemoteAddressClaim/onprem-10-88-60-9", r.errorLine());
    assertEquals("[]\n", run("fed", "event", "list", "--group", "cloudedge", "-o", "json").out());
    // Another address passes the same guard.
    assertEquals(0, run("fed", "event", "emit", "--group", "cloudedge", "--type", OBS, "--subject", "10.88.60.10/32",
        "--config", cfg.toString()).exitCode());
  }

  @Test
  void emitPrintsTheStoredRowAsJsonWithLowerCamelCaseKeys() throws Exception {
    CliRun r = emitVector22("-o", "json");
    assertEquals(0, r.exitCode(), r.err());
    assertEquals("", r.err());
    JsonNode n = JSON.readTree(r.out());
    assertEquals(List.of("id", "group", "sourceNode", "type", "subject", "dedupeKey", "payload", "observedAt",
        "expiresAt", "recordedAt"), keys(n));
    assertEquals("evt-test-1", n.get("id").asText());
    assertEquals("evt-test-1", n.get("dedupeKey").asText());
    assertEquals("aa:bb:cc:dd:ee:ff", n.get("payload").get("mac").asText());
    assertEquals("2026-05-30T12:00:00Z", n.get("observedAt").asText(), "default observedAt is now");
    assertEquals("2026-05-30T12:30:00Z", n.get("expiresAt").asText(), "expiresAt = observedAt + ttl");
    assertEquals("2026-05-30T12:00:00Z", n.get("recordedAt").asText());
    assertTrue(r.out().startsWith("{\n  \"id\": \"evt-test-1\",\n"), r.out());
    try (FederationStore s = FederationStore.open(db)) {
      assertEquals(1, s.countEvents("cloudedge"));
    }
  }

  @Test
  void emitTableMatchesRouterctl() {
    CliRun r = emitVector22();
    assertEquals(0, r.exitCode(), r.err());
    assertEquals("""
        ID          GROUP      SOURCE  TYPE                          SUBJECT        OBSERVED              EXPIRES
        evt-test-1  cloudedge  onprem  routerd.client.ipv4.observed  10.88.60.9/32  2026-05-30T12:00:00Z  2026-05-30T12:30:00Z
        """, r.out());
  }

  @Test
  void emitWithoutTtlOrOptionalFieldsPrintsDashesAndNulls() throws Exception {
    CliRun r = run("fed", "event", "emit", "--group", "g", "--type", "t", "--id", "a", "--state-file", db.toString());
    assertEquals("""
        ID  GROUP  SOURCE  TYPE  SUBJECT  OBSERVED              EXPIRES
        a   g      -       t     -        2026-05-30T12:00:00Z  -
        """, r.out());
    JsonNode n = JSON.readTree(run("fed", "event", "emit", "--group", "g", "--type", "t", "--id", "a", "-o", "json")
        .out());
    assertTrue(n.get("expiresAt").isNull(), "unset times are null, not Go's zero time");
    assertEquals("", n.get("subject").asText());
    assertTrue(n.get("payload").isObject() && n.get("payload").isEmpty());
  }

  @Test
  void emitPrintsTheMergedRowAfterAnUpsert() throws Exception {
    emitVector22();
    CliRun r = run("fed", "event", "emit", "--group", "cloudedge", "--type", OBS, "--id", "evt-test-1",
        "--source-node", "cloud", "--observed-at", "2026-05-30T11:00:00Z", "--ttl", "10m", "-o", "json");
    JsonNode n = JSON.readTree(r.out());
    assertEquals("cloud", n.get("sourceNode").asText(), "source node is overwritten");
    assertEquals("10.88.60.9/32", n.get("subject").asText(), "subject is never changed");
    assertEquals("2026-05-30T12:00:00Z", n.get("observedAt").asText(), "observedAt only moves forward");
    assertEquals("2026-05-30T12:30:00Z", n.get("expiresAt").asText(), "a TTL never shrinks");
  }

  @Test
  void emitGeneratesAnIdAndParsesPayloadAndObservedAt() throws Exception {
    CliRun r = run("fed", "event", "emit", "--group", " g ", "--type", "t", "--payload", " k =a=b ",
        "--payload", "k=second", "--payload", "empty=", "--observed-at", "2026-05-30T13:00:00.9+02:00",
        "--ttl", "1h30m", "-o", "json");
    assertEquals(0, r.exitCode(), r.err());
    JsonNode n = JSON.readTree(r.out());
    assertTrue(n.get("id").asText().matches("evt-\\d+-[0-9a-f]{16}"), n.get("id").asText());
    assertEquals(n.get("id").asText(), n.get("dedupeKey").asText());
    assertEquals("g", n.get("group").asText(), "normalized before storing");
    assertEquals(Map.of("k", "second", "empty", ""), JSON.convertValue(n.get("payload"), Map.class),
        "key trimmed, value verbatim, later key wins");
    assertEquals("2026-05-30T11:00:00Z", n.get("observedAt").asText());
    assertEquals("2026-05-30T12:30:00Z", n.get("expiresAt").asText());
  }

  @Test
  void emitYaml() throws Exception {
    CliRun r = emitVector22("-o", "yaml");
    JsonNode n = new YAMLMapper().readTree(r.out());
    assertEquals("evt-test-1", n.get("dedupeKey").asText());
    assertEquals("onprem", n.get("sourceNode").asText());
  }

  @Test
  void emitUserErrorsAreOneLineExit2AndTouchNothing() {
    assertEquals("--group is required", usage("fed", "event", "emit", "--type", "t"));
    assertEquals("--group is required", usage("fed", "event", "emit", "--group", "\u00a0", "--type", "t"));
    assertEquals("--type is required", usage("fed", "event", "emit", "--group", "g"));
    assertEquals("payload must be key=value, got \"mac\"",
        usage("fed", "event", "emit", "--group", "g", "--type", "t", "--payload", "mac"));
    assertEquals("payload must be key=value, got \"=v\"",
        usage("fed", "event", "emit", "--group", "g", "--type", "t", "--payload", "=v"));
    assertEquals("invalid --observed-at: parsing time \"yesterday\" as RFC 3339 failed",
        usage("fed", "event", "emit", "--group", "g", "--type", "t", "--observed-at", "yesterday"));
    assertEquals("invalid --ttl: time: unknown unit \"d\" in duration \"1d\"",
        usage("fed", "event", "emit", "--group", "g", "--type", "t", "--ttl", "1d"));
    assertEquals("invalid --ttl: must not be negative, got \"-5m\"",
        usage("fed", "event", "emit", "--group", "g", "--type", "t", "--ttl", "-5m"));
    assertFalse(Files.exists(db), "no usage error creates the state file");
  }

  @Test
  void badOutputFormatIsOneLine() {
    String line = usage("fed", "event", "emit", "--group", "g", "--type", "t", "-o", "xml");
    assertTrue(line.startsWith("unsupported output \"xml\""), line);
    assertFalse(Files.exists(db));
  }

  private String usage(String... args) {
    CliRun r = run(args);
    assertEquals(ExitCodes.USAGE, r.exitCode(), r.out() + r.err());
    String line = r.errorLine();
    assertFalse(r.err().contains("Exception") || r.err().contains("\tat "), r.err());
    return line;
  }

  // ------------------------------------------------------------------ list

  @Test
  void listOfNoRowsIsAnEmptyJsonAndYamlList() {
    emitVector22();
    assertEquals("[]\n", run("fed", "event", "list", "--group", "no-such-group", "-o", "json").out());
    assertEquals("[]\n", run("fed", "event", "list", "--group", "no-such-group", "-o", "yaml").out());
    assertEquals("ID  GROUP  SOURCE  TYPE  SUBJECT  OBSERVED  EXPIRES\n",
        run("fed", "event", "list", "--group", "no-such-group").out());
  }

  @Test
  void listHidesExpiredEventsUnlessAsked() throws Exception {
    emitVector22();
    run("fed", "event", "emit", "--group", "cloudedge", "--type", OBS, "--id", "old",
        "--observed-at", "2026-05-30T10:00:00Z", "--ttl", "1h");
    run("fed", "event", "emit", "--group", "other", "--type", OBS, "--id", "elsewhere",
        "--observed-at", "2026-05-30T09:00:00Z");
    assertEquals("""
        ID          GROUP      SOURCE  TYPE                          SUBJECT        OBSERVED              EXPIRES
        old         cloudedge  -       routerd.client.ipv4.observed  -              2026-05-30T10:00:00Z  2026-05-30T11:00:00Z
        evt-test-1  cloudedge  onprem  routerd.client.ipv4.observed  10.88.60.9/32  2026-05-30T12:00:00Z  2026-05-30T12:30:00Z
        """, run("fed", "event", "list", "--group", "cloudedge", "--include-expired").out());
    JsonNode all = JSON.readTree(run("fed", "event", "list", "-o", "json").out());
    assertEquals(2, all.size());
    assertEquals("elsewhere", all.get(0).get("id").asText());
    assertEquals("evt-test-1", all.get(1).get("id").asText());
  }

  @Test
  void readCommandsRefuseAMissingStateFile() {
    assertEquals("state file " + db + " does not exist (use --state-file or $CLOUDEDGE_STATE_FILE)",
        usage("fed", "event", "list"));
    assertEquals("state file " + db + " does not exist (use --state-file or $CLOUDEDGE_STATE_FILE)",
        usage("federation", "deliveries", "summary"));
    assertFalse(Files.exists(db));
  }

  @Test
  void aCorruptStateFileIsNamed() throws Exception {
    Path bad = Files.write(dir.resolve("bad.db"), new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16,
        17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40});
    String line = usage("fed", "event", "list", "--state-file", bad.toString());
    assertTrue(line.contains(bad.toString()) && line.contains("not a SQLite database"), line);
    line = usage("fed", "event", "emit", "--group", "g", "--type", "t", "--state-file", bad.toString());
    assertTrue(line.contains(bad.toString()), line);
  }

  // ------------------------------------------------------------------ deliveries

  /** Vector 22: peer-a has e1 delivered with an older expiry (stale TTL) and e2 delivered; peer-b e1 ok, e2 failed. */
  private void seedDeliveries() {
    try (FederationStore s = FederationStore.open(db)) {
      s.recordEvent(new FederationEvent("e1", "cloudedge", "onprem", OBS, "10.0.0.1/32", "", Map.of(),
          NOW.minusSeconds(300), NOW.plusSeconds(1800)), NOW);
      s.recordEvent(new FederationEvent("e2", "cloudedge", "onprem", OBS, "10.0.0.2/32", "", Map.of(),
          NOW.minusSeconds(200), NOW.plusSeconds(1740)), NOW);
      for (String peer : List.of("peer-a", "peer-b")) {
        s.enqueueDelivery("e1", peer);
        s.enqueueDelivery("e2", peer);
      }
      s.markDelivered("e1", "peer-a", 1, NOW.minusSeconds(298), NOW.plusSeconds(600), NOW.minusSeconds(298));
      s.markDelivered("e2", "peer-a", 1, NOW.minusSeconds(198), NOW.plusSeconds(1740), NOW.minusSeconds(198));
      s.markDelivered("e1", "peer-b", 2, NOW.minusSeconds(290), NOW.plusSeconds(1800), NOW.minusSeconds(290));
      s.markFailed("e2", "peer-b", 3, "peer returned HTTP 500", NOW.plusSeconds(1740), NOW.minusSeconds(5), null);
    }
  }

  @Test
  void deliveriesTable() {
    seedDeliveries();
    CliRun r = run("fed", "event", "deliveries", "--group", "cloudedge");
    assertEquals(0, r.exitCode(), r.err());
    assertEquals("""
        EVENT_ID  PEER    STATUS     ATTEMPTS  LAST_ATTEMPT          LAST_ERROR              DELIVERED
        e1        peer-a  delivered  1         2026-05-30T11:55:02Z  -                       2026-05-30T11:55:02Z
        e1        peer-b  delivered  2         2026-05-30T11:55:10Z  -                       2026-05-30T11:55:10Z
        e2        peer-a  delivered  1         2026-05-30T11:56:42Z  -                       2026-05-30T11:56:42Z
        e2        peer-b  failed     3         2026-05-30T11:59:55Z  peer returned HTTP 500  -
        """, r.out());
    assertEquals("""
        EVENT_ID  PEER    STATUS  ATTEMPTS  LAST_ATTEMPT          LAST_ERROR              DELIVERED
        e2        peer-b  failed  3         2026-05-30T11:59:55Z  peer returned HTTP 500  -
        """, run("fed", "event", "deliveries", "--status", "failed").out());
  }

  @Test
  void deliveriesJsonKeysAndFilters() throws Exception {
    seedDeliveries();
    JsonNode rows = JSON.readTree(run("fed", "event", "deliveries", "--peer", "peer-b", "--event-id", "e2", "-o",
        "json").out());
    assertEquals(1, rows.size());
    JsonNode d = rows.get(0);
    assertEquals(List.of("eventId", "peer", "status", "attempts", "lastAttemptAt", "lastError", "deliveredAt",
        "eventExpiresAt"), keys(d));
    assertEquals("failed", d.get("status").asText());
    assertEquals(3, d.get("attempts").asInt());
    assertTrue(d.get("deliveredAt").isNull());
    assertEquals("2026-05-30T12:29:00Z", d.get("eventExpiresAt").asText());
    assertEquals("[]\n", run("fed", "event", "deliveries", "--status", "pending", "-o", "json").out());
  }

  @Test
  void deliveriesRejectsAnUnknownStatus() {
    seedDeliveries();
    assertEquals("invalid --status \"bogus\": must be one of pending, delivered, failed",
        usage("fed", "event", "deliveries", "--status", "bogus"));
  }

  // ------------------------------------------------------------------ summary

  @Test
  void summaryTableUsesGoDurations() {
    seedDeliveries();
    CliRun r = run("fed", "deliveries", "summary");
    assertEquals(0, r.exitCode(), r.err());
    assertEquals("""
        GROUP      PEER    EVENTS  DELIVERED  STALE_TTL  FAILED  PENDING  MAX_LAG  MIN_EXPIRES_IN
        cloudedge  peer-a  2       2          1          0       0        2s       29m0s
        cloudedge  peer-b  2       1          0          1       0        10s      29m0s
        """, r.out());
  }

  @Test
  void summaryJsonOfVector22() throws Exception {
    seedDeliveries();
    JsonNode rows = JSON.readTree(run("fed", "deliveries", "summary", "--group", "cloudedge", "-o", "json").out());
    assertEquals(2, rows.size());
    JsonNode a = rows.get(0);
    assertEquals(List.of("group", "peer", "events", "delivered", "staleTTL", "failed", "pending", "maxLagSeconds",
        "minExpiresInSeconds"), keys(a));
    assertEquals("peer-a", a.get("peer").asText());
    assertEquals(2, a.get("events").asInt());
    assertEquals(2, a.get("delivered").asInt());
    assertEquals(1, a.get("staleTTL").asInt());
    assertTrue(a.get("maxLagSeconds").asLong() > 0);
    JsonNode b = rows.get(1);
    assertEquals("peer-b", b.get("peer").asText());
    assertEquals(1, b.get("delivered").asInt());
    assertEquals(1, b.get("failed").asInt());
    assertEquals("[]\n", run("fed", "deliveries", "summary", "--type", "other", "-o", "json").out());
    assertEquals(1, JSON.readTree(run("fed", "deliveries", "summary", "--peer", "peer-b", "-o", "json").out()).size());
  }

  @Test
  void summaryDashesAndNegativeDurations() throws Exception {
    try (FederationStore s = FederationStore.open(db)) {
      s.recordEvent(new FederationEvent("x", "g", "", "t", "", "", Map.of(), NOW.minusSeconds(600),
          NOW.minusSeconds(60)), NOW);
      s.enqueueDelivery("x", "p");
    }
    assertEquals("GROUP  PEER  EVENTS  DELIVERED  STALE_TTL  FAILED  PENDING  MAX_LAG  MIN_EXPIRES_IN\n",
        run("fed", "deliveries", "summary").out(), "the expired event is filtered out");
    assertEquals("""
        GROUP  PEER  EVENTS  DELIVERED  STALE_TTL  FAILED  PENDING  MAX_LAG  MIN_EXPIRES_IN
        g      p     1       0          0          0       1        -        -1m0s
        """, run("fed", "deliveries", "summary", "--include-expired").out());
  }

  // ------------------------------------------------------------------ structure

  @Test
  void missingSubcommandsAreUsageErrors() {
    assertEquals("federation requires subcommand (event, deliveries, subscription)", usage("federation"));
    assertEquals("federation event requires subcommand (emit, list, deliveries)", usage("fed", "event"));
    assertEquals("federation deliveries requires subcommand (summary)", usage("fed", "deliveries"));
    assertTrue(usage("fed", "event", "lst").contains("did you mean list"));
    assertTrue(usage("fed", "event", "list", "--bogus").startsWith("Unknown option: '--bogus'"));
  }

  @Test
  void helpExitsZero() {
    CliRun r = run("fed", "event", "emit", "--help");
    assertEquals(0, r.exitCode());
    for (String flag : List.of("--group", "--type", "--subject", "--source-node", "--id", "--dedupe-key",
        "--payload", "--ttl", "--observed-at", "--state-file", "--output")) {
      assertTrue(r.out().contains(flag), flag);
    }
  }

  @Test
  void stateFileDefaultsComeFromTheSettings() {
    assertEquals(Path.of("/var/lib/cloudedge/cloudedge.db"), CliSettings.fromEnvironment(Map.of()).defaultStateFile());
    assertEquals(Path.of("/srv/x.db"),
        CliSettings.fromEnvironment(Map.of("CLOUDEDGE_STATE_FILE", " /srv/x.db ")).defaultStateFile());
    assertEquals(Path.of("/var/lib/cloudedge/cloudedge.db"),
        CliSettings.fromEnvironment(Map.of("CLOUDEDGE_STATE_FILE", "  ")).defaultStateFile());
    Path other = dir.resolve("other.db");
    assertEquals(0, run("fed", "event", "emit", "--group", "g", "--type", "t", "--state-file", other.toString())
        .exitCode());
    assertTrue(Files.exists(other));
    assertFalse(Files.exists(db), "--state-file wins over the default");
  }
}
