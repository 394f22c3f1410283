package dev.cloudedge.cli.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cloudedge.cli.interop.RawHttp.Reply;
import dev.cloudedge.federation.config.ConfigLoader;
import dev.cloudedge.federation.config.FederationConfig;
import dev.cloudedge.federation.eventd.EventdOptions;
import dev.cloudedge.federation.eventd.EventdRuntime;
import dev.cloudedge.federation.security.Hmac;
import dev.cloudedge.federation.security.Secret;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.LongFunction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The same requests, hostile and ordinary, sent to the real routerd-eventd and to our receiver;
 * their answers (status, content type, nosniff, body) must be equal, and so must what each stored.
 * {@link #ALLOWED} lists every difference we choose to have, with both answers; it is the same
 * list as "Deliberate differences" in docs/wire-protocol.md. Any other difference fails the test.
 */
class ReceiverComparisonTest {
  static final String KEY = "0123456789abcdef0123456789abcdef";
  static final Secret SECRET = Secret.ofText(KEY);
  static final int MIB = 1_048_576;

  /** Case name -> {routerd's answer, CloudEdge's answer}, as {@link Reply#summary()} prints them. */
  static final Map<String, String[]> ALLOWED = Map.of(
      "body over 1 MiB", new String[] {
          "401 [text/plain; charset=utf-8] [nosniff] bad signature{U+000A}",
          "413 [text/plain; charset=utf-8] [nosniff] body too large{U+000A}"},
      "event of another group", new String[] {
          "200 [application/json] [-] {\"accepted\":true,\"duplicate\":false,\"id\":\"cmp-other-group\"}{U+000A}",
          "400 [text/plain; charset=utf-8] [nosniff] invalid event: group \"other\" is not this receiver's group "
              + "\"cloudedge\"{U+000A}"});

  @TempDir Path dir;
  RouterdTools routerd;
  final List<AutoCloseable> running = new ArrayList<>();

  @BeforeEach
  void setUp() {
    routerd = RouterdTools.locate();
  }

  @AfterEach
  void tearDown() throws Exception {
    for (int i = running.size() - 1; i >= 0; i--) {
      running.get(i).close();
    }
  }

  /** One request: how its headers are made from the body and the clock, and the bytes sent. */
  record Case(String name, String method, String target, LongFunction<Map<String, String>> headers, byte[] body) {}

  static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  static byte[] bytes(Object... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (Object p : parts) {
      if (p instanceof String s) {
        out.writeBytes(utf8(s));
      } else if (p instanceof Integer i) {
        out.write(i);
      } else {
        out.writeBytes((byte[]) p);
      }
    }
    return out.toByteArray();
  }

  static String ev(String id, String extra) {
    return "{\"id\":\"" + id + "\",\"group\":\"cloudedge\",\"sourceNode\":\"onprem\",\"type\":\"routerd.client.ipv4.observed\""
        + extra + "}";
  }

  static Map<String, String> headers(String ts, String sig) {
    Map<String, String> h = new LinkedHashMap<>();
    if (ts != null) {
      h.put("X-Routerd-Timestamp", ts);
    }
    if (sig != null) {
      h.put("X-Routerd-Signature", sig);
    }
    h.put("Content-Type", "application/json");
    return h;
  }

  /** Signed at {@code now + skew} with the group key. */
  static LongFunction<Map<String, String>> signed(byte[] body, long skew) {
    return now -> headers(Long.toString(now + skew), Hmac.sign(SECRET, now + skew, body));
  }

  static Case post(String name, byte[] body) {
    return new Case(name, "POST", "/v1/events", signed(body, 0), body);
  }

  static Case post(String name, String body) {
    return post(name, utf8(body));
  }

  static List<Case> cases(long t0) {
    List<Case> c = new ArrayList<>();
    String ok = ev("cmp-1", ",\"subject\":\"10.88.60.9/32\",\"payload\":{\"mac\":\"aa:bb:cc:dd:ee:ff\"},"
        + "\"observedAt\":\"2026-05-30T12:00:00Z\"");
    c.add(post("valid event", ok));
    c.add(post("the same event again (duplicate)", ok));
    byte[] replay = utf8(ev("cmp-replay", ",\"observedAt\":\"2026-05-30T12:00:00Z\""));
    LongFunction<Map<String, String>> fixed = now -> headers(Long.toString(t0), Hmac.sign(SECRET, t0, replay));
    c.add(new Case("signed request", "POST", "/v1/events", fixed, replay));
    c.add(new Case("the same signed request replayed", "POST", "/v1/events", fixed, replay));

    byte[] plain = utf8(ev("cmp-headers", ""));
    c.add(new Case("no timestamp header", "POST", "/v1/events", now -> headers(null, Hmac.sign(SECRET, now, plain)), plain));
    c.add(new Case("timestamp not a number", "POST", "/v1/events", now -> headers("abc", Hmac.sign(SECRET, now, plain)), plain));
    c.add(new Case("empty timestamp", "POST", "/v1/events", now -> headers("", Hmac.sign(SECRET, now, plain)), plain));
    c.add(new Case("fractional timestamp", "POST", "/v1/events", now -> headers(now + ".5", Hmac.sign(SECRET, now, plain)), plain));
    c.add(new Case("timestamp beyond int64", "POST", "/v1/events",
        now -> headers("99999999999999999999", Hmac.sign(SECRET, now, plain)), plain));
    byte[] plus = utf8(ev("cmp-plus", ""));
    c.add(new Case("timestamp with + sign", "POST", "/v1/events", now -> headers("+" + now, Hmac.sign(SECRET, now, plus)), plus));
    byte[] zero = utf8(ev("cmp-zero", ""));
    c.add(new Case("timestamp with leading zeros", "POST", "/v1/events", now -> headers("00" + now, Hmac.sign(SECRET, now, zero)),
        zero));
    c.add(new Case("no signature header", "POST", "/v1/events", now -> headers(Long.toString(now), null), plain));
    c.add(new Case("wrong signature", "POST", "/v1/events", now -> headers(Long.toString(now), "deadbeef"), plain));
    c.add(new Case("upper-case hex signature", "POST", "/v1/events",
        now -> headers(Long.toString(now), Hmac.sign(SECRET, now, plain).toUpperCase(Locale.ROOT)), plain));
    c.add(new Case("signed with another key", "POST", "/v1/events",
        now -> headers(Long.toString(now), Hmac.sign(Secret.ofText("other-key"), now, plain)), plain));
    c.add(new Case("stale timestamp (-600 s)", "POST", "/v1/events", signed(plain, -600), plain));
    c.add(new Case("stale timestamp and wrong signature", "POST", "/v1/events",
        now -> headers(Long.toString(now - 600), "deadbeef"), plain));
    c.add(new Case("future timestamp (+600 s)", "POST", "/v1/events", signed(plain, 600), plain));
    byte[] skew = utf8(ev("cmp-skew", ""));
    c.add(new Case("timestamp 200 s old (inside the window)", "POST", "/v1/events", signed(skew, -200), skew));

    c.add(new Case("GET /v1/events", "GET", "/v1/events", signed(new byte[0], 0), new byte[0]));
    c.add(new Case("PUT /v1/events", "PUT", "/v1/events", signed(plain, 0), plain));
    c.add(new Case("DELETE /v1/events", "DELETE", "/v1/events", signed(new byte[0], 0), new byte[0]));
    c.add(new Case("POST /v1/events/ (trailing slash)", "POST", "/v1/events/", signed(plain, 0), plain));
    c.add(new Case("POST /v1/other", "POST", "/v1/other", signed(plain, 0), plain));
    c.add(new Case("GET /", "GET", "/", signed(new byte[0], 0), new byte[0]));
    byte[] query = utf8(ev("cmp-query", ""));
    c.add(new Case("POST /v1/events?x=1 (query string)", "POST", "/v1/events?x=1", signed(query, 0), query));

    c.add(post("empty body", ""));
    c.add(post("white space only", " \r\n\t"));
    c.add(post("{}", "{}"));
    c.add(post("missing group", "{\"id\":\"cmp-nogroup\",\"type\":\"t\"}"));
    c.add(post("missing type", "{\"id\":\"cmp-notype\",\"group\":\"cloudedge\"}"));
    c.add(post("blank id (NBSP and spaces)", ev("\u00a0 ", "")));
    c.add(post("id, group and type empty (vector 8)", "{\"id\":\"\",\"group\":\"\",\"type\":\"\"}"));
    c.add(post("null", "null"));
    c.add(post("null with white space", " null\n"));
    c.add(post("array body", "[" + ev("cmp-array", "") + "]"));
    c.add(post("string body", "\"cmp\""));
    c.add(post("number body", "42"));
    c.add(post("true", "true"));
    c.add(post("two objects", ev("cmp-two-a", "") + ev("cmp-two-b", "")));
    c.add(post("trailing garbage", ev("cmp-trailing", "") + "x"));
    c.add(post("trailing white space", ev("cmp-trailing-ws", "") + " \r\n\t"));
    c.add(post("truncated JSON", "{\"id\":\"cmp-trunc\""));
    c.add(post("byte-order mark", bytes(0xEF, 0xBB, 0xBF, ev("cmp-bom", ""))));
    c.add(post("NBSP before the object", bytes(0xC2, 0xA0, ev("cmp-nbsp", ""))));
    c.add(post("lone high surrogate escape in the id", ev("cmp-\\ud800", "")));
    c.add(post("lone low surrogate escape in the id", ev("cmp-\\udc00", "")));
    c.add(post("surrogate pair escape in the id", ev("cmp-\\ud83d\\ude00", "")));
    c.add(post("high surrogate then a letter escape", ev("cmp-\\ud800\\u0041", "")));
    c.add(post("literal ? in the id", ev("cmp-?", "")));
    c.add(post("raw invalid UTF-8 in the id", bytes("{\"id\":\"cmp-raw", 0xFF, 0xFE, 0xE2, 0x82,
        "a\",\"group\":\"cloudedge\",\"type\":\"t\"}")));
    c.add(post("UTF-8-encoded surrogate and overlong bytes", bytes("{\"id\":\"cmp-sur", 0xED, 0xA0, 0x80, 0xC0, 0xAF,
        "\",\"group\":\"cloudedge\",\"type\":\"t\"}")));
    c.add(post("raw invalid UTF-8 in a payload key and value", bytes(ev("cmp-rawpayload", ",\"payload\":{\""), 0xFF,
        "\":\"v", 0xC3, "\"}}")));
    c.add(post("long s key (\u017Fubject)", ev("cmp-fold-s", ",\"\u017Fubject\":\"folded\"")));
    c.add(post("Kelvin sign key (dedupe\u212Aey)", ev("cmp-fold-k", ",\"dedupe\u212Aey\":\"kelvin\"")));
    c.add(post("upper-case keys", "{\"ID\":\"cmp-upper\",\"GROUP\":\"cloudedge\",\"TYPE\":\"t\",\"SUBJECT\":\"up\"}"));
    c.add(post("dotless i key (\u0131d)", "{\"\u0131d\":\"cmp-dotless\",\"group\":\"cloudedge\",\"type\":\"t\"}"));
    c.add(post("dotted I key (\u0130D)", "{\"\u0130D\":\"cmp-dotted\",\"group\":\"cloudedge\",\"type\":\"t\"}"));
    c.add(post("duplicate keys across case", ev("cmp-dup", ",\"subject\":\"first\",\"Subject\":\"second\"")));
    c.add(post("duplicate id, the second null", "{\"id\":\"cmp-dupnull\",\"id\":null,\"group\":\"cloudedge\",\"type\":\"t\"}"));
    c.add(post("two payload objects", ev("cmp-merge", ",\"payload\":{\"a\":\"1\",\"b\":\"2\"},\"payload\":{\"b\":\"3\"}")));
    c.add(post("payload then payload null", ev("cmp-paynull", ",\"payload\":{\"a\":\"1\"},\"PAYLOAD\":null")));
    c.add(post("payload value null", ev("cmp-payvalnull", ",\"payload\":{\"k\":null}")));
    c.add(post("unknown keys with nested values", ev("cmp-unknown", ",\"extra\":[1,2,{\"a\":null,\"b\":[[]]}],\"n\":-0.5e+3")));
    c.add(post("invalid JSON inside an unknown key", ev("cmp-badunknown", ",\"extra\":[01]")));
    c.add(post("payload value a number", ev("cmp-paynum", ",\"payload\":{\"n\":1}")));
    c.add(post("id a number", "{\"id\":1,\"group\":\"cloudedge\",\"type\":\"t\"}"));
    c.add(post("raw tab inside a string", ev("cmp-tab\tx", "")));
    c.add(post("escapes in the id", ev("cmp-esc\\t\\n\\/\\\"\\\\", "")));
    c.add(post("HTML characters and U+2028 in the id", ev("cmp-<b>\u2028&\u2029x", "")));
    c.add(post("observedAt with an offset, expiresAt fractional", ev("cmp-tz",
        ",\"observedAt\":\"2026-05-30T14:00:00+02:00\",\"expiresAt\":\"2027-01-01T00:00:00.5Z\"")));
    c.add(post("observedAt with ten fractional digits", ev("cmp-frac10", ",\"observedAt\":\"2026-05-30T12:00:00.1234567891Z\"")));
    c.add(post("observedAt with an escaped dash", ev("cmp-timeesc", ",\"observedAt\":\"2026\\u002d05-30T12:00:00Z\"")));
    c.add(post("observedAt lower-case t and z", ev("cmp-timelc", ",\"observedAt\":\"2026-05-30t12:00:00z\"")));
    c.add(post("observedAt a number", ev("cmp-timenum", ",\"observedAt\":1780142400")));
    c.add(post("observedAt null", ev("cmp-timenull", ",\"observedAt\":null,\"expiresAt\":null")));
    c.add(post("expiresAt is Go's zero time", ev("cmp-timezero", ",\"observedAt\":\"2026-05-30T12:00:00Z\","
        + "\"expiresAt\":\"0001-01-01T00:00:00Z\"")));
    c.add(post("expired event", ev("cmp-expired", ",\"observedAt\":\"2026-05-30T12:00:00Z\",\"expiresAt\":\"2026-05-30T12:01:00Z\"")));
    c.add(post("nesting 10,000 deep", ev("cmp-deep", ",\"x\":" + "[".repeat(9_999) + "]".repeat(9_999))));
    c.add(post("nesting 10,001 deep", ev("cmp-deeper", ",\"x\":" + "[".repeat(10_000) + "]".repeat(10_000))));
    byte[] exact = new byte[MIB];
    byte[] head = utf8(ev("cmp-1mib", ",\"pad\":\""));
    java.util.Arrays.fill(exact, (byte) 'a');
    System.arraycopy(head, 0, exact, 0, head.length);
    exact[MIB - 2] = '"';
    exact[MIB - 1] = '}';
    c.add(post("body of exactly 1 MiB", exact));
    c.add(new Case("GET /v1/status", "GET", "/v1/status", now -> Map.of(), new byte[0]));

    // The deliberate differences (ALLOWED) come last, so the status answer above is still comparable.
    byte[] big = java.util.Arrays.copyOf(exact, MIB + 1);
    big[MIB - 1] = ' ';
    big[MIB] = '}';
    c.add(post("body over 1 MiB", big));
    c.add(post("event of another group", "{\"id\":\"cmp-other-group\",\"group\":\"other\",\"type\":\"t\"}"));
    return c;
  }

  EventdRuntime cloudedge(Path db) throws Exception {
    Path secret = dir.resolve("group.key");
    String yaml = """
        apiVersion: federation.routerd.net/v1alpha1
        kind: EventGroup
        metadata: {name: cloudedge}
        spec:
          nodeName: cloud
          auth: {mode: hmac, secretFile: "%s"}
        """.formatted(secret);
    FederationConfig cfg = FederationConfig.of(ConfigLoader.parse(yaml, "cloud.yaml"));
    EventdRuntime rt = EventdRuntime.start(EventdOptions.builder(cfg, db)
        .listen("cloudedge", new InetSocketAddress("127.0.0.1", 0))
        .adminAddress(new InetSocketAddress("127.0.0.1", 0)).build());
    running.add(rt);
    return rt;
  }

  @Test
  void bothReceiversAnswerTheSameRequestsAlike() throws Exception {
    Path secret = dir.resolve("group.key");
    Files.writeString(secret, KEY + "\n");
    RouterdTools.Daemon rr = routerd.start(dir, "rr", "cloud", RouterdTools.freePort(), secret, List.of());
    running.add(rr);
    EventdRuntime ce = cloudedge(dir.resolve("ce.db"));
    int cePort = ce.receiverAddress("cloudedge").orElseThrow().getPort();

    long t0 = Instant.now().getEpochSecond();
    List<String> report = new ArrayList<>();
    List<String> unexpected = new ArrayList<>();
    for (Case k : cases(t0)) {
      long now = Instant.now().getEpochSecond();
      Map<String, String> h = k.headers().apply(now);
      Reply theirs = RawHttp.send(rr.port, k.method(), k.target(), h, k.body());
      Reply ours = RawHttp.send(cePort, k.method(), k.target(), h, k.body());
      String[] allowed = ALLOWED.get(k.name());
      String line = k.name() + "\n    routerd:   " + theirs.summary() + "\n    CloudEdge: " + ours.summary();
      report.add(line);
      if (allowed != null) {
        if (!allowed[0].equals(theirs.summary()) || !allowed[1].equals(ours.summary())) {
          unexpected.add("allowed difference changed: " + line);
        }
      } else if (!theirs.summary().equals(ours.summary()) || !java.util.Arrays.equals(theirs.body(), ours.body())) {
        unexpected.add(line);
      }
    }
    System.out.println("== receiver comparison, " + report.size() + " requests\n" + String.join("\n", report));
    assertTrue(unexpected.isEmpty(), unexpected.size() + " undocumented differences:\n" + String.join("\n", unexpected));

    // What each stored is the same too (both listed through routerctl-fed, the same reader).
    rr.close();
    ce.close();
    Map<String, String> theirs = storedEvents(rr.db);
    Map<String, String> ours = storedEvents(dir.resolve("ce.db"));
    theirs.remove("cmp-other-group");
    assertEquals(theirs.keySet(), ours.keySet(), "the same events were stored");
    List<String> diffs = new ArrayList<>();
    theirs.forEach((id, v) -> {
      if (!v.equals(ours.get(id))) {
        diffs.add(RawHttp.printable(id) + "\n    routerd:   " + v + "\n    CloudEdge: " + ours.get(id));
      }
    });
    assertTrue(diffs.isEmpty(), "stored differently:\n" + String.join("\n", diffs));
    assertTrue(theirs.size() >= 20, "the comparison stored a real set of events: " + theirs.keySet());
  }

  /** Every event of the group (expired included) as routerctl-fed prints it, without the receive time. */
  Map<String, String> storedEvents(Path db) throws Exception {
    JsonNode list = routerd.routerctlJson(dir, "event", "list", "--include-expired", "--state-file", db.toString());
    Map<String, String> out = new TreeMap<>();
    for (JsonNode e : list) {
      com.fasterxml.jackson.databind.node.ObjectNode o = (com.fasterxml.jackson.databind.node.ObjectNode) e.deepCopy();
      o.remove("RecordedAt");
      if (!e.path("ObservedAt").asText().startsWith("2026-05-30") && !e.path("ObservedAt").asText().startsWith("0001")) {
        // Filled with the receive time by the store when the body had none; the two receivers saw it a moment apart.
        o.put("ObservedAt", "(receive time)");
      }
      out.put(e.path("ID").asText(), o.toString());
    }
    return out;
  }
}
