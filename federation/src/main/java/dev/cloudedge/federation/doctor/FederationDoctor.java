package dev.cloudedge.federation.doctor;

import dev.cloudedge.federation.config.FederationConfig;
import dev.cloudedge.federation.config.Kinds;
import dev.cloudedge.federation.config.Resource;
import dev.cloudedge.federation.event.GoText;
import dev.cloudedge.federation.store.DeliverySummary;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * {@code doctor federation} as a library call (reference §2): reads the config and the state
 * database, never writes either, never validates the config (a broken EventPeer must be seen),
 * and computes every check, the {@code federation} block, the per-group SLO status and optionally
 * the remediation plan at one clock instant.
 *
 * <p>Check order: delivery summary (A), five checks per (group, peer) summary row (B), the
 * expected-peer audit with groups in name order and peers in config order (C), subscription runs
 * in config order (D). No data means SKIP, never PASS.
 */
public final class FederationDoctor {
  private static final String PEERS = "expected peers";

  private final FederationConfig config;
  private final DoctorState state;
  private final Instant now;
  private final long nowUnix;

  private FederationDoctor(FederationConfig config, DoctorState state, Instant now) {
    this.config = config;
    this.state = state;
    this.now = now;
    this.nowUnix = now.getEpochSecond();
  }

  /**
   * Runs the doctor over a state file, opened read-only and closed again.
   *
   * @param config the loaded config, or {@code null} when none is available
   * @param stateFile the state database; a missing file reads as empty and is not created
   * @param now the one clock instant for the whole report
   * @param withPlan whether to build the remediation plan
   * @throws DoctorInputException when the state file exists but cannot be read as SQLite
   */
  public static DoctorReport diagnose(FederationConfig config, Path stateFile, Instant now, boolean withPlan)
      throws DoctorInputException {
    Objects.requireNonNull(stateFile, "stateFile");
    Objects.requireNonNull(now, "now");
    try (DoctorState state = DoctorState.open(stateFile)) {
      return diagnose(config, state, now, withPlan);
    }
  }

  /** Runs the doctor over an already opened state view (the caller closes it). */
  public static DoctorReport diagnose(FederationConfig config, DoctorState state, Instant now, boolean withPlan) {
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(now, "now");
    return new FederationDoctor(config, state, now).run(withPlan);
  }

  private DoctorReport run(boolean withPlan) {
    List<Check> checks = new ArrayList<>();
    List<DeliverySummary> rows = null;
    String summaryError = null;
    if (!state.supportsDeliverySummary()) {
      checks.add(Check.of(null, "delivery summary", CheckStatus.SKIP,
          "state backend does not support federation delivery summary", ""));
    } else {
      try {
        rows = state.deliverySummary(nowUnix);
      } catch (RuntimeException e) {
        summaryError = message(e);
        checks.add(Check.of(null, "delivery summary", CheckStatus.FAIL, summaryError, "check state backend and retry"));
      }
    }
    if (rows != null) {
      if (rows.isEmpty()) {
        checks.add(Check.of(null, "delivery summary", CheckStatus.SKIP, "no federation delivery records", ""));
      }
      for (DeliverySummary row : rows) {
        rowChecks(row, checks);
      }
      expectedPeers(checks);
      subscriptions(checks);
    }
    FederationSummary federation = federationSummary(checks, rows);
    RemediationPlan plan = withPlan ? RemediationPlanner.plan(checks, now) : null;
    return new DoctorReport(ReportSummary.of(checks), checks, federation, plan);
  }

  private static String message(RuntimeException e) {
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
  }

  // ------------------------------------------------------------------ B: per summary row

