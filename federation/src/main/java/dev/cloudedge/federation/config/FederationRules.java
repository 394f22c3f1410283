package dev.cloudedge.federation.config;

import dev.cloudedge.federation.event.GoText;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The validation rules of the federation Kinds, with routerd's exact messages. */
final class FederationRules {
  private FederationRules() {}

  private static boolean apiVersionOk(Resource r, String want, List<String> errors) {
    if (!want.equals(r.apiVersion())) {
      errors.add(r.id() + " must use apiVersion " + want);
      return false;
    }
    return true;
  }

  private static <T> T decode(Resource r, Class<T> type, List<String> errors) {
    try {
      return r.decodeSpec(type);
    } catch (SpecDecodeException e) {
      errors.add(e.getMessage());
      return null;
    }
  }

  private static void duration(Resource r, String field, String value, List<String> errors) {
    try {
      GoDuration.parse(value);
    } catch (IllegalArgumentException e) {
      errors.add(r.id() + " spec." + field + " must be a Go duration: " + e.getMessage());
    }
  }

  private static void noBlankEntries(Resource r, String field, List<String> values, List<String> errors) {
    for (int i = 0; i < values.size(); i++) {
      if (GoText.isBlank(values.get(i))) {
        errors.add(r.id() + " spec." + field + "[" + i + "] must not be empty");
      }
    }
  }

  static void eventGroup(Resource r, List<String> errors) {
    if (!apiVersionOk(r, Kinds.FEDERATION_API_VERSION, errors)) {
      return;
    }
    Kinds.EventGroupSpec s = decode(r, Kinds.EventGroupSpec.class, errors);
    if (s == null) {
      return;
    }
    if (GoText.isBlank(s.nodeName())) {
      errors.add(r.id() + " spec.nodeName is required");
    }
    for (int i = 0; i < s.peersFrom().size(); i++) {
      String ref = GoText.trimSpace(s.peersFrom().get(i).resource());
      if (!ref.startsWith("SAMNodeSet/") || ref.length() == "SAMNodeSet/".length()) {
        errors.add(r.id() + " spec.peersFrom[" + i + "].resource must reference SAMNodeSet/<name>");
      }
    }
    if (s.retention().maxEvents() < 0) {
      errors.add(r.id() + " spec.retention.maxEvents must be >= 0");
    }
    duration(r, "retention.maxAge", s.retention().maxAge(), errors);
    String mode = GoText.trimSpace(s.auth().mode());
    if (!mode.isEmpty() && !mode.equals("hmac")) {
      errors.add(r.id() + " spec.auth.mode must be empty or hmac");
    }
    noBlankEntries(r, "auth.previousSecretFiles", s.auth().previousSecretFiles(), errors);
    int port = s.listen().port();
    if (!GoText.isBlank(s.listen().address()) && (port < 1 || port > 65535)) {
      errors.add(r.id() + " spec.listen.port must be 1..65535 when listen.address is set");
    } else if (port < 0 || port > 65535) {
      errors.add(r.id() + " spec.listen.port must be 0..65535");
    }
    duration(r, "replayWindow", s.replayWindow(), errors);
  }

  static void eventPeer(Resource r, List<String> errors) {
    if (!apiVersionOk(r, Kinds.FEDERATION_API_VERSION, errors)) {
      return;
    }
    Kinds.EventPeerSpec s = decode(r, Kinds.EventPeerSpec.class, errors);
    if (s == null) {
      return;
    }
    if (GoText.isBlank(s.groupRef())) {
      errors.add(r.id() + " spec.groupRef is required");
    }
    if (GoText.isBlank(s.nodeName())) {
      errors.add(r.id() + " spec.nodeName is required");
    }
    String dir = GoText.trimSpace(s.direction());
    if (!dir.isEmpty() && !dir.equals("push")) {
      errors.add(r.id() + " spec.direction must be empty or push");
    }
    String endpoint = GoText.trimSpace(s.endpoint());
    if (endpoint.isEmpty()) {
      errors.add(r.id() + " spec.endpoint is required for push delivery");
    } else if (!endpoint.startsWith("http://") && !endpoint.startsWith("https://")) {
      errors.add(r.id() + " spec.endpoint must be an http:// or https:// base URL, got \"" + endpoint + "\"");
    } else if (endpoint.replaceAll("/+$", "").endsWith("/v1/events")) {
      errors.add(r.id() + " spec.endpoint must be a base URL; /v1/events is appended, got \"" + endpoint + "\"");
    }
    noBlankEntries(r, "types", s.types(), errors);
    noBlankEntries(r, "subjectPrefixes", s.subjectPrefixes(), errors);
  }

  static void eventSubscription(Resource r, List<String> errors) {
    if (!apiVersionOk(r, Kinds.FEDERATION_API_VERSION, errors)) {
      return;
    }
    Kinds.EventSubscriptionSpec s = decode(r, Kinds.EventSubscriptionSpec.class, errors);
    if (s == null) {
      return;
    }
    if (GoText.isBlank(s.groupRef())) {
      errors.add(r.id() + " spec.groupRef is required");
    }
    if (s.match().types().isEmpty()) {
      errors.add(r.id() + " spec.match.types is required (at least one type)");
    }
    noBlankEntries(r, "match.types", s.match().types(), errors);
    noBlankEntries(r, "match.subjectPrefixes", s.match().subjectPrefixes(), errors);
    for (String k : s.match().payload().keySet()) {
      if (GoText.isBlank(k)) {
        errors.add(r.id() + " spec.match.payload has a blank key");
        break;
      }
    }
    noBlankEntries(r, "match.sourceNodes", s.match().sourceNodes(), errors);
    if (GoText.isBlank(s.trigger().pluginRef())) {
      errors.add(r.id() + " spec.trigger.pluginRef is required");
    }
    duration(r, "trigger.batchWindow", s.trigger().batchWindow(), errors);
    duration(r, "trigger.debounce", s.trigger().debounce(), errors);
  }

