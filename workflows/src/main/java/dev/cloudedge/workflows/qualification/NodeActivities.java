package dev.cloudedge.workflows.qualification;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;
import java.util.List;

/**
 * Node-local activities. Each call is routed to the task queue of the node it acts on (see {@link
 * dev.cloudedge.workflows.TaskQueues#node}), so the worker hosting that node's eventd runtime does
 * the work with its own store, config and secrets; no secret ever travels through Temporal.
 *
 * <p>Every method is idempotent: emits are upserts on the event id, faults are applied and restored
 * by tag, reads have no side effects. Implementations raise {@link QualificationFailureType}
 * failures: {@code INFRA} is retried, the others are not.
 */
@ActivityInterface(namePrefix = "Node")
public interface NodeActivities {

  /** Identity of this node for provenance: names, digests, runtime version and artifact hash. */
  @ActivityMethod
  NodeFacts describe();

  /** Emits (records and pushes) a test event as this node; re-emitting an id extends its expiry. */
  @ActivityMethod
  EmitResult emit(EmitRequest request);

  /** Delivery rows of one event on this node (the sender's outbox view). */
  @ActivityMethod
  List<DeliveryRow> deliveries(DeliveryQuery query);

  /** Delivery summary rows for a group, as {@code federation deliveries summary} prints them. */
  @ActivityMethod
  List<SummaryRow> deliverySummary(String group);

  /** This node's stored copy of an event, if any (expired copies included). */
  @ActivityMethod
  StoredEvent readEvent(String eventId);

  /** Non-expired events of a group stored on this node. */
  @ActivityMethod
  long countEvents(String group);

  /** Runs the federation doctor, optionally with the remediation plan and an in-memory config overlay. */
  @ActivityMethod
  DoctorReport doctor(DoctorRequest request);

  /** Subscription runs of one subscription, restricted to the given event ids. */
  @ActivityMethod
  List<SubscriptionRunRow> subscriptionRuns(SubscriptionRunQuery query);

  /** Restarts this node's eventd runtime and reports its identity before and after. */
  @ActivityMethod
  RuntimeRestart restartRuntime(FaultRequest request);

  /** Breaks the subscription plugin of this node (fault), tagged for restore. */
  @ActivityMethod
  void breakPlugin(FaultRequest request);

  /** Restores the subscription plugin; idempotent; succeeds when nothing is broken. */
  @ActivityMethod
  void restorePlugin(FaultRequest request);

  /** Whether the subscription plugin is runnable (the verify step of the plugin restore). */
  @ActivityMethod
  boolean pluginHealthy(String subscription);

  /** Cuts this node's traffic to its peer (fault), tagged for restore. */
  @ActivityMethod
  void applyPartition(FaultRequest request);

  /** Undoes every partition with this tag; idempotent; succeeds when none is applied. */
  @ActivityMethod
  void restorePartition(FaultRequest request);

  /** Opens a TCP connection from this node to the endpoint (3 s timeout). */
  @ActivityMethod
  ProbeResult probeEndpoint(String endpoint);

  /** Sends the security probes from this node to the endpoint and returns each status. */
  @ActivityMethod
  SecurityProbeResult securityProbes(SecurityProbeRequest request);

  /** SHA-256 of this node's config file(s), lowercase hex. */
  @ActivityMethod
  String digestConfig();

  /** This node's eventd metrics: counter totals summed over series, and every label name in use. */
  @ActivityMethod
  MetricsSnapshot metrics();

  /**
   * Metrics of one node's eventd runtime (they restart from 0 when the runtime restarts).
   *
   * @param totals metric name (Prometheus text name, e.g. {@code routerd_eventd_receiver_reject_total}) to its sum over series
   * @param labelNames every label name on a {@code routerd_eventd_*} series, sorted
   */
  /**
   * What this node's configuration promises, read from its config resources: per group its node
   * name, the peers it pushes to and its FederationSLO thresholds as written (0 when the SLO leaves
   * a value out), and the outbox's push and retry tunables. Scenarios derive their bounds from it.
   */
  @ActivityMethod
  ConfigFacts configFacts();

