package dev.cloudedge.activities.node;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cloudedge.activities.evidence.EvidenceFiles;
import dev.cloudedge.federation.config.ConfigException;
import dev.cloudedge.federation.config.ConfigLoader;
import dev.cloudedge.federation.config.FederationConfig;
import dev.cloudedge.federation.config.Kinds;
import dev.cloudedge.federation.config.Resource;
import dev.cloudedge.federation.doctor.CanonicalJson;
import dev.cloudedge.federation.doctor.Check;
import dev.cloudedge.federation.doctor.DoctorState;
import dev.cloudedge.federation.doctor.FederationDoctor;
import dev.cloudedge.federation.doctor.RemediationAction;
import dev.cloudedge.federation.doctor.SloGroupStatus;
import dev.cloudedge.federation.event.EventCodec;
import dev.cloudedge.federation.event.FederationEvent;
import dev.cloudedge.federation.eventd.NodeTuning;
import dev.cloudedge.federation.log.ExpectedFaults;
import dev.cloudedge.federation.security.GroupKeys;
import dev.cloudedge.federation.security.Hmac;
import dev.cloudedge.federation.security.Secret;
import dev.cloudedge.federation.store.DeliveryRecord;
import dev.cloudedge.federation.store.DeliverySummary;
import dev.cloudedge.federation.store.EventRecord;
import dev.cloudedge.federation.store.FederationStore;
import dev.cloudedge.workflows.qualification.NodeActivities;
import dev.cloudedge.workflows.qualification.QualificationFailureType;
import io.temporal.client.ActivityCompletionException;
import io.temporal.failure.ApplicationFailure;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Node-local activities over the node's own eventd runtime, store and config. Registered by a node
 * worker on that node's task queue; nothing here crosses to another node except the probes.
 */
public final class NodeActivitiesImpl implements NodeActivities {
  private static final long MAX_BODY = 1 << 20;
  private final NodeHost host;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();

  /** Activities for the node {@code host} serves. */
  public NodeActivitiesImpl(NodeHost host) {
    this.host = Objects.requireNonNull(host, "host");
  }

  @Override
  public NodeFacts describe() {
    String hostname;
    try {
      hostname = InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      hostname = "unknown";
    }
    String version = Optional.ofNullable(NodeActivitiesImpl.class.getPackage().getImplementationVersion()).orElse("dev");
    return new NodeFacts(host.nodeName(), hostname, digestConfig(), "cloudedge " + version,
        EvidenceFiles.artifactSha256(host.artifact()), host.runtimeUnit(), host.runtime().groups());
  }

  @Override
  public EmitResult emit(EmitRequest r) {
    if (r.ttlSeconds() <= 0) {
      throw QualificationFailureType.INVALID_REQUEST.failure("ttlSeconds must be positive, got " + r.ttlSeconds());
    }
    Instant now = Instant.now();
    FederationEvent ev = new FederationEvent(r.id(), r.group(), host.nodeName(), r.type(), r.subject(), "", Map.of(),
        now, now.plusSeconds(r.ttlSeconds()));
    try {
      dev.cloudedge.federation.eventd.EmitResult res = host.runtime().emit(ev);
      EventRecord stored = store().getEvent(r.id()).orElseThrow();
      return new EmitResult(r.id(), epoch(stored.event().observedAt()), epoch(stored.event().expiresAt()));
    } catch (IllegalArgumentException e) {
      throw QualificationFailureType.INVALID_REQUEST.failure("emit " + r.id() + ": " + e.getMessage());
    } catch (RuntimeException e) {
      throw infra("emit " + r.id(), e);
    }
  }

  @Override
  public List<DeliveryRow> deliveries(DeliveryQuery q) {
    List<DeliveryRow> out = new ArrayList<>();
    for (DeliveryRecord d : store().listDeliveriesFiltered(q.group(), q.eventId(), "", "")) {
      out.add(row(d));
    }
    return out;
  }

  @Override
  public List<SummaryRow> deliverySummary(String group) {
    List<SummaryRow> out = new ArrayList<>();
    for (DeliverySummary s : store().deliverySummary(group, "", "", false, Instant.now().getEpochSecond())) {
      out.add(new SummaryRow(s.group(), s.peer(), s.events(), s.delivered(), s.staleTtl(), s.failed(), s.pending(),
          s.maxLagSeconds(), s.minExpiresInSeconds()));
    }
    return out;
  }

