package dev.cloudedge.activities.remediation;

import dev.cloudedge.activities.node.NodeHost;
import dev.cloudedge.federation.config.ConfigException;
import dev.cloudedge.federation.config.ConfigLoader;
import dev.cloudedge.federation.config.FederationConfig;
import dev.cloudedge.federation.config.Kinds;
import dev.cloudedge.federation.delivery.PassResult;
import dev.cloudedge.federation.doctor.Check;
import dev.cloudedge.federation.doctor.CheckStatus;
import dev.cloudedge.federation.doctor.DoctorReport;
import dev.cloudedge.federation.doctor.FederationDoctor;
import dev.cloudedge.federation.doctor.Readiness;
import dev.cloudedge.federation.doctor.RemediationAction;
import dev.cloudedge.federation.doctor.RemediationActionType;
import dev.cloudedge.federation.eventd.ReloadResult;
import dev.cloudedge.federation.eventd.RetryResult;
import dev.cloudedge.federation.provider.ActionJournal;
import dev.cloudedge.federation.provider.ActionRecord;
import dev.cloudedge.federation.provider.ActionStatus;
import dev.cloudedge.federation.provider.JsonMaps;
import dev.cloudedge.federation.remediation.PeerEndpointEditor;
import dev.cloudedge.federation.remediation.RateLimiter;
import dev.cloudedge.federation.remediation.RemediationPolicy;
import dev.cloudedge.federation.store.DeliveryRecord;
import dev.cloudedge.federation.store.EventRecord;
import dev.cloudedge.federation.store.FederationStore;
import dev.cloudedge.workflows.remediation.RemediationActivities;
import dev.cloudedge.workflows.remediation.RemediationFailureType;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Remediation on the node a worker hosts: the doctor and its plan, the two ready actions on the
 * node's eventd runtime under the durable {@link RateLimiter}, the inspect-only diagnostics, and
 * approved endpoint changes, every execution journaled in {@code action_executions} through
 * {@link ActionJournal} (provider {@code cloudedge}, providerRef the node). The config is read
 * from the node's files on every call, so a policy edit applies to the next step without a restart.
 */
public final class RemediationActivitiesImpl implements RemediationActivities {
  /** The provider recorded on remediation journal rows. */
  public static final String PROVIDER = "cloudedge";
  private static final Duration WINDOW = Duration.ofHours(1);
  private static final int MAX_LINES = 50;

  private final NodeHost host;

  /** Activities for the node {@code host} serves. */
  public RemediationActivitiesImpl(NodeHost host) {
    this.host = Objects.requireNonNull(host, "host");
  }

  private FederationConfig config() {
    try {
      return ConfigLoader.load(host.configFiles());
    } catch (ConfigException e) {
      throw RemediationFailureType.CONFIG.failure("node " + host.nodeName() + ": " + e.getMessage());
    }
  }

  private FederationStore store() {
    try {
      return host.runtime().store();
    } catch (IllegalStateException e) {
      throw RemediationFailureType.TRANSIENT.failure(e.getMessage());
    }
  }

  // ------------------------------------------------------------------ diagnose

