package dev.cloudedge.federation.dynamic;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.cloudedge.federation.plan.ActionPlan;
import dev.cloudedge.federation.plugin.PluginResult;
import java.time.Instant;
import java.util.List;

/**
 * A {@code config.routerd.net/v1alpha1} DynamicConfigPart (subscription reference §1.10): the
 * resources, mask directives and inert action plans one plugin run proposed, valid until
 * {@code expiresAt}. Keyed by {@code (source, generation)}.
 *
 * @param name {@code <source with / as ->-<generation>}, e.g. {@code EventSubscription-claim-sub-8b5cc4df7eec7d32-1}
 * @param source e.g. {@code EventSubscription/claim-sub/8b5cc4df7eec7d32}
 * @param generation always 1 for subscription parts
 * @param observedAt the result's observedAt, or when it was converted
 * @param expiresAt observedAt plus the result's ttl
 * @param digest hex SHA-256 of the plugin's resources and directives, before annotation stamping
 * @param resources the proposed resources, annotated with their provenance
 * @param directives mask directives
 * @param actionPlans dry-run plans; stored and shown, never executed here
 * @param status {@code active}, or {@code expired} when read after expiry
 */
@JsonPropertyOrder({"name", "source", "generation", "observedAt", "expiresAt", "digest", "status", "resources",
    "directives", "actionPlans"})
public record DynamicConfigPart(
    String name, String source, long generation, Instant observedAt, Instant expiresAt, String digest,
    List<PluginResult.ResourceEntry> resources, List<PluginResult.Directive> directives,
    List<ActionPlan> actionPlans, String status) {
  /** apiVersion of the part. */
  public static final String API_VERSION = "config.routerd.net/v1alpha1";

  public DynamicConfigPart {
    resources = resources == null ? List.of() : List.copyOf(resources);
    directives = directives == null ? List.of() : List.copyOf(directives);
    actionPlans = actionPlans == null ? List.of() : List.copyOf(actionPlans);
  }

  /** Readers treat a part as expired when {@code now >= expiresAt}. */
  public boolean isExpired(Instant now) {
    return !now.isBefore(expiresAt);
  }

  /** A copy with other resources. */
  public DynamicConfigPart withResources(List<PluginResult.ResourceEntry> rs) {
    return new DynamicConfigPart(name, source, generation, observedAt, expiresAt, digest, rs, directives, actionPlans,
        status);
  }

  /** A copy with another status. */
  public DynamicConfigPart withStatus(String s) {
    return new DynamicConfigPart(name, source, generation, observedAt, expiresAt, digest, resources, directives,
        actionPlans, s);
  }
}
