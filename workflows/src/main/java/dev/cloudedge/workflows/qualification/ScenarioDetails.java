package dev.cloudedge.workflows.qualification;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/**
 * The scenario-specific part of an evidence file: one class per scenario, filled by its script.
 * Each value is set right after the check that produced it, so a record of a failed run shows
 * what was checked and leaves the rest out (a {@code null} is "not checked", never a default).
 * The evidence activity writes its fields at the top level of {@code cycle-NNN/<scenario>.json}.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.PROPERTY, property = ScenarioDetails.TYPE_KEY)
@JsonSubTypes({
    @JsonSubTypes.Type(value = HealthyScenario.Evidence.class, name = "healthy"),
    @JsonSubTypes.Type(value = PartitionScenario.Evidence.class, name = "partition"),
    @JsonSubTypes.Type(value = TtlRefreshScenario.Evidence.class, name = "ttl-refresh"),
    @JsonSubTypes.Type(value = RestartScenario.Evidence.class, name = "restart"),
    @JsonSubTypes.Type(value = SubscriptionScenario.Evidence.class, name = "subscription"),
    @JsonSubTypes.Type(value = ConfigFaultScenario.Evidence.class, name = "config-fault"),
    @JsonSubTypes.Type(value = SecurityScenario.Evidence.class, name = "security"),
    @JsonSubTypes.Type(value = MultiGroupScenario.Evidence.class, name = "multi-group")})
@JsonInclude(JsonInclude.Include.NON_NULL)
public interface ScenarioDetails {
  /** The type key Jackson adds for the transport; the evidence file leaves it out. */
  String TYPE_KEY = "@details";
}
