package dev.cloudedge.federation.plugin;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.JsonNode;
import dev.cloudedge.federation.plan.ActionPlan;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a plugin prints on stdout when it exits 0 (subscription reference §1.9): proposed
 * resources, mask directives, inert action plans and informational events, valid for {@code ttl}.
 *
 * @param apiVersion must be {@code plugin.routerd.net/v1alpha1}
 * @param kind must be {@code PluginResult}
 * @param metadata free; not validated
 * @param status the proposal
 */
@JsonPropertyOrder({"apiVersion", "kind", "metadata", "status"})
public record PluginResult(String apiVersion, String kind, Metadata metadata, Status status) {
  public PluginResult {
    apiVersion = apiVersion == null ? "" : apiVersion;
    kind = kind == null ? "" : kind;
    metadata = metadata == null ? new Metadata("") : metadata;
    status = status == null ? new Status(null, null, null, null, null, null) : status;
  }

  /** {@code metadata}. */
  public record Metadata(String name) {}

  /** A resource's {@code metadata}. */
  @JsonPropertyOrder({"name", "annotations"})
  public record ResourceMetadata(String name, @JsonInclude(JsonInclude.Include.NON_EMPTY) Map<String, String> annotations) {
    public ResourceMetadata {
      name = name == null ? "" : name;
      annotations = annotations == null ? Map.of() : new TreeMap<>(annotations);
    }
  }

  /**
   * One proposed resource. {@code typed} is true when the spec was decoded against a known Kind
   * (as {@link PluginResultDecoder} does); a spec that never went through a Kind is refused.
   */
  @JsonPropertyOrder({"apiVersion", "kind", "metadata", "spec"})
  public record ResourceEntry(
      String apiVersion, String kind, ResourceMetadata metadata, JsonNode spec, @JsonIgnore boolean typed) {
    public ResourceEntry {
      apiVersion = apiVersion == null ? "" : apiVersion;
      kind = kind == null ? "" : kind;
      metadata = metadata == null ? new ResourceMetadata("", null) : metadata;
    }

    /** A copy with these annotations merged over the existing ones. */
    public ResourceEntry withAnnotations(Map<String, String> extra) {
      TreeMap<String, String> a = new TreeMap<>(metadata.annotations());
      a.putAll(extra);
      return new ResourceEntry(apiVersion, kind, new ResourceMetadata(metadata.name(), a), spec, typed);
    }

    /** {@code <apiVersion>/<kind>/<name>}. */
    public String id() {
      return apiVersion + "/" + kind + "/" + metadata.name();
    }
  }

  /** The target of a directive. */
  @JsonPropertyOrder({"apiVersion", "kind", "name"})
  public record DirectiveTarget(String apiVersion, String kind, String name) {}

  /** A directive; only {@code mask} exists. */
  @JsonPropertyOrder({"op", "target", "reason"})
  public record Directive(String op, DirectiveTarget target, @JsonInclude(JsonInclude.Include.NON_EMPTY) String reason) {
    public Directive {
      op = op == null ? "" : op;
      target = target == null ? new DirectiveTarget("", "", "") : target;
    }
  }

  /** An informational event; not persisted by the subscription path. */
  @JsonPropertyOrder({"type", "message", "attributes"})
  @JsonInclude(JsonInclude.Include.NON_EMPTY)
  public record PluginEvent(String type, String message, Map<String, String> attributes) {}

  /** {@code status}. {@code observedAt} is empty for "now". */
  @JsonPropertyOrder({"observedAt", "ttl", "resources", "directives", "actionPlans", "events"})
  public record Status(
      @JsonInclude(JsonInclude.Include.NON_EMPTY) String observedAt,
      String ttl,
      @JsonInclude(JsonInclude.Include.NON_EMPTY) List<ResourceEntry> resources,
      @JsonInclude(JsonInclude.Include.NON_EMPTY) List<Directive> directives,
      @JsonInclude(JsonInclude.Include.NON_EMPTY) List<ActionPlan> actionPlans,
      @JsonInclude(JsonInclude.Include.NON_EMPTY) List<PluginEvent> events) {
    public Status {
      observedAt = observedAt == null ? "" : observedAt;
      ttl = ttl == null ? "" : ttl;
      resources = resources == null ? List.of() : List.copyOf(resources);
      directives = directives == null ? List.of() : List.copyOf(directives);
      actionPlans = actionPlans == null ? List.of() : List.copyOf(actionPlans);
      events = events == null ? List.of() : List.copyOf(events);
    }
  }
}
