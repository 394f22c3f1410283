package dev.cloudedge.workflows.qualification;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.LongSupplier;

/**
 * A two-node lab in memory that answers the node activities the way a correct build does: the
 * sender pushes to the receiver (group A through the cuttable path, B direct), the receiver pushes
 * its own events back to the sender, the doctor derives its checks, SLO blocks and plan from the
 * rows. Each {@link Defect} makes one node answer as a seeded product regression would, so a test
 * can feed a scenario a broken node and watch it fail with a reason that names the property.
 */
final class SimulatedLab {
  static final String A = "fedqual-primary";
  static final String B = "fedqual-secondary";
  static final String SENDER = "fedqual-sender";
  static final String RECEIVER = "fedqual-receiver";
  static final String SUB = "fedqual-sub-primary";

  /** One product regression each, named after the property a scenario must defend. */
  enum Defect {
    /** healthy: the receiver's outbox pushes received events back to their sender. */
    PUSHES_RECEIVED_EVENTS,
    /** healthy, security: the receiver answers duplicate=false for an id it already has. */
    NEVER_REPORTS_DUPLICATES,
    /** partition: the doctor reports failed deliveries as WARN. */
    DOCTOR_TOLERATES_FAILED,
    /** partition: the outbox never retries a failed row. */
    NEVER_RETRIES_FAILED,
    /** partition: the plan's order follows its input order. */
    PLAN_ORDER_FOLLOWS_INPUT,
    /** partition: the plan is never sorted (same order every time, but not the documented one). */
    PLAN_UNSORTED,
    /** ttl-refresh: a refreshed TTL is never re-pushed. */
    NO_TTL_REPUSH,
    /** restart: a pending row left when the sender went down is never resumed. */
    PENDING_NEVER_RESUMED,
    /** subscription: a failed run is never retried. */
    FAILED_RUN_NEVER_RETRIED,
    /** config-fault: a peer without endpoint is only a WARN. */
    NO_ENDPOINT_WARNS,
    /** security: the receiver stores a signed event of another group. */
    ACCEPTS_OTHER_GROUP,
    /** multi-group: every group's SLO block counts every group's rows. */
    SLO_FROM_ALL_ROWS,
    /** multi-group: every group is judged with group A's thresholds. */
    FIRST_GROUPS_THRESHOLDS
  }

  final LongSupplier clockMillis;
  final java.util.Set<Defect> defects = java.util.EnumSet.noneOf(Defect.class);
  volatile boolean partitioned;
  volatile boolean pluginBroken;
  volatile boolean senderDown;
  /** Knob: the partition never cuts the traffic. */
  volatile boolean partitionIneffective;
  /** Knob: applyPartition blocks until released (to cancel while a partition is applied). */
  volatile boolean holdInApply;
  final List<String> calls = new CopyOnWriteArrayList<>();
  long senderInstance = 1000;
  long receiverInstance = 2000;
  long senderDelivered;
  long accepted;
  long duplicates;
  long rejects;

  record Ev(String group, String source, long expiresAt) {}

  record Row(String peer, String status, int attempts, long eventExpiresAt, long lastAttemptMillis, long deliveredMillis) {
    NodeActivities.DeliveryRow wire(String id) {
      return new NodeActivities.DeliveryRow(id, peer, status, attempts, status.equals("failed") ? "connection refused" : "",
          eventExpiresAt, lastAttemptMillis, deliveredMillis);
    }
  }

  final Map<String, Ev> senderEvents = new LinkedHashMap<>();
  final Map<String, Ev> receiverEvents = new LinkedHashMap<>();
  final Map<String, Row> senderRows = new LinkedHashMap<>();
  final Map<String, Row> receiverRows = new LinkedHashMap<>();
  final List<NodeActivities.SubscriptionRunRow> runs = new ArrayList<>();

  SimulatedLab(LongSupplier clockMillis) {
    this.clockMillis = clockMillis;
  }

  SimulatedLab with(Defect d) {
    defects.add(d);
    return this;
  }

  boolean has(Defect d) {
    return defects.contains(d);
  }

  long now() {
    return clockMillis.getAsLong() / 1000;
  }

  // ---------------------------------------------------------------- the model

