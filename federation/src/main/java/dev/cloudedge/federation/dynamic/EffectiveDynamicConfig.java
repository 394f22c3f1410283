package dev.cloudedge.federation.dynamic;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.core.JsonProcessingException;
import dev.cloudedge.federation.claim.ClaimRules;
import dev.cloudedge.federation.claim.HybridKinds;
import dev.cloudedge.federation.config.FederationConfig;
import dev.cloudedge.federation.config.Resource;
import dev.cloudedge.federation.plan.ActionPlan;
import dev.cloudedge.federation.plugin.PluginResult;
import dev.cloudedge.federation.event.GoTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The effective dynamic config of a node: every live part unioned, claims checked against the
 * startup config (cross-references, conflicts), and each claim shown with the action plans its
 * part proposed. Rendering is read-only: plans are displayed, never executed.
 *
 * @param claims effective claims, in part order
 * @param actionPlans every plan of every live part, in part order
 * @param problems conflicts and cross-reference errors; a claim with a problem is still listed
 */
@JsonPropertyOrder({"claims", "actionPlans", "problems"})
public record EffectiveDynamicConfig(List<EffectiveClaim> claims, List<SourcedPlan> actionPlans, List<String> problems) {

  /**
   * One effective claim.
   *
   * @param name claim name
   * @param source the part source that proposed it
   * @param spec the claim spec
   * @param annotations provenance annotations
   * @param actionPlans names of the plans proposed with it
   * @param valid whether it passed single-resource and cross-reference validation and has no conflict
   * @param problems why not, when not valid
   */
  @JsonPropertyOrder({"name", "source", "valid", "spec", "annotations", "actionPlans", "problems"})
  public record EffectiveClaim(String name, String source, HybridKinds.RemoteAddressClaimSpec spec,
      Map<String, String> annotations, List<String> actionPlans, boolean valid, List<String> problems) {}

  /**
   * A plan with the part it came from.
   *
   * @param source the part source
   * @param claims the claims proposed in the same part
   * @param expiresAt when the part expires (RFC 3339 UTC)
   * @param plan the plan
   */
  @JsonPropertyOrder({"source", "claims", "expiresAt", "plan"})
  public record SourcedPlan(String source, List<String> claims, String expiresAt, ActionPlan plan) {}

  /** Renders live parts against the startup config. */
  public static EffectiveDynamicConfig render(List<DynamicConfigPart> parts, FederationConfig startup) {
    List<EffectiveClaim> claims = new ArrayList<>();
    List<SourcedPlan> plans = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    Map<String, String> startupIds = new HashMap<>();
    for (Resource r : startup.resources()) {
      startupIds.put(r.apiVersion() + "/" + r.kind() + "/" + r.name(), r.origin());
    }
    Map<String, String> seen = new HashMap<>();
    for (DynamicConfigPart p : parts) {
      List<String> partClaims = new ArrayList<>();
      List<String> planNames = p.actionPlans().stream().map(ActionPlan::name).toList();
      for (PluginResult.ResourceEntry r : p.resources()) {
        String id = r.id();
        List<String> own = new ArrayList<>();
        if (startupIds.containsKey(id)) {
          own.add("dynamic resource conflicts with startup resource: source=" + q(p.source()) + " resource=" + id);
        }
        String existing = seen.putIfAbsent(id, p.source());
        if (existing != null) {
          own.add("dynamic resource conflicts with another dynamic resource: source=" + q(p.source()) + " resource="
              + id + " existingSource=" + q(existing));
        }
        if (HybridKinds.API_VERSION.equals(r.apiVersion()) && HybridKinds.REMOTE_ADDRESS_CLAIM.equals(r.kind())) {
          HybridKinds.RemoteAddressClaimSpec spec;
          try {
            spec = DynamicParts.claimSpec(r.spec());
          } catch (JsonProcessingException e) {
            problems.add(id + " spec: " + e.getOriginalMessage());
            continue;
          }
          own.addAll(ClaimRules.validateClaim(id, spec));
          own.addAll(ClaimRules.crossReferences(id, spec, startup));
          partClaims.add(r.metadata().name());
          claims.add(new EffectiveClaim(r.metadata().name(), p.source(), spec, r.metadata().annotations(), planNames,
              own.isEmpty(), own));
        }
        problems.addAll(own);
      }
      for (ActionPlan plan : p.actionPlans()) {
        plans.add(new SourcedPlan(p.source(), partClaims, GoTime.format(p.expiresAt()), plan));
      }
    }
    return new EffectiveDynamicConfig(claims, plans, problems);
  }

  private static String q(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  /** The claims by name, for lookups. */
  public Map<String, EffectiveClaim> claimsByName() {
    Map<String, EffectiveClaim> m = new HashMap<>();
    for (EffectiveClaim c : claims) {
      m.putIfAbsent(c.name(), c);
    }
    return m;
  }

}
