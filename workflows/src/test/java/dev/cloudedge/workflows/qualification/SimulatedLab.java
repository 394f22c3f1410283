package dev.cloudedge.workflows.qualification;

import dev.cloudedge.workflows.qualification.NodeActivities.DeliveryQuery;
import dev.cloudedge.workflows.qualification.NodeActivities.DeliveryRow;
import dev.cloudedge.workflows.qualification.NodeActivities.DoctorCheck;
import dev.cloudedge.workflows.qualification.NodeActivities.DoctorReport;
import dev.cloudedge.workflows.qualification.NodeActivities.DoctorRequest;
import dev.cloudedge.workflows.qualification.NodeActivities.EmitRequest;
import dev.cloudedge.workflows.qualification.NodeActivities.EmitResult;
import dev.cloudedge.workflows.qualification.NodeActivities.FaultRequest;
import dev.cloudedge.workflows.qualification.NodeActivities.NodeFacts;
import dev.cloudedge.workflows.qualification.NodeActivities.PlanAction;
import dev.cloudedge.workflows.qualification.NodeActivities.ProbeResult;
import dev.cloudedge.workflows.qualification.NodeActivities.ProbeStatus;
import dev.cloudedge.workflows.qualification.NodeActivities.RuntimeRestart;
import dev.cloudedge.workflows.qualification.NodeActivities.SecurityProbeRequest;
import dev.cloudedge.workflows.qualification.NodeActivities.SecurityProbeResult;
import dev.cloudedge.workflows.qualification.NodeActivities.SloGroup;
import dev.cloudedge.workflows.qualification.NodeActivities.SloViolation;
import dev.cloudedge.workflows.qualification.NodeActivities.StoredEvent;
import dev.cloudedge.workflows.qualification.NodeActivities.SubscriptionRunQuery;
import dev.cloudedge.workflows.qualification.NodeActivities.SubscriptionRunRow;
import dev.cloudedge.workflows.qualification.NodeActivities.SummaryRow;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.LongSupplier;

/**
 * A test-only model of a two-node federation: the sender pushes immediately unless partitioned,
 * the receiver stores with the upsert rule and runs its subscription plugin. Faults change the
 * model's behaviour, and knobs make it misbehave so the workflows' failure paths can be driven.
 */
final class SimulatedLab {
  static final String A = "fedqual-primary";
  static final String B = "fedqual-secondary";
  static final String SENDER = "fedqual-sender";
  static final String RECEIVER = "fedqual-receiver";
  static final String SUB = "fedqual-sub-primary";

  final LongSupplier clockMillis;
  volatile boolean partitioned;
  volatile boolean pluginBroken;
  /** Knob: the partition never cuts the traffic. */
  volatile boolean partitionIneffective;
  /** Knob: deliveries do not recover after a restore (simulates a stuck outbox). */
  volatile boolean stuckAfterRestore;
  /** Knob: the doctor never reports delivery faults. */
  volatile boolean blindDoctor;
  /** Knob: restorePartition blocks until released (to cancel while a partition is applied). */
  volatile boolean holdInApply;
  final List<String> calls = new CopyOnWriteArrayList<>();
  long senderPid = 1000;
  long rejects;
  long receiverPid = 2000;

  record Ev(String group, long expiresAt) {}

  final Map<String, Ev> senderEvents = new LinkedHashMap<>();
  final Map<String, Ev> receiverEvents = new LinkedHashMap<>();
  final Map<String, DeliveryRow> rows = new LinkedHashMap<>();
  final List<SubscriptionRunRow> runs = new ArrayList<>();

  SimulatedLab(LongSupplier clockMillis) {
    this.clockMillis = clockMillis;
  }

  long now() {
    return clockMillis.getAsLong() / 1000;
  }

  synchronized void push(String id) {
    Ev ev = senderEvents.get(id);
    DeliveryRow old = rows.get(id);
    if (partitioned && !partitionIneffective) {
      rows.put(id, new DeliveryRow(id, RECEIVER, "failed", 3, "connection refused",
          old == null ? 0 : old.eventExpiresAtEpochSeconds()));
      return;
    }
    rows.put(id, new DeliveryRow(id, RECEIVER, "delivered", 1, "", ev.expiresAt()));
    Ev prev = receiverEvents.get(id);
    receiverEvents.put(id, new Ev(ev.group(), Math.max(ev.expiresAt(), prev == null ? 0 : prev.expiresAt())));
    if (prev == null && ev.group().equals(A)) {
      long rid = runs.size() + 1;
      String status = pluginBroken ? "failed" : "succeeded";
      String err = pluginBroken ? "plugin executable is not executable" : "";
      runs.add(new SubscriptionRunRow(rid, id, status, err, "{\"id\":" + rid + ",\"subscription\":\"EventSubscription/"
          + SUB + "\",\"eventId\":\"" + id + "\",\"status\":\"" + status + "\",\"error\":\"" + err + "\"}"));
    }
  }

