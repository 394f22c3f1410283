package dev.cloudedge.federation.doctor;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cloudedge.federation.config.FederationConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pins the whole JSON shape of a report that exercises what the reference examples do not: two
 * groups (one only known from state), a configured group without events, a subscription WARN with
 * a tolerated failure, an SLO tolerating pending runs, and the plan. To update after an intended
 * contract change, run with {@code -Dcloudedge.golden.update=true} and review the diff.
 */
class GoldenReportTest {
  private static final String GOLDEN = "golden-multi-group.json";

  static final String CONFIG = """
      apiVersion: federation.routerd.net/v1alpha1
      kind: EventGroup
      metadata: {name: zeta}
      spec: {nodeName: hub}
      ---
      apiVersion: federation.routerd.net/v1alpha1
      kind: EventGroup
      metadata: {name: alpha}
      spec: {nodeName: hub}
      ---
      apiVersion: federation.routerd.net/v1alpha1
      kind: EventPeer
      metadata: {name: zeta-edge}
      spec: {groupRef: zeta, nodeName: edge-1, endpoint: "http://127.0.0.1:9001"}
      ---
      apiVersion: federation.routerd.net/v1alpha1
      kind: EventPeer
      metadata: {name: alpha-edge-2}
      spec: {groupRef: alpha, nodeName: edge-2, endpoint: "http://127.0.0.1:9002"}
      ---
      apiVersion: federation.routerd.net/v1alpha1
      kind: EventPeer
      metadata: {name: alpha-edge-1}
      spec: {groupRef: alpha, nodeName: edge-1, endpoint: "http://127.0.0.1:9001"}
      ---
      apiVersion: federation.routerd.net/v1alpha1
      kind: FederationSLO
      metadata: {name: alpha-slo}
      spec:
        groupRef: alpha
        delivery: {lagWarnSeconds: 20, lagFailSeconds: 40, expiresSoonSeconds: 30}
        subscription: {maxPendingRuns: 0, maxFailedRuns: 1}
      ---
      apiVersion: federation.routerd.net/v1alpha1
      kind: EventSubscription
      metadata: {name: claims}
      spec: {groupRef: alpha, match: {types: [t]}, trigger: {pluginRef: p}}
      """;

  static DoctorReport build(Path dir) throws Exception {
    FederationConfig cfg = StateFixture.config(CONFIG);
    try (StateFixture s = new StateFixture(dir)) {
      s.group("alpha")
          .event("a-1", "hub", -25, 3600L).event("a-2", "hub", -10, 20L)
          .deliver("a-1", "edge-1", 0, 3600L).deliver("a-2", "edge-1", -5, 20L)
          .deliver("a-1", "edge-2", -20, 3600L).pending("a-2", "edge-2");
      s.group("orphan").event("o-1", "somewhere", -3, null).fail("o-1", "edge-9", 2, "connection refused", null);
      s.group("alpha")
          .run("EventSubscription/claims", "a-1", "succeeded", 1, null)
          .run("EventSubscription/claims", "a-2", "failed", 3, "plugin exited 1")
          .run("EventSubscription/claims", "a-3", "pending", 2, null);
      return s.doctor(cfg, true);
    }
  }

  @Test
  void jsonShapeMatchesGolden(@TempDir Path dir) throws Exception {
    String got = build(dir).toJson();
    if (Boolean.getBoolean("cloudedge.golden.update")) {
      Files.writeString(Path.of("src/test/resources/doctor", GOLDEN), got);
    }
    assertEquals(ExampleDocumentsTest.resource(GOLDEN), got);
  }
}
