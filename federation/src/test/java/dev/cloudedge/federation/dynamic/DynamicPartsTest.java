package dev.cloudedge.federation.dynamic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cloudedge.federation.event.FederationEvent;
import dev.cloudedge.federation.plan.ActionPlan;
import dev.cloudedge.federation.plugin.PluginException;
import dev.cloudedge.federation.plugin.PluginResult;
import dev.cloudedge.federation.plugin.PluginResultDecoder;
import dev.cloudedge.federation.store.FederationStore;
import dev.cloudedge.federation.testsupport.TestPlugins;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DynamicPartsTest {
  private static final Instant NOON = Instant.parse("2026-05-30T12:00:00Z");

  private static PluginResult decoded(String json) throws PluginException {
    return PluginResultDecoder.decode("t", json.getBytes(StandardCharsets.UTF_8));
  }

  private static PluginResult withStatus(PluginResult.Status s) {
    return new PluginResult("plugin.routerd.net/v1alpha1", "PluginResult", null, s);
  }

  private static String error(PluginResult r) {
    return assertThrows(DynamicConfigException.class, () -> DynamicParts.fromResult("S/x", 1, r, NOON)).getMessage();
  }

  @Test
  void sourceKeyVectors() {
    assertEquals("EventSubscription/claim-sub/8b5cc4df7eec7d32", DynamicParts.subscriptionSource("claim-sub", List.of("e1")));
    assertEquals("EventSubscription/s/499b012dcfbcd232", DynamicParts.subscriptionSource("s", List.of("e2", "e1")));
    assertEquals("EventSubscription/cloud-claims/07634fdff9b3235c",
        DynamicParts.subscriptionSource("cloud-claims", List.of("evt-phase3-smoke-20260530T112250Z")));
    assertEquals("EventSubscription-claim-sub-8b5cc4df7eec7d32-1",
        DynamicParts.partName("EventSubscription/claim-sub/8b5cc4df7eec7d32", 1));
    assertEquals("dynamic-1", DynamicParts.partName("//", 1));
  }

  @Test
  void acceptance13Rules() throws Exception {
    assertEquals("PluginResult status.ttl is required", error(withStatus(new PluginResult.Status("", "", null, null, null, null))));
    assertEquals("PluginResult status.ttl must be greater than 0",
        error(withStatus(new PluginResult.Status("", "0s", null, null, null, null))));
    assertTrue(error(withStatus(new PluginResult.Status("", "soon", null, null, null, null)))
        .startsWith("PluginResult status.ttl must be a valid duration: "));
    PluginResult.Directive replace = new PluginResult.Directive("replace",
        new PluginResult.DirectiveTarget("a", "k", "n"), "");
    assertEquals("PluginResult status.directives[0].op must be mask",
        error(withStatus(new PluginResult.Status("", "5m", null, List.of(replace), null, null))));
    ObjectNode spec = JsonNodeFactory.instance.objectNode().put("address", "10.0.0.1/32");
    PluginResult.ResourceEntry untyped = new PluginResult.ResourceEntry("hybrid.routerd.net/v1alpha1",
        "RemoteAddressClaim", new PluginResult.ResourceMetadata("c", null), spec, false);
    assertTrue(error(withStatus(new PluginResult.Status("", "5m", List.of(untyped), null, null, null)))
        .contains("untyped map"));
    ActionPlan exec = new ActionPlan("p", "aws", "ensure-forwarding-enabled", null, "", "execute", "", "", "", null,
        null, null, null);
    String e = error(withStatus(new PluginResult.Status("", "5m", null, null, List.of(exec), null)));
    assertTrue(e.contains("status.actionPlans[0]"), e);
    assertTrue(e.endsWith("actionPlan mode=execute is not supported; provider actions are dry-run/display-only in Phase 4.1"));
    assertEquals("PluginResult apiVersion must be plugin.routerd.net/v1alpha1",
        error(new PluginResult(null, null, null, null)));
    assertEquals("source is required", assertThrows(DynamicConfigException.class,
        () -> DynamicParts.fromResult(" ", 1, decoded(TestPlugins.claimResult()), NOON)).getMessage());
  }

  @Test
  void invalidClaimIsRefused() throws Exception {
    PluginResult r = decoded(TestPlugins.claimResult().replace("10.88.60.9/32", "10.88.60.0/24"));
    assertEquals("PluginResult status.resources[0]: hybrid.routerd.net/v1alpha1/RemoteAddressClaim/onprem-10-88-60-9 "
        + "spec.address: must be an IPv4 /32 CIDR", error(r));
  }

  @Test
  void acceptance14TimesAndDigest() throws Exception {
    PluginResult r = decoded(TestPlugins.claimResult().replace("\"30m\"", "\"5m\""));
    DynamicConfigPart a = DynamicParts.fromResult("S/x", 1, r, NOON);
    assertEquals(NOON, a.observedAt());
    assertEquals(Instant.parse("2026-05-30T12:05:00Z"), a.expiresAt());
    DynamicConfigPart b = DynamicParts.fromResult("S/x", 1, decoded(TestPlugins.claimResult().replace("\"30m\"", "\"5m\"")),
        NOON.plusSeconds(7));
    assertEquals(a.digest(), b.digest());
    assertEquals(64, a.digest().length());
  }

  @Test
  void annotationsAndIdempotentStore(@TempDir Path dir) throws Exception {
    FederationEvent e2 = new FederationEvent("e2", "cloudedge", "", "t", "10.0.0.2/32", "", Map.of(), NOON, null);
    FederationEvent e1 = new FederationEvent("e1", "other", "", "t", "", "", Map.of(), NOON, null);
    FederationEvent e3 = new FederationEvent("e3", "cloudedge", "", "t", "10.0.0.3/32", "", Map.of(), NOON, null);
    String source = DynamicParts.subscriptionSource("sub", List.of("e2", "e1", "e3"));
    DynamicConfigPart p = DynamicParts.stampSubscription(
        DynamicParts.fromResult(source, 1, decoded(TestPlugins.claimResult()), NOON), "sub", List.of(e2, e1, e3));
    assertEquals(Map.of(
        "routerd.net/dynamic-source", "EventSubscription/sub",
        "routerd.net/event-group", "cloudedge",
        "routerd.net/event-id", "e1,e2,e3",
        "routerd.net/event-subject", "10.0.0.2/32,10.0.0.3/32"), p.resources().get(0).metadata().annotations());
    try (FederationStore store = FederationStore.open(dir.resolve("s.db"))) {
      DynamicConfigStore parts = new DynamicConfigStore(store);
      parts.upsert(p, NOON);
      parts.upsert(p, NOON.plusSeconds(5));
      assertEquals(1, parts.count());
      List<DynamicConfigPart> live = parts.list(false, NOON);
      assertEquals(1, live.size());
      assertEquals(p.name(), live.get(0).name());
      assertEquals(p.resources().get(0).metadata().annotations(), live.get(0).resources().get(0).metadata().annotations());
      assertEquals(List.of(), parts.list(false, NOON.plusSeconds(1800)));
      assertEquals("expired", parts.list(true, NOON.plusSeconds(1800)).get(0).status());
    }
  }
}
