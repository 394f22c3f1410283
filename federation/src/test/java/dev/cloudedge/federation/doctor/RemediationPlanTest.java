package dev.cloudedge.federation.doctor;

import static dev.cloudedge.federation.doctor.StateFixture.T;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The plan (reference §3, §4): mapping, flags, readiness, dedup, sort and byte-stable canonical output. */
class RemediationPlanTest {

  private static Check c(CheckCode code, String name, CheckStatus status, String detail) {
    return Check.of(code, name, status, detail, "");
  }

  @Test
  void exampleBProducesAllSevenActionsWithTheirFlagsAndReadiness(@TempDir Path dir) throws Exception {
    RemediationPlan plan = ExampleDocumentsTest.exampleB(dir).remediationPlan();
    Map<RemediationActionType, RemediationAction> seen = new EnumMap<>(RemediationActionType.class);
    for (RemediationAction a : plan.actions()) {
      seen.put(a.action(), a);
    }
    assertEquals(7, seen.size());
    for (RemediationAction a : plan.actions()) {
      boolean endpoint = a.action() == RemediationActionType.CONFIGURE_PEER_ENDPOINT;
      assertEquals(!endpoint, a.safe(), a.action().wire());
      assertEquals(endpoint, a.requiresOperatorApproval(), a.action().wire());
    }
    assertEquals(Readiness.READY, seen.get(RemediationActionType.RETRY_FAILED_DELIVERIES).readiness());
    assertEquals(Readiness.READY, seen.get(RemediationActionType.FORCE_REPUSH_STALE_TTL).readiness());
    assertEquals(Readiness.NOT_READY, seen.get(RemediationActionType.CONFIGURE_PEER_ENDPOINT).readiness());
    long inspect = plan.actions().stream().filter(a -> a.readiness() == Readiness.INSPECT_ONLY).count();
    assertEquals(4, inspect, "matrix: 2 ready, 4 inspect-only, 1 not ready");
  }