  /** The sender's outbox pushes {@code id} to the receiver. */
  synchronized void push(String id) {
    Ev ev = senderEvents.get(id);
    Row old = senderRows.get(id);
    long t = clockMillis.getAsLong();
    if (ev.group().equals(A) && partitioned && !partitionIneffective) {
      senderRows.put(id, new Row(RECEIVER, "failed", 2, old == null ? 0 : old.eventExpiresAt(), t, 0));
      return;
    }
    senderRows.put(id, new Row(RECEIVER, "delivered", 1, ev.expiresAt(), t, t));
    senderDelivered++;
    boolean dup = receive(receiverEvents, id, ev);
    if (!dup && ev.group().equals(A)) {
      long rid = runs.size() + 1;
      runs.add(run(rid, id, pluginBroken ? "failed" : "succeeded", 1));
      if (has(Defect.PUSHES_RECEIVED_EVENTS)) {
        receiverRows.put(id, new Row(SENDER, "delivered", 1, ev.expiresAt(), t, t));
      }
    }
  }

  private boolean receive(Map<String, Ev> store, String id, Ev ev) {
    Ev prev = store.get(id);
    store.put(id, new Ev(ev.group(), ev.source(), Math.max(ev.expiresAt(), prev == null ? 0 : prev.expiresAt())));
    if (prev == null) {
      accepted++;
    } else {
      duplicates++;
    }
    return prev != null;
  }

  private static NodeActivities.SubscriptionRunRow run(long rid, String id, String status, int attempts) {
    String err = status.equals("failed") ? "plugin executable is not executable" : "";
    return new NodeActivities.SubscriptionRunRow(rid, id, status, err, "{\"id\":" + rid + ",\"subscription\":\"EventSubscription/"
        + SUB + "\",\"eventId\":\"" + id + "\",\"status\":\"" + status + "\",\"attempts\":" + attempts + "}", attempts);
  }

  /** One outbox pass of the sender: failed, pending and stale rows are pushed again. */
  synchronized void pass() {
    for (String id : new ArrayList<>(senderRows.keySet())) {
      Row r = senderRows.get(id);
      Ev ev = senderEvents.get(id);
      boolean failed = r.status().equals("failed");
      boolean pending = r.status().equals("pending");
      boolean stale = r.status().equals("delivered") && r.eventExpiresAt() < ev.expiresAt();
      if (failed && has(Defect.NEVER_RETRIES_FAILED) || stale && has(Defect.NO_TTL_REPUSH)
          || pending && r.attempts() == 0 && has(Defect.PENDING_NEVER_RESUMED)) {
        continue;
      }
      if (failed || pending || stale) {
        push(id);
      }
    }
  }

  static final String SLO_A = "30/120/60/5/3";
  static final String SLO_B = "60/240/120/10/5";

  private static int[] slo(String group) {
    String[] p = (group.equals(A) ? SLO_A : SLO_B).split("/");
    int[] v = new int[p.length];
    for (int i = 0; i < p.length; i++) {
      v[i] = Integer.parseInt(p[i]);
    }
    return v;
  }

  NodeActivities sender() {
    return new Node(SENDER);
  }

  NodeActivities receiver() {
    return new Node(RECEIVER);
  }

  /** One node's activities over the shared model. */
  final class Node implements NodeActivities {
    final String name;

    Node(String name) {
      this.name = name;
    }

    private boolean isSender() {
      return name.equals(SENDER);
    }

    private Map<String, Ev> events() {
      return isSender() ? senderEvents : receiverEvents;
    }

    private Map<String, Row> rows() {
      return isSender() ? senderRows : receiverRows;
    }

    private void call(String what) {
      calls.add(name + ":" + what);
    }

    @Override
    public NodeFacts describe() {
      call("describe");
      return new NodeFacts(name, name, "a".repeat(64), "test", "b".repeat(64), "in-process", List.of(A, B));
    }

    @Override
    public EmitResult emit(EmitRequest r) {
      call("emit " + r.id());
      synchronized (SimulatedLab.this) {
        long exp = now() + r.ttlSeconds();
        Ev prev = events().get(r.id());
        events().put(r.id(), new Ev(r.group(), name, Math.max(exp, prev == null ? 0 : prev.expiresAt())));
        Row row = rows().get(r.id());
        if (isSender() && !(has(Defect.NO_TTL_REPUSH) && row != null && row.status().equals("delivered"))) {
          push(r.id());
        } else if (r.group().equals(A)) {
          long t = clockMillis.getAsLong();
          receiverRows.put(r.id(), new Row(SENDER, "delivered", 1, exp, t, t));
          receive(senderEvents, r.id(), new Ev(r.group(), name, exp));
        }
        return new EmitResult(r.id(), now(), events().get(r.id()).expiresAt());
      }
    }

    @Override
    public List<DeliveryRow> deliveries(DeliveryQuery q) {
      synchronized (SimulatedLab.this) {
        Row r = rows().get(q.eventId());
        return r == null ? List.of() : List.of(r.wire(q.eventId()));
      }
    }