  @Override
  public Diagnosis diagnose(DiagnoseRequest request) {
    String group = request.group();
    FederationConfig cfg = config();
    if (cfg.eventGroup(group).isEmpty()) {
      throw RemediationFailureType.INVALID_REQUEST.failure("EventGroup " + group + " is not configured on node "
          + host.nodeName());
    }
    RemediationPolicy policy;
    try {
      policy = RemediationPolicy.from(cfg);
    } catch (IllegalArgumentException e) {
      throw RemediationFailureType.CONFIG.failure(e.getMessage());
    }
    DoctorReport rep;
    try {
      rep = FederationDoctor.diagnose(cfg, host.stateFile(), Instant.now(), true);
    } catch (Exception e) {
      throw RemediationFailureType.TRANSIENT.failure("doctor on " + host.nodeName() + ": " + e.getMessage());
    }
    Set<String> groupSubscriptions = new HashSet<>();
    for (Kinds.EventSubscription s : cfg.eventSubscriptions()) {
      if (s.groupRef().equals(group)) {
        groupSubscriptions.add(Kinds.EVENT_SUBSCRIPTION + "/" + s.resource().name());
      }
    }
    List<String> problems = new ArrayList<>();
    for (Check c : rep.checks()) {
      boolean bad = c.status() == CheckStatus.WARN || c.status() == CheckStatus.FAIL;
      boolean ours = c.name().startsWith(group + "/") || c.name().startsWith(group + " ")
          || groupSubscriptions.stream().anyMatch(s -> c.name().contains(s.substring(s.indexOf('/') + 1)));
      if (bad && Check.FEDERATION_AREA.equals(c.area()) && ours) {
        problems.add(c.status().wire().toUpperCase() + " " + c.name() + ": " + c.detail());
      }
    }
    List<PlannedAction> actions = new ArrayList<>();
    if (rep.remediationPlan() != null) {
      for (RemediationAction a : rep.remediationPlan().actions()) {
        if (group.equals(a.targetGroup()) || groupSubscriptions.contains(a.targetResource())) {
          actions.add(new PlannedAction(a.action().wire(), a.action().readiness().wire(),
              a.targetGroup().isEmpty() ? group : a.targetGroup(), a.targetPeer(), a.targetResource(), a.reason()));
        }
      }
    }
    boolean slo = cfg.federationSlos().stream().anyMatch(s -> s.groupRef().equals(group));
    List<String> blockers = new ArrayList<>();
    for (RemediationActionType t : RemediationActionType.values()) {
      if (t.readiness() == Readiness.READY) {
        blockers.add(t.wire() + ": " + policy.autoExecutionBlocker(t.wire(), slo).orElse(""));
      }
    }
    PolicyView view = new PolicyView(policy.enabled(), policy.allowedActions(), policy.maxExecutionsPerHour(),
        policy.approvalTimeout().getSeconds(), slo, blockers);
    String digest = rep.remediationPlan() == null ? "" : rep.remediationPlan().digest();
    return new Diagnosis(rep.summary().overall().wire(), problems.isEmpty(), problems, actions, digest, view);
  }

  // ------------------------------------------------------------------ journal helpers

  private static ActionRecord row(String key, String workflowId, PlannedAction a, Map<String, String> params) {
    Map<String, String> target = new LinkedHashMap<>();
    target.put("group", a.group());
    if (!a.peer().isEmpty()) {
      target.put("peer", a.peer());
    }
    if (!a.resource().isEmpty()) {
      target.put("resource", a.resource());
    }
    Map<String, String> p = new LinkedHashMap<>(params);
    p.put("reason", a.reason());
    p.put("readiness", a.readiness());
    return new ActionRecord(0, key, workflowId, PROVIDER, "", a.action(), JsonMaps.encode(target), JsonMaps.encode(p),
        "", a.readiness().equals("not-ready") ? "high" : "low", ActionStatus.PENDING, null, null, null, null, null,
        null, null, null, null, null, null, 0, null, null);
  }

  private ActionRecord importRow(ActionJournal j, String key, String workflowId, PlannedAction a, String planDigest,
      Map<String, String> extra) {
    Map<String, String> params = new LinkedHashMap<>(extra);
    params.put("planDigest", planDigest);
    params.put("node", host.nodeName());
    j.importAction(row(key, workflowId, a, params), Instant.now());
    return j.getByKey(key).orElseThrow();
  }

  private static boolean terminal(String status) {
    return List.of(ActionStatus.SUCCEEDED, ActionStatus.FAILED, ActionStatus.SKIPPED, ActionStatus.REJECTED,
        ActionStatus.ROLLED_BACK).contains(status);
  }

  /** The outcome of a journaled row (a retried activity returns what the first attempt did). */
  private static ExecutionOutcome fromRow(PlannedAction a, ActionRecord r) {
    String outcome = switch (r.status()) {
      case ActionStatus.SUCCEEDED -> "executed";
      case ActionStatus.FAILED -> "failed";
      case ActionStatus.REJECTED -> r.rejectedBy().equals("policy:approval-timeout") ? "timed-out" : "rejected";
      case ActionStatus.SKIPPED -> r.resultMessage().startsWith("rate limit:") ? "rate-limited"
          : r.parameters().getOrDefault("outcome", "skipped");
      default -> r.observed().getOrDefault("outcome", "skipped");
    };
    String msg = r.status().equals(ActionStatus.REJECTED) ? r.rejectReason()
        : r.resultMessage() + (r.error().isEmpty() ? "" : " (error: " + r.error() + ")");
    return new ExecutionOutcome(a.key(), a.action(), outcome, msg, r.id(), false, List.of());
  }

  // ------------------------------------------------------------------ execute (ready actions)