  static void federationSlo(Resource r, List<String> errors) {
    if (!apiVersionOk(r, Kinds.FEDERATION_API_VERSION, errors)) {
      return;
    }
    Kinds.FederationSloSpec s = decode(r, Kinds.FederationSloSpec.class, errors);
    if (s == null) {
      return;
    }
    if (GoText.isBlank(s.groupRef())) {
      errors.add(r.id() + " spec.groupRef is required");
      return;
    }
    Kinds.SloDelivery d = s.delivery();
    if (d.lagWarnSeconds() < 0) {
      errors.add(r.id() + " spec.delivery.lagWarnSeconds must be >= 0");
      return;
    }
    if (d.lagFailSeconds() < 0) {
      errors.add(r.id() + " spec.delivery.lagFailSeconds must be >= 0");
      return;
    }
    if (d.expiresSoonSeconds() < 0) {
      errors.add(r.id() + " spec.delivery.expiresSoonSeconds must be >= 0");
      return;
    }
    int warn = d.lagWarnSeconds() == 0 ? Kinds.FederationSlo.DEFAULT_LAG_WARN_SECONDS : d.lagWarnSeconds();
    int fail = d.lagFailSeconds() == 0 ? Kinds.FederationSlo.DEFAULT_LAG_FAIL_SECONDS : d.lagFailSeconds();
    if (warn >= fail) {
      errors.add(r.id() + " spec.delivery.lagWarnSeconds (effective " + warn
          + ") must be less than lagFailSeconds (effective " + fail + ")");
      return;
    }
    if (s.subscription().maxPendingRuns() < 0) {
      errors.add(r.id() + " spec.subscription.maxPendingRuns must be >= 0");
      return;
    }
    if (s.subscription().maxFailedRuns() < 0) {
      errors.add(r.id() + " spec.subscription.maxFailedRuns must be >= 0");
    }
  }

  static void eventNode(Resource r, List<String> errors) {
    if (!apiVersionOk(r, Kinds.CLOUDEDGE_API_VERSION, errors)) {
      return;
    }
    Kinds.EventNodeSpec s = decode(r, Kinds.EventNodeSpec.class, errors);
    if (s == null) {
      return;
    }
    if (s.admin().port() < 0 || s.admin().port() > 65535) {
      errors.add(r.id() + " spec.admin.port must be 0..65535");
    }
    duration(r, "pushInterval", s.pushInterval(), errors);
    duration(r, "pruneInterval", s.pruneInterval(), errors);
    duration(r, "pushTimeout", s.pushTimeout(), errors);
    duration(r, "pushRetry.baseBackoff", s.pushRetry().baseBackoff(), errors);
    duration(r, "pushRetry.maxBackoff", s.pushRetry().maxBackoff(), errors);
    duration(r, "pushRetry.maxTickBackoff", s.pushRetry().maxTickBackoff(), errors);
    if (s.pushRetry().maxAttempts() < 0) {
      errors.add(r.id() + " spec.pushRetry.maxAttempts must be >= 0");
    }
    if (s.receiver().maxConnections() < 0) {
      errors.add(r.id() + " spec.receiver.maxConnections must be >= 0");
    }
  }

  static void sloCrossReferences(FederationConfig c, List<ConfigProblem> problems) {
    Map<String, String> byGroup = new HashMap<>();
    for (Kinds.FederationSlo slo : c.federationSlos()) {
      Resource r = slo.resource();
      // routerd runs these only once every resource passed its own rules; an SLO that already has a
      // problem (blank groupRef, wrong apiVersion) would only get a second, misleading message.
      if (problems.stream().anyMatch(p -> p.resourceId().equals(r.id()))) {
        continue;
      }
      String g = slo.groupRef();
      if (g.isEmpty()) {
        // Reported once by the per-resource rule (routerd never reaches its cross-check with it).
        continue;
      }
      String earlier = byGroup.putIfAbsent(g, r.id());
      if (earlier != null) {
        problems.add(new ConfigProblem(r.id(), r.origin(), r.id() + " spec.groupRef \"" + g + "\" conflicts with "
            + earlier + ": only one FederationSLO per EventGroup is allowed"));
        continue;
      }
      boolean exists = c.ofKind(Kinds.EVENT_GROUP).stream().anyMatch(x -> x.name().equals(g));
      if (!exists) {
        problems.add(new ConfigProblem(r.id(), r.origin(),
            r.id() + " spec.groupRef \"" + g + "\" does not reference an existing EventGroup resource"));
      }
    }
  }

  static void eventGroupRuntimeAuth(FederationConfig c, List<ConfigProblem> problems) {
    for (Kinds.EventGroup g : c.eventGroups()) {
      Resource r = g.resource();
      if (!GoText.isBlank(g.spec().auth().secretFile())) {
        continue;
      }
      String msg = null;
      if (!GoText.isBlank(g.spec().listen().address())) {
        msg = " spec.auth.secretFile is required when spec.listen.address is set";
      } else if (!g.spec().peersFrom().isEmpty()) {
        msg = " spec.auth.secretFile is required when spec.peersFrom is set";
      } else {
        for (Kinds.EventPeer p : c.eventPeers()) {
          if (p.groupRef().equals(g.name())) {
            msg = " spec.auth.secretFile is required because " + p.resource().id() + " references this EventGroup";
            break;
          }
        }
      }
      if (msg != null) {
        problems.add(new ConfigProblem(r.id(), r.origin(), r.id() + msg));
      }
    }
  }
}
