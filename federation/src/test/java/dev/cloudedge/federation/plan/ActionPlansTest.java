package dev.cloudedge.federation.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ActionPlansTest {
  private static ActionPlan plan(String name, String provider, String action, Map<String, String> target, String mode,
      String risk, ActionPlan.Undo undo) {
    return new ActionPlan(name, provider, action, target, "", mode, "", risk, "", null, null, null, undo);
  }

  private static final Map<String, String> T = Map.of("address", "10.0.0.5", "nicRef", "vnic-abc");

  @Test
  void acceptance17() {
    assertEquals(Optional.empty(), ActionPlans.validate(plan("claim-secondary", "oci", "assign-secondary-ip", T, "", "", null)));
    assertTrue(ActionPlans.validate(plan("claim-secondary", "digitalocean", "assign-secondary-ip", T, "", "", null))
        .orElseThrow().contains("provider \"digitalocean\" must be one of"));
    assertEquals("actionPlan \"claim-secondary\" action \"assign-secondary-ip\" requires target.nicRef",
        ActionPlans.validate(plan("claim-secondary", "oci", "assign-secondary-ip", Map.of("address", "10.0.0.5"), "", "",
            null)).orElseThrow());
    assertEquals(Optional.empty(), ActionPlans.validate(plan("enable-fwd", "aws", "ensure-forwarding-enabled", null, "",
        "", null)));
    assertTrue(ActionPlans.validate(plan("p", "oci", "assign-secondary-ip", T, "", "extreme", null)).orElseThrow()
        .contains("riskLevel \"extreme\" must be one of"));
    assertTrue(ActionPlans.validate(plan("p", "oci", "assign-secondary-ip", T, "apply", "", null)).orElseThrow()
        .contains("mode \"apply\" must be empty or dry-run"));
    assertTrue(ActionPlans.validate(plan("p", "oci", "assign-secondary-ip", T, "", "", new ActionPlan.Undo("nope", null)))
        .orElseThrow().contains("undo.action \"nope\" must be one of"));
  }

  @Test
  void orderAndExactTexts() {
    assertEquals("actionPlan name is required",
        ActionPlans.validate(plan(" ", "aws", "x", null, "", "", null)).orElseThrow());
    assertEquals("actionPlan \"p\" provider is required",
        ActionPlans.validate(plan("p", "", "x", null, "", "", null)).orElseThrow());
    assertEquals("actionPlan \"p\" action \"fly\" must be one of assign-secondary-ip, unassign-secondary-ip, "
            + "assign-route-table-route, unassign-route-table-route, ensure-forwarding-enabled, ensure-forwarding-disabled",
        ActionPlans.validate(plan("p", "aws", "fly", null, "", "", null)).orElseThrow());
    assertEquals("actionPlan \"p\" action \"assign-route-table-route\" requires target.routeTableRef",
        ActionPlans.validate(plan("p", "aws", "assign-route-table-route", T, "", "", null)).orElseThrow());
    assertEquals("actionPlan \"p\" action \"assign-secondary-ip\" with target.captureStrategy route-table requires "
            + "target.routeTableRef",
        ActionPlans.validate(plan("p", "aws", "assign-secondary-ip",
            Map.of("address", "a", "nicRef", "n", "captureStrategy", "route-table"), "", "", null)).orElseThrow());
    assertEquals("actionPlan mode=execute is not supported; provider actions are dry-run/display-only in Phase 4.1",
        ActionPlans.validate(plan("p", "aws", "ensure-forwarding-enabled", null, "execute", "", null)).orElseThrow());
    assertEquals("actionPlan \"p\" undo.action is required",
        ActionPlans.validate(plan("p", "aws", "ensure-forwarding-enabled", null, "", "", new ActionPlan.Undo("", null)))
            .orElseThrow());
  }

  @Test
  void canonicalUndoPairs() {
    assertEquals("unassign-secondary-ip", ActionPlans.inverse("assign-secondary-ip").orElseThrow());
    assertEquals("assign-route-table-route", ActionPlans.inverse("unassign-route-table-route").orElseThrow());
    assertEquals("ensure-forwarding-disabled", ActionPlans.inverse("ensure-forwarding-enabled").orElseThrow());
    assertEquals(Optional.empty(), ActionPlans.inverse("fly"));
  }
}
