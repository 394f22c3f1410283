package dev.cloudedge.cli.interop;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cloudedge.cli.Cloudedge;
import dev.cloudedge.cli.interop.RawHttp.CapturePeer;
import dev.cloudedge.cli.interop.RawHttp.Reply;
import dev.cloudedge.cli.interop.RawHttp.Request;
import dev.cloudedge.cli.options.CliSettings;
import dev.cloudedge.federation.config.ConfigLoader;
import dev.cloudedge.federation.config.FederationConfig;
import dev.cloudedge.federation.event.EventCodec;
import dev.cloudedge.federation.event.FederationEvent;
import dev.cloudedge.federation.eventd.EventdOptions;
import dev.cloudedge.federation.eventd.EventdRuntime;
import dev.cloudedge.federation.security.Hmac;
import dev.cloudedge.federation.security.Secret;
import dev.cloudedge.federation.store.EventRecord;
import dev.cloudedge.federation.store.FederationStore;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * CloudEdge federated with the real routerd (routerd-eventd and routerctl-fed built from
 * imksoo/routerd b21abefe; see {@link RouterdTools} for how they are found): delivery both ways,
 * duplicates, TTL re-push, each side reading the other's state file, push bodies compared byte for
 * byte, and both receivers given the same hostile requests.
 */
class RouterdInteropTest {
  static final String KEY = "0123456789abcdef0123456789abcdef";
  static final String GROUP = "cloudedge";
  static final String TYPE = FederationEvent.OBSERVED_IPV4_TYPE;

  @TempDir Path dir;
  RouterdTools routerd;
  Path secret;
  final List<AutoCloseable> running = new ArrayList<>();

  @BeforeEach
  void setUp() throws Exception {
    routerd = RouterdTools.locate();
    secret = dir.resolve("group.key");
    Files.writeString(secret, KEY + "\n");
  }

  @AfterEach
  void tearDown() throws Exception {
    for (int i = running.size() - 1; i >= 0; i--) {
      running.get(i).close();
    }
  }

  // ------------------------------------------------------------------ our side

  String config(String node, List<String[]> peers) {
    StringBuilder y = new StringBuilder("""
        apiVersion: federation.routerd.net/v1alpha1
        kind: EventGroup
        metadata: {name: cloudedge}
        spec:
          nodeName: %s
          auth: {mode: hmac, secretFile: "%s"}
        """.formatted(node, secret));
    for (String[] p : peers) {
      y.append("""
          ---
          apiVersion: federation.routerd.net/v1alpha1
          kind: EventPeer
          metadata: {name: %s}
          spec: {groupRef: cloudedge, nodeName: %s, endpoint: "%s"}
          """.formatted(p[0], p[0], p[1]));
    }
    y.append("""
        ---
        apiVersion: cloudedge.dev/v1alpha1
        kind: EventNode
        metadata: {name: %s}
        spec: {pushInterval: 200ms, pushRetry: {maxAttempts: 2, baseBackoff: 50ms, maxTickBackoff: 400ms}}
        """.formatted(node));
    return y.toString();
  }

  /** Our eventd in-process, its receiver (when {@code listen}) on an ephemeral loopback port. */
  EventdRuntime cloudedge(String node, Path db, boolean listen, List<String[]> peers) throws Exception {
    FederationConfig cfg = FederationConfig.of(ConfigLoader.parse(config(node, peers), node + ".yaml"));
    EventdOptions.Builder b = EventdOptions.builder(cfg, db).adminAddress(new InetSocketAddress("127.0.0.1", 0));
    if (listen) {
      b.listen(GROUP, new InetSocketAddress("127.0.0.1", 0));
    }
    EventdRuntime rt = EventdRuntime.start(b.build());
    running.add(rt);
    return rt;
  }

  static int port(EventdRuntime rt) {
    return rt.receiverAddress(GROUP).orElseThrow().getPort();
  }

