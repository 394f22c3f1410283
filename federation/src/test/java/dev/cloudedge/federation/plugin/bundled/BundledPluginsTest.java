package dev.cloudedge.federation.plugin.bundled;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cloudedge.federation.dynamic.DynamicParts;
import dev.cloudedge.federation.plan.ActionPlan;
import dev.cloudedge.federation.plan.ActionPlans;
import dev.cloudedge.federation.plugin.PluginJson;
import dev.cloudedge.federation.plugin.PluginRequest;
import dev.cloudedge.federation.plugin.PluginResult;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BundledPluginsTest {
  private static PluginRequest.ContextResource ctx(String kind, String name, ObjectNode spec) {
    return new PluginRequest.ContextResource("hybrid.routerd.net/v1alpha1", kind, name, spec);
  }

  private static PluginRequest request(Map<String, String> payload, List<PluginRequest.ContextResource> context) {
    PluginRequest.MatchedEvent e = new PluginRequest.MatchedEvent("e1", "cloudedge", "", "routerd.client.ipv4.observed",
        "10.88.60.9/32", "e1", payload, "2026-05-30T11:00:00Z", null);
    return new PluginRequest("plugin.routerd.net/v1alpha1", "PluginRequest", new PluginRequest.Metadata("p"),
        new PluginRequest.Spec(new PluginRequest.Trigger("federation-subscription", "t"), "", 0, 0,
            "2026-05-30T12:00:00Z", List.of(e), new PluginRequest.Context(context)));
  }

  private static final List<PluginRequest.ContextResource> CONTEXT = List.of(
      ctx("CloudProviderProfile", "cloud-tokyo", JsonNodeFactory.instance.objectNode()
          .put("provider", "azure").put("subscriptionID", "sub-1").put("resourceGroup", "rg-1")),
      ctx("AddressMobilityDomain", "cloudedge-same-subnet", null),
      ctx("OverlayPeer", "onprem-main", null));

  private static final Map<String, String> PAYLOAD = Map.of("domain", "cloudedge-same-subnet", "ownerSide", "onprem",
      "nicRef", "nic-xyz", "region", "ap-northeast-1");

  @Test
  void acceptance18Aws() throws Exception {
    PluginResult r = BundledPlugins.run("aws-address-claim", request(PAYLOAD, CONTEXT));
    PluginResult.ResourceEntry claim = r.status().resources().get(0);
    assertEquals("onprem-10-88-60-9", claim.metadata().name());
    assertEquals("cloud-tokyo", claim.spec().path("capture").path("providerRef").asText());
    assertEquals("onprem-main", claim.spec().path("delivery").path("peerRef").asText());
    assertEquals("30m", r.status().ttl());
    ActionPlan assign = r.status().actionPlans().get(0);
    ActionPlan fwd = r.status().actionPlans().get(1);
    assertEquals("aws-assign-10-88-60-9-32", assign.name());
    assertEquals("aws:nic-xyz:assign-secondary-ip:10.88.60.9/32", assign.idempotencyKey());
    assertEquals("unassign-secondary-ip", assign.undo().action());
    assertEquals(Map.of("provider", "aws", "providerRef", "cloud-tokyo", "nicRef", "nic-xyz", "address", "10.88.60.9/32",
        "region", "ap-northeast-1"), assign.target());
    assertEquals(assign.target(), assign.undo().parameters());
    assertEquals("dry-run", assign.mode());
    assertEquals("Assign 10.88.60.9/32 as a secondary IP on aws NIC nic-xyz (dry-run; not executed)", assign.description());
    assertEquals("aws-forwarding-nic-xyz", fwd.name());
    assertEquals("aws:nic-xyz:ensure-forwarding-enabled", fwd.idempotencyKey());
    assertEquals(Map.of("sourceDestCheck", "false"), fwd.parameters());
    assertEquals("ensure-forwarding-disabled", fwd.undo().action());
    assertEquals("false", fwd.undo().parameters().get("sourceDestCheck"));
    assertEquals("", fwd.targetValue("address"));
    for (ActionPlan p : r.status().actionPlans()) {
      assertEquals(java.util.Optional.empty(), ActionPlans.validate(p));
    }
    // The whole result converts: a valid claim and valid plans.
    DynamicParts.fromResult("S/x", 1, r, Instant.parse("2026-05-30T12:00:00Z"));
  }

  @Test
  void refusesToInventANicId() {
    Map<String, String> noNic = Map.of("domain", "cloudedge-same-subnet", "ownerSide", "onprem");
    BundledPluginException e = assertThrows(BundledPluginException.class,
        () -> BundledPlugins.run("aws-address-claim", request(noNic, CONTEXT)));
    assertEquals("event \"e1\" has no nicRef (payload.nicRef) for provider \"aws\"; refusing to invent a cloud NIC id",
        e.getMessage());
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = BundledPlugins.exec("aws-address-claim",
        new ByteArrayInputStream(json(request(noNic, CONTEXT)).getBytes(StandardCharsets.UTF_8)),
        new PrintWriter(out), new PrintWriter(err));
    assertEquals(1, code);
    assertTrue(err.toString().startsWith("aws-address-claim: "), err.toString());
    assertTrue(err.toString().contains("refusing to invent a cloud NIC id"));
    assertEquals("", out.toString());
  }

  @Test
  void missingContextAndEvents() {
    assertEquals("required context resource of kind \"OverlayPeer\" is missing", assertThrows(
        BundledPluginException.class,
        () -> BundledPlugins.run("oci-address-claim", request(PAYLOAD, CONTEXT.subList(0, 2)))).getMessage());
    PluginRequest none = new PluginRequest("plugin.routerd.net/v1alpha1", "PluginRequest", null,
        new PluginRequest.Spec(null, "", 0, 0, "", List.of(), null));
    assertEquals("no \"routerd.client.ipv4.observed\" event in PluginRequest",
        assertThrows(BundledPluginException.class, () -> BundledPlugins.run("oci-address-claim", none)).getMessage());
    assertThrows(IllegalArgumentException.class, () -> BundledPlugins.exec("gcp-address-claim", null, null, null));
  }

  @Test
  void azureAndOciProfiles() throws Exception {
    PluginResult az = BundledPlugins.run("azure-address-claim", request(
        Map.of("domain", "d", "nicRef", "/subscriptions/s/networkInterfaces/nic1", "ipConfigName", "ipc"), CONTEXT));
    ActionPlan a = az.status().actionPlans().get(0);
    assertEquals("sub-1", a.targetValue("subscriptionId"));
    assertEquals("rg-1", a.targetValue("resourceGroup"));
    assertEquals("ipc", a.targetValue("ipConfigName"));
    assertEquals("azure-forwarding-subscriptions-s-networkInterfaces-nic1", az.status().actionPlans().get(1).name());
    assertEquals(Map.of("ipForwarding", "true"), az.status().actionPlans().get(1).parameters());
    PluginResult oci = BundledPlugins.run("oci-address-claim",
        request(Map.of("domain", "d", "nicRef", "ocid1.vnic.oc1..v", "compartmentId", "c1", "account", "ignored"), CONTEXT));
    ActionPlan o = oci.status().actionPlans().get(1);
    assertEquals(Map.of("skipSourceDestCheck", "true"), o.parameters());
    assertEquals("c1", o.targetValue("compartmentId"));
    assertEquals("", o.targetValue("account"));
    assertEquals("oci:ocid1.vnic.oc1..v:ensure-forwarding-enabled", o.idempotencyKey());
  }

  @Test
  void eventToRemoteClaimOnePerEvent() throws Exception {
    PluginRequest.MatchedEvent e1 = new PluginRequest.MatchedEvent("e1", "g", "", "routerd.client.ipv4.observed",
        "10.88.60.9/32", "", Map.of("domain", "d"), null, null);
    PluginRequest.MatchedEvent e2 = new PluginRequest.MatchedEvent("e2", "g", "", "routerd.client.ipv4.observed", "",
        "", Map.of("address", "10.88.60.10/32", "ownerSide", "cloud", "nicRef", "n1", "providerRef", "pr"), null, null);
    PluginRequest.MatchedEvent skip = new PluginRequest.MatchedEvent("e3", "g", "", "other", "10.0.0.1/32", "", null,
        null, null);
    PluginRequest req = new PluginRequest("plugin.routerd.net/v1alpha1", "PluginRequest", null,
        new PluginRequest.Spec(null, "", 0, 0, "", List.of(e1, e2, skip), null));
    PluginResult r = BundledPlugins.run("event-to-remote-claim", req);
    assertEquals(2, r.status().resources().size());
    assertEquals("onprem-10-88-60-9", r.status().resources().get(0).metadata().name());
    assertEquals("example-nic-ref", r.status().resources().get(0).spec().path("capture").path("nicRef").asText());
    assertEquals("example-provider", r.status().resources().get(0).spec().path("capture").path("providerRef").asText());
    assertEquals("cloud-10-88-60-10", r.status().resources().get(1).metadata().name());
    assertEquals("wg-hybrid", r.status().resources().get(1).spec().path("delivery").path("tunnelInterface").asText());
    assertEquals(List.of(), r.status().actionPlans());
  }

  private static String json(Object o) {
    try {
      return PluginJson.MAPPER.writeValueAsString(o);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
