package dev.cloudedge.federation.doctor;

import com.fasterxml.jackson.annotation.JsonValue;

/**
 * The seven typed remediation actions (reference §3.3, §4.1): each maps from exactly one check code
 * and carries its {@code safe} / {@code requiresOperatorApproval} flags and its readiness. Declared
 * in ascending wire-name order, which is also the plan's primary sort order.
 */
public enum RemediationActionType {
  CHECK_PEER_CONNECTIVITY("check-peer-connectivity", CheckCode.DELIVERY_LAG, true, false, Readiness.INSPECT_ONLY),
  CONFIGURE_PEER_ENDPOINT("configure-peer-endpoint", CheckCode.EXPECTED_DELIVERY_NO_ENDPOINT, false, true,
      Readiness.NOT_READY),
  FORCE_REPUSH_STALE_TTL("force-repush-stale-ttl", CheckCode.STALE_TTL, true, false, Readiness.READY),
  INSPECT_FAILED_SUBSCRIPTION_RUNS("inspect-failed-subscription-runs", CheckCode.SUBSCRIPTION_RUNS, true, false,
      Readiness.INSPECT_ONLY),
  INVESTIGATE_MISSING_DELIVERY_ROWS("investigate-missing-delivery-rows", CheckCode.EXPECTED_DELIVERY, true, false,
      Readiness.INSPECT_ONLY),
  INVESTIGATE_PENDING_DELIVERIES("investigate-pending-deliveries", CheckCode.PENDING_DELIVERIES, true, false,
      Readiness.INSPECT_ONLY),
  RETRY_FAILED_DELIVERIES("retry-failed-deliveries", CheckCode.FAILED_DELIVERIES, true, false, Readiness.READY);

  private final String wire;
  private final CheckCode checkCode;
  private final boolean safe;
  private final boolean requiresOperatorApproval;
  private final Readiness readiness;

  RemediationActionType(String wire, CheckCode checkCode, boolean safe, boolean requiresOperatorApproval,
      Readiness readiness) {
    this.wire = wire;
    this.checkCode = checkCode;
    this.safe = safe;
    this.requiresOperatorApproval = requiresOperatorApproval;
    this.readiness = readiness;
  }

  /** The action constant as it appears in JSON. */
  @JsonValue
  public String wire() {
    return wire;
  }

  /** The check code this action remedies. */
  public CheckCode checkCode() {
    return checkCode;
  }

  /** Whether the action is idempotent and can be retried without risk. */
  public boolean safe() {
    return safe;
  }

  /** Whether the action changes configuration and needs human review before it runs. */
  public boolean requiresOperatorApproval() {
    return requiresOperatorApproval;
  }

  /** The auto-execution readiness. */
  public Readiness readiness() {
    return readiness;
  }

  /** The action for a check code, or {@code null} (event-expiry and un-coded checks have none). */
  public static RemediationActionType forCode(CheckCode code) {
    if (code == null) {
      return null;
    }
    for (RemediationActionType t : values()) {
      if (t.checkCode == code) {
        return t;
      }
    }
    return null;
  }

  /**
   * The action with this wire name.
   *
   * @throws IllegalArgumentException naming the value and the seven valid names
   */
  public static RemediationActionType fromWire(String s) {
    for (RemediationActionType t : values()) {
      if (t.wire.equals(s)) {
        return t;
      }
    }
    StringBuilder names = new StringBuilder();
    for (RemediationActionType t : values()) {
      names.append(names.isEmpty() ? "" : ", ").append(t.wire);
    }
    throw new IllegalArgumentException("unknown remediation action \"" + s + "\": must be one of " + names);
  }
}
