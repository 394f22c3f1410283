package dev.cloudedge.federation.subscription;

import dev.cloudedge.federation.config.FederationConfig;
import dev.cloudedge.federation.config.Kinds;
import dev.cloudedge.federation.dynamic.DynamicConfigException;
import dev.cloudedge.federation.dynamic.DynamicConfigPart;
import dev.cloudedge.federation.dynamic.DynamicConfigStore;
import dev.cloudedge.federation.dynamic.DynamicParts;
import dev.cloudedge.federation.event.FederationEvent;
import dev.cloudedge.federation.event.GoText;
import dev.cloudedge.federation.plugin.PluginContextBuilder;
import dev.cloudedge.federation.plugin.PluginKind;
import dev.cloudedge.federation.plugin.PluginOutcome;
import dev.cloudedge.federation.plugin.PluginRequest;
import dev.cloudedge.federation.plugin.PluginRunStore;
import dev.cloudedge.federation.plugin.PluginRunner;
import dev.cloudedge.federation.store.EventRecord;
import dev.cloudedge.federation.store.FederationStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The EventSubscription reconcile loop (subscription reference §1.4–1.8), without threads of its
 * own: {@link #reconcile()} runs one tick over the subscriptions it was given, timers are armed on
 * the injected {@link TimerScheduler}, and every method is synchronized so a timer firing and a
 * tick never interleave. Guarantees: exactly one success per (subscription, event id); a failed
 * event is retried on later ticks until {@code maxAttempts}; a {@code pending} row left by a
 * crash is picked up again; a failure of one subscription never stops the others.
 */
public final class SubscriptionEngine implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(SubscriptionEngine.class);

  /**
   * Engine settings.
   *
   * @param maxAttempts attempts per (subscription, event) before a failed row stays failed (routerd: 3)
   * @param dryRun start rows but never run a plugin (HA standby, sandbox)
   */
  public record Settings(int maxAttempts, boolean dryRun) {
    public static final int DEFAULT_MAX_ATTEMPTS = 3;

    public Settings {
      if (maxAttempts < 1) {
        throw new IllegalArgumentException("maxAttempts must be at least 1, got " + maxAttempts);
      }
    }

    /** routerd's defaults. */
    public static Settings defaults() {
      return new Settings(DEFAULT_MAX_ATTEMPTS, false);
    }
  }

  /** A deferred batch of one subscription. */
  private static final class Schedule {
    final Instant firstAt;
    final LinkedHashMap<String, FederationEvent> events = new LinkedHashMap<>();
    long bytes;
    TimerScheduler.Timer timer;

    Schedule(Instant firstAt) {
      this.firstAt = firstAt;
    }
  }

  private final FederationConfig config;
  private final FederationStore store;
  private final List<Kinds.EventSubscription> subscriptions;
  private final SubscriptionRunStore runs;
  private final DynamicConfigStore parts;
  private final PluginRunStore pluginRuns;
  private final PluginRunner runner;
  private final Clock clock;
  private final TimerScheduler scheduler;
  private final Settings settings;
  private final Map<String, Schedule> schedules = new LinkedHashMap<>();
  // Read by operators while a plugin may be running under the engine lock, so not guarded by it.
  private final Map<String, SubscriptionStatus> statuses = new java.util.concurrent.ConcurrentHashMap<>();
  private boolean closed;

  /**
   * @param config the node's config (Plugins and context resources are resolved in it)
   * @param store the node's store
   * @param subscriptions the subscriptions this engine runs
   * @param runner runs plugins
   * @param clock the clock ("now" of each tick)
   * @param scheduler arms batch-window timers
   * @param settings attempts and dry-run
   */
  public SubscriptionEngine(FederationConfig config, FederationStore store, List<Kinds.EventSubscription> subscriptions,
      PluginRunner runner, Clock clock, TimerScheduler scheduler, Settings settings) {
    this.config = Objects.requireNonNull(config, "config");
    this.store = Objects.requireNonNull(store, "store");
    this.subscriptions = List.copyOf(subscriptions);
    this.runs = new SubscriptionRunStore(store);
    this.parts = new DynamicConfigStore(store);
    this.pluginRuns = new PluginRunStore(store);
    this.runner = Objects.requireNonNull(runner, "runner");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
    this.settings = Objects.requireNonNull(settings, "settings");
  }

  /** The subscriptions this engine runs. */
  public List<Kinds.EventSubscription> subscriptions() {
    return subscriptions;
  }

  /** The latest status of every subscription that has reconciled at least once. */
  public Map<String, SubscriptionStatus> statuses() {
    return Map.copyOf(statuses);
  }

  /** One reconcile tick over every subscription; a failure of one is its status, never an exception. */
  public synchronized void reconcile() {
    if (closed) {
      return;
    }
    for (Kinds.EventSubscription sub : subscriptions) {
      try {
        reconcileOne(sub, clock.instant());
      } catch (RuntimeException e) {
        setStatus(sub, SubscriptionStatus.DEGRADED, 0, e.getMessage());
        LOG.warn("subscription {}: {}", sub.name(), e.getMessage());
      }
    }
  }

  /** Disarms every timer; a timer that fires afterwards does nothing. */
  @Override
  public synchronized void close() {
    closed = true;
    for (Schedule s : schedules.values()) {
      if (s.timer != null) {
        s.timer.cancel();
      }
    }
    schedules.clear();
  }

  private void reconcileOne(Kinds.EventSubscription sub, Instant now) {
    String pluginName = GoText.trimSpace(sub.spec().trigger().pluginRef());
    Optional<PluginKind.Plugin> plugin = PluginKind.find(config, pluginName);
    if (plugin.isEmpty()) {
      pluginMissing(sub, pluginName);
      return;
    }
    List<FederationEvent> batch = eligibleMatches(sub, now);
    if (batch.isEmpty()) {
      Schedule pending = schedules.get(sub.runKey());
      if (pending == null) {
        setStatus(sub, SubscriptionStatus.IDLE, 0, "");
      }
      return;
    }
    BatchWindow window = BatchWindow.of(sub.spec().trigger());
    if (window.defers()) {
      defer(sub, window, batch, now);
      return;
    }
    for (List<FederationEvent> chunk : chunks(batch)) {
      process(sub, plugin.get(), chunk, now);
    }
  }

  private void pluginMissing(Kinds.EventSubscription sub, String pluginName) {
    String msg = "Plugin \"" + pluginName + "\" not found";
    SubscriptionStatus prev = statuses.get(sub.name());
    if (prev == null || !msg.equals(prev.message())) {
      LOG.warn("subscription {}: {}; no run is started", sub.name(), msg);
    }
    setStatus(sub, SubscriptionStatus.PENDING, 0, msg);
  }

  private List<FederationEvent> eligibleMatches(Kinds.EventSubscription sub, Instant now) {
    Map<String, SubscriptionRun> rows = runs.byEventInGroup(sub.runKey(), sub.groupRef());
    List<FederationEvent> out = new ArrayList<>();
    for (EventRecord r : store.listEvents(sub.groupRef(), false, now.getEpochSecond())) {
      FederationEvent ev = r.event();
      if (!SubscriptionMatcher.matches(sub, ev, now)) {
        continue;
      }
      SubscriptionRun row = rows.get(ev.id());
      if (row == null || row.eligible(settings.maxAttempts())) {
        out.add(ev);
      }
    }
    return out;
  }

  /** Splits an immediate batch at the batch limits, keeping order. */
  private static List<List<FederationEvent>> chunks(List<FederationEvent> batch) {
    List<List<FederationEvent>> out = new ArrayList<>();
    List<FederationEvent> cur = new ArrayList<>();
    long bytes = 0;
    for (FederationEvent ev : batch) {
      long b = BatchWindow.eventBytes(ev);
      if (!cur.isEmpty() && (cur.size() >= BatchWindow.MAX_EVENTS || bytes + b > BatchWindow.MAX_BYTES)) {
        out.add(cur);
        cur = new ArrayList<>();
        bytes = 0;
      }
      cur.add(ev);
      bytes += b;
    }
    if (!cur.isEmpty()) {
      out.add(cur);
    }
    return out;
  }

  private void defer(Kinds.EventSubscription sub, BatchWindow window, List<FederationEvent> batch, Instant now) {
    String key = sub.runKey();
    Schedule s = schedules.get(key);
    if (s == null) {
      s = new Schedule(now);
      schedules.put(key, s);
    }
    boolean added = false;
    boolean limitReached = s.events.size() >= BatchWindow.MAX_EVENTS || s.bytes >= BatchWindow.MAX_BYTES;
    for (FederationEvent ev : batch) {
      if (s.events.containsKey(ev.id())) {
        s.events.put(ev.id(), ev);
        continue;
      }
      long b = BatchWindow.eventBytes(ev);
      if (s.events.size() >= BatchWindow.MAX_EVENTS || s.bytes + b > BatchWindow.MAX_BYTES) {
        limitReached = true;
        break;
      }
      s.events.put(ev.id(), ev);
      s.bytes += b;
      added = true;
      if (s.events.size() == BatchWindow.MAX_EVENTS || s.bytes == BatchWindow.MAX_BYTES) {
        limitReached = true;
      }
    }
    Duration delay = limitReached ? Duration.ZERO
        : BatchWindow.coalesceDelay(now, s.firstAt, window.batchWindow(), window.debounce());
    if (s.timer == null || added || !BatchWindow.positive(window.debounce()) || limitReached) {
      if (s.timer != null) {
        s.timer.cancel();
      }
      Schedule armed = s;
      s.timer = scheduler.schedule(delay, () -> fire(sub, armed));
    }
    setStatus(sub, SubscriptionStatus.WAITING, s.events.size(),
        "Waiting for trigger window (" + s.events.size() + " event(s) matched)");
  }

  /** A batch timer fired: process what the schedule collected, unless it was replaced or the engine closed. */
  synchronized void fire(Kinds.EventSubscription sub, Schedule s) {
    if (closed || schedules.get(sub.runKey()) != s) {
      return;
    }
    schedules.remove(sub.runKey());
    List<FederationEvent> batch = new ArrayList<>(s.events.values());
    batch.sort(Comparator.comparing((FederationEvent e) -> e.observedAt() == null ? Instant.EPOCH : e.observedAt())
        .thenComparing(FederationEvent::id));
    String pluginName = GoText.trimSpace(sub.spec().trigger().pluginRef());
    Optional<PluginKind.Plugin> plugin = PluginKind.find(config, pluginName);
    if (plugin.isEmpty()) {
      pluginMissing(sub, pluginName);
      return;
    }
    try {
      process(sub, plugin.get(), batch, clock.instant());
    } catch (RuntimeException e) {
      setStatus(sub, SubscriptionStatus.DEGRADED, batch.size(), e.getMessage());
      LOG.warn("subscription {}: {}", sub.name(), e.getMessage());
    }
  }

  private void process(Kinds.EventSubscription sub, PluginKind.Plugin plugin, List<FederationEvent> candidates,
      Instant now) {
    String key = sub.runKey();
    Map<String, SubscriptionRun> rows = runs.byEventInGroup(key, sub.groupRef());
    List<FederationEvent> batch = new ArrayList<>();
    for (FederationEvent ev : candidates) {
      SubscriptionRun row = rows.get(ev.id());
      if (row == null || row.eligible(settings.maxAttempts())) {
        batch.add(ev);
      }
    }
    if (batch.isEmpty()) {
      setStatus(sub, SubscriptionStatus.IDLE, 0, "");
      return;
    }
    // One transaction (one fsync) for the whole batch: the starts are all-or-nothing anyway.
    store.inTransaction(c -> {
      for (FederationEvent ev : batch) {
        runs.upsertStart(key, ev.id(), ev.group(), plugin.name(), now);
      }
      return null;
    });
    if (settings.dryRun()) {
      setStatus(sub, SubscriptionStatus.PENDING, batch.size(), "DryRun: " + batch.size() + " event(s) matched");
      return;
    }
    long runId = pluginRuns.start(plugin.name(), PluginRequest.SUBSCRIPTION_TRIGGER, sub.name(), now);
    PluginOutcome outcome = null;
    String error;
    try {
      PluginRequest.Context context = PluginContextBuilder.build(plugin, config);
      PluginRequest request = PluginRequest.forSubscription(plugin.name(), sub.name(), now, batch, context);
      outcome = runner.run(plugin, request);
      if (outcome.failure() != null
          && outcome.failure().failure() == dev.cloudedge.federation.plugin.PluginException.Failure.INTERRUPTED) {
        // Shutting down: the rows stay pending, so the batch runs again after a restart without using an attempt.
        pluginRuns.complete(runId, "failed", outcome, "", clock.instant());
        return;
      }
      if (!outcome.ok()) {
        error = outcome.error();
      } else {
        String source = DynamicParts.subscriptionSource(sub.name(), batch.stream().map(FederationEvent::id).toList());
        DynamicConfigPart part = DynamicParts.stampSubscription(
            DynamicParts.fromResult(source, 1, outcome.result(), now), sub.name(), batch);
        Instant done = clock.instant();
        store.inTransaction(c -> {
          parts.upsert(part, done);
          for (FederationEvent ev : batch) {
            runs.markResult(key, ev.id(), SubscriptionRun.SUCCEEDED, source, 1, "", done);
          }
          return null;
        });
        pluginRuns.complete(runId, "succeeded", outcome, "", done);
        setStatus(sub, SubscriptionStatus.APPLIED, batch.size(), "");
        LOG.info("subscription {}: applied {} event(s) via plugin {} as {}", sub.name(), batch.size(), plugin.name(),
            source);
        return;
      }
    } catch (DynamicConfigException e) {
      error = e.getMessage();
    } catch (RuntimeException e) {
      error = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
    failBatch(sub, key, batch, runId, outcome, error);
  }

  private void failBatch(Kinds.EventSubscription sub, String key, List<FederationEvent> batch, long runId,
      PluginOutcome outcome, String error) {
    Instant done = clock.instant();
    store.inTransaction(c -> {
      for (FederationEvent ev : batch) {
        runs.markResult(key, ev.id(), SubscriptionRun.FAILED, "", 0, error, done);
      }
      return null;
    });
    pluginRuns.complete(runId, "failed", outcome, error, done);
    setStatus(sub, SubscriptionStatus.DEGRADED, batch.size(), error);
    java.util.Optional<String> expected = dev.cloudedge.federation.log.ExpectedFaults.active(
        dev.cloudedge.federation.log.ExpectedFaults.PLUGIN);
    if (expected.isPresent()) {
      LOG.info("subscription {}: {} event(s) failed, as expected while {}: {}", sub.name(), batch.size(), expected.get(), error);
    } else {
      LOG.warn("subscription {}: {} event(s) failed: {}", sub.name(), batch.size(), error);
    }
  }

  private void setStatus(Kinds.EventSubscription sub, String phase, int matched, String message) {
    statuses.put(sub.name(), new SubscriptionStatus(sub.name(), phase, matched, message == null ? "" : message,
        dev.cloudedge.federation.event.GoTime.format(clock.instant())));
  }
}