  @Override
  public StoredEvent readEvent(String eventId) {
    return store().getEvent(eventId)
        .map(e -> new StoredEvent(eventId, true, e.event().group(), epoch(e.event().expiresAt())))
        .orElse(new StoredEvent(eventId, false, "", 0));
  }

  @Override
  public long countEvents(String group) {
    return store().listEvents(group, false, Instant.now().getEpochSecond()).size();
  }

  @Override
  public DoctorReport doctor(DoctorRequest r) {
    FederationConfig config = withOverlay(r.overlayYaml());
    try {
      return report(FederationDoctor.diagnose(config, host.stateFile(), Instant.now(), r.remediationPlan()));
    } catch (Exception e) {
      throw infra("doctor on " + host.nodeName(), e);
    }
  }

  @Override
  public PlanStability planStability(PlanStabilityRequest r) {
    if (r.shuffles() < 1) {
      throw QualificationFailureType.INVALID_REQUEST.failure("planStability: shuffles must be at least 1, got " + r.shuffles());
    }
    FederationConfig config = withOverlay(r.overlayYaml());
    Instant now = Instant.now();
    List<String> digests = new ArrayList<>();
    List<List<String>> orders = new ArrayList<>();
    DoctorReport first = null;
    try (ShuffledDoctorState state = new ShuffledDoctorState(DoctorState.open(host.stateFile()))) {
      for (int i = 0; i <= r.shuffles(); i++) {
        FederationConfig c = config;
        if (i > 0) {
          List<Resource> res = new ArrayList<>(config.resources());
          java.util.Collections.shuffle(res, new java.util.Random(7919L * i));
          c = new FederationConfig(config.files(), res);
        }
        DoctorReport rep = report(FederationDoctor.diagnose(c, state.seed(i == 0 ? 0 : 104729L * i), now, true));
        if (first == null) {
          first = rep;
        }
        digests.add(rep.planDigest());
        List<String> order = new ArrayList<>();
        for (PlanAction a : rep.actions()) {
          order.add(a.action() + " " + a.targetGroup() + "/" + a.targetPeer());
        }
        orders.add(order);
      }
    } catch (Exception e) {
      throw infra("plan stability on " + host.nodeName(), e);
    }
    return new PlanStability(first, digests, orders);
  }

  private FederationConfig withOverlay(String overlayYaml) {
    FederationConfig config = host.config();
    if (overlayYaml != null && !overlayYaml.isBlank()) {
      try {
        for (Resource res : ConfigLoader.parse(overlayYaml, "config-fault overlay")) {
          config = config.withResource(res);
        }
      } catch (ConfigException e) {
        throw QualificationFailureType.INVALID_REQUEST.failure("overlay: " + e.getMessage());
      }
    }
    return config;
  }

  private static DoctorReport report(dev.cloudedge.federation.doctor.DoctorReport rep) {
    List<DoctorCheck> checks = new ArrayList<>();
    for (Check c : rep.checks()) {
      checks.add(new DoctorCheck(c.code() == null ? "" : c.code().wire(), c.name(), c.status().wire()));
    }
    List<SloGroup> groups = new ArrayList<>();
    List<PlanAction> actions = new ArrayList<>();
    long failed = 0;
    long stale = 0;
    long pending = 0;
    long missing = 0;
    if (rep.federation() != null) {
      failed = rep.federation().failedDeliveryCount();
      stale = rep.federation().staleTtlCount();
      pending = rep.federation().pendingDeliveryCount();
      missing = rep.federation().missingExpectedPeerCount();
      if (rep.federation().slo() != null) {
        for (SloGroupStatus g : rep.federation().slo().groups()) {
          List<SloViolation> v = new ArrayList<>();
          for (dev.cloudedge.federation.doctor.SloViolation x : g.violations()) {
            v.add(new SloViolation(x.check(), x.severity().wire()));
          }
          groups.add(new SloGroup(g.group(), g.defined(), CanonicalJson.string(g.thresholds()), v,
              g.thresholds().lagWarnSeconds(), g.thresholds().lagFailSeconds(), g.thresholds().expiresSoonSeconds(),
              g.thresholds().maxPendingRuns(), g.thresholds().maxFailedRuns()));
        }
      }
    }
    String digest = "";
    if (rep.remediationPlan() != null) {
      for (RemediationAction a : rep.remediationPlan().actions()) {
        actions.add(new PlanAction(a.action().wire(), a.targetGroup(), a.targetPeer(), a.targetResource(), a.safe(),
            a.requiresOperatorApproval()));
      }
      digest = rep.remediationPlan().digest();
    }
    JsonNode tree = rep.toTree();
    return new DoctorReport(tree.toString(), rep.summary().overall().wire(), rep.summary().pass(), rep.summary().warn(),
        rep.summary().fail(), rep.summary().skip(), checks, failed, stale, pending, missing, groups, actions, digest);
  }