  /**
   * Stops this node's eventd (the node is down until {@link #startRuntime}); its state file stays as
   * the daemon left it.
   */
  @ActivityMethod
  RuntimeRestart stopRuntime(FaultRequest request);

  /** Starts this node's eventd again on the same state file; a no-op when it already runs. */
  @ActivityMethod
  RuntimeRestart startRuntime(FaultRequest request);

  /**
   * Records a local event and its delivery rows in the state file while eventd is stopped, as the
   * daemon's own record batch does (the crash then happened after the commit and before the push).
   * Fails when eventd is running.
   */
  @ActivityMethod
  List<DeliveryRow> recordWhileStopped(EmitRequest request);

  /**
   * Pushes an event from this node's store to {@code endpoint} once more, signed with the group's
   * key, outside the outbox: the receiver's answer to a re-push.
   */
  @ActivityMethod
  PushReply pushStored(PushStoredRequest request);

  /**
   * Diff-stability of the remediation plan: one snapshot of the state file and one clock instant,
   * planned {@code shuffles + 1} times, first in the state's own order, then with the config
   * resources and every list the doctor reads shuffled by a different seed each time.
   */
  @ActivityMethod
  PlanStability planStability(PlanStabilityRequest request);

  record MetricsSnapshot(java.util.Map<String, Double> totals, List<String> labelNames) {}

  /**
   * Node identity.
   *
   * @param nodeName the node name
   * @param hostname the host name
   * @param configDigest SHA-256 of the config, 64 hex
   * @param runtimeVersion the eventd runtime version
   * @param artifactSha256 SHA-256 of the artifact running the node, 64 hex, or {@code unknown}
   * @param runtimeUnit how the runtime is managed (a systemd unit or {@code in-process})
   * @param groups EventGroups this node serves
   */
  record NodeFacts(
      String nodeName,
      String hostname,
      String configDigest,
      String runtimeVersion,
      String artifactSha256,
      String runtimeUnit,
      List<String> groups) {}

  /**
   * A test event to emit.
   *
   * @param group the EventGroup
   * @param type the event type
   * @param subject the subject (a /32 prefix)
   * @param id the event id, derived from workflow data so a retried emit is an upsert
   * @param ttlSeconds the time to live
   */
  record EmitRequest(String group, String type, String subject, String id, long ttlSeconds) {}

  /**
   * An emitted event.
   *
   * @param id the event id
   * @param observedAtEpochSeconds when it was observed
   * @param expiresAtEpochSeconds when it expires
   */
  record EmitResult(String id, long observedAtEpochSeconds, long expiresAtEpochSeconds) {}

  /**
   * Which deliveries to list.
   *
   * @param group the EventGroup
   * @param eventId the event id
   */
  record DeliveryQuery(String group, String eventId) {}

  /**
   * One delivery row.
   *
   * @param eventId the event id
   * @param peer the peer node name
   * @param status pending, delivered or failed
   * @param attempts attempts in the latest pass
   * @param lastError the latest error, empty after success
   * @param eventExpiresAtEpochSeconds the expiry the peer last received, 0 when unknown
   */
  record DeliveryRow(
      String eventId,
      String peer,
      String status,
      int attempts,
      String lastError,
      long eventExpiresAtEpochSeconds,
      long lastAttemptAtEpochMillis,
      long deliveredAtEpochMillis) {

    /** A row without attempt times (histories recorded before they were reported). */
    public DeliveryRow(String eventId, String peer, String status, int attempts, String lastError,
        long eventExpiresAtEpochSeconds) {
      this(eventId, peer, status, attempts, lastError, eventExpiresAtEpochSeconds, 0, 0);
    }
  }

