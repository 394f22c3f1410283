package dev.cloudedge.federation.plugin;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.JsonNode;
import dev.cloudedge.federation.event.FederationEvent;
import dev.cloudedge.federation.event.GoTime;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a plugin reads on stdin (subscription reference §1.9): the trigger, the matched events and
 * a redacted context. Keys and omission rules are routerd's; times are Go RFC 3339 strings, with
 * {@code 0001-01-01T00:00:00Z} for "none".
 *
 * @param apiVersion always {@code plugin.routerd.net/v1alpha1}
 * @param kind always {@code PluginRequest}
 * @param metadata the Plugin's name
 * @param spec the request body
 */
@JsonPropertyOrder({"apiVersion", "kind", "metadata", "spec"})
public record PluginRequest(String apiVersion, String kind, Metadata metadata, Spec spec) {
  /** The subscription trigger type. */
  public static final String SUBSCRIPTION_TRIGGER = "federation-subscription";
  /** Prefix of the subscription trigger topic. */
  public static final String SUBSCRIPTION_TOPIC_PREFIX = "routerd.federation.subscription/";

  /** {@code metadata}: only the name. */
  public record Metadata(String name) {}

  /** {@code spec.trigger}. */
  @JsonPropertyOrder({"type", "topic"})
  public record Trigger(String type, @JsonInclude(JsonInclude.Include.NON_EMPTY) String topic) {}

  /** One matched event, as the plugin sees it. */
  @JsonPropertyOrder({"id", "group", "sourceNode", "type", "subject", "dedupeKey", "payload", "observedAt",
      "expiresAt"})
  public record MatchedEvent(
      String id,
      String group,
      @JsonInclude(JsonInclude.Include.NON_EMPTY) String sourceNode,
      String type,
      @JsonInclude(JsonInclude.Include.NON_EMPTY) String subject,
      @JsonInclude(JsonInclude.Include.NON_EMPTY) String dedupeKey,
      @JsonInclude(JsonInclude.Include.NON_EMPTY) Map<String, String> payload,
      String observedAt,
      String expiresAt) {
    public MatchedEvent {
      id = id == null ? "" : id;
      group = group == null ? "" : group;
      sourceNode = sourceNode == null ? "" : sourceNode;
      type = type == null ? "" : type;
      subject = subject == null ? "" : subject;
      dedupeKey = dedupeKey == null ? "" : dedupeKey;
      payload = payload == null ? Map.of() : new TreeMap<>(payload);
      observedAt = observedAt == null ? GoTime.ZERO : observedAt;
      expiresAt = expiresAt == null ? GoTime.ZERO : expiresAt;
    }

    /** The request form of a stored event. */
    public static MatchedEvent of(FederationEvent e) {
      return new MatchedEvent(e.id(), e.group(), e.sourceNode(), e.type(), e.subject(), e.dedupeKey(), e.payload(),
          GoTime.format(e.observedAt()), GoTime.format(e.expiresAt()));
    }

    /** A payload value, or empty. */
    public String payloadValue(String key) {
      return payload.getOrDefault(key, "");
    }
  }

  /** One allowlisted config resource, secrets removed. */
  @JsonPropertyOrder({"apiVersion", "kind", "name", "spec"})
  public record ContextResource(
      String apiVersion, String kind, String name, @JsonInclude(JsonInclude.Include.NON_NULL) JsonNode spec) {}

  /** {@code spec.context}: always present, {@code {}} when nothing is allowlisted. */
  public record Context(@JsonInclude(JsonInclude.Include.NON_EMPTY) List<ContextResource> resources) {
    public Context {
      resources = resources == null ? List.of() : List.copyOf(resources);
    }

    /** The default-deny context. */
    public static Context empty() {
      return new Context(List.of());
    }
  }

  /** {@code spec}. */
  @JsonPropertyOrder({"trigger", "startupConfigHash", "effectiveGeneration", "previousDynamicGeneration", "now",
      "events", "context"})
  public record Spec(
      Trigger trigger,
      String startupConfigHash,
      long effectiveGeneration,
      long previousDynamicGeneration,
      String now,
      @JsonInclude(JsonInclude.Include.NON_EMPTY) List<MatchedEvent> events,
      Context context) {
    public Spec {
      startupConfigHash = startupConfigHash == null ? "" : startupConfigHash;
      events = events == null ? List.of() : List.copyOf(events);
      context = context == null ? Context.empty() : context;
    }
  }

  /** A subscription run's request for {@code plugin}, as reference §1.8 step 7 builds it. */
  public static PluginRequest forSubscription(
      String plugin, String subscription, Instant now, List<FederationEvent> events, Context context) {
    return new PluginRequest(PluginKind.API_VERSION, "PluginRequest", new Metadata(plugin),
        new Spec(new Trigger(SUBSCRIPTION_TRIGGER, SUBSCRIPTION_TOPIC_PREFIX + subscription), "", 0, 0,
            GoTime.format(now), events.stream().map(MatchedEvent::of).toList(), context));
  }
}