  private void rowChecks(DeliverySummary r, List<Check> checks) {
    String group = r.group();
    String peer = r.peer();
    String label = group + "/" + peer;
    SloThresholds slo = SloThresholds.forGroup(config, group);

    if (r.failed() > 0) {
      checks.add(Check.of(CheckCode.FAILED_DELIVERIES, label + " failed deliveries", CheckStatus.FAIL,
          r.failed() + " of " + r.events() + " delivery(s) failed",
          "inspect failed deliveries with: cloudedge federation event deliveries --group " + group + " --peer " + peer
              + " --status failed"));
    } else {
      checks.add(Check.of(CheckCode.FAILED_DELIVERIES, label + " failed deliveries", CheckStatus.PASS,
          "no failed deliveries", ""));
    }

    checks.add(pendingCheck(r, label, slo));

    String staleName = label + " stale TTL";
    if (r.staleTtl() > 0) {
      String detail = r.staleTtl() + " of " + r.delivered()
          + " delivered event(s) have stale TTL (event.expiresAt > delivery.eventExpiresAt)";
      if (r.staleTtl() == r.delivered()) {
        checks.add(Check.of(CheckCode.STALE_TTL, staleName, CheckStatus.FAIL, detail,
            "all delivered events have stale TTL; outbox re-push appears broken"));
      } else {
        checks.add(Check.of(CheckCode.STALE_TTL, staleName, CheckStatus.WARN, detail,
            "outbox should re-push refreshed events on next tick; if this persists, check outbox interval and"
                + " delivery filtering"));
      }
    } else {
      checks.add(Check.of(CheckCode.STALE_TTL, staleName, CheckStatus.PASS, "no stale TTL deliveries", ""));
    }

    String lagName = label + " delivery lag";
    long lag = r.maxLagSeconds();
    if (lag == 0 && r.delivered() == 0) {
      checks.add(Check.of(CheckCode.DELIVERY_LAG, lagName, CheckStatus.SKIP, "no delivered events to measure lag", ""));
    } else {
      String detail = "max delivery lag " + lag + "s";
      if (lag >= slo.lagFailSeconds()) {
        checks.add(Check.of(CheckCode.DELIVERY_LAG, lagName, CheckStatus.FAIL, detail,
            "delivery lag exceeds SLO fail threshold " + slo.lagFailSeconds()
                + "s; check network latency to peer and outbox interval"));
      } else if (lag >= slo.lagWarnSeconds()) {
        checks.add(Check.of(CheckCode.DELIVERY_LAG, lagName, CheckStatus.WARN, detail,
            "delivery lag exceeds SLO warn threshold " + slo.lagWarnSeconds() + "s; monitor peer connectivity"));
      } else {
        checks.add(Check.of(CheckCode.DELIVERY_LAG, lagName, CheckStatus.PASS, detail, ""));
      }
    }

    String expName = label + " event expiry";
    long minExp = r.minExpiresInSeconds();
    if (minExp <= 0 && r.events() > 0) {
      checks.add(Check.of(CheckCode.EVENT_EXPIRY, expName, CheckStatus.SKIP, minExp == 0
          ? "events with no expiry" : "nearest event expires in " + minExp + "s (already expired)", ""));
    } else if (minExp == 0) {
      checks.add(Check.of(CheckCode.EVENT_EXPIRY, expName, CheckStatus.SKIP, "no expiry data", ""));
    } else {
      String d = "nearest event expires in " + minExp + "s";
      if (minExp < slo.expiresSoonSeconds()) {
        CheckStatus st = r.pending() > 0 || r.failed() > 0 ? CheckStatus.FAIL : CheckStatus.WARN;
        checks.add(Check.of(CheckCode.EVENT_EXPIRY, expName, st,
            d + "; " + r.pending() + " pending " + r.failed() + " failed",
            "event TTL running low; verify outbox re-push and peer delivery"));
      } else {
        checks.add(Check.of(CheckCode.EVENT_EXPIRY, expName, CheckStatus.PASS, d, ""));
      }
    }
  }