  /** A delivery summary row with the reference's JSON keys. */
  record SummaryRow(
      String group,
      String peer,
      long events,
      long delivered,
      long staleTTL,
      long failed,
      long pending,
      long maxLagSeconds,
      long minExpiresInSeconds) {}

  /**
   * A stored event.
   *
   * @param id the event id
   * @param present whether the node stores it
   * @param group its group, empty when absent
   * @param expiresAtEpochSeconds its expiry, 0 when absent or without expiry
   */
  record StoredEvent(String id, boolean present, String group, long expiresAtEpochSeconds) {}

  /**
   * A doctor run.
   *
   * @param remediationPlan whether to add the remediation plan
   * @param overlayYaml extra YAML documents merged into the loaded config in memory only; empty for none
   */
  record DoctorRequest(boolean remediationPlan, String overlayYaml) {}

  /**
   * The doctor's report: the raw JSON for evidence plus the fields the scenarios decide on.
   *
   * @param json the report as {@code doctor federation -o json} prints it
   * @param overall pass, warn, fail or skip
   * @param pass number of PASS checks
   * @param warn number of WARN checks
   * @param fail number of FAIL checks
   * @param skip number of SKIP checks
   * @param checks every check
   * @param failedDeliveryCount failed deliveries
   * @param staleTTLCount delivered rows with stale TTL
   * @param pendingDeliveryCount pending deliveries
   * @param missingExpectedPeerCount expected peers without delivery rows or endpoint
   * @param sloGroups per-group SLO evaluation
   * @param actions remediation actions (empty without a plan)
   * @param planDigest SHA-256 of the canonical actions array, empty without a plan
   */
  record DoctorReport(
      String json,
      String overall,
      int pass,
      int warn,
      int fail,
      int skip,
      List<DoctorCheck> checks,
      long failedDeliveryCount,
      long staleTTLCount,
      long pendingDeliveryCount,
      long missingExpectedPeerCount,
      List<SloGroup> sloGroups,
      List<PlanAction> actions,
      String planDigest) {}

  /**
   * One doctor check.
   *
   * @param code the check code, empty for code-less checks
   * @param name the check name
   * @param status pass, warn, fail or skip
   */
  record DoctorCheck(String code, String name, String status) {}

  /**
   * One group's SLO evaluation.
   *
   * @param group the group
   * @param defined whether a FederationSLO defines it
   * @param thresholds canonical text of the thresholds (for comparing groups)
   * @param violations violations found
   */
  /**
   * One group of the doctor's SLO block: the thresholds it was judged with and its violations.
   *
   * @param thresholds the thresholds as canonical JSON
   */
  record SloGroup(
      String group,
      boolean defined,
      String thresholds,
      List<SloViolation> violations,
      int lagWarnSeconds,
      int lagFailSeconds,
      int expiresSoonSeconds,
      int maxPendingRuns,
      int maxFailedRuns) {

    /** A group without typed thresholds (histories recorded before they were reported). */
    public SloGroup(String group, boolean defined, String thresholds, List<SloViolation> violations) {
      this(group, defined, thresholds, violations, 0, 0, 0, 0, 0);
    }
  }

  /**
   * One SLO violation.
   *
   * @param check the violated check
   * @param severity warn or fail
   */
  record SloViolation(String check, String severity) {}

  /** One remediation action with the reference's keys. */
  record PlanAction(
      String action,
      String targetGroup,
      String targetPeer,
      String targetResource,
      boolean safe,
      boolean requiresOperatorApproval) {}

  /**
   * Which subscription runs to list.
   *
   * @param subscription the EventSubscription name
   * @param eventIds only runs for these events
   */
  record SubscriptionRunQuery(String subscription, List<String> eventIds) {}

  /**
   * One subscription run.
   *
   * @param id the run id
   * @param eventId the event id
   * @param status succeeded, failed or pending
   * @param error the error text, empty on success
   * @param json the row as {@code federation subscription runs -o json} prints it
   */
  record SubscriptionRunRow(long id, String eventId, String status, String error, String json, int attempts) {

