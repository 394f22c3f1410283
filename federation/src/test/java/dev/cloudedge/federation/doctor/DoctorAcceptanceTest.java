package dev.cloudedge.federation.doctor;

import static dev.cloudedge.federation.doctor.StateFixture.T;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cloudedge.federation.config.FederationConfig;
import dev.cloudedge.federation.store.DeliveryRecord;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reference §5 statements 11–48, each on a real SQLite state file, with the frozen clock T. The
 * "exit code" of a statement is {@link DoctorReport#failed()} (the CLI maps it to 1).
 */
class DoctorAcceptanceTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path tmp;
  private int fixtures;

  private StateFixture fixture() throws Exception {
    Path d = Files.createDirectories(tmp.resolve("s" + (fixtures++)));
    return new StateFixture(d);
  }

  static Check check(DoctorReport r, String name) {
    return r.checks().stream().filter(c -> c.name().equals(name)).findFirst()
        .orElseGet(() -> fail("no check " + name + " in " + names(r)));
  }

  static List<String> names(DoctorReport r) {
    return r.checks().stream().map(Check::name).toList();
  }

  static void assertCheck(DoctorReport r, String name, CheckStatus status, String detail) {
    Check c = check(r, name);
    assertEquals(status, c.status(), name);
    assertEquals(detail, c.detail(), name);
  }

  static void assertCheck(DoctorReport r, String name, CheckStatus status, String detail, String remedy) {
    assertCheck(r, name, status, detail);
    assertEquals(remedy, check(r, name).remedy(), name);
  }

  static JsonNode json(DoctorReport r) throws Exception {
    return JSON.readTree(r.toJson());
  }

  static List<String> plan(DoctorReport r) {
    return r.remediationPlan().actions().stream()
        .map(a -> a.action().wire() + "(" + a.targetGroup() + "," + a.targetPeer() + "," + a.targetResource() + ")")
        .toList();
  }

  private static final String PA = "cloudedge/peer-a ";

  /** One F0 row: event observed at obs, delivered at T+at (lag = at - obs). */
  private DoctorReport lagRun(FederationConfig cfg, long obs, long at) throws Exception {
    try (StateFixture s = fixture()) {
      s.event("evt-1", "self-node", obs, 600L).deliver("evt-1", "peer-a", at, 600L);
      return s.doctor(cfg, true);
    }
  }

  // ------------------------------------------------------------------ threshold resolution

  @Test
  void s11DoctorUsesInvalidSloAsResolved() throws Exception {
    FederationConfig neg = StateFixture.f2("delivery: {lagWarnSeconds: -5}", "self-node", "peer-a");
    DoctorReport r = lagRun(neg, -10, 0);
    JsonNode t = json(r).at("/federation/slo/groups/0/thresholds/delivery");
    assertEquals(60, t.get("lagWarnSeconds").asInt());
    FederationConfig inverted = StateFixture.f2("delivery: {lagWarnSeconds: 120, lagFailSeconds: 60}", "self-node",
        "peer-a");
    DoctorReport r2 = lagRun(inverted, -90, 0);
    assertCheck(r2, PA + "delivery lag", CheckStatus.FAIL, "max delivery lag 90s");
  }

  // ------------------------------------------------------------------ recorded-delivery checks

  @Test
  void s12AllDelivered() throws Exception {
    DoctorReport r;
    try (StateFixture s = fixture()) {
      s.event("evt-1", "n", -10, 600L).deliver("evt-1", "peer-a", 0, 600L);
      r = s.doctor(StateFixture.f0(), false);
    }
    assertFalse(r.failed());
    assertEquals(List.of(PA + "failed deliveries", PA + "pending deliveries", PA + "stale TTL", PA + "delivery lag",
        PA + "event expiry", "expected peers"), names(r));
    assertCheck(r, PA + "failed deliveries", CheckStatus.PASS, "no failed deliveries");
    assertCheck(r, PA + "pending deliveries", CheckStatus.PASS, "no pending deliveries");
    assertCheck(r, PA + "stale TTL", CheckStatus.PASS, "no stale TTL deliveries");
    assertCheck(r, PA + "delivery lag", CheckStatus.PASS, "max delivery lag 10s", "");
    assertCheck(r, PA + "event expiry", CheckStatus.PASS, "nearest event expires in 600s");
    assertCheck(r, "expected peers", CheckStatus.SKIP, "no EventPeer resources configured");
    assertEquals(CheckStatus.PASS, r.summary().overall());
    assertEquals("pass", json(r).at("/summary/overall").asText());
  }

  @Test
  void s13FailedDelivery() throws Exception {
    DoctorReport r;
    try (StateFixture s = fixture()) {
      s.event("evt-1", "n", -10, 600L).fail("evt-1", "peer-a");
      r = s.doctor(StateFixture.f0(), false);
    }
    assertTrue(r.failed());
    assertCheck(r, PA + "failed deliveries", CheckStatus.FAIL, "1 of 1 delivery(s) failed",
        "inspect failed deliveries with: cloudedge federation event deliveries --group cloudedge --peer peer-a"
            + " --status failed");
    assertCheck(r, PA + "delivery lag", CheckStatus.SKIP, "no delivered events to measure lag");
    try (StateFixture s = fixture()) {
      s.event("evt-1", "n", -10, 600L).event("evt-2", "n", -10, 600L).fail("evt-1", "peer-a").fail("evt-2", "peer-a");
      assertCheck(s.doctor(StateFixture.f0(), false), PA + "failed deliveries", CheckStatus.FAIL,
          "2 of 2 delivery(s) failed");
    }
  }

  @Test
  void s14StaleTtlWarn() throws Exception {
    DoctorReport r;
    try (StateFixture s = fixture()) {
      s.event("evt-1", "n", -30, 600L).event("evt-2", "n", -20, 600L)
          .deliver("evt-1", "peer-a", 0, 300L).deliver("evt-2", "peer-a", 0, 600L);
      r = s.doctor(StateFixture.f0(), false);
    }
    assertCheck(r, PA + "stale TTL", CheckStatus.WARN,
        "1 of 2 delivered event(s) have stale TTL (event.expiresAt > delivery.eventExpiresAt)",
        "outbox should re-push refreshed events on next tick; if this persists, check outbox interval and delivery"
            + " filtering");
    assertFalse(r.failed());
    assertTrue(r.toJson().contains("event.expiresAt \\u003e delivery.eventExpiresAt"), "Go HTML escaping");
  }

  @Test
  void s15StaleTtlFailAndRepushAction() throws Exception {
    DoctorReport r;
    try (StateFixture s = fixture()) {
      s.event("evt-1", "self-node", -30, 600L).deliver("evt-1", "peer-a", 0, 300L);
      r = s.doctor(StateFixture.f1("self-node", "peer-a"), true);
    }
    assertCheck(r, PA + "stale TTL", CheckStatus.FAIL,
        "1 of 1 delivered event(s) have stale TTL (event.expiresAt > delivery.eventExpiresAt)",
        "all delivered events have stale TTL; outbox re-push appears broken");
    assertTrue(r.failed());
    RemediationAction a = r.remediationPlan().actions().stream()
        .filter(x -> x.action() == RemediationActionType.FORCE_REPUSH_STALE_TTL).findFirst().orElseThrow();
    assertEquals("cloudedge", a.targetGroup());
    assertEquals("peer-a", a.targetPeer());
    assertTrue(a.safe());
    assertEquals(Readiness.READY, a.readiness());
  }

  @Test
  void s16LagBoundariesWithDefaults() throws Exception {
    FederationConfig f0 = StateFixture.f0();
    DoctorReport r85 = lagRun(f0, -90, -5);
    assertCheck(r85, PA + "delivery lag", CheckStatus.WARN, "max delivery lag 85s",
        "delivery lag exceeds SLO warn threshold 60s; monitor peer connectivity");
    assertFalse(r85.failed());
    assertEquals(CheckStatus.WARN, check(lagRun(f0, -70, 0), PA + "delivery lag").status());
    assertEquals(CheckStatus.WARN, check(lagRun(f0, -60, 0), PA + "delivery lag").status());
    assertEquals(CheckStatus.PASS, check(lagRun(f0, -59, 0), PA + "delivery lag").status());
    assertEquals(CheckStatus.FAIL, check(lagRun(f0, -180, 0), PA + "delivery lag").status());
  }

  @Test
  void s17CustomLagThresholdsAndSloBlock() throws Exception {
    DoctorReport r = lagRun(StateFixture.f2(
        "delivery: {lagWarnSeconds: 10, lagFailSeconds: 30, expiresSoonSeconds: 60}", "self-node", "peer-a"), -15, 0);
    assertFalse(r.failed());
    assertTrue(r.toTable().contains("WARN    cloudedge/peer-a delivery lag"), r.toTable());
    JsonNode want = JSON.readTree("""
        {"group": "cloudedge", "defined": true,
         "thresholds": {"delivery": {"lagWarnSeconds": 10, "lagFailSeconds": 30, "expiresSoonSeconds": 60},
                        "subscription": {"maxPendingRuns": 0, "maxFailedRuns": 0}},
         "violations": [{"check": "cloudedge/peer-a delivery lag", "threshold": "lagWarnSeconds=10",
                         "actual": "15s", "severity": "warn"}]}""");
    ExampleDocumentsTest.assertSameKeys(want, json(r).at("/federation/slo/groups/0"), "$.groups[0]");
    assertEquals(1, json(r).at("/federation/slo/groups").size());
  }

  @Test
  void s18CustomLagFail() throws Exception {
    DoctorReport r = lagRun(StateFixture.f2("delivery: {lagWarnSeconds: 10, lagFailSeconds: 30}", "self-node",
        "peer-a"), -35, 0);
    assertTrue(r.failed());
    assertCheck(r, PA + "delivery lag", CheckStatus.FAIL, "max delivery lag 35s",
        "delivery lag exceeds SLO fail threshold 30s; check network latency to peer and outbox interval");
  }

  @Test
  void s19CustomSloRecovery() throws Exception {
    DoctorReport r = lagRun(StateFixture.f2("delivery: {lagWarnSeconds: 100, lagFailSeconds: 300}", "self-node",
        "peer-a"), -70, 0);
    assertFalse(r.failed());
    assertEquals(CheckStatus.PASS, check(r, PA + "delivery lag").status());
    assertEquals(0, json(r).at("/federation/slo/groups/0/violations").size());
  }

  @Test
  void s20DefaultLagViolation() throws Exception {
    DoctorReport r = lagRun(StateFixture.f1("self-node", "peer-a"), -200, 0);
    assertEquals(CheckStatus.FAIL, check(r, PA + "delivery lag").status());
    ExampleDocumentsTest.assertSameKeys(JSON.readTree("""
        [{"check": "cloudedge/peer-a delivery lag", "threshold": "lagFailSeconds=180", "actual": "200s",
          "severity": "fail"}]"""), json(r).at("/federation/slo/groups/0/violations"), "$.violations");
  }

  @Test
  void s21PendingExpiringSoon() throws Exception {
    DoctorReport r;
    try (StateFixture s = fixture()) {
      s.event("evt-1", "self-node", -60, 30L).pending("evt-1", "peer-a");
      r = s.doctor(StateFixture.f1("self-node", "peer-a"), true);
    }
    assertTrue(r.failed());
    assertCheck(r, PA + "pending deliveries", CheckStatus.FAIL,
        "1 pending; 1 event(s) expire within 120s without delivery",
        "outbox may be stalled or peer unreachable; check eventd logs and peer endpoint");
    assertCheck(r, PA + "event expiry", CheckStatus.FAIL, "nearest event expires in 30s; 1 pending 0 failed");
    ExampleDocumentsTest.assertSameKeys(JSON.readTree("""
        [{"check": "cloudedge/peer-a pending expiring-soon", "threshold": "expiresSoonSeconds=120",
          "actual": "minExpiresIn=30s, pending=1", "severity": "fail"}]"""),
        json(r).at("/federation/slo/groups/0/violations"), "$.violations");
    assertEquals(List.of("investigate-pending-deliveries(cloudedge,peer-a,)"), plan(r));
  }

  @Test
  void s22PendingWarn() throws Exception {
    DoctorReport r;
    try (StateFixture s = fixture()) {
      s.event("evt-1", "n", -10, 600L).pending("evt-1", "peer-a");
      r = s.doctor(StateFixture.f0(), false);
    }
    assertCheck(r, PA + "pending deliveries", CheckStatus.WARN, "1 pending delivery(s)",
        "check outbox is running and peers are reachable");
    assertEquals(CheckStatus.WARN, r.summary().overall());
    assertFalse(r.failed());
  }

  @Test
  void s23EventExpiryWarnHasNoAction() throws Exception {
    DoctorReport r;
    try (StateFixture s = fixture()) {
      s.event("evt-1", "self-node", -10, 60L).deliver("evt-1", "peer-a", 0, 60L);
      r = s.doctor(StateFixture.f1("self-node", "peer-a"), true);
    }
    List<Check> nonPass = r.checks().stream().filter(c -> c.status() != CheckStatus.PASS).toList();
    assertEquals(1, nonPass.size(), nonPass.toString());
    assertCheck(r, PA + "event expiry", CheckStatus.WARN, "nearest event expires in 60s; 0 pending 0 failed",
        "event TTL running low; verify outbox re-push and peer delivery");
    assertEquals(List.of(), r.remediationPlan().actions());
    assertFalse(r.failed());
  }

  @Test
  void s24EmptyDatabaseAndMissingFile() throws Exception {
    DoctorReport empty;
    try (StateFixture s = fixture()) {
      empty = s.doctor(StateFixture.f0(), false);
    }
    Path missing = tmp.resolve("never-created.db");
    DoctorReport none = FederationDoctor.diagnose(StateFixture.f0(), missing, T, false);
    assertFalse(Files.exists(missing), "the doctor never creates the state file");
    for (DoctorReport r : List.of(empty, none)) {
      assertEquals(List.of("delivery summary", "expected peers"), names(r));
      assertCheck(r, "delivery summary", CheckStatus.SKIP, "no federation delivery records");
      assertCheck(r, "expected peers", CheckStatus.SKIP, "no EventPeer resources configured");
      assertEquals(CheckStatus.SKIP, r.summary().overall());
      assertFalse(r.failed());
      JsonNode groups = json(r).at("/federation/slo/groups");
      assertTrue(groups.isNull(), "groups is null: " + groups);
      assertNull(r.checks().get(0).code());
      assertFalse(json(r).get("checks").get(0).has("code"), "un-coded checks omit the key");
    }
  }

  @Test
  void s25JsonStateBackend() throws Exception {
    DoctorReport r = FederationDoctor.diagnose(StateFixture.f1("self-node", "peer-a"), tmp.resolve("state.json"), T,
        true);
    assertEquals(List.of("delivery summary"), names(r));
    assertCheck(r, "delivery summary", CheckStatus.SKIP, "state backend does not support federation delivery summary");
    assertFalse(json(r).get("federation").has("slo"));
    assertFalse(r.failed());
  }

  // ------------------------------------------------------------------ expected-peer audit

  @Test
  void s26ExpectedPeersAllDelivered() throws Exception {
    DoctorReport r;
    try (StateFixture s = fixture()) {
      s.event("evt-1", "self-node", -10, 600L).deliver("evt-1", "peer-a", 0, 600L).deliver("evt-1", "peer-b", 0, 600L);
      r = s.doctor(StateFixture.f1("self-node", "peer-a", "peer-b"), false);
    }
    assertCheck(r, "cloudedge/peer-a expected delivery", CheckStatus.PASS, "all 1 active event(s) have delivery rows");
    assertCheck(r, "cloudedge/peer-b expected delivery", CheckStatus.PASS, "all 1 active event(s) have delivery rows");
    assertEquals(CheckCode.EXPECTED_DELIVERY, check(r, "cloudedge/peer-a expected delivery").code());
    assertFalse(r.failed());
  }

  @Test
  void s27ExpectedPeerMissingDelivery() throws Exception {
    DoctorReport r;
    try (StateFixture s = fixture()) {
      s.event("evt-1", "self-node", -10, 600L).deliver("evt-1", "peer-a", 0, 600L);
      r = s.doctor(StateFixture.f1("self-node", "peer-a", "peer-b"), true);
    }
    Check c = check(r, "cloudedge/peer-b expected delivery");
    assertEquals(CheckCode.EXPECTED_DELIVERY, c.code());
    assertCheck(r, c.name(), CheckStatus.FAIL, "1 of 1 active event(s) have no delivery row: evt-1",
        "outbox never enqueued delivery for this peer; check EventPeer config and outbox peer filter");
    assertTrue(r.failed());
    assertTrue(plan(r).contains("investigate-missing-delivery-rows(cloudedge,peer-b,)"), plan(r).toString());
  }

  @Test
  void s28SelfIsNotAnExpectedPeer() throws Exception {
    DoctorReport r;
    try (StateFixture s = fixture()) {
      s.event("evt-1", "self-node", -10, 600L).deliver("evt-1", "peer-a", 0, 600L);
      r = s.doctor(StateFixture.f1("self-node", "self-node", "peer-a"), false);
    }
    assertFalse(names(r).contains("cloudedge/self-node expected delivery"), names(r).toString());
    assertTrue(names(r).contains("cloudedge/peer-a expected delivery"));
  }

  @Test
  void s29EmptyEndpointIsSeenAndNeedsApproval() throws Exception {
    DoctorReport r;
    try (StateFixture s = fixture()) {
      s.event("evt-1", "self-node", -10, 600L);
      r = s.doctor(StateFixture.f1("self-node", "peer-a="), true);
    }
    assertEquals(List.of("delivery summary", "cloudedge/peer-a expected delivery"), names(r));
    assertCheck(r, "delivery summary", CheckStatus.SKIP, "no federation delivery records");
    Check c = check(r, "cloudedge/peer-a expected delivery");
    assertEquals(CheckCode.EXPECTED_DELIVERY_NO_ENDPOINT, c.code());
    assertCheck(r, c.name(), CheckStatus.FAIL, "EventPeer endpoint is empty",
        "set spec.endpoint on EventPeer/peer-a for group cloudedge");
    assertTrue(r.failed());
    assertEquals(1, r.federation().missingExpectedPeerCount());
    ExampleDocumentsTest.assertSameKeys(JSON.readTree("""
        [{"action": "configure-peer-endpoint", "reason": "EventPeer endpoint is empty", "targetPeer": "peer-a",
          "targetGroup": "cloudedge", "safe": false, "requiresOperatorApproval": true}]"""),
        json(r).at("/remediationPlan/actions"), "$.actions");
    assertEquals(Readiness.NOT_READY, r.remediationPlan().actions().get(0).readiness());
  }

  @Test
  void s30NoSelfEmittedEvents() throws Exception {
    DoctorReport r;
    try (StateFixture s = fixture()) {
      s.event("evt-1", "other-node", -10, 600L);
      r = s.doctor(StateFixture.f1("self-node", "peer-a"), false);
    }
    assertCheck(r, "cloudedge expected peers", CheckStatus.SKIP, "no self-emitted active events to deliver");
    assertFalse(r.failed());
  }

  @Test
  void s31MissingIdsAreSortedAndTruncated() throws Exception {
    DoctorReport r;
    try (StateFixture s = fixture()) {
      for (String id : List.of("evt-1", "evt-2", "evt-3", "evt-10", "evt-11")) {
        s.event(id, "self-node", -10, 600L);
      }
      r = s.doctor(StateFixture.f1("self-node", "peer-a"), false);
    }
    assertCheck(r, "cloudedge/peer-a expected delivery", CheckStatus.FAIL,
        "5 of 5 active event(s) have no delivery row: evt-1, evt-10, evt-11 +2 more");
  }

  @Test
  void s32MissingPeerCountedInSummary() throws Exception {
    DoctorReport r;
    try (StateFixture s = fixture()) {
      s.event("evt-1", "onprem", -5, 1800L);
      r = s.doctor(StateFixture.f1("onprem", "leaf-az=https://10.252.0.3:8443"), false);
    }
    assertTrue(r.failed());
    assertEquals(1, json(r).at("/federation/missingExpectedPeerCount").asInt());
  }

  // ------------------------------------------------------------------ summary block, subscriptions, table

  @Test
  void s33HealthySummaryBlock() throws Exception {
    DoctorReport r;
    try (StateFixture s = fixture()) {
      s.event("evt-1", "n", -5, 1800L).deliver("evt-1", "peer-a", 0, 1800L);
      r = s.doctor(StateFixture.f0(), false);
    }
    JsonNode f = json(r).get("federation");
    assertEquals(1, f.get("totalEvents").asInt());
    assertEquals(1, f.get("totalDelivered").asInt());
    assertEquals(0, f.get("failedDeliveryCount").asInt());
    assertEquals(0, f.get("staleTTLCount").asInt());
    assertEquals(0, f.get("pendingDeliveryCount").asInt());
    assertEquals(0, f.get("missingExpectedPeerCount").asInt());
    assertEquals(5, f.get("maxDeliveryLagSeconds").asInt());
    assertEquals(1800, f.get("minExpiresInSeconds").asInt());
    ExampleDocumentsTest.assertSameKeys(JSON.readTree("{\"pass\": 5, \"warn\": 0, \"fail\": 0, \"skip\": 1}"),
        f.get("severityCounts"), "$.severityCounts");
  }

  @Test
  void s34FailureSummaryBlock() throws Exception {
    DoctorReport r;
    try (StateFixture s = fixture()) {
      s.event("evt-1", "n", -200, 600L).fail("evt-1", "peer-a");
      r = s.doctor(StateFixture.f0(), false);
    }
    assertTrue(r.failed());
    assertEquals(1, r.federation().failedDeliveryCount());
    assertTrue(r.federation().severityCounts().fail() >= 1);
    assertEquals(1, r.federation().totalEvents());
  }

  @Test
  void s35TableHasNoJsonKeys() throws Exception {
    String table = lagRun(StateFixture.f0(), -5, 0).toTable();
    assertTrue(table.startsWith("DOCTOR"), table);
    assertTrue(table.contains("AREA"), table);
    assertFalse(table.contains("severityCounts"), table);
    assertFalse(table.contains("failedDeliveryCount"), table);
  }

  private static FederationConfig withSubscription(String slo) {
    return StateFixture.config(StateFixture.f1Yaml("self-node", "peer-a") + """
        ---
        apiVersion: federation.routerd.net/v1alpha1
        kind: EventSubscription
        metadata: {name: cloud-claims}
        spec: {groupRef: cloudedge, match: {types: [t]}, trigger: {pluginRef: cloud-claims}}
        """ + (slo.isEmpty() ? "" : """
        ---
        apiVersion: federation.routerd.net/v1alpha1
        kind: FederationSLO
        metadata: {name: cloudedge-slo}
        spec: {groupRef: cloudedge, subscription: %s}
        """.formatted(slo)));
  }

  private static final String SUB = "EventSubscription/cloud-claims subscription runs";

  @Test
  void s36SubscriptionRunsSucceededAndFailed() throws Exception {
    DoctorReport ok;
    try (StateFixture s = fixture()) {
      s.run("EventSubscription/cloud-claims", "evt-1", "succeeded", 1, null);
      ok = s.doctor(withSubscription(""), true);
    }
    assertCheck(ok, SUB, CheckStatus.PASS, "all 1 run(s) succeeded");
    assertEquals(CheckCode.SUBSCRIPTION_RUNS, check(ok, SUB).code());
    JsonNode f = json(ok).get("federation");
    assertEquals(1, f.get("subscriptionRunsTotal").asInt());
    assertEquals(1, f.get("subscriptionRunsSucceeded").asInt());
    assertEquals(0, f.get("subscriptionRunsFailed").asInt());
    assertEquals(0, f.get("subscriptionRunsPending").asInt());
    assertFalse(ok.failed());

    DoctorReport bad;
    try (StateFixture s = fixture()) {
      s.run("EventSubscription/cloud-claims", "evt-1", "failed", 1, "plugin exited 1");
      bad = s.doctor(withSubscription(""), true);
    }
    assertCheck(bad, SUB, CheckStatus.FAIL, "0 succeeded, 1 failed, 0 pending (max attempts 1)",
        "inspect failed runs: cloudedge federation subscription runs --subscription EventSubscription/cloud-claims");
    assertTrue(bad.failed());
    JsonNode action = json(bad).at("/remediationPlan/actions/0");
    assertEquals("inspect-failed-subscription-runs", action.get("action").asText());
    assertEquals("EventSubscription/cloud-claims", action.get("targetResource").asText());
    assertFalse(action.has("targetGroup"));
    assertFalse(action.has("targetPeer"));
  }

  @Test
  void s37SubscriptionThresholds() throws Exception {
    try (StateFixture s = fixture()) {
      s.run("EventSubscription/cloud-claims", "evt-1", "pending", 1, null);
      assertCheck(s.doctor(withSubscription(""), false), SUB, CheckStatus.WARN,
          "0 succeeded, 1 pending (max attempts 1)",
          "pending runs may resolve on next reconcile tick; if persistent, check plugin and eventd logs");
      assertCheck(s.doctor(withSubscription("{maxPendingRuns: 1}"), false), SUB, CheckStatus.PASS,
          "all 0 run(s) succeeded");
    }
    try (StateFixture s = fixture()) {
      for (int i = 1; i <= 5; i++) {
        s.run("EventSubscription/cloud-claims", "ok-" + i, "succeeded", 1, null);
      }
      s.run("EventSubscription/cloud-claims", "bad-1", "failed", 3, "x").run("EventSubscription/cloud-claims",
          "bad-2", "failed", 3, "x");
      assertCheck(s.doctor(withSubscription("{maxFailedRuns: 3}"), false), SUB, CheckStatus.PASS,
          "all 5 run(s) succeeded");
      assertCheck(s.doctor(withSubscription(""), false), SUB, CheckStatus.FAIL,
          "5 succeeded, 2 failed, 0 pending (max attempts 3)");
    }
  }

  @Test
  void s37bSubscriptionWithoutRunsIsSkip() throws Exception {
    try (StateFixture s = fixture()) {
      assertCheck(s.doctor(withSubscription(""), true), SUB, CheckStatus.SKIP, "no subscription run records");
    }
  }

  @Test
  void s38NoSloResourceMeansDefaults() throws Exception {
    DoctorReport r = lagRun(StateFixture.f1("self-node", "peer-a"), -5, 0);
    JsonNode g = json(r).at("/federation/slo/groups/0");
    assertFalse(g.get("defined").asBoolean());
    ExampleDocumentsTest.assertSameKeys(JSON.readTree("""
        {"delivery": {"lagWarnSeconds": 60, "lagFailSeconds": 180, "expiresSoonSeconds": 120},
         "subscription": {"maxPendingRuns": 0, "maxFailedRuns": 0}}"""), g.get("thresholds"), "$.thresholds");
  }

  private static String twoGroups(String a, String b, String sloA, String sloB) {
    StringBuilder sb = new StringBuilder();
    for (String[] g : new String[][] {{a, sloA}, {b, sloB}}) {
      sb.append("""
          ---
          apiVersion: federation.routerd.net/v1alpha1
          kind: EventGroup
          metadata: {name: %1$s}
          spec: {nodeName: self-node, auth: {secretFile: /k}}
          ---
          apiVersion: federation.routerd.net/v1alpha1
          kind: EventPeer
          metadata: {name: %1$s-peer-a}
          spec: {groupRef: %1$s, nodeName: peer-a, endpoint: "http://127.0.0.1:9"}
          ---
          apiVersion: federation.routerd.net/v1alpha1
          kind: FederationSLO
          metadata: {name: %1$s-slo}
          spec: {groupRef: %1$s, delivery: %2$s}
          """.formatted(g[0], g[1]));
    }
    return sb.toString();
  }

  private DoctorReport twoGroupRun(String a, String b, String sloA, String sloB, long lag) throws Exception {
    // Config lists b before a: groups must still come out in name order.
    FederationConfig cfg = StateFixture.config(twoGroups(b, a, sloB, sloA));
    try (StateFixture s = fixture()) {
      for (String g : List.of(a, b)) {
        s.group(g).event(g + "-evt-1", "self-node", -lag, 600L).deliver(g + "-evt-1", "peer-a", 0, 600L);
      }
      return s.doctor(cfg, true);
    }
  }

  @Test
  void s39MultiGroupSlo() throws Exception {
    DoctorReport r = twoGroupRun("alpha", "beta", "{lagWarnSeconds: 10, lagFailSeconds: 30}",
        "{lagWarnSeconds: 100, lagFailSeconds: 300}", 15);
    JsonNode groups = json(r).at("/federation/slo/groups");
    assertEquals(2, groups.size());
    assertEquals("alpha", groups.get(0).get("group").asText());
    assertTrue(groups.get(0).get("defined").asBoolean());
    assertEquals("alpha/peer-a delivery lag", groups.get(0).at("/violations/0/check").asText());
    assertEquals("warn", groups.get(0).at("/violations/0/severity").asText());
    assertEquals("beta", groups.get(1).get("group").asText());
    assertTrue(groups.get(1).get("defined").asBoolean());
    assertEquals(100, groups.get(1).at("/thresholds/delivery/lagWarnSeconds").asInt());
    assertEquals(0, groups.get(1).get("violations").size());
    assertFalse(r.failed());
    // Expected-peer checks follow group name order even though beta is configured first.
    List<String> n = names(r);
    assertTrue(n.indexOf("alpha/peer-a expected delivery") < n.indexOf("beta/peer-a expected delivery"), n.toString());

    DoctorReport r2 = twoGroupRun("group-a", "group-b", "{lagWarnSeconds: 10, lagFailSeconds: 30}",
        "{lagWarnSeconds: 100, lagFailSeconds: 300}", 50);
    JsonNode g2 = json(r2).at("/federation/slo/groups");
    assertEquals("fail", g2.get(0).at("/violations/0/severity").asText());
    assertEquals(0, g2.get(1).get("violations").size());
    assertEquals(List.of("check-peer-connectivity(group-a,peer-a,)"), plan(r2).stream()
        .filter(p -> p.startsWith("check-peer-connectivity")).toList());
  }

  @Test
  void s40PipelineSloRecovery() throws Exception {
    FederationConfig cfg = StateFixture.f2("delivery: {lagWarnSeconds: 30, lagFailSeconds: 90}", "self-node", "peer-a");
    try (StateFixture s = fixture()) {
      s.event("evt-1", "self-node", -120, 600L).fail("evt-1", "peer-a");
      DoctorReport before = s.doctor(cfg, false);
      JsonNode v = json(before).at("/federation/slo/groups/0/violations");
      assertTrue(v.toString().contains("\"check\":\"cloudedge/peer-a failed deliveries\""), v.toString());
      assertTrue(v.toString().contains("\"severity\":\"fail\""), v.toString());

      s.store.markDelivered("evt-1", "peer-a", 1, T.minusSeconds(115), T.plusSeconds(600), T);
      DoctorReport after = s.doctor(cfg, false);
      assertFalse(after.failed(), after.toTable());
      JsonNode g = json(after).at("/federation/slo/groups/0");
      assertFalse(g.get("violations").toString().contains("failed deliveries"));
      assertEquals(30, g.at("/thresholds/delivery/lagWarnSeconds").asInt());
      assertEquals(90, g.at("/thresholds/delivery/lagFailSeconds").asInt());
      assertTrue(g.get("defined").asBoolean());
    }
  }

  // ------------------------------------------------------------------ remediation plan

  @Test
  void s41PlanKeyOnlyWhenAsked() throws Exception {
    try (StateFixture s = fixture()) {
      s.event("evt-1", "self-node", -5, 600L).deliver("evt-1", "peer-a", 0, 600L);
      DoctorReport without = s.doctor(StateFixture.f1("self-node", "peer-a"), false);
      assertFalse(json(without).has("remediationPlan"));
      DoctorReport with = s.doctor(StateFixture.f1("self-node", "peer-a"), true);
      JsonNode p = json(with).get("remediationPlan");
      assertNotNull(p);
      assertTrue(p.get("actions").isArray());
      assertEquals(0, p.get("actions").size());
      assertTrue(with.toJson().contains("\"actions\": []"), "empty plan prints []");
      assertFalse(with.failed());
    }
  }

  @Test
  void s42RetryFailedDeliveries() throws Exception {
    DoctorReport r;
    try (StateFixture s = fixture()) {
      s.event("evt-1", "self-node", -10, 600L).fail("evt-1", "peer-a");
      r = s.doctor(StateFixture.f1("self-node", "peer-a"), true);
    }
    RemediationAction a = r.remediationPlan().actions().stream()
        .filter(x -> x.action() == RemediationActionType.RETRY_FAILED_DELIVERIES).findFirst().orElseThrow();
    assertEquals("peer-a", a.targetPeer());
    assertEquals("cloudedge", a.targetGroup());
    assertTrue(a.safe());
    assertFalse(a.requiresOperatorApproval());
  }

  @Test
  void s43NoDuplicateActions() throws Exception {
    DoctorReport r;
    try (StateFixture s = fixture()) {
      for (String id : List.of("evt-1", "evt-2", "evt-3")) {
        s.event(id, "self-node", -10, 600L).fail(id, "peer-a");
      }
      r = s.doctor(StateFixture.f1("self-node", "peer-a"), true);
    }
    List<RemediationAction> retries = r.remediationPlan().actions().stream()
        .filter(x -> x.action() == RemediationActionType.RETRY_FAILED_DELIVERIES).toList();
    assertEquals(1, retries.size());
    assertEquals("3 of 3 delivery(s) failed", retries.get(0).reason());
  }

  private static String sha256(Path p) throws Exception {
    if (!Files.exists(p)) {
      return "absent";
    }
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p)));
  }

  @Test
  void s44PlanNeverMutatesState() throws Exception {
    StateFixture s = fixture();
    ExampleDocumentsTest.exampleBState(s);
    List<DeliveryRecord> rowsBefore = s.store.listDeliveries("", "");
    long eventsBefore = s.store.countEvents("cloudedge");
    s.close();
    Path db = s.path;
    Path wal = Path.of(db + "-wal");
    String dbBefore = sha256(db);
    String walBefore = sha256(wal);
    long mtime = Files.getLastModifiedTime(db).toMillis();
    DoctorReport r = FederationDoctor.diagnose(StateFixture.config(ExampleDocumentsTest.EXAMPLE_B_CONFIG), db, T, true);
    assertEquals(7, r.remediationPlan().actions().size());
    assertEquals(dbBefore, sha256(db), "state file bytes unchanged");
    // SQLite may create an empty -wal/-shm sidecar to read a WAL-mode file; nothing is ever written into it.
    assertTrue(walBefore.equals(sha256(wal)) || Files.size(wal) == 0, "WAL unchanged or empty");
    assertEquals(mtime, Files.getLastModifiedTime(db).toMillis());
    try (StateFixture again = new StateFixture(db.getParent())) {
      List<DeliveryRecord> rowsAfter = again.store.listDeliveries("", "");
      assertEquals(rowsBefore.stream().map(d -> d.eventId() + d.peer() + d.status() + d.attempts()).toList(),
          rowsAfter.stream().map(d -> d.eventId() + d.peer() + d.status() + d.attempts()).toList());
      assertEquals(eventsBefore, again.store.countEvents("cloudedge"));
    }
  }

  @Test
  void s45ExampleAIsByteIdenticalAcrossRuns() throws Exception {
    Path d = Files.createDirectories(tmp.resolve("a"));
    DoctorReport first = ExampleDocumentsTest.exampleA(d);
    FederationConfig cfg = StateFixture.config(ExampleDocumentsTest.EXAMPLE_A_CONFIG);
    String a = FederationDoctor.diagnose(cfg, d.resolve("state.db"), T, true).toJson();
    String b = FederationDoctor.diagnose(cfg, d.resolve("state.db"), T, true).toJson();
    assertEquals(first.toJson(), a);
    assertEquals(a, b);
    assertEquals(List.of("retry-failed-deliveries(cloudedge,peer-a,)", "retry-failed-deliveries(cloudedge,peer-b,)"),
        plan(first));
    assertEquals("2026-07-21T08:00:00Z", first.remediationPlan().generatedAt());
  }

  @Test
  void s46ExampleBPlanOrder() throws Exception {
    DoctorReport r = ExampleDocumentsTest.exampleB(tmp);
    assertEquals(List.of(
        "check-peer-connectivity(cloudedge,leaf-az,)",
        "configure-peer-endpoint(cloudedge,leaf-gcp,)",
        "force-repush-stale-ttl(cloudedge,leaf-aws,)",
        "inspect-failed-subscription-runs(,,EventSubscription/cloud-claims)",
        "investigate-missing-delivery-rows(cloudedge,leaf-oci,)",
        "investigate-pending-deliveries(cloudedge,leaf-az,)",
        "retry-failed-deliveries(cloudedge,leaf-oci,)"), plan(r));
    for (RemediationAction a : r.remediationPlan().actions()) {
      assertTrue(r.checks().stream().anyMatch(c -> c.detail().equals(a.reason())), "reason is a check detail");
    }
    assertTrue(r.checks().stream().anyMatch(c -> c.code() == CheckCode.EVENT_EXPIRY && c.status() == CheckStatus.FAIL));
  }

  // ------------------------------------------------------------------ pipeline context, doctor side

  @Test
  void s47PartitionReplayRecoversWithinSlo() throws Exception {
    // The rows the outbox writes: a failed push at 12:00:10, the replay delivered at 12:00:30 for an event
    // observed at 12:00:00. (The outbox behaviour itself is tested with the outbox.)
    try (StateFixture s = fixture()) {
      s.event("evt-1", "self-node", -30, 600L);
      s.store.enqueueDelivery("evt-1", "peer-a");
      s.store.markFailed("evt-1", "peer-a", 1, "503 Service Unavailable", T.plusSeconds(600), T.minusSeconds(20), null);
      DoctorReport during = s.doctor(StateFixture.f1("self-node", "peer-a"), true);
      assertTrue(during.failed());
      s.store.markDelivered("evt-1", "peer-a", 1, T, T.plusSeconds(600), T);
      DoctorReport after = s.doctor(StateFixture.f1("self-node", "peer-a"), true);
      assertCheck(after, PA + "delivery lag", CheckStatus.PASS, "max delivery lag 30s");
      assertFalse(after.failed(), after.toTable());
      assertEquals(List.of(), after.remediationPlan().actions());
    }
  }

  @Test
  void s48EmittedEventIsExpectedOnlyFromItsSourceNode() throws Exception {
    try (StateFixture s = fixture()) {
      s.event("evt-1", "onprem-router07", -1, 600L).deliver("evt-1", "peer-a", 0, 600L);
      DoctorReport same = s.doctor(StateFixture.f1("onprem-router07", "peer-a"), false);
      assertCheck(same, PA + "expected delivery", CheckStatus.PASS, "all 1 active event(s) have delivery rows");
      DoctorReport other = s.doctor(StateFixture.f1("other-node", "peer-a"), false);
      assertCheck(other, "cloudedge expected peers", CheckStatus.SKIP, "no self-emitted active events to deliver");
    }
  }
}