  RouterdTools.Daemon routerdEventd(String name, String node, int port, List<String[]> peers) throws Exception {
    RouterdTools.Daemon d = routerd.start(dir, name, node, port, secret, peers);
    running.add(d);
    return d;
  }

  /** Our CLI in-process with the real clock; exit code 0 or the test fails. */
  static String cli(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    var cl = Cloudedge.commandLine(new CliSettings(Path.of("/nonexistent/default.db"), Clock.systemUTC()));
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(err));
    int code = cl.execute(args);
    assertEquals(0, code, "cloudedge " + String.join(" ", args) + ": " + err);
    return out.toString();
  }

  static void await(String what, Duration limit, BooleanSupplier cond) throws InterruptedException {
    long deadline = System.nanoTime() + limit.toNanos();
    while (!cond.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out after " + limit.toSeconds() + " s waiting for " + what);
      }
      Thread.sleep(20);
    }
  }

  static Optional<FederationEvent> stored(EventdRuntime rt, String id) {
    return rt.store().getEvent(id).map(EventRecord::event);
  }

  /** routerd's copy of an event, from {@code routerctl-fed event list} on its state file. */
  Optional<JsonNode> routerdEvent(Path db, String id) throws Exception {
    JsonNode list = routerd.routerctlJson(dir, "event", "list", "--group", GROUP, "--include-expired",
        "--state-file", db.toString());
    for (JsonNode e : list) {
      if (e.path("ID").asText().equals(id)) {
        return Optional.of(e);
      }
    }
    return Optional.empty();
  }

  JsonNode routerdStatus(int port) throws Exception {
    return RouterdTools.JSON.readTree(RawHttp.send(port, "GET", "/v1/status", Map.of(), new byte[0]).body());
  }

  // ------------------------------------------------------------------ federation both ways

  @Test
  void federatesWithRouterdBothWays() throws Exception {
    int rrPort = RouterdTools.freePort();
    Path ceDb = dir.resolve("ce.db");
    EventdRuntime ce = cloudedge("ce", ceDb, true, List.<String[]>of(new String[] {"rr", "http://127.0.0.1:" + rrPort}));
    RouterdTools.Daemon rr = routerdEventd("rr", "rr", rrPort,
        List.<String[]>of(new String[] {"ce", "http://127.0.0.1:" + port(ce)}));

    // routerd -> CloudEdge: recorded with routerd's own CLI, pushed by routerd-eventd on its tick.
    routerd.routerctl(dir, "event", "emit", "--state-file", rr.db.toString(), "--group", GROUP, "--type", TYPE,
        "--subject", "10.88.60.9/32", "--source-node", "rr", "--id", "rr-1", "--payload", "mac=aa:bb:cc:dd:ee:ff",
        "--ttl", "10m");
    await("routerd's push of rr-1 stored by CloudEdge", Duration.ofSeconds(10), () -> stored(ce, "rr-1").isPresent());
    FederationEvent got = stored(ce, "rr-1").orElseThrow();
    assertEquals("10.88.60.9/32", got.subject());
    assertEquals(Map.of("mac", "aa:bb:cc:dd:ee:ff"), got.payload());
    assertEquals("rr", got.sourceNode());
    await("routerd's delivery row delivered", Duration.ofSeconds(10), () -> deliveryStatus(rr.db, "rr-1").equals("delivered"));

    // CloudEdge -> routerd: emitted through our runtime, pushed at once.
    Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    FederationEvent ce1 = new FederationEvent("ce-1", GROUP, "ce", TYPE, "10.88.60.10/32", "", Map.of("mac", "11:22:33:44:55:66"),
        now, now.plus(Duration.ofMinutes(10)));
    ce.emit(ce1);
    await("CloudEdge's push of ce-1 stored by routerd", Duration.ofSeconds(10), () -> routerdHas(rr.db, "ce-1"));
    JsonNode atRouterd = routerdEvent(rr.db, "ce-1").orElseThrow();
    assertEquals("10.88.60.10/32", atRouterd.path("Subject").asText());
    assertEquals("11:22:33:44:55:66", atRouterd.path("Payload").path("mac").asText());
    assertEquals(now.plus(Duration.ofMinutes(10)).toString(), atRouterd.path("ExpiresAt").asText());
    assertEquals(1, routerdStatus(rrPort).path("received").asInt(), routerdStatus(rrPort).toString());

    // TTL re-push routerd -> CloudEdge: the same id with a later expiry is pushed again and is a duplicate here.
    Instant firstExpiry = got.expiresAt();
    routerd.routerctl(dir, "event", "emit", "--state-file", rr.db.toString(), "--group", GROUP, "--type", TYPE,
        "--subject", "10.88.60.9/32", "--source-node", "rr", "--id", "rr-1", "--payload", "mac=aa:bb:cc:dd:ee:ff",
        "--ttl", "20m");
    await("routerd's TTL re-push extends CloudEdge's copy", Duration.ofSeconds(10),
        () -> stored(ce, "rr-1").orElseThrow().expiresAt().isAfter(firstExpiry.plus(Duration.ofMinutes(9))));
    JsonNode ceSt = RouterdTools.JSON.readTree(ceStatus(ce));
    assertEquals(1, ceSt.path("received").asInt(), ceSt.toString());
    assertTrue(ceSt.path("duplicate").asInt() >= 1, "routerd's re-push was answered as a duplicate: " + ceSt);
    assertEquals(Instant.parse(routerdEvent(rr.db, "rr-1").orElseThrow().path("ExpiresAt").asText()),
        stored(ce, "rr-1").orElseThrow().expiresAt(), "both copies carry routerd's new expiry");

    // TTL re-push CloudEdge -> routerd: routerd answers duplicate and extends its copy.
    Instant later = now.plus(Duration.ofMinutes(30));
    ce.emit(ce1.withExpiresAt(later));
    await("CloudEdge's TTL re-push extends routerd's copy", Duration.ofSeconds(10),
        () -> later.toString().equals(routerdEventQuiet(rr.db, "ce-1").path("ExpiresAt").asText()));
    JsonNode st = routerdStatus(rrPort);
    assertEquals(1, st.path("received").asInt(), st.toString());
    assertTrue(st.path("duplicate").asInt() >= 1, "routerd counted the re-push as a duplicate: " + st);
    assertEquals(0, st.path("rejected").asInt(), st.toString());

    // Each side reads the other's state file once both daemons have stopped.
    rr.close();
    ce.close();
    JsonNode ours = RouterdTools.JSON.readTree(routerd.routerctl(dir, "event", "list", "--group", GROUP,
        "--state-file", ceDb.toString(), "-o", "json"));
    assertEquals(List.of("ce-1", "rr-1"), ids(ours, "ID"), "routerctl-fed reads CloudEdge's state file: " + ours);
    JsonNode ourDeliveries = routerd.routerctlJson(dir, "event", "deliveries", "--state-file", ceDb.toString());
    assertEquals("delivered", ourDeliveries.get(0).path("Status").asText(), ourDeliveries.toString());
    assertEquals("rr", ourDeliveries.get(0).path("Peer").asText());

    JsonNode theirs = RouterdTools.JSON.readTree(cli("federation", "event", "list", "--group", GROUP,
        "--state-file", rr.db.toString(), "-o", "json"));
    assertEquals(List.of("ce-1", "rr-1"), ids(theirs, "id"), "CloudEdge reads routerd's state file: " + theirs);
    JsonNode theirDeliveries = RouterdTools.JSON.readTree(cli("federation", "event", "deliveries",
        "--state-file", rr.db.toString(), "-o", "json"));
    assertEquals(1, theirDeliveries.size(), theirDeliveries.toString());
    assertEquals("delivered", theirDeliveries.get(0).path("status").asText(), theirDeliveries.toString());
  }

  @Test
  void aWrongKeyIsRefusedBothWays() throws Exception {
    Path wrong = dir.resolve("wrong.key");
    Files.writeString(wrong, "not-the-group-secret\n");
    int rrPort = RouterdTools.freePort();
    EventdRuntime ce = cloudedge("ce", dir.resolve("ce.db"), true,
        List.<String[]>of(new String[] {"rr", "http://127.0.0.1:" + rrPort}));
    RouterdTools.Daemon rr = routerd.start(dir, "rr", "rr", rrPort, wrong,
        List.<String[]>of(new String[] {"ce", "http://127.0.0.1:" + port(ce)}));
    running.add(rr);

    routerd.routerctl(dir, "event", "emit", "--state-file", rr.db.toString(), "--group", GROUP, "--type", TYPE,
        "--source-node", "rr", "--id", "rr-bad");
    await("routerd's push refused", Duration.ofSeconds(10), () -> deliveryStatus(rr.db, "rr-bad").equals("failed"));
    JsonNode row = routerd.routerctlJson(dir, "event", "deliveries", "--event-id", "rr-bad", "--state-file", rr.db.toString())
        .get(0);
    assertEquals("peer returned HTTP 401", row.path("LastError").asText(), row.toString());
    assertTrue(stored(ce, "rr-bad").isEmpty());

    Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    ce.emit(new FederationEvent("ce-bad", GROUP, "ce", TYPE, "", "", Map.of(), now, null));
    await("our push refused", Duration.ofSeconds(10), () -> !ce.store().listDeliveries("ce-bad", "rr").isEmpty()
        && ce.store().listDeliveries("ce-bad", "rr").get(0).status().equals("failed"));
    assertEquals("peer returned HTTP 401", ce.store().listDeliveries("ce-bad", "rr").get(0).lastError());
    JsonNode st = routerdStatus(rrPort);
    assertTrue(st.path("rejected").asInt() >= 1 && st.path("received").asInt() == 0, st.toString());
  }

  String deliveryStatus(Path db, String id) {
    try {
      JsonNode rows = routerd.routerctlJson(dir, "event", "deliveries", "--event-id", id, "--state-file", db.toString());
      return rows.isArray() && rows.size() > 0 ? rows.get(0).path("Status").asText() : "";
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  boolean routerdHas(Path db, String id) {
    return !routerdEventQuiet(db, id).isMissingNode();
  }

  JsonNode routerdEventQuiet(Path db, String id) {
    try {
      return routerdEvent(db, id).orElse(com.fasterxml.jackson.databind.node.MissingNode.getInstance());
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  static String ceStatus(EventdRuntime rt) {
    try {
      return RawHttp.send(port(rt), "GET", "/v1/status", Map.of(), new byte[0]).text();
    } catch (java.io.IOException e) {
      throw new AssertionError(e);
    }
  }

  static List<String> ids(JsonNode list, String key) {
    List<String> out = new ArrayList<>();
    list.forEach(e -> out.add(e.path(key).asText()));
    out.sort(null);
    return out;
  }

  // ------------------------------------------------------------------ push bodies byte for byte

  /** Events whose bodies exercise every rule of Go's encoder: HTML escapes, separators, non-BMP, key order. */
  static final List<String[]> HOSTILE = List.of(
      new String[] {"--id", "enc-1", "--subject", "<a href=\"x\">&amp;</a>\u2028\u2029\uD83D\uDE00\u0001\b\f\t\\/\u00e9\u007f",
          "--dedupe-key", "key<&>", "--payload", "z=last", "--payload", "a=x<y>&z", "--payload", "\uFF21=fullwidth",
          "--payload", "\uD83D\uDE00=emoji", "--payload", "\u00e9=e\u2028", "--payload", "empty=", "--ttl", "10m"},
      new String[] {"--id", "enc-2"},
      new String[] {"--id", "enc-3 \u65e5\u672c", "--subject", "10.0.0.1/32", "--payload", "source=provider-discovery",
          "--ttl", "90s"});

  @Test
  void pushBodiesAreByteForByteWhatRouterdSends() throws Exception {
    CapturePeer capture = new CapturePeer();
    running.add(capture);
    String endpoint = "http://127.0.0.1:" + capture.port();
    Instant observed = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    Path rrDb = dir.resolve("rr.db");
    Path ceDb = dir.resolve("ce.db");
    for (String[] ev : HOSTILE) {
      List<String> common = new ArrayList<>(List.of("event", "emit", "--group", GROUP, "--type", TYPE,
          "--source-node", "onprem", "--observed-at", observed.toString()));
      common.addAll(List.of(ev));
      List<String> rrArgs = new ArrayList<>(common);
      rrArgs.addAll(List.of("--state-file", rrDb.toString()));
      routerd.routerctl(dir, rrArgs.toArray(String[]::new));
      List<String> ceArgs = new ArrayList<>(List.of("federation"));
      ceArgs.addAll(common);
      ceArgs.addAll(List.of("--state-file", ceDb.toString()));
      cli(ceArgs.toArray(String[]::new));
    }
    // Both senders have the same node name and one peer: the capture peer.
    routerdEventd("rr", "onprem", 0, List.<String[]>of(new String[] {"capture", endpoint}));
    EventdRuntime ce = cloudedge("onprem", ceDb, false, List.<String[]>of(new String[] {"capture", endpoint}));
    await("both senders pushed all " + HOSTILE.size() + " events", Duration.ofSeconds(15),
        () -> capture.requests().size() >= 2 * HOSTILE.size());

    Map<String, List<Request>> byId = new LinkedHashMap<>();
    for (Request r : capture.requests()) {
      String id = EventCodec.decode(r.body()).id();
      byId.computeIfAbsent(id, k -> new ArrayList<>()).add(r);
      assertEquals("POST", r.method());
      assertEquals("/v1/events", r.path());
      assertEquals("application/json", r.headers().get("content-type"));
      long ts = Long.parseLong(r.headers().get("x-routerd-timestamp"));
      assertTrue(Hmac.verify(List.of(Secret.ofText(KEY)), ts, r.body(), r.headers().get("x-routerd-signature")),
          "signature over the raw body");
    }
    assertEquals(HOSTILE.size(), byId.size(), byId.keySet().toString());
    for (Map.Entry<String, List<Request>> e : byId.entrySet()) {
      List<Request> rs = e.getValue();
      assertEquals(2, rs.size(), e.getKey() + " pushed once by each sender");
      assertArrayEquals(rs.get(0).body(), rs.get(1).body(), "the two senders' bodies for " + e.getKey() + ":\n"
          + new String(rs.get(0).body(), StandardCharsets.UTF_8) + "\n" + new String(rs.get(1).body(), StandardCharsets.UTF_8));
      FederationEvent ours = stored(ce, e.getKey()).orElseThrow();
      assertArrayEquals(rs.get(0).body(), EventCodec.encode(ours), "our encoder on the stored event");
    }
    String enc1 = new String(byId.get("enc-1").get(0).body(), StandardCharsets.UTF_8);
    assertTrue(enc1.contains("\\u003ca href=\\\"x\\\"\\u003e\\u0026amp;\\u003c/a\\u003e\\u2028\\u2029\uD83D\uDE00\\u0001\\b\\f\\t\\\\/\u00e9\u007f"),
        enc1);
    assertTrue(enc1.contains("\"payload\":{\"a\":\"x\\u003cy\\u003e\\u0026z\",\"empty\":\"\",\"z\":\"last\",\"\u00e9\":\"e\\u2028\","
        + "\"\uFF21\":\"fullwidth\",\"\uD83D\uDE00\":\"emoji\"}"), enc1);
  }
}