  @Override
  public ExecutionOutcome execute(ExecutionRequest req) {
    PlannedAction a = req.action();
    RemediationActionType type = RemediationActionType.fromWire(a.action());
    if (type != RemediationActionType.RETRY_FAILED_DELIVERIES && type != RemediationActionType.FORCE_REPUSH_STALE_TTL) {
      throw RemediationFailureType.INVALID_REQUEST.failure("action " + a.action() + " is not a ready action");
    }
    FederationStore store = store();
    ActionJournal j = new ActionJournal(store);
    Optional<ActionRecord> existing = j.getByKey(req.key());
    if (existing.isPresent() && terminal(existing.get().status())) {
      return fromRow(a, existing.get());
    }
    ActionRecord rec = existing.isPresent() ? existing.get()
        : importRow(j, req.key(), req.workflowId(), a, req.planDigest(), Map.of());
    Instant decisionTime = Instant.ofEpochMilli(req.atEpochMillis());
    if (rec.status().equals(ActionStatus.PENDING)) {
      RateLimiter.Decision grant = new RateLimiter(store).acquire(a.action(), a.group(), a.peer(), req.key(),
          req.workflowId(), decisionTime, req.maxPerHour(), WINDOW);
      if (!grant.granted()) {
        j.markSkippedByKey(req.key(), grant.reason(), Instant.now());
        j.recordAudit(rec.id(), req.key(), "rate-limited", "policy:remediation", grant.reason(), Instant.now());
        return new ExecutionOutcome(a.key(), a.action(), "rate-limited", grant.reason(), rec.id(), false, List.of());
      }
      j.approve(rec.id(), req.approvedBy(), Instant.now());
    }
    String attempt = null;
    if (!j.getByKey(req.key()).orElseThrow().status().equals(ActionStatus.RUNNING)) {
      Optional<ActionJournal.Claim> claim = j.begin(rec.id(), Instant.now());
      if (claim.isEmpty()) {
        throw RemediationFailureType.TRANSIENT.failure("journal row " + rec.id() + " is claimed by another attempt");
      }
      attempt = claim.get().attemptId();
    }
    // A row left running by a crashed attempt of this same activity is simply re-run: both eventd
    // operations are idempotent (they only make the outbox do now what it would do later).
    try {
      Map<String, String> observed = new LinkedHashMap<>();
      String message;
      if (type == RemediationActionType.RETRY_FAILED_DELIVERIES) {
        RetryResult r = host.runtime().retryFailedNow(a.group(), a.peer());
        observed.put("backoffCleared", Integer.toString(r.backoffCleared()));
        pass(observed, r.pass());
        message = "cleared the backoff of " + r.backoffCleared() + " failed pair(s) and ran a pass: "
            + passText(r.pass());
      } else {
        PassResult p = host.runtime().repushStaleNow(a.group(), a.peer());
        pass(observed, p);
        message = "re-pushed stale-TTL pairs now: " + passText(p);
      }
      observed.put("outcome", "executed");
      j.markResult(rec.id(), attempt, ActionStatus.SUCCEEDED, message, "", observed, Instant.now());
      return new ExecutionOutcome(a.key(), a.action(), "executed", message, rec.id(), false, List.of());
    } catch (IllegalArgumentException | IllegalStateException e) {
      j.markResult(rec.id(), attempt, ActionStatus.FAILED, a.action() + " failed", e.getMessage(),
          Map.of("outcome", "failed"), Instant.now());
      return new ExecutionOutcome(a.key(), a.action(), "failed", e.getMessage(), rec.id(), false, List.of());
    }
  }

  private static void pass(Map<String, String> observed, PassResult p) {
    observed.put("pushed", Integer.toString(p.pushed()));
    observed.put("delivered", Integer.toString(p.delivered()));
    observed.put("failed", Integer.toString(p.failed()));
    observed.put("staleTTL", Integer.toString(p.staleTtl()));
  }

  private static String passText(PassResult p) {
    return p.pushed() + " pushed, " + p.delivered() + " delivered, " + p.failed() + " failed, " + p.staleTtl()
        + " stale-TTL" + (p.ok() ? "" : " (store error: " + p.error() + ")");
  }

  // ------------------------------------------------------------------ inspect-only

  @Override
  public Inspection inspect(InspectionRequest request) {
    PlannedAction a = request.action();
    RemediationActionType type = RemediationActionType.fromWire(a.action());
    List<String> lines = switch (type) {
      case INVESTIGATE_PENDING_DELIVERIES -> deliveries(a.group(), a.peer(), "pending");
      case CHECK_PEER_CONNECTIVITY -> probe(a.group(), a.peer());
      case INVESTIGATE_MISSING_DELIVERY_ROWS -> missingRows(a.group(), a.peer());
      case INSPECT_FAILED_SUBSCRIPTION_RUNS -> failedRuns(a.resource());
      default -> throw RemediationFailureType.INVALID_REQUEST.failure("action " + a.action() + " is not inspect-only");
    };
    return new Inspection(a.key(), a.action(), lines);
  }