  @Test
  void codeToActionMappingIsTotalAndOneToOne() {
    assertEquals(RemediationActionType.RETRY_FAILED_DELIVERIES, RemediationActionType.forCode(CheckCode.FAILED_DELIVERIES));
    assertEquals(RemediationActionType.INVESTIGATE_PENDING_DELIVERIES,
        RemediationActionType.forCode(CheckCode.PENDING_DELIVERIES));
    assertEquals(RemediationActionType.FORCE_REPUSH_STALE_TTL, RemediationActionType.forCode(CheckCode.STALE_TTL));
    assertEquals(RemediationActionType.CHECK_PEER_CONNECTIVITY, RemediationActionType.forCode(CheckCode.DELIVERY_LAG));
    assertEquals(RemediationActionType.CONFIGURE_PEER_ENDPOINT,
        RemediationActionType.forCode(CheckCode.EXPECTED_DELIVERY_NO_ENDPOINT));
    assertEquals(RemediationActionType.INVESTIGATE_MISSING_DELIVERY_ROWS,
        RemediationActionType.forCode(CheckCode.EXPECTED_DELIVERY));
    assertEquals(RemediationActionType.INSPECT_FAILED_SUBSCRIPTION_RUNS,
        RemediationActionType.forCode(CheckCode.SUBSCRIPTION_RUNS));
    assertNull(RemediationActionType.forCode(CheckCode.EVENT_EXPIRY));
    assertNull(RemediationActionType.forCode(null));
    assertEquals(RemediationActionType.RETRY_FAILED_DELIVERIES, RemediationActionType.fromWire("retry-failed-deliveries"));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> RemediationActionType.fromWire("restart-everything"));
    assertTrue(e.getMessage().contains("restart-everything") && e.getMessage().contains("retry-failed-deliveries"));
  }

  @Test
  void onlyWarnAndFailFederationChecksWithMappedCodesProduceActions() {
    List<Check> checks = List.of(
        c(CheckCode.DELIVERY_LAG, "g/p delivery lag", CheckStatus.PASS, "max delivery lag 1s"),
        c(CheckCode.DELIVERY_LAG, "g/q delivery lag", CheckStatus.SKIP, "no delivered events to measure lag"),
        c(CheckCode.DELIVERY_LAG, "g/r delivery lag", CheckStatus.WARN, "max delivery lag 70s"),
        c(CheckCode.EVENT_EXPIRY, "g/p event expiry", CheckStatus.FAIL, "nearest event expires in 3s; 1 pending 0 failed"),
        c(null, "g expected peers", CheckStatus.WARN, "events unavailable: x"),
        c(null, "g/p expected delivery", CheckStatus.WARN, "delivery lookup failed: x"),
        new Check("wan", CheckCode.FAILED_DELIVERIES, "g/p failed deliveries", CheckStatus.FAIL, "1 of 1", ""),
        c(CheckCode.SUBSCRIPTION_RUNS, "EventSubscription/s subscription runs", CheckStatus.WARN,
            "0 succeeded, 2 pending (max attempts 1)"));
    RemediationPlan plan = RemediationPlanner.plan(checks, T);
    assertEquals(2, plan.actions().size(), plan.actions().toString());
    assertEquals(RemediationAction.of(RemediationActionType.CHECK_PEER_CONNECTIVITY, "max delivery lag 70s", "g", "r", ""),
        plan.actions().get(0));
    assertEquals(RemediationAction.of(RemediationActionType.INSPECT_FAILED_SUBSCRIPTION_RUNS,
        "0 succeeded, 2 pending (max attempts 1)", "", "", "EventSubscription/s"), plan.actions().get(1));
  }

  @Test
  void targetsAreParsedFromTheCheckName() {
    RemediationAction a = RemediationPlanner.actionFor(
        c(CheckCode.PENDING_DELIVERIES, "cloudedge/leaf-az pending deliveries", CheckStatus.WARN, "1 pending delivery(s)"));
    assertEquals("cloudedge", a.targetGroup());
    assertEquals("leaf-az", a.targetPeer());
    RemediationAction b = RemediationPlanner.actionFor(
        c(CheckCode.STALE_TTL, "lonely stale TTL", CheckStatus.WARN, "d"));
    assertEquals("lonely", b.targetGroup());
    assertEquals("", b.targetPeer());
  }

  @Test
  void duplicatesCollapseFirstOccurrenceWins() {
    List<Check> checks = List.of(
        c(CheckCode.EXPECTED_DELIVERY_NO_ENDPOINT, "g/p expected delivery", CheckStatus.FAIL, "first"),
        c(CheckCode.EXPECTED_DELIVERY_NO_ENDPOINT, "g/p expected delivery", CheckStatus.FAIL, "second"),
        c(CheckCode.FAILED_DELIVERIES, "g/p failed deliveries", CheckStatus.FAIL, "1 of 1 delivery(s) failed"));
    RemediationPlan plan = RemediationPlanner.plan(checks, T);
    assertEquals(2, plan.actions().size());
    assertEquals("first", plan.actions().get(0).reason());
  }

  @Test
  void duplicatedEventPeerGivesTwoChecksButOneAction(@TempDir Path dir) throws Exception {
    try (StateFixture s = new StateFixture(dir)) {
      s.event("evt-1", "self-node", -10, 600L);
      DoctorReport r = s.doctor(StateFixture.config(StateFixture.f1Yaml("self-node", "peer-a=") + """
          ---
          apiVersion: federation.routerd.net/v1alpha1
          kind: EventPeer
          metadata: {name: peer-a-again}
          spec: {groupRef: cloudedge, nodeName: peer-a, endpoint: ""}
          """), true);
      assertEquals(2, r.checks().stream().filter(x -> x.name().equals("cloudedge/peer-a expected delivery")).count());
      assertEquals(1, r.remediationPlan().actions().size());
      assertEquals(2, r.federation().missingExpectedPeerCount());
    }
  }

  @Test
  void sortIsByActionThenGroupThenPeerThenResourceInByteOrder() {
    List<Check> checks = List.of(
        c(CheckCode.FAILED_DELIVERIES, "b/p failed deliveries", CheckStatus.FAIL, "x"),
        c(CheckCode.FAILED_DELIVERIES, "a/q failed deliveries", CheckStatus.FAIL, "x"),
        c(CheckCode.FAILED_DELIVERIES, "a/P failed deliveries", CheckStatus.FAIL, "x"),
        c(CheckCode.FAILED_DELIVERIES, "a/p failed deliveries", CheckStatus.FAIL, "x"),
        c(CheckCode.DELIVERY_LAG, "z/z delivery lag", CheckStatus.WARN, "x"),
        c(CheckCode.SUBSCRIPTION_RUNS, "EventSubscription/b subscription runs", CheckStatus.FAIL, "x"),
        c(CheckCode.SUBSCRIPTION_RUNS, "EventSubscription/a subscription runs", CheckStatus.FAIL, "x"));
    List<String> got = RemediationPlanner.plan(checks, T).actions().stream()
        .map(a -> a.action().wire() + ":" + a.targetGroup() + "/" + a.targetPeer() + "/" + a.targetResource()).toList();
    assertEquals(List.of(
        "check-peer-connectivity:z/z/",
        "inspect-failed-subscription-runs://EventSubscription/a",
        "inspect-failed-subscription-runs://EventSubscription/b",
        "retry-failed-deliveries:a/P/",
        "retry-failed-deliveries:a/p/",
        "retry-failed-deliveries:a/q/",
        "retry-failed-deliveries:b/p/"), got);
  }

  @Test
  void shuffledInputGivesByteIdenticalCanonicalPlanAndDigest(@TempDir Path dir) throws Exception {
    List<Check> checks = ExampleDocumentsTest.exampleB(dir).checks();
    RemediationPlan reference = RemediationPlanner.plan(checks, T);
    byte[] canonical = reference.canonicalActions();
    String digest = reference.digest();
    assertTrue(digest.matches("sha256:[0-9a-f]{64}"), digest);
    for (long seed = 1; seed <= 25; seed++) {
      List<Check> shuffled = new ArrayList<>(checks);
      Collections.shuffle(shuffled, new Random(seed));
      RemediationPlan again = RemediationPlanner.plan(shuffled, T);
      assertArrayEquals(canonical, again.canonicalActions(), "seed " + seed);
      assertEquals(digest, again.digest(), "seed " + seed);
      assertEquals(reference, again);
    }
    // The digest covers the findings, not the clock.
    assertEquals(digest, RemediationPlanner.plan(checks, T.plusSeconds(3600)).digest());
    // And it changes when the findings change.
    assertFalse(digest.equals(RemediationPlanner.plan(checks.subList(0, 12), T).digest()));
  }

  @Test
  void canonicalActionsArePinned(@TempDir Path dir) throws Exception {
    RemediationPlan plan = ExampleDocumentsTest.exampleA(dir).remediationPlan();
    String want = "[{\"action\":\"retry-failed-deliveries\",\"reason\":\"1 of 1 delivery(s) failed\",\"requiresOperatorApproval\":false,"
        + "\"safe\":true,\"targetGroup\":\"cloudedge\",\"targetPeer\":\"peer-a\"},"
        + "{\"action\":\"retry-failed-deliveries\",\"reason\":\"1 of 1 delivery(s) failed\",\"requiresOperatorApproval\":false,"
        + "\"safe\":true,\"targetGroup\":\"cloudedge\",\"targetPeer\":\"peer-b\"}]";
    assertEquals(want, new String(plan.canonicalActions(), StandardCharsets.UTF_8));
    assertEquals(CanonicalJson.sha256(plan.actions()), plan.digest());
    assertEquals("[]", CanonicalJson.string(RemediationPlanner.plan(List.of(), T).actions()));
  }
}