    @Override
    public List<SummaryRow> deliverySummary(String group) {
      synchronized (SimulatedLab.this) {
        return summary(group).map(List::of).orElse(List.of());
      }
    }

    private java.util.Optional<SummaryRow> summary(String group) {
      long d = 0;
      long f = 0;
      long p = 0;
      long s = 0;
      long minExp = Long.MAX_VALUE;
      for (Map.Entry<String, Row> e : senderRows.entrySet()) {
        Ev ev = senderEvents.get(e.getKey());
        if (!ev.group().equals(group)) {
          continue;
        }
        Row r = e.getValue();
        switch (r.status()) {
          case "delivered" -> {
            d++;
            if (r.eventExpiresAt() < ev.expiresAt()) {
              s++;
            }
          }
          case "failed" -> f++;
          default -> p++;
        }
        if (ev.expiresAt() > now()) {
          minExp = Math.min(minExp, ev.expiresAt() - now());
        }
      }
      if (d + f + p == 0) {
        return java.util.Optional.empty();
      }
      return java.util.Optional.of(new SummaryRow(group, RECEIVER, d + f + p, d, s, f, p, 1,
          minExp == Long.MAX_VALUE ? 0 : minExp));
    }

    @Override
    public StoredEvent readEvent(String id) {
      synchronized (SimulatedLab.this) {
        Ev e = events().get(id);
        return e == null ? new StoredEvent(id, false, "", 0) : new StoredEvent(id, true, e.group(), e.expiresAt());
      }
    }

    @Override
    public long countEvents(String group) {
      synchronized (SimulatedLab.this) {
        return events().values().stream().filter(e -> e.group().equals(group)).count();
      }
    }

    @Override
    public DoctorReport doctor(DoctorRequest r) {
      call("doctor");
      synchronized (SimulatedLab.this) {
        return report(r.remediationPlan(), r.overlayYaml(), false);
      }
    }

    private DoctorReport report(boolean withPlan, String overlay, boolean shuffled) {
      List<DoctorCheck> checks = new ArrayList<>();
      List<SloGroup> groups = new ArrayList<>();
      List<PlanAction> actions = new ArrayList<>();
      long failedAll = 0;
      long staleAll = 0;
      long pendingAll = 0;
      List<SloViolation> aViolations = new ArrayList<>();
      for (String g : List.of(A, B)) {
        int[] t = slo(has(Defect.FIRST_GROUPS_THRESHOLDS) ? A : g);
        List<SloViolation> v = new ArrayList<>();
        java.util.Optional<SummaryRow> row = isSender() ? summary(g) : java.util.Optional.empty();
        if (row.isPresent()) {
          SummaryRow s = row.get();
          String label = g + "/" + RECEIVER;
          failedAll += s.failed();
          staleAll += s.staleTTL();
          pendingAll += s.pending();
          checks.add(new DoctorCheck("failed-deliveries", label + " failed deliveries",
              s.failed() > 0 ? (has(Defect.DOCTOR_TOLERATES_FAILED) ? "warn" : "fail") : "pass"));
          checks.add(new DoctorCheck("stale-ttl", label + " stale TTL", s.staleTTL() > 0 ? "warn" : "pass"));
          checks.add(new DoctorCheck("pending-deliveries", label + " pending deliveries", s.pending() > 0 ? "warn" : "pass"));
          String exp = s.minExpiresInSeconds() <= 0 ? "skip"
              : s.minExpiresInSeconds() < t[2] ? (s.failed() + s.pending() > 0 ? "fail" : "warn") : "pass";
          checks.add(new DoctorCheck("event-expiry", label + " event expiry", exp));
          if (s.failed() > 0) {
            v.add(new SloViolation(label + " failed deliveries", "fail"));
            actions.add(new PlanAction("retry-failed-deliveries", g, RECEIVER, "", true, false));
          }
          if (s.staleTTL() > 0) {
            actions.add(new PlanAction("force-repush-stale-ttl", g, RECEIVER, "", true, false));
          }
        }
        if (g.equals(A)) {
          aViolations = v;
        } else if (has(Defect.SLO_FROM_ALL_ROWS)) {
          v.addAll(aViolations);
        }
        groups.add(new SloGroup(g, true, (g.equals(A) ? SLO_A : SLO_B), v, t[0], t[1], t[2], t[3], t[4]));
      }
      if (overlay.contains(ConfigFaultScenario.NONEXISTENT_PEER)) {
        checks.add(new DoctorCheck("expected-delivery-no-endpoint", A + "/" + ConfigFaultScenario.NONEXISTENT_PEER
            + " expected delivery", has(Defect.NO_ENDPOINT_WARNS) ? "warn" : "fail"));
        actions.add(new PlanAction("configure-peer-endpoint", A, ConfigFaultScenario.NONEXISTENT_PEER, "", false, true));
      }
      if (!withPlan) {
        actions.clear();
      } else if (!(shuffled && has(Defect.PLAN_ORDER_FOLLOWS_INPUT)) && !has(Defect.PLAN_UNSORTED)) {
        actions.sort(Comparator.comparing(PlanAction::action).thenComparing(PlanAction::targetPeer));
      }
      int fail = (int) checks.stream().filter(c -> c.status().equals("fail")).count();
      int warn = (int) checks.stream().filter(c -> c.status().equals("warn")).count();
      int pass = checks.size() - fail - warn;
      String overall = fail > 0 ? "fail" : warn > 0 ? "warn" : "pass";
      StringBuilder digest = new StringBuilder();
      for (PlanAction a : actions) {
        digest.append(a.action()).append(' ').append(a.targetPeer()).append(';');
      }
      String json = "{\"summary\":{\"overall\":\"" + overall + "\",\"fail\":" + fail + "},\"checks\":" + checks.size() + "}";
      return new DoctorReport(json, overall, pass, warn, fail, 0, checks, failedAll, staleAll, pendingAll,
          overlay.isEmpty() ? 0 : 1, groups, actions, withPlan ? "sha256:" + Integer.toHexString(digest.toString().hashCode()) : "");
    }