  private List<String> deliveries(String group, String peer, String status) {
    List<String> out = new ArrayList<>();
    List<DeliveryRecord> rows = store().listDeliveriesFiltered(group, "", peer, status);
    for (DeliveryRecord d : rows) {
      if (out.size() >= MAX_LINES) {
        out.add("... " + (rows.size() - MAX_LINES) + " more");
        break;
      }
      out.add(status + " " + d.eventId() + " -> " + d.peer() + " attempts=" + d.attempts()
          + (d.lastError() == null || d.lastError().isEmpty() ? "" : " lastError=" + d.lastError()));
    }
    if (out.isEmpty()) {
      out.add("no " + status + " deliveries for " + group + "/" + peer + " now");
    }
    return out;
  }

  private List<String> probe(String group, String peer) {
    Optional<Kinds.EventPeer> p = config().eventPeers().stream()
        .filter(x -> x.groupRef().equals(group) && x.nodeName().equals(peer)).findFirst();
    if (p.isEmpty() || p.get().endpoint().isEmpty()) {
      return List.of("EventPeer " + group + "/" + peer + " has no endpoint to probe");
    }
    String endpoint = p.get().endpoint();
    URI u = URI.create(endpoint);
    int port = u.getPort() > 0 ? u.getPort() : "https".equalsIgnoreCase(u.getScheme()) ? 443 : 80;
    long t0 = System.nanoTime();
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(u.getHost(), port), 3000);
      s.setSoTimeout(3000);
      s.getOutputStream().write(("GET /v1/status HTTP/1.1\r\nHost: " + u.getHost() + "\r\nConnection: close\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      String line = new String(s.getInputStream().readNBytes(12), StandardCharsets.US_ASCII);
      long ms = (System.nanoTime() - t0) / 1_000_000;
      return List.of("probe " + endpoint + ": " + (line.startsWith("HTTP/") ? "HTTP answer \"" + line.trim() + "\"" : "connected, no HTTP answer")
          + " in " + ms + " ms");
    } catch (IOException e) {
      return List.of("probe " + endpoint + ": unreachable (" + e.getClass().getSimpleName() + ": " + e.getMessage() + ")");
    }
  }

  private List<String> missingRows(String group, String peer) {
    FederationStore store = store();
    long now = Instant.now().getEpochSecond();
    Set<String> have = new HashSet<>();
    for (DeliveryRecord d : store.listDeliveriesFiltered(group, "", peer, "")) {
      have.add(d.eventId());
    }
    List<String> out = new ArrayList<>();
    for (EventRecord e : store.listEvents(group, false, now)) {
      if (e.event().sourceNode().equals(host.nodeName()) && !have.contains(e.event().id())) {
        if (out.size() >= MAX_LINES) {
          out.add("... more");
          break;
        }
        out.add("no delivery row for " + e.event().id() + " (" + e.event().type() + " " + e.event().subject() + ") to " + peer);
      }
    }
    if (out.isEmpty()) {
      out.add("every active self-emitted event of " + group + " has a delivery row for " + peer + " now");
    }
    return out;
  }

  private List<String> failedRuns(String resource) {
    String name = resource.startsWith(Kinds.EVENT_SUBSCRIPTION + "/") ? resource.substring(resource.indexOf('/') + 1) : resource;
    List<String> out = store().query("SELECT id, event_id, status, attempts, error FROM event_subscription_runs "
        + "WHERE (subscription = ? OR subscription = ?) AND status IN ('failed','pending') ORDER BY id DESC LIMIT "
        + MAX_LINES, List.of(name, Kinds.EVENT_SUBSCRIPTION + "/" + name),
        rs -> "run " + rs.getLong(1) + " event " + rs.getString(2) + " " + rs.getString(3) + " attempts="
            + rs.getInt(4) + (rs.getString(5) == null || rs.getString(5).isEmpty() ? "" : " error=" + rs.getString(5)));
    return out.isEmpty() ? List.of("no failed or pending runs of " + resource + " now") : out;
  }

  // ------------------------------------------------------------------ approved endpoint change

