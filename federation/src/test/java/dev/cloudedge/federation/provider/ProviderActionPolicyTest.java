package dev.cloudedge.federation.provider;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cloudedge.federation.config.ConfigLoader;
import dev.cloudedge.federation.config.ConfigProblem;
import dev.cloudedge.federation.config.ConfigValidator;
import dev.cloudedge.federation.config.FederationConfig;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ProviderActionPolicyTest {
  private static final Map<String, String> T = Map.of("address", "10.0.0.5/32", "nicRef", "eni-1");

  static ProviderActionPolicy open() {
    return new ProviderActionPolicy(true, false, false, List.of("aws"), List.of(), List.of("assign-secondary-ip"),
        List.of("10.0.0.0/24"), 5, true, "");
  }

  static FederationConfig config(String yaml) throws Exception {
    return FederationConfig.of(ConfigLoader.parse(yaml, "test.yaml"));
  }

  @Test
  void defaultsDenyEverything() throws Exception {
    ProviderActionPolicy none = ProviderActionPolicy.from(FederationConfig.of(List.of()));
    assertFalse(none.enabled());
    assertTrue(none.isDryRunOnly());
    assertTrue(none.isApprovalRequired());
    assertFalse(none.isAutoApprove());
    assertEquals(0, none.maxActionsPerRun());
    assertEquals(Optional.of("policy.enabled=false"), none.autoExecutionBlocker());
    assertEquals(Optional.of("execution is disabled (policy.enabled=false)"),
        none.deny("aws", "", "assign-secondary-ip", T, "dry-run"));
    // An empty spec decodes to the same locked-down values.
    ProviderActionPolicy empty = ProviderActionPolicy.from(config("""
        apiVersion: hybrid.routerd.net/v1alpha1
        kind: ProviderActionPolicy
        metadata: {name: p}
        spec: {enabled: true}
        """));
    assertTrue(empty.isDryRunOnly());
    assertEquals(Optional.of("live execution rejected: policy.dryRunOnly is true (mode=execute not permitted)"),
        empty.deny("aws", "", "assign-secondary-ip", T, "execute"));
    assertEquals(Optional.of("maxActionsPerRun is 0: no actions permitted (operator must set a positive bound)"),
        empty.deny("aws", "", "assign-secondary-ip", T, "dry-run"));
    assertEquals(Optional.of("policy.dryRunOnly=true"), empty.autoExecutionBlocker());
  }

  @Test
  void gateOrderAndTexts() {
    ProviderActionPolicy p = open();
    assertEquals(Optional.empty(), p.deny("aws", "aws-prod", "assign-secondary-ip", T, "execute"));
    assertEquals(Optional.of("provider \"azure\" is not in allowedProviders"),
        p.deny("azure", "", "assign-secondary-ip", T, "execute"));
    assertEquals(Optional.of("action \"unassign-secondary-ip\" is not in allowedActions"),
        p.deny("aws", "", "unassign-secondary-ip", T, "execute"));
    assertEquals(Optional.of("target address \"10.1.0.5/32\" is not within any allowedCIDR"),
        p.deny("aws", "", "assign-secondary-ip", Map.of("address", "10.1.0.5/32"), "execute"));
    assertEquals(Optional.empty(), p.deny("aws", "", "assign-secondary-ip", Map.of("address", "10.0.0.9"), "execute"));
    assertEquals(Optional.of("target has no address but allowedCIDRs is set"),
        p.deny("aws", "", "assign-secondary-ip", Map.of(), "execute"));
    assertEquals(Optional.of("target address \"nope\" is not a valid IP/CIDR"),
        p.deny("aws", "", "assign-secondary-ip", Map.of("address", "nope"), "execute"));
    ProviderActionPolicy refs = new ProviderActionPolicy(true, false, false, List.of("aws"), List.of("aws-tokyo"),
        List.of("assign-secondary-ip"), List.of(), 1, false, "");
    assertEquals(Optional.of("providerRef \"aws-prod\" is not in allowedProviderRefs"),
        refs.deny("aws", "aws-prod", "assign-secondary-ip", T, "execute"));
    // Providers are checked before actions, actions before CIDRs (routerd's order).
    assertEquals(Optional.of("provider \"oci\" is not in allowedProviders"),
        p.deny("oci", "", "nope", Map.of("address", "192.168.0.1"), "execute"));
    // Unparsable allowlist entries are skipped, not fatal.
    ProviderActionPolicy bad = new ProviderActionPolicy(true, false, false, List.of("aws"), List.of(),
        List.of("assign-secondary-ip"), List.of("garbage", "10.0.0.0/24"), 1, false, "");
    assertEquals(Optional.empty(), bad.deny("aws", "", "assign-secondary-ip", T, "execute"));
    assertTrue(p.isAutoApprove());
    assertEquals(Optional.empty(), p.autoExecutionBlocker());
  }

  @Test
  void firstPolicyWinsAndValidatorMessages() throws Exception {
    FederationConfig c = config("""
        apiVersion: hybrid.routerd.net/v1alpha1
        kind: ProviderActionPolicy
        metadata: {name: first}
        spec:
          enabled: true
          allowedProviders: [aws, digitalocean]
          allowedActions: [assign-secondary-ip, explode]
          allowedCIDRs: [10.0.0.0/24, 10.0.0.5]
          maxActionsPerRun: -1
        ---
        apiVersion: hybrid.routerd.net/v1alpha1
        kind: ProviderActionPolicy
        metadata: {name: second}
        spec: {enabled: false}
        ---
        apiVersion: wrong/v1
        kind: ProviderActionPolicy
        metadata: {name: third}
        """);
    assertTrue(ProviderActionPolicy.from(c).enabled());
    List<String> msgs = new ConfigValidator().validate(c).stream().map(ConfigProblem::message).toList();
    String id = "hybrid.routerd.net/v1alpha1/ProviderActionPolicy/first";
    assertEquals(List.of(
        id + " spec.allowedProviders[1] \"digitalocean\" must be one of aws, azure, oci, gcp",
        id + " spec.allowedActions[1] \"explode\" must be one of assign-secondary-ip, unassign-secondary-ip, "
            + "assign-route-table-route, unassign-route-table-route, ensure-forwarding-enabled, ensure-forwarding-disabled",
        id + " spec.allowedCIDRs[1] must be a valid CIDR: invalid CIDR address: 10.0.0.5",
        id + " spec.maxActionsPerRun must be >= 0",
        "wrong/v1/ProviderActionPolicy/third must use apiVersion hybrid.routerd.net/v1alpha1"), msgs);
  }
}
