package dev.cloudedge.federation.remediation;

import dev.cloudedge.federation.config.FederationConfig;
import dev.cloudedge.federation.config.GoDuration;
import dev.cloudedge.federation.config.Resource;
import dev.cloudedge.federation.config.SpecDecodeException;
import dev.cloudedge.federation.doctor.Readiness;
import dev.cloudedge.federation.doctor.RemediationActionType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The {@code FederationRemediationPolicy} Kind ({@code cloudedge.dev/v1alpha1}): whether the
 * remediation workflow may execute <em>ready</em> actions on its own (doctor reference §4.3). It
 * defaults to deny: without a policy, or with {@code enabled: false} or an empty
 * {@code allowedActions}, nothing is executed automatically; the diagnostics and approvals still
 * run. The first policy in resource order wins, as for {@code ProviderActionPolicy}.
 *
 * @param enabled whether automatic execution is on at all
 * @param allowedActions the ready actions that may run automatically (wire names)
 * @param maxExecutionsPerHour the rate limit per (action, group, peer) over a sliding hour
 * @param approvalTimeout how long a not-ready action waits for an operator decision before it is
 *     rejected automatically
 * @param requireSlo whether a FederationSLO must exist for the group (doctor reference §4.3 item 2)
 */
public record RemediationPolicy(
    boolean enabled,
    List<String> allowedActions,
    int maxExecutionsPerHour,
    Duration approvalTimeout,
    boolean requireSlo) {

  /** The policy's apiVersion. */
  public static final String API_VERSION = "cloudedge.dev/v1alpha1";
  /** The policy's Kind. */
  public static final String KIND = "FederationRemediationPolicy";
  /** The documented default rate limit: 3 executions per (action, group, peer) per hour. */
  public static final int DEFAULT_MAX_PER_HOUR = 3;
  /** The default approval timeout: 24 h, then auto-reject. */
  public static final Duration DEFAULT_APPROVAL_TIMEOUT = Duration.ofHours(24);

  public RemediationPolicy {
    allowedActions = allowedActions == null ? List.of() : List.copyOf(allowedActions);
    approvalTimeout = approvalTimeout == null || approvalTimeout.isZero() ? DEFAULT_APPROVAL_TIMEOUT : approvalTimeout;
  }

  /** The policy in force when the config has none: nothing runs automatically. */
  public static RemediationPolicy lockedDown() {
    return new RemediationPolicy(false, List.of(), DEFAULT_MAX_PER_HOUR, DEFAULT_APPROVAL_TIMEOUT, true);
  }

  /** The spec as written in YAML; absent fields take the defaults. */
  public record Spec(Boolean enabled, List<String> allowedActions, Integer maxExecutionsPerHour,
      String approvalTimeout, Boolean requireSLO) {}

  /** The first policy of {@code config}, or {@link #lockedDown()}. */
  public static RemediationPolicy from(FederationConfig config) {
    for (Resource r : config.resources()) {
      if (KIND.equals(r.kind())) {
        List<String> errors = new ArrayList<>();
        RemediationPolicy p = decode(r, errors);
        if (!errors.isEmpty()) {
          throw new IllegalArgumentException(String.join("; ", errors));
        }
        return p;
      }
    }
    return lockedDown();
  }

  private static RemediationPolicy decode(Resource r, List<String> errors) {
    Spec s;
    try {
      s = r.decodeSpec(Spec.class);
    } catch (SpecDecodeException e) {
      errors.add(r.id() + " " + e.getMessage());
      return lockedDown();
    }
    if (s == null) {
      return lockedDown();
    }
    List<String> allowed = s.allowedActions() == null ? List.of() : s.allowedActions();
    for (int i = 0; i < allowed.size(); i++) {
      String a = allowed.get(i);
      Optional<RemediationActionType> t = type(a);
      if (t.isEmpty()) {
        errors.add(r.id() + " spec.allowedActions[" + i + "] \"" + a + "\" is not a remediation action");
      } else if (t.get().readiness() != Readiness.READY) {
        errors.add(r.id() + " spec.allowedActions[" + i + "] \"" + a + "\" is " + t.get().readiness().wire()
            + " and can never run automatically; only ready actions may be listed");
      }
    }
    int max = s.maxExecutionsPerHour() == null ? DEFAULT_MAX_PER_HOUR : s.maxExecutionsPerHour();
    if (max < 0) {
      errors.add(r.id() + " spec.maxExecutionsPerHour must be >= 0");
    }
    Duration timeout = DEFAULT_APPROVAL_TIMEOUT;
    if (s.approvalTimeout() != null && !s.approvalTimeout().isBlank()) {
      try {
        timeout = GoDuration.parse(s.approvalTimeout());
        if (timeout.isNegative() || timeout.isZero()) {
          errors.add(r.id() + " spec.approvalTimeout must be positive, got \"" + s.approvalTimeout() + "\"");
        }
      } catch (IllegalArgumentException e) {
        errors.add(r.id() + " spec.approvalTimeout: " + e.getMessage());
      }
    }
    return new RemediationPolicy(Boolean.TRUE.equals(s.enabled()), allowed, max, timeout,
        s.requireSLO() == null || s.requireSLO());
  }

  private static Optional<RemediationActionType> type(String wire) {
    try {
      return Optional.of(RemediationActionType.fromWire(wire));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  /** The config validator rule for the Kind (messages start with the resource id). */
  public static void validate(Resource r, List<String> errors) {
    decode(r, errors);
  }

  /**
   * Why {@code action} may not run automatically for {@code group}, or empty when it may.
   *
   * @param sloDefined whether a FederationSLO exists for the group
   */
  public Optional<String> autoExecutionBlocker(String action, boolean sloDefined) {
    Optional<RemediationActionType> t = type(action);
    if (t.isEmpty() || t.get().readiness() != Readiness.READY) {
      return Optional.of("action " + action + " is not ready for automatic execution");
    }
    if (!enabled) {
      return Optional.of("policy.enabled=false");
    }
    if (!allowedActions.contains(action)) {
      return Optional.of("action \"" + action + "\" is not in allowedActions");
    }
    if (maxExecutionsPerHour <= 0) {
      return Optional.of("policy.maxExecutionsPerHour is 0: no automatic executions permitted");
    }
    if (requireSlo && !sloDefined) {
      return Optional.of("no FederationSLO for the group (policy.requireSLO=true)");
    }
    return Optional.empty();
  }
}
