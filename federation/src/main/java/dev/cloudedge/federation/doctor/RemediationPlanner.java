package dev.cloudedge.federation.doctor;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds the remediation plan from a report's checks (reference §3.3–3.4): only federation checks
 * that WARN or FAIL and carry a mapped code; targets parsed from the check name; deduplicated on
 * (action, group, peer, resource) with the first occurrence winning; sorted by action, group,
 * peer, resource in byte order. The result depends only on the set of findings, never on the order
 * in which checks arrive.
 */
public final class RemediationPlanner {
  private static final String SUBSCRIPTION_SUFFIX = " subscription runs";

  /** The plan's total order. */
  public static final Comparator<RemediationAction> ORDER = Comparator
      .comparing((RemediationAction a) -> a.action().wire(), GoStrings.ORDER)
      .thenComparing(RemediationAction::targetGroup, GoStrings.ORDER)
      .thenComparing(RemediationAction::targetPeer, GoStrings.ORDER)
      .thenComparing(RemediationAction::targetResource, GoStrings.ORDER);

  private RemediationPlanner() {}

  /** The plan for {@code checks} at {@code now}. */
  public static RemediationPlan plan(List<Check> checks, Instant now) {
    Map<String, RemediationAction> byKey = new LinkedHashMap<>();
    for (Check c : checks) {
      RemediationAction a = actionFor(c);
      if (a != null) {
        byKey.putIfAbsent(a.dedupKey(), a);
      }
    }
    List<RemediationAction> actions = new ArrayList<>(byKey.values());
    actions.sort(ORDER);
    return new RemediationPlan(RemediationPlan.stamp(now), actions);
  }

  /** The action one check asks for, or {@code null}. */
  public static RemediationAction actionFor(Check c) {
    if (!Check.FEDERATION_AREA.equals(c.area())
        || (c.status() != CheckStatus.WARN && c.status() != CheckStatus.FAIL)) {
      return null;
    }
    RemediationActionType type = RemediationActionType.forCode(c.code());
    if (type == null) {
      return null;
    }
    if (type == RemediationActionType.INSPECT_FAILED_SUBSCRIPTION_RUNS) {
      String resource = c.name().endsWith(SUBSCRIPTION_SUFFIX)
          ? c.name().substring(0, c.name().length() - SUBSCRIPTION_SUFFIX.length()) : c.name();
      return RemediationAction.of(type, c.detail(), "", "", resource);
    }
    String label = c.name();
    int sp = label.indexOf(' ');
    if (sp >= 0) {
      label = label.substring(0, sp);
    }
    int slash = label.indexOf('/');
    String group = slash >= 0 ? label.substring(0, slash) : label;
    String peer = slash >= 0 ? label.substring(slash + 1) : "";
    return RemediationAction.of(type, c.detail(), group, peer, "");
  }
}