  @Override
  public List<SubscriptionRunRow> subscriptionRuns(SubscriptionRunQuery q) {
    if (q.eventIds().isEmpty()) {
      return List.of();
    }
    String key = q.subscription().startsWith(Kinds.EVENT_SUBSCRIPTION + "/") ? q.subscription()
        : Kinds.EVENT_SUBSCRIPTION + "/" + q.subscription();
    StringBuilder sql = new StringBuilder("SELECT id, subscription, event_id, event_group, plugin, status, attempts,"
        + " started_at, completed_at, error FROM event_subscription_runs WHERE (subscription = ? OR subscription = ?)"
        + " AND event_id IN (");
    List<Object> args = new ArrayList<>(List.of(key, q.subscription()));
    for (int i = 0; i < q.eventIds().size(); i++) {
      sql.append(i == 0 ? "?" : ",?");
      args.add(q.eventIds().get(i));
    }
    sql.append(") ORDER BY id");
    return store().query(sql.toString(), args, rs -> {
      com.fasterxml.jackson.databind.node.ObjectNode o = com.fasterxml.jackson.databind.json.JsonMapper.builder().build().createObjectNode();
      o.put("id", rs.getLong(1));
      o.put("subscription", rs.getString(2));
      o.put("eventId", rs.getString(3));
      o.put("eventGroup", rs.getString(4));
      o.put("plugin", rs.getString(5));
      o.put("status", rs.getString(6));
      o.put("attempts", rs.getInt(7));
      o.put("startedAt", rs.getString(8));
      o.put("completedAt", rs.getString(9) == null ? "" : rs.getString(9));
      o.put("error", rs.getString(10) == null ? "" : rs.getString(10));
      return new SubscriptionRunRow(rs.getLong(1), rs.getString(3), rs.getString(6),
          rs.getString(10) == null ? "" : rs.getString(10), o.toString(), rs.getInt(7));
    });
  }

  @Override
  public RuntimeRestart restartRuntime(FaultRequest request) {
    if (restartsProcess()) {
      return processRestart(request, "restart", false);
    }
    long before = host.runtimeInstanceId();
    try {
      Heartbeating.run("restart eventd on " + host.nodeName(), Heartbeating.OnCancel.FINISH_STEP, () -> {
        host.restart();
        return null;
      });
    } catch (ActivityCompletionException e) {
      throw e;
    } catch (Exception e) {
      throw infra("restart eventd on " + host.nodeName(), e);
    }
    return new RuntimeRestart(before, host.runtimeInstanceId(), host.active());
  }

  @Override
  public void breakPlugin(FaultRequest request) {
    ExpectedFaults.begin(ExpectedFaults.PLUGIN, "the qualification's subscription scenario has made the plugin non-executable"
        + " (fault " + request.tag() + ")");
    fault("break plugin", () -> host.faults().breakPlugin(request.tag()));
  }

  @Override
  public void restorePlugin(FaultRequest request) {
    fault("restore plugin", () -> host.faults().restorePlugin(request.tag()));
    ExpectedFaults.end(ExpectedFaults.PLUGIN);
  }

  @Override
  public boolean pluginHealthy(String subscription) {
    try {
      return Heartbeating.run("check plugin of " + subscription, Heartbeating.OnCancel.INTERRUPT,
          () -> host.faults().pluginHealthy(subscription));
    } catch (ActivityCompletionException e) {
      throw e;
    } catch (Exception e) {
      throw infra("check plugin of " + subscription, e);
    }
  }

