package dev.cloudedge.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cloudedge.cli.options.CliSettings;
import dev.cloudedge.federation.event.FederationEvent;
import dev.cloudedge.federation.store.FederationStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code federation event emit --file}: the line format, all-or-nothing, line numbers, batches, the loop guard. */
class FederationEmitFileTest {
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

  private Path file(String name, String content) throws Exception {
    Path p = dir.resolve(name);
    Files.writeString(p, content, StandardCharsets.UTF_8);
    return p;
  }

  private long stored(String group) {
    if (!Files.exists(db)) {
      return 0;
    }
    try (FederationStore s = FederationStore.open(db)) {
      return s.countEvents(group);
    }
  }

  private static String line(String id) {
    return "{\"group\":\"g\",\"type\":\"t\",\"id\":\"" + id + "\"}";
  }

  @Test
  void aLineStoresTheSameRowAsTheFlagsOfASingleEmit() throws Exception {
    CliRun single = run("fed", "event", "emit", "--group", "cloudedge", "--type", OBS, "--subject", "10.88.60.9/32",
        "--source-node", "onprem", "--id", "evt-test-1", "--dedupe-key", "dk", "--payload", " mac =aa:bb",
        "--ttl", "30m", "--observed-at", "2026-05-30T11:00:00Z", "--state-file", dir.resolve("flags.db").toString(),
        "-o", "json");
    assertEquals(0, single.exitCode(), single.err());
    Path f = file("one.ndjson", "{\"group\":\" cloudedge \",\"type\":\"" + OBS + "\",\"subject\":\"10.88.60.9/32\","
        + "\"sourceNode\":\"onprem\",\"id\":\"evt-test-1\",\"dedupeKey\":\"dk\",\"payload\":{\" mac \":\"aa:bb\"},"
        + "\"ttl\":\"30m\",\"observedAt\":\"2026-05-30T11:00:00Z\"}\n");
    CliRun r = run("fed", "event", "emit", "--file", f.toString());
    assertEquals(0, r.exitCode(), r.err());
    CliRun listed = run("fed", "event", "list", "--group", "cloudedge", "--include-expired", "-o", "json");
    assertEquals(JSON.readTree(single.out()), JSON.readTree(listed.out()).get(0));
  }

  @Test
  void anyBadLineStoresNothingAndEveryBadLineIsReportedWithItsNumber() throws Exception {
    Path f = file("mixed.ndjson", line("a") + "\n"
        + "{\"group\":\"g\"}\n"                                   // 2: no type
        + "\n"                                                    // 3: blank, fine
        + line("b") + "\r\n"                                      // 4: CRLF, fine
        + "{\"group\":\"g\",\"type\":\"t\",\"ttl\":\"1d\"}\n"     // 5: bad duration
        + "{\"group\":\"g\",\"type\":\"t\",\"grup\":\"x\"}\n"     // 6: typo
        + "{\"group\":\"g\",\"type\":7}\n"                        // 7: not a string
        + "{\"group\":\"g\",\"type\":\"t\",\"payload\":{\" \":\"v\"}}\n" // 8: empty payload key
        + "[1,2]\n"                                               // 9: not an object
        + "{\"group\":\"g\",\"type\":\"t\"\n"                     // 10: truncated JSON
        + "{\"group\":\"g\",\"type\":\"t\",\"observedAt\":\"yesterday\"}\n" // 11
        + "{\"group\":\"g\",\"type\":\"t\",\"id\":\"x\",\"id\":\"y\"}\n"    // 12: repeated key
        + line("c"));                                             // 13: no trailing newline, fine
    CliRun r = run("fed", "event", "emit", "--file", f.toString());
    assertEquals(2, r.exitCode(), r.err());
    assertEquals("", r.out());
    String[] err = r.err().split("\n");
    String p = "cloudedge: " + f + ":";
    assertEquals(p + "2: type is required", err[0]);
    assertTrue(err[1].startsWith(p + "5: invalid ttl: "), err[1]);
    assertTrue(err[2].startsWith(p + "6: unknown field \"grup\""), err[2]);
    assertEquals(p + "7: field \"type\" must be a string, got number", err[3]);
    assertEquals(p + "8: payload key must not be empty, got \" \"", err[4]);
    assertEquals(p + "9: not a JSON object (got array)", err[5]);
    assertTrue(err[6].startsWith(p + "10: not valid JSON at column "), err[6]);
    assertTrue(err[7].startsWith(p + "11: invalid observedAt: "), err[7]);
    assertTrue(err[8].startsWith(p + "12: not valid JSON") && err[8].contains("Duplicate field 'id'"), err[8]);
    assertEquals("cloudedge: 9 of 13 lines of " + f + " are invalid; nothing was stored (fix them, or "
        + "--skip-invalid to store the valid lines)", err[9]);
    assertEquals(10, err.length);
    assertEquals(0, stored("g"));

    CliRun skipped = run("fed", "event", "emit", "--file", f.toString(), "--skip-invalid", "-o", "json");
    assertEquals(0, skipped.exitCode(), skipped.err());
    JsonNode s = JSON.readTree(skipped.out());
    assertEquals(3, s.get("stored").asLong());
    assertEquals(9, s.get("skipped").asLong());
    assertEquals(13, s.get("lines").asLong());
    assertEquals(2, s.get("invalid").get(0).get("line").asLong());
    assertEquals("type is required", s.get("invalid").get(0).get("error").asText());
    assertTrue(skipped.err().contains(p + "2: skipped: type is required"), skipped.err());
    assertEquals(3, stored("g"));
  }