    @Override
    public PlanStability planStability(PlanStabilityRequest r) {
      call("planStability");
      synchronized (SimulatedLab.this) {
        DoctorReport first = report(true, r.overlayYaml(), false);
        List<String> digests = new ArrayList<>();
        List<List<String>> orders = new ArrayList<>();
        for (int i = 0; i <= r.shuffles(); i++) {
          DoctorReport rep = i == 0 ? first : report(true, r.overlayYaml(), true);
          digests.add(rep.planDigest());
          orders.add(rep.actions().stream().map(a -> a.action() + " " + a.targetGroup() + "/" + a.targetPeer()).toList());
        }
        return new PlanStability(first, digests, orders);
      }
    }

    @Override
    public List<SubscriptionRunRow> subscriptionRuns(SubscriptionRunQuery q) {
      synchronized (SimulatedLab.this) {
        return runs.stream().filter(x -> q.eventIds().contains(x.eventId())).toList();
      }
    }

    @Override
    public RuntimeRestart restartRuntime(FaultRequest r) {
      call("restart");
      synchronized (SimulatedLab.this) {
        if (isSender()) {
          senderDelivered = 0;
          return new RuntimeRestart(senderInstance, ++senderInstance, true);
        }
        return new RuntimeRestart(receiverInstance, ++receiverInstance, true);
      }
    }

    @Override
    public RuntimeRestart stopRuntime(FaultRequest r) {
      call("stop " + r.tag());
      synchronized (SimulatedLab.this) {
        senderDown = true;
        return new RuntimeRestart(senderInstance, 0, false);
      }
    }

    @Override
    public RuntimeRestart startRuntime(FaultRequest r) {
      call("start " + r.tag());
      synchronized (SimulatedLab.this) {
        long before = senderDown ? 0 : senderInstance;
        if (senderDown) {
          senderDown = false;
          senderInstance++;
          senderDelivered = 0;
          pass();
        }
        return new RuntimeRestart(before, senderInstance, true);
      }
    }

    @Override
    public List<DeliveryRow> recordWhileStopped(EmitRequest r) {
      call("recordWhileStopped " + r.id());
      synchronized (SimulatedLab.this) {
        senderEvents.put(r.id(), new Ev(r.group(), SENDER, now() + r.ttlSeconds()));
        senderRows.put(r.id(), new Row(RECEIVER, "pending", 0, 0, 0, 0));
        return List.of(senderRows.get(r.id()).wire(r.id()));
      }
    }

    @Override
    public PushReply pushStored(PushStoredRequest r) {
      call("pushStored " + r.eventId());
      synchronized (SimulatedLab.this) {
        boolean dup = receive(receiverEvents, r.eventId(), senderEvents.get(r.eventId()));
        boolean said = dup && !has(Defect.NEVER_REPORTS_DUPLICATES);
        return new PushReply("200", true, said, "{\"accepted\":true,\"duplicate\":" + said + "}");
      }
    }