  private Check pendingCheck(DeliverySummary r, String label, SloThresholds slo) {
    String name = label + " pending deliveries";
    if (r.pending() == 0) {
      return Check.of(CheckCode.PENDING_DELIVERIES, name, CheckStatus.PASS, "no pending deliveries", "");
    }
    List<String> pendingIds;
    try {
      pendingIds = state.pendingDeliveryEventIds(r.group(), r.peer());
    } catch (RuntimeException e) {
      return Check.of(CheckCode.PENDING_DELIVERIES, name, CheckStatus.WARN,
          r.pending() + " pending; detail unavailable: " + message(e), "");
    }
    List<DoctorState.ActiveEvent> active;
    try {
      active = state.activeEvents(r.group(), nowUnix);
    } catch (RuntimeException e) {
      return Check.of(CheckCode.PENDING_DELIVERIES, name, CheckStatus.WARN,
          r.pending() + " pending; events unavailable: " + message(e), "");
    }
    Map<String, Instant> expiry = new HashMap<>();
    for (DoctorState.ActiveEvent ev : active) {
      expiry.put(ev.id(), ev.expiresAt());
    }
    Duration soon = Duration.ofSeconds(slo.expiresSoonSeconds());
    int expiringSoon = 0;
    for (String id : pendingIds) {
      // Fractional seconds on purpose: the clock keeps its sub-second part here (reference §2.11 #5).
      Instant exp = expiry.get(id);
      if (exp != null && Duration.between(now, exp).compareTo(soon) < 0) {
        expiringSoon++;
      }
    }
    if (expiringSoon > 0) {
      return Check.of(CheckCode.PENDING_DELIVERIES, name, CheckStatus.FAIL,
          r.pending() + " pending; " + expiringSoon + " event(s) expire within " + slo.expiresSoonSeconds()
              + "s without delivery",
          "outbox may be stalled or peer unreachable; check eventd logs and peer endpoint");
    }
    return Check.of(CheckCode.PENDING_DELIVERIES, name, CheckStatus.WARN, r.pending() + " pending delivery(s)",
        "check outbox is running and peers are reachable");
  }

  // ------------------------------------------------------------------ C: expected peers

  private record ExpectedPeer(String nodeName, String endpoint) {}

  private void expectedPeers(List<Check> checks) {
    if (config == null) {
      checks.add(Check.of(null, PEERS, CheckStatus.SKIP, "startup config unavailable", ""));
      return;
    }
    Map<String, String> self = new HashMap<>();
    for (Kinds.EventGroup g : config.eventGroups()) {
      self.put(g.name(), g.nodeName());
    }
    // Groups in name order (routerd iterates a hash map here); peers keep config order.
    Map<String, List<ExpectedPeer>> peers = new TreeMap<>(GoStrings.ORDER);
    for (Kinds.EventPeer p : config.eventPeers()) {
      String g = p.groupRef();
      String n = p.nodeName();
      if (g.isEmpty() || n.isEmpty() || n.equals(self.getOrDefault(g, ""))) {
        continue;
      }
      peers.computeIfAbsent(g, k -> new ArrayList<>()).add(new ExpectedPeer(n, p.endpoint()));
    }
    if (peers.isEmpty()) {
      checks.add(Check.of(null, PEERS, CheckStatus.SKIP, "no EventPeer resources configured", ""));
      return;
    }
    for (Map.Entry<String, List<ExpectedPeer>> e : peers.entrySet()) {
      String g = e.getKey();
      List<DoctorState.ActiveEvent> active;
      try {
        active = state.activeEvents(g, nowUnix);
      } catch (RuntimeException ex) {
        checks.add(Check.of(null, g + " " + PEERS, CheckStatus.WARN, "events unavailable: " + message(ex), ""));
        continue;
      }
      String selfNode = self.getOrDefault(g, "");
      List<String> selfEmitted = new ArrayList<>();
      for (DoctorState.ActiveEvent ev : active) {
        if (selfNode.isEmpty() || GoText.trimSpace(ev.sourceNode()).equals(selfNode)) {
          selfEmitted.add(ev.id());
        }
      }
      if (selfEmitted.isEmpty()) {
        checks.add(Check.of(null, g + " " + PEERS, CheckStatus.SKIP, "no self-emitted active events to deliver", ""));
        continue;
      }
      for (ExpectedPeer p : e.getValue()) {
        checks.add(expectedDelivery(g, p, selfEmitted));
      }
    }
  }

