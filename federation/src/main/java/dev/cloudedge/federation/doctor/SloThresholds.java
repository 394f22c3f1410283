package dev.cloudedge.federation.doctor;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.cloudedge.federation.config.FederationConfig;
import dev.cloudedge.federation.config.Kinds;
import dev.cloudedge.federation.event.GoText;
import java.util.Objects;
import java.util.Optional;

/**
 * The effective FederationSLO thresholds of one EventGroup (reference §1.4), serialized as the
 * {@code thresholds} object of the SLO block.
 *
 * <p>Resolution: start from the defaults (60/180/120/0/0); take the first FederationSLO (in config
 * order, whose spec decodes, any apiVersion) whose trimmed {@code groupRef} equals the trimmed group
 * name; each of its five fields replaces the default only when it is greater than zero. The doctor
 * never validates, so an invalid SLO (warn ≥ fail, negative values) is used as resolved here.
 *
 * @param delivery delivery-health thresholds
 * @param subscription subscription-processing thresholds
 */
@JsonPropertyOrder({"delivery", "subscription"})
public record SloThresholds(Delivery delivery, Subscription subscription) {

  /**
   * Delivery thresholds.
   *
   * @param lagWarnSeconds lag at or above which the lag check warns
   * @param lagFailSeconds lag at or above which the lag check fails
   * @param expiresSoonSeconds remaining TTL strictly below which an event is "expiring soon"
   */
  @JsonPropertyOrder({"lagWarnSeconds", "lagFailSeconds", "expiresSoonSeconds"})
  public record Delivery(int lagWarnSeconds, int lagFailSeconds, int expiresSoonSeconds) {}

  /**
   * Subscription thresholds.
   *
   * @param maxPendingRuns non-terminal runs tolerated ({@code pending > max} warns)
   * @param maxFailedRuns failed runs tolerated ({@code failed > max} fails)
   */
  @JsonPropertyOrder({"maxPendingRuns", "maxFailedRuns"})
  public record Subscription(int maxPendingRuns, int maxFailedRuns) {}

  /** The defaults: 60/180/120 seconds, 0 pending and 0 failed runs tolerated. */
  public static final SloThresholds DEFAULTS = new SloThresholds(
      new Delivery(Kinds.FederationSlo.DEFAULT_LAG_WARN_SECONDS, Kinds.FederationSlo.DEFAULT_LAG_FAIL_SECONDS,
          Kinds.FederationSlo.DEFAULT_EXPIRES_SOON_SECONDS),
      new Subscription(0, 0));

  public SloThresholds {
    Objects.requireNonNull(delivery, "delivery");
    Objects.requireNonNull(subscription, "subscription");
  }

  /** The FederationSLO that applies to {@code group}: the first decodable one whose trimmed groupRef matches. */
  public static Optional<Kinds.FederationSlo> sloFor(FederationConfig config, String group) {
    if (config == null) {
      return Optional.empty();
    }
    String g = GoText.trimSpace(group);
    for (Kinds.FederationSlo slo : config.federationSlos()) {
      if (slo.groupRef().equals(g)) {
        return Optional.of(slo);
      }
    }
    return Optional.empty();
  }

  /** Whether a decodable FederationSLO is defined for {@code group} (reference §1.5). */
  public static boolean isDefined(FederationConfig config, String group) {
    return sloFor(config, group).isPresent();
  }

  /** The effective thresholds for {@code group}; the defaults when config is {@code null} or no SLO applies. */
  public static SloThresholds forGroup(FederationConfig config, String group) {
    return sloFor(config, group).map(s -> effective(s.spec())).orElse(DEFAULTS);
  }

  /** The effective values of one spec: each field replaces its default only when it is greater than zero. */
  public static SloThresholds effective(Kinds.FederationSloSpec spec) {
    Kinds.SloDelivery d = spec.delivery();
    Kinds.SloSubscription s = spec.subscription();
    Delivery dd = DEFAULTS.delivery();
    Subscription ds = DEFAULTS.subscription();
    return new SloThresholds(
        new Delivery(
            d.lagWarnSeconds() > 0 ? d.lagWarnSeconds() : dd.lagWarnSeconds(),
            d.lagFailSeconds() > 0 ? d.lagFailSeconds() : dd.lagFailSeconds(),
            d.expiresSoonSeconds() > 0 ? d.expiresSoonSeconds() : dd.expiresSoonSeconds()),
        new Subscription(
            s.maxPendingRuns() > 0 ? s.maxPendingRuns() : ds.maxPendingRuns(),
            s.maxFailedRuns() > 0 ? s.maxFailedRuns() : ds.maxFailedRuns()));
  }

  /** Shorthand for {@code delivery().lagWarnSeconds()}. */
  public int lagWarnSeconds() {
    return delivery.lagWarnSeconds();
  }

  /** Shorthand for {@code delivery().lagFailSeconds()}. */
  public int lagFailSeconds() {
    return delivery.lagFailSeconds();
  }

  /** Shorthand for {@code delivery().expiresSoonSeconds()}. */
  public int expiresSoonSeconds() {
    return delivery.expiresSoonSeconds();
  }

  /** Shorthand for {@code subscription().maxPendingRuns()}. */
  public int maxPendingRuns() {
    return subscription.maxPendingRuns();
  }

  /** Shorthand for {@code subscription().maxFailedRuns()}. */
  public int maxFailedRuns() {
    return subscription.maxFailedRuns();
  }
}