  synchronized void retryAll() {
    if (stuckAfterRestore) {
      return;
    }
    for (String id : new ArrayList<>(rows.keySet())) {
      DeliveryRow r = rows.get(id);
      Ev ev = senderEvents.get(id);
      if (!"delivered".equals(r.status()) || r.eventExpiresAtEpochSeconds() < ev.expiresAt()) {
        push(id);
      }
    }
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
        Ev prev = senderEvents.get(r.id());
        senderEvents.put(r.id(), new Ev(r.group(), Math.max(exp, prev == null ? 0 : prev.expiresAt())));
        push(r.id());
        return new EmitResult(r.id(), now(), senderEvents.get(r.id()).expiresAt());
      }
    }

    @Override
    public synchronized List<DeliveryRow> deliveries(DeliveryQuery q) {
      synchronized (SimulatedLab.this) {
        DeliveryRow r = rows.get(q.eventId());
        return r == null ? List.of() : List.of(r);
      }
    }

    @Override
    public List<SummaryRow> deliverySummary(String group) {
      synchronized (SimulatedLab.this) {
        long d = 0, f = 0, s = 0;
        for (DeliveryRow r : rows.values()) {
          if (!senderEvents.get(r.eventId()).group().equals(group)) {
            continue;
          }
          if (r.status().equals("delivered")) {
            d++;
            if (r.eventExpiresAtEpochSeconds() < senderEvents.get(r.eventId()).expiresAt()) {
              s++;
            }
          } else {
            f++;
          }
        }
        return List.of(new SummaryRow(group, RECEIVER, d + f, d, s, f, 0, 1, 500));
      }
    }

    @Override
    public StoredEvent readEvent(String id) {
      synchronized (SimulatedLab.this) {
        Ev e = (name.equals(RECEIVER) ? receiverEvents : senderEvents).get(id);
        return e == null ? new StoredEvent(id, false, "", 0) : new StoredEvent(id, true, e.group(), e.expiresAt());
      }
    }

    @Override
    public long countEvents(String group) {
      synchronized (SimulatedLab.this) {
        return (name.equals(RECEIVER) ? receiverEvents : senderEvents).values().stream()
            .filter(e -> e.group().equals(group)).count();
      }
    }

    @Override
    public DoctorReport doctor(DoctorRequest r) {
      call("doctor");
      synchronized (SimulatedLab.this) {
        long failed = 0, stale = 0;
        for (DeliveryRow row : rows.values()) {
          if (row.status().equals("failed")) {
            failed++;
          } else if (row.eventExpiresAtEpochSeconds() < senderEvents.get(row.eventId()).expiresAt()) {
            stale++;
          }
        }
        if (blindDoctor) {
          failed = 0;
          stale = 0;
        }
        List<DoctorCheck> checks = new ArrayList<>();
        String p = A + "/" + RECEIVER;
        checks.add(new DoctorCheck("failed-deliveries", p + " failed deliveries", failed > 0 ? "fail" : "pass"));
        checks.add(new DoctorCheck("stale-ttl", p + " stale TTL", stale > 0 ? "warn" : "pass"));
        checks.add(new DoctorCheck("expected-delivery", p + " expected delivery", "pass"));
        if (r.overlayYaml().contains(ConfigFaultScenario.NONEXISTENT_PEER)) {
          checks.add(new DoctorCheck("expected-delivery-no-endpoint",
              A + "/" + ConfigFaultScenario.NONEXISTENT_PEER + " expected delivery", "fail"));
        }
        List<PlanAction> actions = new ArrayList<>();
        if (r.remediationPlan()) {
          if (r.overlayYaml().contains(ConfigFaultScenario.NONEXISTENT_PEER)) {
            actions.add(new PlanAction("configure-peer-endpoint", A, ConfigFaultScenario.NONEXISTENT_PEER, "", false, true));
          }
          if (stale > 0) {
            actions.add(new PlanAction("force-repush-stale-ttl", A, RECEIVER, "", true, false));
          }
          if (failed > 0) {
            actions.add(new PlanAction("retry-failed-deliveries", A, RECEIVER, "", true, false));
          }
        }
        int fail = (int) checks.stream().filter(c -> c.status().equals("fail")).count();
        int warn = (int) checks.stream().filter(c -> c.status().equals("warn")).count();
        int pass = checks.size() - fail - warn;
        List<SloViolation> va = failed > 0 ? List.of(new SloViolation(A + "/" + RECEIVER + " failedDeliveryCount=0", "fail")) : List.of();
        List<SloGroup> groups = List.of(
            new SloGroup(A, true, "30/120/60/5/3", va),
            new SloGroup(B, true, "60/240/120/10/5", List.of()));
        StringBuilder js = new StringBuilder("{\"summary\":{\"overall\":\"")
            .append(fail > 0 ? "fail" : warn > 0 ? "warn" : "pass").append("\",\"pass\":").append(pass)
            .append(",\"warn\":").append(warn).append(",\"fail\":").append(fail).append(",\"skip\":0},\"checks\":[");
        for (int i = 0; i < checks.size(); i++) {
          DoctorCheck c = checks.get(i);
          js.append(i == 0 ? "" : ",").append("{\"area\":\"federation\",\"code\":\"").append(c.code())
              .append("\",\"name\":\"").append(c.name()).append("\",\"status\":\"").append(c.status()).append("\"}");
        }
        js.append("],\"federation\":{\"failedDeliveryCount\":").append(failed).append(",\"staleTTLCount\":").append(stale).append("}");
        StringBuilder acts = new StringBuilder("[");
        for (int i = 0; i < actions.size(); i++) {
          PlanAction x = actions.get(i);
          acts.append(i == 0 ? "" : ",").append("{\"action\":\"").append(x.action()).append("\",\"targetGroup\":\"")
              .append(x.targetGroup()).append("\",\"targetPeer\":\"").append(x.targetPeer()).append("\",\"safe\":")
              .append(x.safe()).append(",\"requiresOperatorApproval\":").append(x.requiresOperatorApproval()).append('}');
        }
        acts.append(']');
        if (r.remediationPlan()) {
          js.append(",\"remediationPlan\":{\"generatedAt\":\"2026-01-01T00:00:00Z\",\"actions\":").append(acts).append('}');
        }
        js.append('}');
        String digest = r.remediationPlan() ? Integer.toHexString(acts.toString().hashCode()) : "";
        return new DoctorReport(js.toString(), fail > 0 ? "fail" : warn > 0 ? "warn" : "pass", pass, warn, fail, 0,
            checks, failed, stale, 0, r.overlayYaml().isEmpty() ? 0 : 1, groups, actions, digest);
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
        if (name.equals(SENDER)) {
          return new RuntimeRestart(senderPid, ++senderPid, true);
        }
        return new RuntimeRestart(receiverPid, ++receiverPid, true);
      }
    }

    @Override
    public void breakPlugin(FaultRequest r) {
      call("breakPlugin " + r.tag());
      pluginBroken = true;
    }

    @Override
    public void restorePlugin(FaultRequest r) {
      call("restorePlugin " + r.tag());
      pluginBroken = false;
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
      retryAll();
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
      }
      return new SecurityProbeResult(List.of(
          new ProbeStatus("malformedStatus", "POST not-json without timestamp", "400", "400"),
          new ProbeStatus("wrongStatus", "POST {\"bad\":true} without timestamp", "400", "400"),
          new ProbeStatus("badAuthStatus", "POST with X-Routerd-Signature: invalid, no timestamp", "400", "400"),
          new ProbeStatus("badSignatureStatus", "current timestamp, bad signature", "401", "401"),
          new ProbeStatus("staleTimestampStatus", "timestamp now-3600, valid signature", "403", "403"),
          new ProbeStatus("malformedSignedStatus", "malformed body, valid signature", "400", "400"),
          new ProbeStatus("getStatus", "GET", "405", "405"),
          new ProbeStatus("oversizedStatus", "body over 1 MiB", "413", "413")));
    }

    @Override
    public NodeActivities.MetricsSnapshot metrics() {
      synchronized (SimulatedLab.this) {
        long delivered = rows.values().stream().filter(r -> r.status().equals("delivered")).count();
        return new NodeActivities.MetricsSnapshot(java.util.Map.of(
            "routerd_eventd_outbox_delivery_total", (double) delivered,
            "routerd_eventd_receiver_accepted_total", (double) receiverEvents.size(),
            "routerd_eventd_receiver_reject_total", (double) rejects),
            List.of("group", "peer", "reason"));
      }
    }

    @Override
    public ConfigFacts configFacts() {
      throw new UnsupportedOperationException();
    }

    @Override
    public RuntimeRestart stopRuntime(FaultRequest r) {
      throw new UnsupportedOperationException();
    }

    @Override
    public RuntimeRestart startRuntime(FaultRequest r) {
      throw new UnsupportedOperationException();
    }

    @Override
    public List<DeliveryRow> recordWhileStopped(EmitRequest r) {
      throw new UnsupportedOperationException();
    }

    @Override
    public PushReply pushStored(PushStoredRequest r) {
      throw new UnsupportedOperationException();
    }

    @Override
    public PlanStability planStability(PlanStabilityRequest r) {
      throw new UnsupportedOperationException();
    }

    @Override
    public String digestConfig() {
      return "a".repeat(64);
    }
  }
}
