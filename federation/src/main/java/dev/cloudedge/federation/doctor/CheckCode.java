package dev.cloudedge.federation.doctor;

import com.fasterxml.jackson.annotation.JsonValue;

/**
 * The stable check codes (reference §2.3). Checks without a code ({@code delivery summary},
 * {@code expected peers}, a delivery lookup error) never produce remediation actions.
 */
public enum CheckCode {
  FAILED_DELIVERIES("failed-deliveries"),
  PENDING_DELIVERIES("pending-deliveries"),
  STALE_TTL("stale-ttl"),
  DELIVERY_LAG("delivery-lag"),
  EVENT_EXPIRY("event-expiry"),
  EXPECTED_DELIVERY("expected-delivery"),
  EXPECTED_DELIVERY_NO_ENDPOINT("expected-delivery-no-endpoint"),
  SUBSCRIPTION_RUNS("subscription-runs");

  private final String wire;

  CheckCode(String wire) {
    this.wire = wire;
  }

  /** The code as it appears in JSON. */
  @JsonValue
  public String wire() {
    return wire;
  }

  /** The code with this wire form, or {@code null} when there is none. */
  public static CheckCode fromWire(String s) {
    for (CheckCode c : values()) {
      if (c.wire.equals(s)) {
        return c;
      }
    }
    return null;
  }
}
