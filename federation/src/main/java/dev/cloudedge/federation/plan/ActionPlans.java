package dev.cloudedge.federation.plan;

import dev.cloudedge.federation.event.GoText;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The action plan enumerations, canonical undo pairs and {@code ValidateActionPlan} (reference §3.2–3.3). */
public final class ActionPlans {
  public static final List<String> PROVIDERS = List.of("aws", "azure", "oci", "gcp");
  public static final List<String> ACTIONS = List.of(
      "assign-secondary-ip", "unassign-secondary-ip", "assign-route-table-route", "unassign-route-table-route",
      "ensure-forwarding-enabled", "ensure-forwarding-disabled");
  public static final List<String> RISK_LEVELS = List.of("low", "medium", "high");

  private static final Map<String, String> UNDO = Map.of(
      "assign-secondary-ip", "unassign-secondary-ip",
      "unassign-secondary-ip", "assign-secondary-ip",
      "assign-route-table-route", "unassign-route-table-route",
      "unassign-route-table-route", "assign-route-table-route",
      "ensure-forwarding-enabled", "ensure-forwarding-disabled",
      "ensure-forwarding-disabled", "ensure-forwarding-enabled");

  private ActionPlans() {}

  /** The canonical inverse of an action. */
  public static Optional<String> inverse(String action) {
    return Optional.ofNullable(UNDO.get(action));
  }

  private static String q(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  /**
   * Validates a plan with routerd's rules, in order, returning the first failure.
   *
   * @return empty when valid, else the exact reference message
   */
  public static Optional<String> validate(ActionPlan p) {
    String name = GoText.trimSpace(p.name());
    if (name.isEmpty()) {
      return Optional.of("actionPlan name is required");
    }
    String n = q(p.name());
    String provider = GoText.trimSpace(p.provider());
    if (provider.isEmpty()) {
      return Optional.of("actionPlan " + n + " provider is required");
    }
    if (!PROVIDERS.contains(provider)) {
      return Optional.of("actionPlan " + n + " provider " + q(p.provider()) + " must be one of aws, azure, oci, gcp");
    }
    String action = GoText.trimSpace(p.action());
    if (action.isEmpty()) {
      return Optional.of("actionPlan " + n + " action is required");
    }
    if (!ACTIONS.contains(action)) {
      return Optional.of("actionPlan " + n + " action " + q(p.action()) + " must be one of " + String.join(", ", ACTIONS));
    }
    String prefix = "actionPlan " + n + " action " + q(action);
    switch (action) {
      case "assign-secondary-ip", "unassign-secondary-ip" -> {
        for (String k : List.of("address", "nicRef")) {
          if (GoText.isBlank(p.targetValue(k))) {
            return Optional.of(prefix + " requires target." + k);
          }
        }
        if ("route-table".equals(GoText.trimSpace(p.targetValue("captureStrategy")))
            && GoText.isBlank(p.targetValue("routeTableRef"))) {
          return Optional.of(prefix + " with target.captureStrategy route-table requires target.routeTableRef");
        }
      }
      case "assign-route-table-route", "unassign-route-table-route" -> {
        for (String k : List.of("address", "routeTableRef", "nicRef")) {
          if (GoText.isBlank(p.targetValue(k))) {
            return Optional.of(prefix + " requires target." + k);
          }
        }
      }
      default -> {
        // ensure-forwarding-* need no target keys.
      }
    }
    String mode = GoText.trimSpace(p.mode());
    if (mode.equals("execute")) {
      return Optional.of(
          "actionPlan mode=execute is not supported; provider actions are dry-run/display-only in Phase 4.1");
    }
    if (!mode.isEmpty() && !mode.equals("dry-run")) {
      return Optional.of("actionPlan " + n + " mode " + q(p.mode()) + " must be empty or dry-run");
    }
    String risk = GoText.trimSpace(p.riskLevel());
    if (!risk.isEmpty() && !RISK_LEVELS.contains(risk)) {
      return Optional.of("actionPlan " + n + " riskLevel " + q(p.riskLevel()) + " must be one of low, medium, high");
    }
    if (p.undo() != null) {
      String ua = GoText.trimSpace(p.undo().action());
      if (ua.isEmpty()) {
        return Optional.of("actionPlan " + n + " undo.action is required");
      }
      if (!ACTIONS.contains(ua)) {
        return Optional.of("actionPlan " + n + " undo.action " + q(p.undo().action()) + " must be one of "
            + String.join(", ", ACTIONS));
      }
    }
    return Optional.empty();
  }
}