  @Test
  void storesInBatchedTransactionsAndCountsDuplicates() throws Exception {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < 2500; i++) {
      sb.append(line("e-" + i)).append('\n');
    }
    sb.append(line("e-7")).append('\n');
    Path f = file("many.ndjson", sb.toString());
    CliRun r = run("fed", "event", "emit", "--file", f.toString(), "--batch-size", "1000", "-o", "json");
    assertEquals(0, r.exitCode(), r.err());
    JsonNode s = JSON.readTree(r.out());
    assertEquals(2501, s.get("stored").asLong());
    assertEquals(1, s.get("duplicates").asLong());
    assertEquals(3, s.get("transactions").asLong());
    assertEquals(2500, stored("g"));

    CliRun again = run("fed", "event", "emit", "--file", f.toString());
    assertEquals("stored 2501 events from " + f + " (2501 lines): 0 new, 2501 duplicates, 0 invalid lines skipped, "
        + "3 transactions\n", again.out());
  }

  @Test
  void theLoopGuardRefusesALineThisNodeCapturesAndThenNothingIsStored() throws Exception {
    Path cfg = file("claims.yaml", """
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
    Path f = file("obs.ndjson",
        "{\"group\":\"g\",\"type\":\"" + OBS + "\",\"subject\":\"10.88.60.10/32\"}\n"
            + "{\"group\":\"g\",\"type\":\"" + OBS + "\",\"subject\":\"10.88.60.9/32\"}\n");
    CliRun r = run("fed", "event", "emit", "--file", f.toString(), "--config", cfg.toString());
    assertEquals(2, r.exitCode());
    assertTrue(r.err().startsWith("cloudedge: " + f + ":2: federation observed event for 10.88.60.9 rejected: "
        + "address is locally captured by RemoteAddressClaim/onprem-10-88-60-9\n"), r.err());
    assertEquals(0, stored("g"));
  }

  @Test
  void usageErrorsAreOneLineExit2AndTouchNothing() throws Exception {
    Path f = file("ok.ndjson", line("a") + "\n");
    assertEquals("--group cannot be combined with --file: every field comes from the file's lines",
        usage("fed", "event", "emit", "--file", f.toString(), "--group", "g"));
    assertEquals("--payload cannot be combined with --file: every field comes from the file's lines",
        usage("fed", "event", "emit", "--file", f.toString(), "--payload", "k=v"));
    assertEquals("invalid --batch-size: must be 1..10000, got 0",
        usage("fed", "event", "emit", "--file", f.toString(), "--batch-size", "0"));
    assertEquals("--skip-invalid needs --file", usage("fed", "event", "emit", "--group", "g", "--type", "t",
        "--skip-invalid"));
    assertEquals("--file " + dir.resolve("missing.ndjson") + ": no such file",
        usage("fed", "event", "emit", "--file", dir.resolve("missing.ndjson").toString()));
    assertFalse(Files.exists(db));
  }

  @Test
  void invalidUtf8AndOverlongLinesAreReportedByNumber() throws Exception {
    Path f = dir.resolve("bytes.ndjson");
    byte[] bad = "{\"group\":\"g\",\"type\":\"t\",\"subject\":\"\u00ff\"}\n".getBytes(StandardCharsets.ISO_8859_1);
    Files.write(f, concat(line("a").getBytes(StandardCharsets.UTF_8), new byte[] {'\n'}, bad));
    CliRun r = run("fed", "event", "emit", "--file", f.toString());
    assertEquals(2, r.exitCode());
    assertEquals(List.of("cloudedge: " + f + ":2: not valid UTF-8",
            "cloudedge: 1 of 2 lines of " + f + " are invalid; nothing was stored (fix them, or --skip-invalid to "
                + "store the valid lines)"),
        List.of(r.err().split("\n")));
  }

  private static byte[] concat(byte[]... parts) {
    int n = 0;
    for (byte[] p : parts) {
      n += p.length;
    }
    byte[] out = new byte[n];
    int at = 0;
    for (byte[] p : parts) {
      System.arraycopy(p, 0, out, at, p.length);
      at += p.length;
    }
    return out;
  }

  private String usage(String... args) {
    CliRun r = run(args);
    assertEquals(2, r.exitCode(), r.err());
    return r.errorLine();
  }
}
