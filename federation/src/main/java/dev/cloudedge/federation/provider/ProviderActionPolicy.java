package dev.cloudedge.federation.provider;

import com.fasterxml.jackson.annotation.JsonIgnore;
import dev.cloudedge.federation.config.ConfigValidator;
import dev.cloudedge.federation.config.FederationConfig;
import dev.cloudedge.federation.config.Resource;
import dev.cloudedge.federation.config.SpecDecodeException;
import dev.cloudedge.federation.event.GoText;
import dev.cloudedge.federation.plan.ActionPlans;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The {@code ProviderActionPolicy} Kind ({@code hybrid.routerd.net/v1alpha1}, reference §4.1): the
 * gate every provider action passes. The defaults deny everything: disabled, dry-run only,
 * approval required, empty provider and action allowlists, {@code maxActionsPerRun} 0, no undo.
 *
 * @param enabled must be true for anything, including a dry-run preview
 * @param dryRunOnly {@code null} means true: live execution is refused
 * @param requireApproval {@code null} means true: only an explicit false enables auto-approval
 * @param allowedProviders exact provider names allowed; empty allows none
 * @param allowedProviderRefs providerRefs allowed; empty is unrestricted
 * @param allowedActions action verbs allowed; empty allows none
 * @param allowedCIDRs prefixes {@code target.address} must lie in; empty is unrestricted
 * @param maxActionsPerRun must be positive for any action; the daemon's per-pass cap
 * @param allowUndo rollback is refused unless true
 * @param executionWindow accepted and shown, not enforced (as routerd)
 */
