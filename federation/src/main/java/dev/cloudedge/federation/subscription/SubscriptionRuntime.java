package dev.cloudedge.federation.subscription;

import dev.cloudedge.federation.config.FederationConfig;
import dev.cloudedge.federation.config.Kinds;
import dev.cloudedge.federation.event.FederationEvent;
import dev.cloudedge.federation.eventd.EventdContext;
import dev.cloudedge.federation.eventd.EventdExtension;
import dev.cloudedge.federation.plugin.PluginRunner;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs every EventSubscription of the groups this eventd node hosts (groups whose
 * {@code spec.nodeName} is the node's name). All work happens on one worker thread: a reconcile
 * is queued at once when a stored event belongs to a hosted group (so a new matching event starts
 * its run promptly), a safety tick every {@code tickInterval} retries failed events and picks up
 * {@code pending} rows left by a crash, and batch-window timers fire on the same thread.
 */
public final class SubscriptionRuntime implements EventdExtension {
  private static final Logger LOG = LoggerFactory.getLogger(SubscriptionRuntime.class);

  /**
   * Runtime options.
   *
   * @param settings attempts and dry-run
   * @param tickInterval the safety tick (routerd: 5 s)
   * @param runner runs plugins
   */
  public record Options(SubscriptionEngine.Settings settings, Duration tickInterval, PluginRunner runner) {
    public Options {
      Objects.requireNonNull(settings, "settings");
      Objects.requireNonNull(tickInterval, "tickInterval");
      Objects.requireNonNull(runner, "runner");
      if (tickInterval.isZero() || tickInterval.isNegative()) {
        throw new IllegalArgumentException("tickInterval must be positive, got " + tickInterval);
      }
    }

    /** routerd's defaults: 3 attempts, no dry run, a 5 s tick, PATH from this process. */
    public static Options defaults() {
      return new Options(SubscriptionEngine.Settings.defaults(), Duration.ofSeconds(5), new PluginRunner());
    }
  }

  private final Options options;
  private final AtomicBoolean reconcileQueued = new AtomicBoolean();
  private volatile ScheduledExecutorService worker;
  private volatile SubscriptionEngine engine;
  private volatile Set<String> hostedGroups = Set.of();
  private volatile EventdContext context;

  public SubscriptionRuntime() {
    this(Options.defaults());
  }

  public SubscriptionRuntime(Options options) {
    this.options = Objects.requireNonNull(options, "options");
  }

  @Override
  public String name() {
    return "subscriptions";
  }

  @Override
  public void start(EventdContext context) {
    Objects.requireNonNull(context, "context");
    this.context = context;
    String node = nodeName();
    ScheduledExecutorService w = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "subscriptions-" + node);
      t.setDaemon(true);
      return t;
    });
    worker = w;
    engine = buildEngine(context.config());
    long tick = options.tickInterval().toNanos();
    w.scheduleWithFixedDelay(() -> guarded(() -> engine.reconcile()), 0, tick, TimeUnit.NANOSECONDS);
  }

  private String nodeName() {
    return context.nodeName() == null ? "" : context.nodeName().trim();
  }

  private SubscriptionEngine buildEngine(FederationConfig config) {
    String node = nodeName();
    Set<String> hosted = config.eventGroups().stream()
        .filter(g -> node.isEmpty() || g.nodeName().equals(node))
        .map(Kinds.EventGroup::name)
        .collect(Collectors.toUnmodifiableSet());
    List<Kinds.EventSubscription> subs = config.eventSubscriptions().stream()
        .filter(s -> hosted.contains(s.groupRef()))
        .toList();
    ScheduledExecutorService w = worker;
    TimerScheduler timers = (delay, task) -> {
      ScheduledFuture<?> f = w.schedule(() -> guarded(task), Math.max(0, delay.toNanos()), TimeUnit.NANOSECONDS);
      return () -> f.cancel(false);
    };
    hostedGroups = hosted;
    LOG.info("subscription runtime on node {}: {} subscription(s) in group(s) {}", node, subs.size(), hosted);
    return new SubscriptionEngine(config, context.store(), subs, options.runner(), context.clock(), timers,
        options.settings());
  }

  /**
   * Applies a reloaded configuration: subscriptions, Plugins and context resources are read
   * from {@code config} from now on. Batch windows that were collecting are discarded (their
   * events stay eligible and are collected again), a plugin already running finishes first, and
   * a reconcile follows at once.
   *
   * @throws IllegalStateException when the runtime is not running
   */
  public void reconfigure(FederationConfig config) {
    Objects.requireNonNull(config, "config");
    ScheduledExecutorService w = worker;
    if (w == null || w.isShutdown()) {
      throw new IllegalStateException("subscription runtime is not running");
    }
    w.execute(() -> guarded(() -> {
      engine.close();
      engine = buildEngine(config);
      engine.reconcile();
    }));
  }

  @Override
  public void onConfigReloaded(FederationConfig config) {
    reconfigure(config);
  }

  private static void guarded(Runnable r) {
    try {
      r.run();
    } catch (RuntimeException e) {
      // A scheduled task that throws is never run again; keep the runtime alive and say why.
      LOG.error("subscription runtime task failed: {}", e.toString());
    }
  }

  @Override
  public void onEventsStored(List<FederationEvent> events) {
    ScheduledExecutorService w = worker;
    if (w == null || w.isShutdown()) {
      return;
    }
    boolean relevant = events.stream().anyMatch(e -> hostedGroups.contains(e.group()));
    if (relevant && reconcileQueued.compareAndSet(false, true)) {
      try {
        w.execute(() -> {
          reconcileQueued.set(false);
          guarded(() -> engine.reconcile());
        });
      } catch (java.util.concurrent.RejectedExecutionException e) {
        reconcileQueued.set(false);
      }
    }
  }

  /**
   * Runs one reconcile on the worker and waits for it (operators' "run now", tests).
   *
   * @throws IllegalStateException when the runtime is not running or the tick does not finish in time
   */
  public void reconcileNow(Duration wait) {
    ScheduledExecutorService w = worker;
    if (w == null || w.isShutdown()) {
      throw new IllegalStateException("subscription runtime is not running");
    }
    try {
      w.submit(() -> guarded(() -> engine.reconcile())).get(wait.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for a subscription reconcile", e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("subscription reconcile did not finish within " + wait, e);
    }
  }

  /** The latest status of every subscription. */
  public Map<String, SubscriptionStatus> statuses() {
    SubscriptionEngine e = engine;
    return e == null ? Map.of() : e.statuses();
  }

  @Override
  public void close() {
    ScheduledExecutorService w = worker;
    if (w != null) {
      // Interrupting a running plugin makes the runner kill the child; its events stay pending and are retried.
      w.shutdownNow();
      try {
        if (!w.awaitTermination(10, TimeUnit.SECONDS)) {
          LOG.warn("subscription worker did not stop within 10s");
        }
      } catch (InterruptedException ex) {
        Thread.currentThread().interrupt();
      }
    }
    SubscriptionEngine e = engine;
    if (e != null) {
      e.close();
    }
  }
}