    /** A row without its attempt count (histories recorded before it was reported). */
    public SubscriptionRunRow(long id, String eventId, String status, String error, String json) {
      this(id, eventId, status, error, json, 0);
    }
  }

  /**
   * A fault action, tagged so a restore undoes exactly what this run applied.
   *
   * @param tag {@code fedqual-<runId>-c<cycle>-<scenario>}
   */
  record FaultRequest(String tag) {}

  /**
   * A runtime restart.
   *
   * @param pidBefore the process (or runtime instance) id before
   * @param pidAfter the id after, never 0 when active
   * @param active whether the runtime is serving after the restart
   */
  record RuntimeRestart(long pidBefore, long pidAfter, boolean active) {}

  /**
   * A TCP probe.
   *
   * @param reachable whether the connection opened
   * @param detail what happened (refused, timeout, connected)
   */
  record ProbeResult(boolean reachable, String detail) {}

  /**
   * Security probes to send.
   *
   * @param endpoint the receiver endpoint
   * @param group the group whose secret signs the probes that need a valid signature
   */
  /**
   * The security probes to send.
   *
   * @param otherGroup a group that is not the receiver's: a correctly signed event naming it must be refused
   * @param wrongGroupEventId the id of that event (empty: probe not sent)
   * @param replayEventId the id of a valid event sent twice with the same bytes and headers (empty: not sent)
   */
  record SecurityProbeRequest(String endpoint, String group, String otherGroup, String wrongGroupEventId,
      String replayEventId) {

    /** The probes of histories recorded before the group and replay probes existed. */
    public SecurityProbeRequest(String endpoint, String group) {
      this(endpoint, group, "", "", "");
    }
  }

  /**
   * Security probe results, in the order sent.
   *
   * @param probes each probe
   */
  record SecurityProbeResult(List<ProbeStatus> probes) {}

  /**
   * One security probe.
   *
   * @param key the evidence key ({@code malformedStatus}, ...)
   * @param description what was sent
   * @param expected the expected HTTP status
   * @param actual the HTTP status received, {@code 000} on a connection failure
   */
  record ProbeStatus(String key, String description, String expected, String actual) {}

  /** {@link #configFacts()}. */
  record ConfigFacts(String nodeName, List<GroupFacts> groups, PushPolicy push) {}

  /**
   * One EventGroup as this node's config states it.
   *
   * @param peers node names of the EventPeers of this group (the nodes it pushes to)
   * @param sloDefined whether a FederationSLO names this group
   */
  record GroupFacts(
      String group,
      String nodeName,
      List<String> peers,
      boolean sloDefined,
      int lagWarnSeconds,
      int lagFailSeconds,
      int expiresSoonSeconds,
      int maxPendingRuns,
      int maxFailedRuns) {}

  /** The outbox tunables in effect (defaults applied), in milliseconds. */
  record PushPolicy(
      long pushIntervalMillis, int maxAttempts, long baseBackoffMillis, long maxBackoffMillis, long maxTickBackoffMillis) {}

  /** {@link #planStability}. */
  record PlanStabilityRequest(String overlayYaml, int shuffles) {}

  /**
   * @param report the plan from the inputs in their own order
   * @param digests the plan digest of every evaluation, the unshuffled one first
   * @param orders the action order of every evaluation ({@code action group/peer}), the unshuffled one first
   */
  record PlanStability(DoctorReport report, List<String> digests, List<List<String>> orders) {}

  /** {@link #pushStored}. */
  record PushStoredRequest(String group, String eventId, String endpoint) {}

  /**
   * A receiver's answer to a push.
   *
   * @param status the HTTP status, {@code 000} when none arrived
   * @param duplicate the body's {@code duplicate} field
   * @param body the response body (at most 1 KiB)
   */
  record PushReply(String status, boolean accepted, boolean duplicate, String body) {}
}
