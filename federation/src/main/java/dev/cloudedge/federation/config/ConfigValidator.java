package dev.cloudedge.federation.config;

import dev.cloudedge.federation.event.GoText;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Validates a config with routerd's rules and messages (wire reference §7, doctor reference §1.3),
 * reporting every problem instead of stopping at the first. Per-resource rules run first, then
 * the cross-resource rules in routerd's order (FederationSLO references, then EventGroup auth).
 * Unknown Kinds (the rest of a routerd Router config) are accepted untouched; {@link
 * #validateStrict} adds what {@code cloudedge validate} also refuses.
 */
public final class ConfigValidator {

  /** Validates one resource of a Kind; adds messages that start with the resource id. */
  @FunctionalInterface
  public interface KindRule {
    void validate(Resource r, List<String> errors);
  }

  /** A cross-resource rule over the whole config. */
  @FunctionalInterface
  public interface CrossRule {
    void validate(FederationConfig config, List<ConfigProblem> problems);
  }

  private final Map<String, KindRule> kindRules = new LinkedHashMap<>();
  private final List<CrossRule> crossRules = new ArrayList<>();

  /** A validator for the federation Kinds. */
  public ConfigValidator() {
    kindRules.put(Kinds.EVENT_GROUP, FederationRules::eventGroup);
    kindRules.put(Kinds.EVENT_PEER, FederationRules::eventPeer);
    kindRules.put(Kinds.EVENT_SUBSCRIPTION, FederationRules::eventSubscription);
    kindRules.put(Kinds.FEDERATION_SLO, FederationRules::federationSlo);
    kindRules.put(Kinds.EVENT_NODE, FederationRules::eventNode);
    kindRules.put(dev.cloudedge.federation.provider.ProviderActionPolicy.KIND,
        dev.cloudedge.federation.provider.ProviderActionPolicy::validate);
    kindRules.put(dev.cloudedge.federation.remediation.RemediationPolicy.KIND,
        dev.cloudedge.federation.remediation.RemediationPolicy::validate);
    crossRules.add(FederationRules::sloCrossReferences);
    crossRules.add(FederationRules::eventGroupRuntimeAuth);
    // Plugin and the hybrid Kinds (claims and what they reference) live in their own packages.
    dev.cloudedge.federation.plugin.PluginKind.register(this);
    dev.cloudedge.federation.claim.ClaimRules.register(this);
  }

  /** Adds the rule for another Kind (plugins, claims, policies). */
  public ConfigValidator withKind(String kind, KindRule rule) {
    kindRules.put(kind, rule);
    return this;
  }

  /** Adds a cross-resource rule, run after the built-in ones. */
  public ConfigValidator withCrossRule(CrossRule rule) {
    crossRules.add(rule);
    return this;
  }

  /** The Kinds this validator knows. */
  public Set<String> kinds() {
    return kindRules.keySet();
  }

  /** Every problem in the config, in resource order, then cross-resource problems. */
  public List<ConfigProblem> validate(FederationConfig config) {
    List<ConfigProblem> problems = new ArrayList<>();
    Map<String, String> seen = new HashMap<>();
    for (Resource r : config.resources()) {
      KindRule rule = kindRules.get(r.kind());
      if (rule == null) {
        continue;
      }
      List<String> errors = new ArrayList<>();
      if (GoText.isBlank(r.name())) {
        errors.add(r.apiVersion() + "/" + r.kind() + " metadata.name is required");
      } else {
        String key = r.kind() + "/" + r.name();
        String prev = seen.putIfAbsent(key, r.origin());
        if (prev != null) {
          errors.add(r.id() + " is defined twice (first at " + prev + ")");
        }
        rule.validate(r, errors);
      }
      for (String e : errors) {
        problems.add(new ConfigProblem(r.id(), r.origin(), e));
      }
    }
    for (CrossRule c : crossRules) {
      c.validate(config, problems);
    }
    return problems;
  }

  /**
   * {@link #validate} plus CloudEdge's strict checks (what {@code cloudedge validate} reports):
   * a file without resources, an unknown Kind (outside the routerd API groups of a routerd {@code
   * Router} document), and a groupRef, pluginRef or EventNode name that names no resource.
   */
  public List<ConfigProblem> validateStrict(FederationConfig config) {
    List<ConfigProblem> problems = validate(config);
    StrictRules.check(config, kinds(), problems);
    return problems;
  }
}
