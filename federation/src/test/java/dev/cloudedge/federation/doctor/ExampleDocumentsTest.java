package dev.cloudedge.federation.doctor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cloudedge.federation.config.FederationConfig;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The full example documents of reference §2.10 (A, B, C), built as real SQLite state and compared
 * key for key and byte for byte (remedies name {@code cloudedge} instead of {@code routerctl}).
 */
class ExampleDocumentsTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  static String resource(String name) throws IOException {
    try (InputStream in = ExampleDocumentsTest.class.getResourceAsStream("/doctor/" + name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  static final String EXAMPLE_A_CONFIG = """
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
        """;

  /** Example A: two failed deliveries to two peers, no SLO. */
  static DoctorReport exampleA(Path dir) throws Exception {
    FederationConfig cfg = StateFixture.config(EXAMPLE_A_CONFIG);
    try (StateFixture s = new StateFixture(dir)) {
      s.event("evt-1", "self-node", -200, 600L)
          .fail("evt-1", "peer-a", 3, "timeout", 600L)
          .fail("evt-1", "peer-b", 3, "timeout", 600L);
      return s.doctor(cfg, true);
    }
  }

  static final String EXAMPLE_B_CONFIG = """
      apiVersion: routerd.net/v1alpha1
      kind: Router
      metadata: {name: onprem}
      spec:
        resources:
          - apiVersion: federation.routerd.net/v1alpha1
            kind: EventGroup
            metadata: {name: cloudedge}
            spec: {nodeName: onprem, auth: {secretFile: /run/routerd/eventd.key}}
          - apiVersion: federation.routerd.net/v1alpha1
            kind: EventPeer
            metadata: {name: leaf-aws}
            spec: {groupRef: cloudedge, nodeName: leaf-aws, endpoint: "https://10.252.0.2:8443"}
          - apiVersion: federation.routerd.net/v1alpha1
            kind: EventPeer
            metadata: {name: leaf-az}
            spec: {groupRef: cloudedge, nodeName: leaf-az, endpoint: "https://10.252.0.3:8443"}
          - apiVersion: federation.routerd.net/v1alpha1
            kind: EventPeer
            metadata: {name: leaf-oci}
            spec: {groupRef: cloudedge, nodeName: leaf-oci, endpoint: "https://10.252.0.4:8443"}
          - apiVersion: federation.routerd.net/v1alpha1
            kind: EventPeer
            metadata: {name: leaf-gcp}
            spec: {groupRef: cloudedge, nodeName: leaf-gcp, endpoint: ""}
          - apiVersion: federation.routerd.net/v1alpha1
            kind: FederationSLO
            metadata: {name: cloudedge-slo}
            spec:
              groupRef: cloudedge
              delivery: {lagWarnSeconds: 30, lagFailSeconds: 120, expiresSoonSeconds: 90}
              subscription: {maxPendingRuns: 1, maxFailedRuns: 0}
          - apiVersion: federation.routerd.net/v1alpha1
            kind: EventSubscription
            metadata: {name: cloud-claims}
            spec:
              groupRef: cloudedge
              match: {types: ["routerd.client.ipv4.observed"]}
              trigger: {pluginRef: cloud-claims}
      """;

  /** Writes Example B's state into {@code s}. */
  static void exampleBState(StateFixture s) {
    s.event("evt-1", "onprem", -100, 1800L)
        .event("evt-2", "onprem", -50, 60L)
        .deliver("evt-1", "leaf-aws", -98, 900L)
        .deliver("evt-2", "leaf-aws", -48, 60L)
        .deliver("evt-1", "leaf-az", -55, 1800L)
        .pending("evt-2", "leaf-az")
        .fail("evt-1", "leaf-oci", 5, "connection refused", null)
        .run("EventSubscription/cloud-claims", "evt-1", "succeeded", 1, null)
        .run("EventSubscription/cloud-claims", "evt-2", "failed", 3, "plugin exited 1");
  }

  static DoctorReport exampleB(Path dir) throws Exception {
    try (StateFixture s = new StateFixture(dir)) {
      exampleBState(s);
      return s.doctor(StateFixture.config(EXAMPLE_B_CONFIG), true);
    }
  }

  static DoctorReport exampleC(Path dir) throws Exception {
    try (StateFixture s = new StateFixture(dir)) {
      return s.doctor(StateFixture.f0(), true);
    }
  }

  /** Asserts every key and value, reporting the first differing JSON path. */
  static void assertSameKeys(JsonNode want, JsonNode got, String path) {
    assertEquals(want.getNodeType(), got.getNodeType(), "node type at " + path);
    if (want.isObject()) {
      Iterator<String> w = want.fieldNames();
      Iterator<String> g = got.fieldNames();
      while (w.hasNext() || g.hasNext()) {
        assertTrue(w.hasNext() && g.hasNext(), "key count at " + path + ": want " + want + " got " + got);
        String k = w.next();
        assertEquals(k, g.next(), "key order at " + path);
      }
      for (Iterator<Map.Entry<String, JsonNode>> it = want.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        assertSameKeys(e.getValue(), got.get(e.getKey()), path + "." + e.getKey());
      }
    } else if (want.isArray()) {
      assertEquals(want.size(), got.size(), "array size at " + path);
      for (int i = 0; i < want.size(); i++) {
        assertSameKeys(want.get(i), got.get(i), path + "[" + i + "]");
      }
    } else {
      assertEquals(want, got, "value at " + path);
    }
  }

  @Test
  void exampleAJsonKeyForKeyAndByteForByte(@TempDir Path dir) throws Exception {
    DoctorReport r = exampleA(dir);
    String want = resource("example-a.json");
    assertSameKeys(JSON.readTree(want), JSON.readTree(r.toJson()), "$");
    assertEquals(want, r.toJson());
    assertTrue(r.failed(), "example A exits 1");
  }

  @Test
  void exampleATable(@TempDir Path dir) throws Exception {
    assertEquals(resource("example-a.txt"), exampleA(dir).toTable());
  }

  @Test
  void exampleBJsonKeyForKeyAndByteForByte(@TempDir Path dir) throws Exception {
    DoctorReport r = exampleB(dir);
    String want = resource("example-b.json");
    assertSameKeys(JSON.readTree(want), JSON.readTree(r.toJson()), "$");
    assertEquals(want, r.toJson());
    assertTrue(r.failed());
  }

  @Test
  void exampleBTable(@TempDir Path dir) throws Exception {
    assertEquals(resource("example-b.txt"), exampleB(dir).toTable());
  }

  @Test
  void exampleCEmptyStateJson(@TempDir Path dir) throws Exception {
    DoctorReport r = exampleC(dir);
    String want = resource("example-c.json");
    assertSameKeys(JSON.readTree(want), JSON.readTree(r.toJson()), "$");
    assertEquals(want, r.toJson());
    assertEquals(false, r.failed());
  }
}
