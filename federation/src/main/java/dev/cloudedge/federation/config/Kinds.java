package dev.cloudedge.federation.config;

import dev.cloudedge.federation.event.GoText;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The federation Kinds (reference §7) and CloudEdge's own {@code EventNode} tuning Kind. Spec
 * records mirror the YAML field names; every list and map is non-null after decoding.
 */
public final class Kinds {
  /** apiVersion of EventGroup, EventPeer, EventSubscription and FederationSLO. */
  public static final String FEDERATION_API_VERSION = "federation.routerd.net/v1alpha1";
  /** apiVersion of CloudEdge's own Kinds, which routerd does not know. */
  public static final String CLOUDEDGE_API_VERSION = "cloudedge.dev/v1alpha1";

  public static final String EVENT_GROUP = "EventGroup";
  public static final String EVENT_PEER = "EventPeer";
  public static final String EVENT_SUBSCRIPTION = "EventSubscription";
  public static final String FEDERATION_SLO = "FederationSLO";
  public static final String EVENT_NODE = "EventNode";

  private Kinds() {}

  private static <T> List<T> list(List<T> l) {
    return l == null ? List.of() : List.copyOf(l);
  }

  private static String str(String s) {
    return s == null ? "" : s;
  }

  // ---------------------------------------------------------------- EventGroup

  /** {@code spec.peersFrom[i]}. */
  public record PeersFrom(String resource, boolean optional) {
    public PeersFrom {
      resource = str(resource);
    }
  }

  /** {@code spec.retention}: zero or empty means unlimited. */
  public record Retention(int maxEvents, String maxAge) {
    public Retention {
      maxAge = str(maxAge);
    }
  }

  /**
   * {@code spec.auth}. {@code previousSecretFiles} is a CloudEdge extension for key rotation: those
   * secrets are still accepted on receive, while {@code secretFile} (the newest) signs.
   */
  public record Auth(String mode, String secretRef, String secretFile, List<String> previousSecretFiles) {
    public Auth {
      mode = str(mode);
      secretRef = str(secretRef);
      secretFile = str(secretFile);
      previousSecretFiles = list(previousSecretFiles);
    }
  }

  /** {@code spec.listen}; port 0 means no receiver. */
  public record Listen(String address, int port) {
    public Listen {
      address = str(address);
    }
  }

  /** EventGroup spec. */
  public record EventGroupSpec(
      String nodeName, List<PeersFrom> peersFrom, Retention retention, Auth auth, Listen listen, String replayWindow) {
    public EventGroupSpec {
      nodeName = str(nodeName);
      peersFrom = list(peersFrom);
      retention = retention == null ? new Retention(0, "") : retention;
      auth = auth == null ? new Auth("", "", "", List.of()) : auth;
      listen = listen == null ? new Listen("", 0) : listen;
      replayWindow = str(replayWindow);
    }
  }

  /** A decoded EventGroup; {@code metadata.name} is the group name. */
  public record EventGroup(Resource resource, EventGroupSpec spec) {
    public String name() {
      return resource.name();
    }

    public String nodeName() {
      return GoText.trimSpace(spec.nodeName());
    }

    /** The effective replay window: the spec's when it parses and is positive, else 5 minutes. */
    public Duration replayWindow() {
      try {
        Duration d = GoDuration.parse(spec.replayWindow());
        return d.isZero() || d.isNegative() ? Duration.ofMinutes(5) : d;
      } catch (IllegalArgumentException e) {
        return Duration.ofMinutes(5);
      }
    }

    /** Retention max age, zero when unlimited or unparsable. */
    public Duration retentionMaxAge() {
      try {
        Duration d = GoDuration.parse(spec.retention().maxAge());
        return d.isNegative() ? Duration.ZERO : d;
      } catch (IllegalArgumentException e) {
        return Duration.ZERO;
      }
    }
  }

  // ---------------------------------------------------------------- EventPeer

  /** EventPeer spec. */
  public record EventPeerSpec(
      String groupRef, String nodeName, String direction, String endpoint, List<String> types, List<String> subjectPrefixes) {
    public EventPeerSpec {
      groupRef = str(groupRef);
      nodeName = str(nodeName);
      direction = str(direction);
      endpoint = str(endpoint);
      types = list(types);
      subjectPrefixes = list(subjectPrefixes);
    }
  }

  /** A decoded EventPeer. */
  public record EventPeer(Resource resource, EventPeerSpec spec) {
    public String groupRef() {
      return GoText.trimSpace(spec.groupRef());
    }

    public String nodeName() {
      return GoText.trimSpace(spec.nodeName());
    }

    public String endpoint() {
      return GoText.trimSpace(spec.endpoint());
    }

    /** Peer filters (reference §3.5): exact type match and plain subject prefix, both when given. */
    public boolean matches(String type, String subject) {
      if (!spec.types().isEmpty() && !spec.types().contains(type)) {
        return false;
      }
      if (spec.subjectPrefixes().isEmpty()) {
        return true;
      }
      for (String p : spec.subjectPrefixes()) {
        if (subject.startsWith(p)) {
          return true;
        }
      }
      return false;
    }
  }

