package dev.cloudedge.federation.dynamic;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.cloudedge.federation.claim.ClaimRules;
import dev.cloudedge.federation.claim.HybridKinds;
import dev.cloudedge.federation.config.GoDuration;
import dev.cloudedge.federation.event.FederationEvent;
import dev.cloudedge.federation.event.GoText;
import dev.cloudedge.federation.event.GoTime;
import dev.cloudedge.federation.plan.ActionPlans;
import dev.cloudedge.federation.plugin.PluginJson;
import dev.cloudedge.federation.plugin.PluginKind;
import dev.cloudedge.federation.plugin.PluginResult;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * PluginResult → DynamicConfigPart (subscription reference §1.10–1.11): validation with routerd's
 * texts, the deterministic source key and name, the digest, and the provenance annotations.
 */
public final class DynamicParts {
  public static final String ANNOTATION_SOURCE = "routerd.net/dynamic-source";
  public static final String ANNOTATION_GROUP = "routerd.net/event-group";
  public static final String ANNOTATION_EVENT_ID = "routerd.net/event-id";
  public static final String ANNOTATION_SUBJECT = "routerd.net/event-subject";

  private DynamicParts() {}

  /** {@code EventSubscription/<sub>/<first 16 hex of sha256(sorted ids joined by ",")>}. */
  public static String subscriptionSource(String subscription, List<String> eventIds) {
    List<String> ids = new ArrayList<>(eventIds);
    ids.sort(null);
    return "EventSubscription/" + subscription + "/" + sha256(String.join(",", ids)).substring(0, 16);
  }

  /** The part name of a source and generation. */
  public static String partName(String source, long generation) {
    String base = trimDashes(source.replace("/", "-"));
    return (base.isEmpty() ? "dynamic" : base) + "-" + generation;
  }

  /**
   * Validates a result and converts it. Claims are validated as resources too, so a plugin that
   * proposes an invalid claim fails the run instead of storing it.
   *
   * @throws DynamicConfigException with the first failure
   */
  public static DynamicConfigPart fromResult(String source, long generation, PluginResult result, Instant now)
      throws DynamicConfigException {
    if (GoText.isBlank(source)) {
      throw new DynamicConfigException("source is required");
    }
    if (!PluginKind.API_VERSION.equals(result.apiVersion())) {
      throw new DynamicConfigException("PluginResult apiVersion must be " + PluginKind.API_VERSION);
    }
    if (!"PluginResult".equals(result.kind())) {
      throw new DynamicConfigException("PluginResult kind must be PluginResult");
    }
    PluginResult.Status st = result.status();
    if (GoText.isBlank(st.ttl())) {
      throw new DynamicConfigException("PluginResult status.ttl is required");
    }
    Duration ttl;
    try {
      ttl = GoDuration.parse(GoText.trimSpace(st.ttl()));
    } catch (IllegalArgumentException e) {
      throw new DynamicConfigException("PluginResult status.ttl must be a valid duration: " + e.getMessage());
    }
    if (ttl.isZero() || ttl.isNegative()) {
      throw new DynamicConfigException("PluginResult status.ttl must be greater than 0");
    }
    for (int i = 0; i < st.resources().size(); i++) {
      PluginResult.ResourceEntry r = st.resources().get(i);
      String at = "PluginResult status.resources[" + i + "]";
      if (GoText.isBlank(r.apiVersion())) {
        throw new DynamicConfigException(at + ".apiVersion is required");
      }
      if (GoText.isBlank(r.kind())) {
        throw new DynamicConfigException(at + ".kind is required");
      }
      if (GoText.isBlank(r.metadata().name())) {
        throw new DynamicConfigException(at + ".metadata.name is required");
      }
      if (r.spec() == null || r.spec().isNull() || r.spec().isMissingNode()) {
        throw new DynamicConfigException(at + ".spec is required");
      }
      if (!r.typed()) {
        throw new DynamicConfigException(at + ".spec decoded as untyped map; decode plugin output with yaml.Unmarshal");
      }
      Optional<String> claimProblem = claimProblem(r);
      if (claimProblem.isPresent()) {
        throw new DynamicConfigException(at + ": " + claimProblem.get());
      }
    }
    for (int i = 0; i < st.directives().size(); i++) {
      PluginResult.Directive d = st.directives().get(i);
      String at = "PluginResult status.directives[" + i + "]";
      if (!"mask".equals(GoText.trimSpace(d.op()))) {
        throw new DynamicConfigException(at + ".op must be mask");
      }
      if (GoText.isBlank(d.target().apiVersion())) {
        throw new DynamicConfigException(at + ".target.apiVersion is required");
      }
      if (GoText.isBlank(d.target().kind())) {
        throw new DynamicConfigException(at + ".target.kind is required");
      }
      if (GoText.isBlank(d.target().name())) {
        throw new DynamicConfigException(at + ".target.name is required");
      }
    }
    for (int i = 0; i < st.actionPlans().size(); i++) {
      Optional<String> p = ActionPlans.validate(st.actionPlans().get(i));
      if (p.isPresent()) {
        throw new DynamicConfigException("PluginResult status.actionPlans[" + i + "]: " + p.get());
      }
    }
    Instant observed;
    try {
      observed = st.observedAt().isEmpty() ? null : GoTime.parse(st.observedAt());
    } catch (IllegalArgumentException e) {
      throw new DynamicConfigException("PluginResult status.observedAt must be RFC 3339: " + e.getMessage());
    }
    if (observed == null) {
      observed = now;
    }
    Map<String, Object> digestBody = new LinkedHashMap<>();
    digestBody.put("resources", st.resources());
    digestBody.put("directives", st.directives());
    String digest;
    try {
      digest = sha256(PluginJson.MAPPER.writeValueAsString(digestBody));
    } catch (JsonProcessingException e) {
      throw new DynamicConfigException("encode PluginResult for digest: " + e.getOriginalMessage());
    }
    return new DynamicConfigPart(partName(source, generation), source, generation, observed, observed.plus(ttl),
        digest, st.resources(), st.directives(), st.actionPlans(), "active");
  }