  private Check expectedDelivery(String g, ExpectedPeer p, List<String> selfEmitted) {
    String name = g + "/" + p.nodeName() + " expected delivery";
    if (p.endpoint().isEmpty()) {
      return Check.of(CheckCode.EXPECTED_DELIVERY_NO_ENDPOINT, name, CheckStatus.FAIL, "EventPeer endpoint is empty",
          "set spec.endpoint on EventPeer/" + p.nodeName() + " for group " + g);
    }
    Set<String> have;
    try {
      have = state.deliveryEventIds(g, p.nodeName());
    } catch (RuntimeException e) {
      return Check.of(null, name, CheckStatus.WARN, "delivery lookup failed: " + message(e), "");
    }
    TreeSet<String> missing = new TreeSet<>(GoStrings.ORDER);
    for (String id : selfEmitted) {
      if (!have.contains(id)) {
        missing.add(id);
      }
    }
    if (missing.isEmpty()) {
      return Check.of(CheckCode.EXPECTED_DELIVERY, name, CheckStatus.PASS,
          "all " + selfEmitted.size() + " active event(s) have delivery rows", "");
    }
    List<String> ids = new ArrayList<>(missing);
    StringBuilder detail = new StringBuilder()
        .append(ids.size()).append(" of ").append(selfEmitted.size()).append(" active event(s) have no delivery row: ");
    if (ids.size() <= 3) {
      detail.append(String.join(", ", ids));
    } else {
      detail.append(String.join(", ", ids.subList(0, 3))).append(" +").append(ids.size() - 3).append(" more");
    }
    return Check.of(CheckCode.EXPECTED_DELIVERY, name, CheckStatus.FAIL, detail.toString(),
        "outbox never enqueued delivery for this peer; check EventPeer config and outbox peer filter");
  }

  // ------------------------------------------------------------------ D: subscription runs

  private void subscriptions(List<Check> checks) {
    if (config == null) {
      return;
    }
    for (Kinds.EventSubscription sub : config.eventSubscriptions()) {
      String key = sub.runKey();
      String name = key + " subscription runs";
      SloThresholds slo = SloThresholds.forGroup(config, sub.groupRef());
      List<DoctorState.SubscriptionRun> runs;
      try {
        runs = state.subscriptionRuns(key);
      } catch (RuntimeException e) {
        checks.add(Check.of(CheckCode.SUBSCRIPTION_RUNS, name, CheckStatus.WARN,
            "subscription runs unavailable: " + message(e), ""));
        continue;
      }
      if (runs.isEmpty()) {
        checks.add(Check.of(CheckCode.SUBSCRIPTION_RUNS, name, CheckStatus.SKIP, "no subscription run records", ""));
        continue;
      }
      long succeeded = 0;
      long failed = 0;
      long pending = 0;
      long maxAttempts = 0;
      for (DoctorState.SubscriptionRun run : runs) {
        switch (run.status()) {
          case "succeeded" -> succeeded++;
          case "failed" -> failed++;
          default -> pending++;
        }
        maxAttempts = Math.max(maxAttempts, run.attempts());
      }
      if (failed > slo.maxFailedRuns()) {
        checks.add(Check.of(CheckCode.SUBSCRIPTION_RUNS, name, CheckStatus.FAIL,
            succeeded + " succeeded, " + failed + " failed, " + pending + " pending (max attempts " + maxAttempts + ")",
            "inspect failed runs: cloudedge federation subscription runs --subscription " + key));
      } else if (pending > slo.maxPendingRuns()) {
        checks.add(Check.of(CheckCode.SUBSCRIPTION_RUNS, name, CheckStatus.WARN,
            succeeded + " succeeded, " + pending + " pending (max attempts " + maxAttempts + ")",
            "pending runs may resolve on next reconcile tick; if persistent, check plugin and eventd logs"));
      } else {
        checks.add(Check.of(CheckCode.SUBSCRIPTION_RUNS, name, CheckStatus.PASS,
            "all " + succeeded + " run(s) succeeded", ""));
      }
    }
  }

  // ------------------------------------------------------------------ federation block and SLO