public record ProviderActionPolicy(
    boolean enabled,
    Boolean dryRunOnly,
    Boolean requireApproval,
    List<String> allowedProviders,
    List<String> allowedProviderRefs,
    List<String> allowedActions,
    List<String> allowedCIDRs,
    int maxActionsPerRun,
    boolean allowUndo,
    String executionWindow) {

  /** The policy Kind's apiVersion. */
  public static final String API_VERSION = "hybrid.routerd.net/v1alpha1";
  /** The policy Kind. */
  public static final String KIND = "ProviderActionPolicy";
  /** The approver recorded when the policy approves by itself. */
  public static final String AUTO_APPROVER = "policy:auto-approve";

  public ProviderActionPolicy {
    allowedProviders = list(allowedProviders);
    allowedProviderRefs = list(allowedProviderRefs);
    allowedActions = list(allowedActions);
    allowedCIDRs = list(allowedCIDRs);
    executionWindow = executionWindow == null ? "" : executionWindow;
  }

  private static List<String> list(List<String> l) {
    return l == null ? List.of() : List.copyOf(l);
  }

  /** The zero policy used when the config has none: everything denied. */
  public static ProviderActionPolicy lockedDown() {
    return new ProviderActionPolicy(false, null, null, null, null, null, null, 0, false, "");
  }

  /**
   * The effective policy of a config: the first {@code ProviderActionPolicy} in resource order
   * (others are ignored, as in routerd); none, or one that does not decode, is the locked-down policy.
   */
  public static ProviderActionPolicy from(FederationConfig config) {
    for (Resource r : config.ofKind(KIND)) {
      try {
        return r.decodeSpec(ProviderActionPolicy.class);
      } catch (SpecDecodeException e) {
        return lockedDown();
      }
    }
    return lockedDown();
  }

  /** Whether live execution is refused ({@code dryRunOnly} unset counts as true). */
  @JsonIgnore
  public boolean isDryRunOnly() {
    return dryRunOnly == null || dryRunOnly;
  }

  /** Whether a human approval is needed ({@code requireApproval} unset counts as true). */
  @JsonIgnore
  public boolean isApprovalRequired() {
    return requireApproval == null || requireApproval;
  }

  /** routerd's auto-approve condition: requireApproval explicitly false, enabled, not dry-run only. */
  @JsonIgnore
  public boolean isAutoApprove() {
    return requireApproval != null && !requireApproval && enabled && !isDryRunOnly();
  }

  /** Why the daemon must not execute on its own, or empty when it may (reference §4.1). */
  public Optional<String> autoExecutionBlocker() {
    if (!enabled) {
      return Optional.of("policy.enabled=false");
    }
    if (isDryRunOnly()) {
      return Optional.of("policy.dryRunOnly=true");
    }
    if (isApprovalRequired()) {
      return Optional.of("policy.requireApproval=true");
    }
    if (maxActionsPerRun <= 0) {
      return Optional.of("policy.maxActionsPerRun<=0");
    }
    return Optional.empty();
  }

  /**
   * routerd's {@code evaluatePolicy}: the reason an action is denied, or empty when it passes.
   * Order: enabled, dryRunOnly (mode execute), maxActionsPerRun, allowedProviders,
   * allowedProviderRefs, allowedActions, allowedCIDRs.
   *
   * @param mode {@code dry-run} or {@code execute}
   */
  public Optional<String> deny(String provider, String providerRef, String action, Map<String, String> target,
      String mode) {
    if (!enabled) {
      return Optional.of("execution is disabled (policy.enabled=false)");
    }
    if ("execute".equals(mode) && isDryRunOnly()) {
      return Optional.of("live execution rejected: policy.dryRunOnly is true (mode=execute not permitted)");
    }
    if (maxActionsPerRun <= 0) {
      return Optional.of("maxActionsPerRun is " + maxActionsPerRun
          + ": no actions permitted (operator must set a positive bound)");
    }
    if (!allowedProviders.contains(provider)) {
      return Optional.of("provider " + quote(provider) + " is not in allowedProviders");
    }
    if (!allowedProviderRefs.isEmpty() && !allowedProviderRefs.contains(providerRef)) {
      return Optional.of("providerRef " + quote(providerRef) + " is not in allowedProviderRefs");
    }
    if (!allowedActions.contains(action)) {
      return Optional.of("action " + quote(action) + " is not in allowedActions");
    }
    if (!allowedCIDRs.isEmpty()) {
      String address = GoText.trimSpace(target == null ? "" : target.getOrDefault("address", ""));
      if (address.isEmpty()) {
        return Optional.of("target has no address but allowedCIDRs is set");
      }
      Optional<byte[]> ip = Cidr.ipOfAddress(address);
      if (ip.isEmpty()) {
        return Optional.of("target address " + quote(address) + " is not a valid IP/CIDR");
      }
      boolean inside = false;
      for (String c : allowedCIDRs) {
        try {
          if (Cidr.parse(GoText.trimSpace(c)).contains(ip.get())) {
            inside = true;
            break;
          }
        } catch (IllegalArgumentException e) {
          // routerd skips unparsable entries; the validator reports them.
        }
      }
      if (!inside) {
        return Optional.of("target address " + quote(address) + " is not within any allowedCIDR");
      }
    }
    // executionWindow: accepted, never enforced (routerd placeholder); documented as such.
    return Optional.empty();
  }

  static String quote(String s) {
    StringBuilder sb = new StringBuilder("\"");
    for (char ch : s.toCharArray()) {
      switch (ch) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\t' -> sb.append("\\t");
        default -> sb.append(ch);
      }
    }
    return sb.append('"').toString();
  }

  /** Validates one {@code ProviderActionPolicy} resource with routerd's messages. */
  public static void validate(Resource r, List<String> errors) {
    if (!API_VERSION.equals(r.apiVersion())) {
      errors.add(r.id() + " must use apiVersion " + API_VERSION);
      return;
    }
    ProviderActionPolicy p;
    try {
      p = r.decodeSpec(ProviderActionPolicy.class);
    } catch (SpecDecodeException e) {
      errors.add(e.getMessage());
      return;
    }
    for (int i = 0; i < p.allowedProviders().size(); i++) {
      String v = p.allowedProviders().get(i);
      if (!ActionPlans.PROVIDERS.contains(GoText.trimSpace(v))) {
        errors.add(r.id() + " spec.allowedProviders[" + i + "] " + quote(v) + " must be one of aws, azure, oci, gcp");
      }
    }
    for (int i = 0; i < p.allowedActions().size(); i++) {
      String v = p.allowedActions().get(i);
      if (!ActionPlans.ACTIONS.contains(GoText.trimSpace(v))) {
        errors.add(r.id() + " spec.allowedActions[" + i + "] " + quote(v) + " must be one of "
            + String.join(", ", ActionPlans.ACTIONS));
      }
    }
    for (int i = 0; i < p.allowedCIDRs().size(); i++) {
      try {
        Cidr.parse(GoText.trimSpace(p.allowedCIDRs().get(i)));
      } catch (IllegalArgumentException e) {
        errors.add(r.id() + " spec.allowedCIDRs[" + i + "] must be a valid CIDR: " + e.getMessage());
      }
    }
    if (p.maxActionsPerRun() < 0) {
      errors.add(r.id() + " spec.maxActionsPerRun must be >= 0");
    }
  }

  /** Adds the Kind to a validator (additively); returns it for chaining. */
  public static ConfigValidator register(ConfigValidator validator) {
    return validator.withKind(KIND, ProviderActionPolicy::validate);
  }
}