  private static Optional<String> claimProblem(PluginResult.ResourceEntry r) {
    if (!HybridKinds.API_VERSION.equals(r.apiVersion()) || !HybridKinds.REMOTE_ADDRESS_CLAIM.equals(r.kind())) {
      return Optional.empty();
    }
    try {
      HybridKinds.RemoteAddressClaimSpec spec = PluginJson.MAPPER.treeToValue(r.spec(),
          HybridKinds.RemoteAddressClaimSpec.class);
      List<String> errors = ClaimRules.validateClaim(r.id(), spec);
      return errors.isEmpty() ? Optional.empty() : Optional.of(errors.get(0));
    } catch (JsonProcessingException e) {
      return Optional.of(r.id() + " spec: " + e.getOriginalMessage());
    }
  }

  /**
   * Stamps the provenance annotations on every resource of a part: the subscription, the first
   * event's group, the sorted event ids, and the non-empty subjects in batch order.
   */
  public static DynamicConfigPart stampSubscription(DynamicConfigPart part, String subscription,
      List<FederationEvent> batch) {
    Map<String, String> a = new LinkedHashMap<>();
    a.put(ANNOTATION_SOURCE, "EventSubscription/" + subscription);
    if (!batch.isEmpty()) {
      a.put(ANNOTATION_GROUP, batch.get(0).group());
    }
    List<String> ids = new ArrayList<>(batch.stream().map(FederationEvent::id).toList());
    ids.sort(null);
    a.put(ANNOTATION_EVENT_ID, String.join(",", ids));
    List<String> subjects = batch.stream().map(FederationEvent::subject).filter(s -> !s.isEmpty()).toList();
    if (!subjects.isEmpty()) {
      a.put(ANNOTATION_SUBJECT, String.join(",", subjects));
    }
    return part.withResources(part.resources().stream().map(r -> r.withAnnotations(a)).toList());
  }

  /** Reads a claim spec from a part resource. */
  public static HybridKinds.RemoteAddressClaimSpec claimSpec(JsonNode spec) throws JsonProcessingException {
    return PluginJson.MAPPER.treeToValue(spec, HybridKinds.RemoteAddressClaimSpec.class);
  }

  static String sha256(String s) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by the Java platform", e);
    }
  }

  private static String trimDashes(String s) {
    int b = 0;
    int e = s.length();
    while (b < e && s.charAt(b) == '-') {
      b++;
    }
    while (e > b && s.charAt(e - 1) == '-') {
      e--;
    }
    return s.substring(b, e);
  }

}