  @Override
  public void applyPartition(FaultRequest request) {
    fault("apply partition", () -> host.faults().applyPartition(request.tag()));
  }

  @Override
  public void restorePartition(FaultRequest request) {
    fault("restore partition", () -> host.faults().restorePartition(request.tag()));
  }

  /**
   * Application-level reachability: a TCP connect and an HTTP answer to {@code GET /v1/status}
   * within 3 s each. A black-holing firewall (DROP) therefore reads as unreachable, not only a REJECT.
   */
  @Override
  public ProbeResult probeEndpoint(String endpoint) {
    InetSocketAddress addr = address(endpoint);
    try (Socket s = new Socket()) {
      s.connect(addr, 3000);
      s.setSoTimeout(3000);
      s.getOutputStream().write(("GET /v1/status HTTP/1.1\r\nHost: " + addr.getHostString() + "\r\nConnection: close\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      s.getOutputStream().flush();
      byte[] head = s.getInputStream().readNBytes(12);
      String line = new String(head, StandardCharsets.US_ASCII);
      if (line.startsWith("HTTP/")) {
        return new ProbeResult(true, "HTTP answer from " + addr.getHostString() + ":" + addr.getPort());
      }
      return new ProbeResult(false, "connected but no HTTP answer");
    } catch (java.net.SocketTimeoutException e) {
      return new ProbeResult(false, "timeout after 3s");
    } catch (IOException e) {
      return new ProbeResult(false, e.getClass().getSimpleName() + ": " + e.getMessage());
    }
  }

  /** The TCP address of an {@code http(s)://host[:port]} endpoint; IPv6 literals and default ports handled. */
  static InetSocketAddress address(String endpoint) {
    URI u;
    try {
      u = URI.create(endpoint);
    } catch (IllegalArgumentException e) {
      throw QualificationFailureType.INVALID_REQUEST.failure("endpoint " + endpoint + " is not a URL");
    }
    if (u.getHost() == null || u.getScheme() == null) {
      throw QualificationFailureType.INVALID_REQUEST.failure("endpoint " + endpoint + " has no scheme or host");
    }
    int port = u.getPort() > 0 ? u.getPort() : "https".equalsIgnoreCase(u.getScheme()) ? 443 : 80;
    String h = u.getHost().startsWith("[") ? u.getHost().substring(1, u.getHost().length() - 1) : u.getHost();
    return new InetSocketAddress(h, port);
  }

  private static DeliveryRow row(DeliveryRecord d) {
    return new DeliveryRow(d.eventId(), d.peer(), d.status(), d.attempts(), d.lastError() == null ? "" : d.lastError(),
        epoch(d.eventExpiresAt()), millis(d.lastAttemptAt()), millis(d.deliveredAt()));
  }

  private static long millis(Instant t) {
    return t == null ? 0 : t.toEpochMilli();
  }

  @Override
  public ConfigFacts configFacts() {
    FederationConfig config = host.config();
    List<GroupFacts> groups = new ArrayList<>();
    for (Kinds.EventGroup g : config.eventGroups()) {
      List<String> peers = new ArrayList<>();
      for (Kinds.EventPeer p : config.peersOf(g.name())) {
        peers.add(p.nodeName());
      }
      // The SLO as written, not as the doctor resolves it: the scenario judges the doctor with it.
      Optional<Kinds.FederationSlo> slo = config.federationSlos().stream()
          .filter(x -> x.groupRef().equals(g.name())).findFirst();
      Kinds.SloDelivery d = slo.map(x -> x.spec().delivery()).orElse(new Kinds.SloDelivery(0, 0, 0));
      Kinds.SloSubscription su = slo.map(x -> x.spec().subscription()).orElse(new Kinds.SloSubscription(0, 0));
      groups.add(new GroupFacts(g.name(), g.nodeName(), peers, slo.isPresent(), d.lagWarnSeconds(), d.lagFailSeconds(),
          d.expiresSoonSeconds(), su.maxPendingRuns(), su.maxFailedRuns()));
    }
    NodeTuning t;
    try {
      t = NodeTuning.of(config, host.nodeName());
    } catch (RuntimeException e) {
      throw QualificationFailureType.PREFLIGHT.failure("EventNode of " + host.nodeName() + ": " + e.getMessage());
    }
    return new ConfigFacts(host.nodeName(), groups, new PushPolicy(t.pushInterval().toMillis(), t.retry().maxAttempts(),
        t.retry().baseBackoff().toMillis(), t.retry().maxBackoff().toMillis(), t.retry().maxTickBackoff().toMillis()));
  }

  @Override
  public RuntimeRestart stopRuntime(FaultRequest request) {
    long before = host.runtimeInstanceId();
    try {
      // Heartbeats like restart: the stop drains for up to the shutdown grace and is never cut short.
      Heartbeating.run("stop eventd on " + host.nodeName(), Heartbeating.OnCancel.FINISH_STEP, () -> {
        host.stop();
        return null;
      });
    } catch (ActivityCompletionException e) {
      throw e;
    } catch (Exception e) {
      throw infra("stop eventd on " + host.nodeName(), e);
    }
    return new RuntimeRestart(before, 0, host.active());
  }

  @Override
  public RuntimeRestart startRuntime(FaultRequest request) {
    if (restartsProcess()) {
      // Started again as a fresh process on the same state file: a crash and a supervisor restart.
      return processRestart(request, "start", true);
    }
    long before = host.active() ? host.runtimeInstanceId() : 0;
    try {
      Heartbeating.run("start eventd on " + host.nodeName(), Heartbeating.OnCancel.FINISH_STEP, () -> {
        host.start();
        return null;
      });
    } catch (ActivityCompletionException e) {
      throw e;
    } catch (Exception e) {
      throw infra("start eventd on " + host.nodeName(), e);
    }
    return new RuntimeRestart(before, host.runtimeInstanceId(), host.active());
  }

  @Override
  public List<DeliveryRow> recordWhileStopped(EmitRequest r) {
    if (host.active()) {
      throw QualificationFailureType.INVALID_REQUEST.failure("recordWhileStopped: eventd on " + host.nodeName() + " is running");
    }
    if (r.ttlSeconds() <= 0) {
      throw QualificationFailureType.INVALID_REQUEST.failure("ttlSeconds must be positive, got " + r.ttlSeconds());
    }
    Instant now = Instant.now();
    FederationEvent ev = new FederationEvent(r.id(), r.group(), host.nodeName(), r.type(), r.subject(), "", Map.of(),
        now, now.plusSeconds(r.ttlSeconds()));
    List<DeliveryRow> out = new ArrayList<>();
    try (FederationStore st = FederationStore.open(host.stateFile())) {
      st.recordEvent(ev, now);
      for (Kinds.EventPeer p : host.config().peersOf(r.group())) {
        if (p.matches(ev.type(), ev.subject())) {
          st.enqueueDelivery(ev.id(), p.nodeName());
        }
      }
      for (DeliveryRecord d : st.listDeliveriesFiltered(r.group(), r.id(), "", "")) {
        out.add(row(d));
      }
    } catch (RuntimeException e) {
      throw infra("record " + r.id() + " in " + host.stateFile(), e);
    }
    return out;
  }

  @Override
  public PushReply pushStored(PushStoredRequest r) {
    EventRecord stored = store().getEvent(r.eventId()).orElseThrow(() ->
        QualificationFailureType.INVALID_REQUEST.failure("pushStored: no event " + r.eventId() + " on " + host.nodeName()));
    Secret key = signingKey(r.group());
    byte[] body = EventCodec.encode(stored.event());
    long now = Instant.now().getEpochSecond();
    HttpRequest req = HttpRequest.newBuilder(URI.create(r.endpoint().replaceAll("/+$", "") + "/v1/events"))
        .timeout(Duration.ofSeconds(10)).header("Content-Type", "application/json")
        .header("X-Routerd-Timestamp", Long.toString(now)).header("X-Routerd-Signature", Hmac.sign(key, now, body))
        .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
    return reply(req);
  }

  /** Sends {@code req} and reads the receiver's {@code accepted}/{@code duplicate} answer. */
  private PushReply reply(HttpRequest req) {
    try {
      HttpResponse<String> res = http.send(req, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
      String text = res.body() == null ? "" : res.body();
      boolean accepted = false;
      boolean duplicate = false;
      try {
        JsonNode n = com.fasterxml.jackson.databind.json.JsonMapper.builder().build().readTree(text);
        accepted = n != null && n.path("accepted").asBoolean(false);
        duplicate = n != null && n.path("duplicate").asBoolean(false);
      } catch (IOException notJson) {
        // An error text: status and body say what happened.
      }
      return new PushReply(Integer.toString(res.statusCode()), accepted, duplicate,
          text.length() > 1024 ? text.substring(0, 1024) : text);
    } catch (IOException e) {
      return new PushReply("000", false, false, e.getClass().getSimpleName());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new PushReply("000", false, false, "interrupted");
    }
  }

  private Secret signingKey(String group) {
    Kinds.EventGroup g = host.config().eventGroup(group)
        .orElseThrow(() -> QualificationFailureType.PREFLIGHT.failure("EventGroup " + group + " not configured on " + host.nodeName()));
    try {
      return GroupKeys.load(g.spec().auth()).signing();
    } catch (RuntimeException e) {
      throw QualificationFailureType.PREFLIGHT.failure("cannot load the signing key of group " + group + " on " + host.nodeName());
    }
  }

  @Override
  public SecurityProbeResult securityProbes(SecurityProbeRequest r) {
    try {
      return Heartbeating.run("security probes of " + r.endpoint(), Heartbeating.OnCancel.INTERRUPT, () -> runSecurityProbes(r));
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw infra("security probes of " + r.endpoint(), e);
    }
  }

  private SecurityProbeResult runSecurityProbes(SecurityProbeRequest r) {
    Kinds.EventGroup g = host.config().eventGroup(r.group())
        .orElseThrow(() -> QualificationFailureType.PREFLIGHT.failure("EventGroup " + r.group() + " not configured on " + host.nodeName()));
    Secret key;
    try {
      key = GroupKeys.load(g.spec().auth()).signing();
    } catch (RuntimeException e) {
      throw QualificationFailureType.PREFLIGHT.failure("cannot load the signing key of group " + r.group() + " on " + host.nodeName());
    }
    URI target = URI.create(r.endpoint().replaceAll("/+$", "") + "/v1/events");
    long now = Instant.now().getEpochSecond();
    byte[] valid = ("{\"events\":[]}").getBytes(StandardCharsets.UTF_8);
    byte[] notJson = "not-json".getBytes(StandardCharsets.UTF_8);
    byte[] huge = new byte[(int) MAX_BODY + 1];
    java.util.Arrays.fill(huge, (byte) 'x');
    List<ProbeStatus> out = new ArrayList<>();
    out.add(probe("malformedStatus", "POST 'not-json' without X-Routerd-Timestamp", "400", target, notJson,
        "application/x-www-form-urlencoded", null, null));
    out.add(probe("wrongStatus", "POST {\"bad\":true} without X-Routerd-Timestamp", "400", target,
        "{\"bad\":true}".getBytes(StandardCharsets.UTF_8), "application/json", null, null));
    out.add(probe("badAuthStatus", "POST with X-Routerd-Signature: invalid and no timestamp", "400", target, valid,
        "application/json", null, "invalid"));
    out.add(probe("badTimestampStatus", "POST with a non-integer timestamp", "400", target, valid, "application/json",
        "yesterday", Hmac.sign(key, now, valid)));
    out.add(probe("badSignatureStatus", "POST with a current timestamp and a wrong signature", "401", target, valid,
        "application/json", Long.toString(now), "0".repeat(64)));
    long stale = now - 3600;
    out.add(probe("staleTimestampStatus", "correctly signed POST with a timestamp one hour old", "403", target, valid,
        "application/json", Long.toString(stale), Hmac.sign(key, stale, valid)));
    out.add(probe("malformedSignedStatus", "correctly signed POST whose body is not JSON", "400", target, notJson,
        "application/json", Long.toString(now), Hmac.sign(key, now, notJson)));
    out.add(get(target));
    out.add(new ProbeStatus("oversizedStatus", "correctly signed POST with a body over 1 MiB", "413",
        oversized(target, huge, Long.toString(now), Hmac.sign(key, now, huge))));
    if (r.wrongGroupEventId() != null && !r.wrongGroupEventId().isEmpty()) {
      byte[] other = EventCodec.encode(probeEvent(r.wrongGroupEventId(), r.otherGroup()));
      out.add(probe("wrongGroupStatus", "correctly signed event of group " + r.otherGroup() + " sent to group "
          + r.group() + "'s receiver", "400", target, other, "application/json", Long.toString(now), Hmac.sign(key, now, other)));
    }
    if (r.replayEventId() != null && !r.replayEventId().isEmpty()) {
      byte[] ev = EventCodec.encode(probeEvent(r.replayEventId(), r.group()));
      HttpRequest once = HttpRequest.newBuilder(target).timeout(Duration.ofSeconds(10))
          .header("Content-Type", "application/json").header("X-Routerd-Timestamp", Long.toString(now))
          .header("X-Routerd-Signature", Hmac.sign(key, now, ev)).POST(HttpRequest.BodyPublishers.ofByteArray(ev)).build();
      PushReply first = reply(once);
      out.add(new ProbeStatus("replayFirstStatus", "a valid signed event", "200 duplicate=false",
          first.status() + " duplicate=" + first.duplicate()));
      PushReply again = reply(once);
      out.add(new ProbeStatus("replayStatus", "the same signed request replayed byte for byte", "200 duplicate=true",
          again.status() + " duplicate=" + again.duplicate()));
    }
    return new SecurityProbeResult(out);
  }

  private FederationEvent probeEvent(String id, String group) {
    Instant t = Instant.now();
    return new FederationEvent(id, group, host.nodeName(), "routerd.client.ipv4.observed", "10.99.6.9/32", "", Map.of(),
        t, t.plusSeconds(600));
  }

  private ProbeStatus probe(String key, String what, String expected, URI target, byte[] body, String contentType,
      String ts, String sig) {
    HttpRequest.Builder b = HttpRequest.newBuilder(target).timeout(Duration.ofSeconds(10))
        .header("Content-Type", contentType).POST(HttpRequest.BodyPublishers.ofByteArray(body));
    if (ts != null) {
      b.header("X-Routerd-Timestamp", ts);
    }
    if (sig != null) {
      b.header("X-Routerd-Signature", sig);
    }
    return new ProbeStatus(key, what, expected, send(b.build()));
  }

  /**
   * The oversized probe over a raw socket: a receiver may answer 413 from the headers alone and
   * close before the body is sent, which an HTTP client reports as a broken pipe. So the headers go
   * first, an early answer is read if one comes, and only then the body.
   */
  private static String oversized(URI target, byte[] body, String ts, String sig) {
    InetSocketAddress addr = address(target.toString());
    try (Socket s = new Socket()) {
      s.connect(addr, 3000);
      String head = "POST " + target.getRawPath() + " HTTP/1.1\r\nHost: " + addr.getHostString() + ":" + addr.getPort()
          + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length + "\r\nX-Routerd-Timestamp: " + ts
          + "\r\nX-Routerd-Signature: " + sig + "\r\nConnection: close\r\n\r\n";
      s.getOutputStream().write(head.getBytes(StandardCharsets.US_ASCII));
      s.getOutputStream().flush();
      // Generous: on a loaded host the receiver's header-time 413 can take a while, and once the
      // body is on the wire an answer followed by a close can arrive as a reset instead.
      s.setSoTimeout(5000);
      String early = statusOf(s);
      if (early != null) {
        return early;
      }
      try {
        s.getOutputStream().write(body);
        s.getOutputStream().flush();
      } catch (IOException closedEarly) {
        // The receiver stopped reading; its answer may still be readable.
      }
      s.setSoTimeout(10000);
      String late = statusOf(s);
      return late == null ? "000" : late;
    } catch (IOException e) {
      return "000";
    }
  }

  /** The status code of an HTTP response on {@code s}, or {@code null} when none arrived in time. */
  private static String statusOf(Socket s) throws IOException {
    try {
      byte[] line = s.getInputStream().readNBytes(12);
      String text = new String(line, StandardCharsets.US_ASCII);
      return text.startsWith("HTTP/1.") && text.length() >= 12 ? text.substring(9, 12) : null;
    } catch (java.net.SocketTimeoutException e) {
      return null;
    }
  }

  private ProbeStatus get(URI target) {
    return new ProbeStatus("getStatus", "GET /v1/events", "405",
        send(HttpRequest.newBuilder(target).timeout(Duration.ofSeconds(10)).GET().build()));
  }

  private String send(HttpRequest req) {
    try {
      return Integer.toString(http.send(req, HttpResponse.BodyHandlers.discarding()).statusCode());
    } catch (IOException e) {
      return "000";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "000";
    }
  }

  @Override
  public String digestConfig() {
    try {
      List<Path> files = host.configFiles();
      if (files.size() == 1) {
        return EvidenceFiles.sha256(Files.readAllBytes(files.get(0)));
      }
      StringBuilder b = new StringBuilder();
      for (Path p : files) {
        b.append(EvidenceFiles.sha256(Files.readAllBytes(p))).append('\n');
      }
      return EvidenceFiles.sha256(b.toString().getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw infra("digest config of " + host.nodeName(), e);
    }
  }

  @Override
  public MetricsSnapshot metrics() {
    String text;
    try {
      text = host.runtime().scrapeMetrics();
    } catch (RuntimeException e) {
      throw infra("scrape metrics of " + host.nodeName(), e);
    }
    return parseMetrics(text);
  }

  /** Sums Prometheus text samples by metric name and collects label names of eventd series. */
  static MetricsSnapshot parseMetrics(String text) {
    java.util.TreeMap<String, Double> totals = new java.util.TreeMap<>();
    java.util.TreeSet<String> labels = new java.util.TreeSet<>();
    for (String line : text.split("\n")) {
      if (line.isBlank() || line.startsWith("#") || !line.startsWith("routerd_eventd_")) {
        continue;
      }
      int brace = line.indexOf('{');
      int space = line.lastIndexOf(' ');
      if (space < 0) {
        continue;
      }
      String name = brace > 0 && brace < space ? line.substring(0, brace) : line.substring(0, space).trim();
      if (brace > 0 && brace < space) {
        String body = line.substring(brace + 1, line.lastIndexOf('}'));
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"").matcher(body);
        while (m.find()) {
          if (!m.group(1).equals("le")) {
            labels.add(m.group(1));
          }
        }
      }
      try {
        totals.merge(name, Double.parseDouble(line.substring(space + 1).trim()), Double::sum);
      } catch (NumberFormatException e) {
        // Not a sample line.
      }
    }
    return new MetricsSnapshot(totals, List.copyOf(labels));
  }

  private FederationStore store() {
    return host.runtime().store();
  }

  private interface FaultStep {
    void run() throws Exception;
  }

  private void fault(String what, FaultStep step) {
    try {
      // A fault command may take its 25 s; a cancel lets it finish rather than leave a rule half-applied.
      Heartbeating.run(what + " on " + host.nodeName(), Heartbeating.OnCancel.FINISH_STEP, () -> {
        step.run();
        return null;
      });
    } catch (ActivityCompletionException e) {
      throw e;
    } catch (CommandFaults.FaultMethodMissingException e) {
      throw QualificationFailureType.FAULT_METHOD_MISSING.failure(e.getMessage());
    } catch (Exception e) {
      throw infra(what + " on " + host.nodeName(), e);
    }
  }

  private boolean restartsProcess() {
    return host.faults() != null && host.faults().restartsProcess();
  }

  private RuntimeRestart processRestart(FaultRequest request, String what, boolean onlyWhenStopped) {
    String step = what + " the worker process of " + host.nodeName();
    try {
      return ProcessRestart.run(host, request.tag(), step, onlyWhenStopped);
    } catch (ActivityCompletionException e) {
      throw e;
    } catch (Exception e) {
      throw infra(step, e);
    }
  }

  private static ApplicationFailure infra(String what, Exception e) {
    if (e instanceof ApplicationFailure af) {
      return af;
    }
    return QualificationFailureType.INFRA.failure(what + ": " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
  }

  private static long epoch(Instant t) {
    return t == null ? 0 : t.getEpochSecond();
  }
}