  // ---------------------------------------------------------------- EventSubscription

  /** {@code spec.match}. */
  public record SubscriptionMatch(
      List<String> types, List<String> subjectPrefixes, Map<String, String> payload, List<String> sourceNodes) {
    public SubscriptionMatch {
      types = list(types);
      subjectPrefixes = list(subjectPrefixes);
      payload = payload == null ? Map.of() : Map.copyOf(payload);
      sourceNodes = list(sourceNodes);
    }
  }

  /** {@code spec.trigger}. */
  public record SubscriptionTrigger(String pluginRef, String batchWindow, String debounce) {
    public SubscriptionTrigger {
      pluginRef = str(pluginRef);
      batchWindow = str(batchWindow);
      debounce = str(debounce);
    }
  }

  /** EventSubscription spec. */
  public record EventSubscriptionSpec(String groupRef, SubscriptionMatch match, SubscriptionTrigger trigger) {
    public EventSubscriptionSpec {
      groupRef = str(groupRef);
      match = match == null ? new SubscriptionMatch(null, null, null, null) : match;
      trigger = trigger == null ? new SubscriptionTrigger("", "", "") : trigger;
    }
  }

  /** A decoded EventSubscription; its run key is {@code EventSubscription/<name>}. */
  public record EventSubscription(Resource resource, EventSubscriptionSpec spec) {
    public String name() {
      return resource.name();
    }

    public String groupRef() {
      return GoText.trimSpace(spec.groupRef());
    }

    public String runKey() {
      return "EventSubscription/" + resource.name();
    }
  }

  // ---------------------------------------------------------------- FederationSLO

  /** {@code spec.delivery}; 0 means the default. */
  public record SloDelivery(int lagWarnSeconds, int lagFailSeconds, int expiresSoonSeconds) {}

  /** {@code spec.subscription}. */
  public record SloSubscription(int maxPendingRuns, int maxFailedRuns) {}

  /** FederationSLO spec. */
  public record FederationSloSpec(String groupRef, SloDelivery delivery, SloSubscription subscription) {
    public FederationSloSpec {
      groupRef = str(groupRef);
      delivery = delivery == null ? new SloDelivery(0, 0, 0) : delivery;
      subscription = subscription == null ? new SloSubscription(0, 0) : subscription;
    }
  }

  /** A decoded FederationSLO. */
  public record FederationSlo(Resource resource, FederationSloSpec spec) {
    public static final int DEFAULT_LAG_WARN_SECONDS = 60;
    public static final int DEFAULT_LAG_FAIL_SECONDS = 180;
    public static final int DEFAULT_EXPIRES_SOON_SECONDS = 120;

    public String groupRef() {
      return GoText.trimSpace(spec.groupRef());
    }
  }

  // ---------------------------------------------------------------- EventNode (CloudEdge)

  /** {@code spec.admin}: where {@code GET /metrics} is served; port 0 means not served. */
  public record Admin(String address, int port) {
    public Admin {
      address = str(address);
    }
  }

  /** {@code spec.pushRetry}: per-pass attempts and in-pass backoff (reference §3.3), plus the across-tick backoff cap. */
  public record PushRetry(int maxAttempts, String baseBackoff, String maxBackoff, String maxTickBackoff) {
    public PushRetry {
      baseBackoff = str(baseBackoff);
      maxBackoff = str(maxBackoff);
      maxTickBackoff = str(maxTickBackoff);
    }
  }

  /** {@code spec.receiver}: limits of every receiver of the node; 0 takes the default. */
  public record ReceiverLimits(int maxConnections) {}

  /**
   * EventNode spec: the daemon tunables that routerd keeps in its rendered config.json, plus receiver
   * limits and {@code pushTimeout}, the bound on one push attempt (connect, send, answer; empty takes
   * routerd's 30 s).
   */
  public record EventNodeSpec(Admin admin, String pushInterval, String pruneInterval, PushRetry pushRetry,
      ReceiverLimits receiver, String pushTimeout) {
    /** A spec without a push timeout (routerd's 30 s). */
    public EventNodeSpec(Admin admin, String pushInterval, String pruneInterval, PushRetry pushRetry, ReceiverLimits receiver) {
      this(admin, pushInterval, pruneInterval, pushRetry, receiver, "");
    }

    public EventNodeSpec {
      admin = admin == null ? new Admin("", 0) : admin;
      pushTimeout = str(pushTimeout);
      pushInterval = str(pushInterval);
      pruneInterval = str(pruneInterval);
      pushRetry = pushRetry == null ? new PushRetry(0, "", "", "") : pushRetry;
      receiver = receiver == null ? new ReceiverLimits(0) : receiver;
    }
  }

  /** A decoded EventNode ({@code cloudedge.dev/v1alpha1}); {@code metadata.name} is the node name. */
  public record EventNode(Resource resource, EventNodeSpec spec) {}
}
