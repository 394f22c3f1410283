package dev.cloudedge.workflows.qualification;

/**
 * Waits and poll intervals used by the scenarios, in seconds. The defaults are the bash harness's
 * (reference §2.9); the lab uses shorter polls because delivery is immediate there.
 *
 * @param pollSeconds interval between polls of deliveries, doctor and subscription runs
 * @param deliveryWaitSeconds how long a delivery may take (healthy, restart)
 * @param shortDeliveryWaitSeconds how long a delivery may take in ttl-refresh, subscription, security
 * @param faultObserveSeconds how long the doctor may take to report an injected fault
 * @param restoreVerifySeconds how long a restored partition may take to become reachable again
 * @param doctorHealthySeconds how long the doctor may take to become healthy after recovery
 * @param staleTtlWaitSeconds how long the stale-TTL count may take to reach 0
 */
public record ScenarioTimings(
    int pollSeconds,
    int deliveryWaitSeconds,
    int shortDeliveryWaitSeconds,
    int faultObserveSeconds,
    int restoreVerifySeconds,
    int doctorHealthySeconds,
    int staleTtlWaitSeconds) {

  /** The bash harness's constants. */
  public static ScenarioTimings defaults() {
    return new ScenarioTimings(2, 60, 30, 30, 15, 60, 30);
  }

  /** Shorter polls for the loopback lab, where delivery is immediate. */
  public static ScenarioTimings lab() {
    return new ScenarioTimings(1, 60, 30, 30, 15, 60, 30);
  }
}