    @Override
    public ConfigFacts configFacts() {
      List<GroupFacts> groups = new ArrayList<>();
      for (String g : List.of(A, B)) {
        int[] t = slo(g);
        List<String> peers = isSender() ? List.of(RECEIVER) : g.equals(A) ? List.of(SENDER) : List.of();
        groups.add(new GroupFacts(g, name, peers, true, t[0], t[1], t[2], t[3], t[4]));
      }
      return new ConfigFacts(name, groups, new PushPolicy(1000, 2, 100, 500, 2000));
    }

    @Override
    public void breakPlugin(FaultRequest r) {
      call("breakPlugin " + r.tag());
      pluginBroken = true;
    }

    @Override
    public void restorePlugin(FaultRequest r) {
      call("restorePlugin " + r.tag());
      synchronized (SimulatedLab.this) {
        pluginBroken = false;
        if (!has(Defect.FAILED_RUN_NEVER_RETRIED)) {
          for (int i = 0; i < runs.size(); i++) {
            SubscriptionRunRow x = runs.get(i);
            if (x.status().equals("failed")) {
              runs.set(i, run(x.id(), x.eventId(), "succeeded", x.attempts() + 1));
            }
          }
        }
      }
    }

    @Override
    public boolean pluginHealthy(String subscription) {
      return !pluginBroken;
    }

    @Override
    public void applyPartition(FaultRequest r) {
      call("applyPartition " + r.tag());
      partitioned = true;
      while (holdInApply) {
        try {
          Thread.sleep(20);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }

    @Override
    public void restorePartition(FaultRequest r) {
      call("restorePartition " + r.tag());
      partitioned = false;
      pass();
    }

    @Override
    public ProbeResult probeEndpoint(String endpoint) {
      boolean reachable = !partitioned || partitionIneffective;
      return new ProbeResult(reachable, reachable ? "connected" : "connection refused");
    }

    @Override
    public SecurityProbeResult securityProbes(SecurityProbeRequest r) {
      call("securityProbes");
      synchronized (SimulatedLab.this) {
        rejects += 8;
        List<ProbeStatus> out = new ArrayList<>(List.of(
            new ProbeStatus("malformedStatus", "POST not-json without timestamp", "400", "400"),
            new ProbeStatus("wrongStatus", "POST {\"bad\":true} without timestamp", "400", "400"),
            new ProbeStatus("badAuthStatus", "POST with X-Routerd-Signature: invalid, no timestamp", "400", "400"),
            new ProbeStatus("badSignatureStatus", "current timestamp, bad signature", "401", "401"),
            new ProbeStatus("staleTimestampStatus", "timestamp now-3600, valid signature", "403", "403"),
            new ProbeStatus("malformedSignedStatus", "malformed body, valid signature", "400", "400"),
            new ProbeStatus("getStatus", "GET", "405", "405"),
            new ProbeStatus("oversizedStatus", "body over 1 MiB", "413", "413")));
        if (!r.wrongGroupEventId().isEmpty()) {
          boolean accept = has(Defect.ACCEPTS_OTHER_GROUP);
          if (accept) {
            receive(receiverEvents, r.wrongGroupEventId(), new Ev(r.otherGroup(), SENDER, now() + 600));
          } else {
            rejects++;
          }
          out.add(new ProbeStatus("wrongGroupStatus", "signed event of another group", "400", accept ? "200" : "400"));
        }
        if (!r.replayEventId().isEmpty()) {
          Ev ev = new Ev(r.group(), SENDER, now() + 600);
          boolean first = receive(receiverEvents, r.replayEventId(), ev);
          boolean again = receive(receiverEvents, r.replayEventId(), ev) && !has(Defect.NEVER_REPORTS_DUPLICATES);
          out.add(new ProbeStatus("replayFirstStatus", "valid event", "200 duplicate=false", "200 duplicate=" + first));
          out.add(new ProbeStatus("replayStatus", "replayed request", "200 duplicate=true", "200 duplicate=" + again));
        }
        return new SecurityProbeResult(out);
      }
    }

    @Override
    public MetricsSnapshot metrics() {
      synchronized (SimulatedLab.this) {
        return new MetricsSnapshot(Map.of(
            "routerd_eventd_outbox_delivery_total", (double) senderDelivered,
            "routerd_eventd_receiver_accepted_total", (double) accepted,
            "routerd_eventd_receiver_duplicate_total", (double) duplicates,
            "routerd_eventd_receiver_reject_total", (double) rejects),
            List.of("group", "peer", "reason"));
      }
    }

    @Override
    public String digestConfig() {
      return "a".repeat(64);
    }
  }
}