  private FederationSummary federationSummary(List<Check> checks, List<DeliverySummary> rows) {
    SeverityCounts counts = SeverityCounts.of(checks.stream()
        .filter(c -> Check.FEDERATION_AREA.equals(c.area())).toList());
    long missing = checks.stream()
        .filter(c -> Check.FEDERATION_AREA.equals(c.area()) && c.status() == CheckStatus.FAIL
            && c.name().contains("expected delivery"))
        .count();
    if (rows == null) {
      return new FederationSummary(counts, 0, 0, 0, missing, 0, 0, 0, 0, 0, 0, 0, 0, null);
    }
    long failed = 0;
    long stale = 0;
    long pending = 0;
    long maxLag = 0;
    long minExp = 0;
    long events = 0;
    long delivered = 0;
    for (DeliverySummary r : rows) {
      events += r.events();
      delivered += r.delivered();
      failed += r.failed();
      stale += r.staleTtl();
      pending += r.pending();
      maxLag = Math.max(maxLag, r.maxLagSeconds());
      if (r.minExpiresInSeconds() != 0 && (minExp == 0 || r.minExpiresInSeconds() < minExp)) {
        minExp = r.minExpiresInSeconds();
      }
    }
    long runsTotal = 0;
    long runsSucceeded = 0;
    long runsFailed = 0;
    long runsPending = 0;
    if (config != null) {
      for (Resource sub : config.ofKind(Kinds.EVENT_SUBSCRIPTION)) {
        List<DoctorState.SubscriptionRun> runs;
        try {
          runs = state.subscriptionRuns("EventSubscription/" + sub.name());
        } catch (RuntimeException e) {
          continue;
        }
        for (DoctorState.SubscriptionRun run : runs) {
          runsTotal++;
          switch (run.status()) {
            case "succeeded" -> runsSucceeded++;
            case "failed" -> runsFailed++;
            default -> runsPending++;
          }
        }
      }
    }
    return new FederationSummary(counts, failed, stale, pending, missing, maxLag, minExp, events, delivered,
        runsTotal, runsSucceeded, runsFailed, runsPending, new SloReport(sloGroups(rows)));
  }

  private List<SloGroupStatus> sloGroups(List<DeliverySummary> rows) {
    TreeSet<String> groups = new TreeSet<>(GoStrings.ORDER);
    if (config != null) {
      for (Resource r : config.ofKind(Kinds.EVENT_GROUP)) {
        groups.add(r.name());
      }
    }
    for (DeliverySummary r : rows) {
      groups.add(r.group());
    }
    List<SloGroupStatus> out = new ArrayList<>();
    for (String g : groups) {
      SloThresholds slo = SloThresholds.forGroup(config, g);
      List<SloViolation> violations = new ArrayList<>();
      for (DeliverySummary r : rows) {
        if (!r.group().equals(g)) {
          continue;
        }
        String label = g + "/" + r.peer();
        if (r.maxLagSeconds() >= slo.lagFailSeconds()) {
          violations.add(new SloViolation(label + " delivery lag", "lagFailSeconds=" + slo.lagFailSeconds(),
              r.maxLagSeconds() + "s", CheckStatus.FAIL));
        } else if (r.maxLagSeconds() >= slo.lagWarnSeconds()) {
          violations.add(new SloViolation(label + " delivery lag", "lagWarnSeconds=" + slo.lagWarnSeconds(),
              r.maxLagSeconds() + "s", CheckStatus.WARN));
        }
        if (r.failed() > 0) {
          violations.add(new SloViolation(label + " failed deliveries", "failedDeliveryCount=0",
              Long.toString(r.failed()), CheckStatus.FAIL));
        }
        if (r.pending() > 0 && r.minExpiresInSeconds() > 0 && r.minExpiresInSeconds() < slo.expiresSoonSeconds()) {
          violations.add(new SloViolation(label + " pending expiring-soon", "expiresSoonSeconds=" + slo.expiresSoonSeconds(),
              "minExpiresIn=" + r.minExpiresInSeconds() + "s, pending=" + r.pending(), CheckStatus.FAIL));
        }
      }
      out.add(new SloGroupStatus(g, SloThresholds.isDefined(config, g), slo, violations));
    }
    return out;
  }
}