  @Override
  public ExecutionOutcome applyEndpoint(EndpointChange req) {
    PlannedAction a = req.action();
    if (!"configure-peer-endpoint".equals(a.action())) {
      throw RemediationFailureType.INVALID_REQUEST.failure("applyEndpoint is for configure-peer-endpoint, not " + a.action());
    }
    ActionJournal j = new ActionJournal(store());
    Optional<ActionRecord> existing = j.getByKey(req.key());
    if (existing.isPresent() && terminal(existing.get().status())) {
      return fromRow(a, existing.get());
    }
    ActionRecord rec = existing.isPresent() ? existing.get()
        : importRow(j, req.key(), req.workflowId(), a, req.planDigest(), Map.of("endpoint", req.endpoint()));
    if (rec.status().equals(ActionStatus.PENDING)) {
      j.approve(rec.id(), req.approvedBy(), Instant.now());
    }
    String attempt = null;
    if (!j.getByKey(req.key()).orElseThrow().status().equals(ActionStatus.RUNNING)) {
      attempt = j.begin(rec.id(), Instant.now()).map(ActionJournal.Claim::attemptId).orElseThrow(
          () -> RemediationFailureType.TRANSIENT.failure("journal row " + rec.id() + " is claimed by another attempt"));
    }
    PeerEndpointEditor.Change change;
    try {
      change = PeerEndpointEditor.setEndpoint(host.configFiles(), a.group(), a.peer(), req.endpoint(), Instant.now());
    } catch (IllegalArgumentException e) {
      j.markResult(rec.id(), attempt, ActionStatus.FAILED, "endpoint change refused", e.getMessage(),
          Map.of("outcome", "failed"), Instant.now());
      return new ExecutionOutcome(a.key(), a.action(), "failed", e.getMessage(), rec.id(), false, List.of());
    } catch (IOException e) {
      j.releaseForRetry(rec.id(), attempt, "config write failed: " + e.getMessage(), Instant.now());
      throw RemediationFailureType.TRANSIENT.failure("write config of " + host.nodeName() + ": " + e.getMessage());
    }
    ReloadResult reload;
    try {
      reload = host.reload();
    } catch (RuntimeException e) {
      String restored;
      try {
        if (change.backup() != null) {
          PeerEndpointEditor.restore(change.backup(), change.file());
        }
        host.reload();
        restored = "backup restored and reloaded";
      } catch (IOException | RuntimeException r) {
        restored = "restoring the backup failed too: " + r.getMessage();
      }
      j.markResult(rec.id(), attempt, ActionStatus.FAILED, "reload with the new endpoint failed; " + restored,
          e.getMessage(), Map.of("outcome", "failed"), Instant.now());
      return new ExecutionOutcome(a.key(), a.action(), "failed", "reload failed: " + e.getMessage() + "; " + restored,
          rec.id(), false, List.of());
    }
    Map<String, String> observed = new LinkedHashMap<>();
    observed.put("outcome", "executed");
    observed.put("file", change.file().toString());
    observed.put("previousEndpoint", change.previousEndpoint());
    observed.put("endpoint", change.endpoint());
    if (change.backup() != null) {
      observed.put("backup", change.backup().toString());
    }
    String message = change.changed()
        ? "EventPeer " + a.group() + "/" + a.peer() + " endpoint set to " + change.endpoint() + " (was \""
            + change.previousEndpoint() + "\") in " + change.file() + ", backup " + change.backup()
            + "; runtime reloaded (updated " + reload.updated() + ")"
        : "EventPeer " + a.group() + "/" + a.peer() + " already has endpoint " + change.endpoint() + "; runtime reloaded";
    j.markResult(rec.id(), attempt, ActionStatus.SUCCEEDED, message, "", observed, Instant.now());
    return new ExecutionOutcome(a.key(), a.action(), "executed", message, rec.id(), false, List.of());
  }

  // ------------------------------------------------------------------ not executed

  @Override
  public ExecutionOutcome journalSkip(SkipRecord req) {
    PlannedAction a = req.action();
    ActionJournal j = new ActionJournal(store());
    Optional<ActionRecord> existing = j.getByKey(req.key());
    if (existing.isPresent() && terminal(existing.get().status())) {
      return fromRow(a, existing.get());
    }
    ActionRecord rec = existing.isPresent() ? existing.get()
        : importRow(j, req.key(), req.workflowId(), a, req.planDigest(), Map.of("outcome", req.outcome()));
    Instant now = Instant.now();
    if (req.outcome().equals("rejected") || req.outcome().equals("timed-out")) {
      j.reject(rec.id(), req.by(), req.reason(), now);
    } else {
      j.markSkippedByKey(req.key(), req.reason(), now);
      j.recordAudit(rec.id(), req.key(), req.outcome(), req.by(), req.reason(), now);
    }
    return new ExecutionOutcome(a.key(), a.action(), req.outcome(), req.reason(), rec.id(), false, List.of());
  }
}
