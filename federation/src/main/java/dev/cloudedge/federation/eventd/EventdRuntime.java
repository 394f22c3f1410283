package dev.cloudedge.federation.eventd;

import dev.cloudedge.federation.config.ConfigProblem;
import dev.cloudedge.federation.config.ConfigValidator;
import dev.cloudedge.federation.config.FederationConfig;
import dev.cloudedge.federation.config.Kinds;
import dev.cloudedge.federation.delivery.Outbox;
import dev.cloudedge.federation.delivery.PassResult;
import dev.cloudedge.federation.delivery.Pruner;
import dev.cloudedge.federation.event.FederationEvent;
import dev.cloudedge.federation.event.GoText;
import dev.cloudedge.federation.metrics.MetricsServer;
import dev.cloudedge.federation.metrics.Telemetry;
import dev.cloudedge.federation.security.GroupKeys;
import dev.cloudedge.federation.security.SecretException;
import dev.cloudedge.federation.store.FederationStore;
import dev.cloudedge.federation.store.GroupCommitWriter;
import dev.cloudedge.federation.transport.PushClient;
import dev.cloudedge.federation.transport.ReceiverServer;
import dev.cloudedge.federation.transport.ReceiverSettings;
import dev.cloudedge.federation.transport.ReceiverState;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The federation daemon of one node, embeddable: the CLI's {@code eventd} runs one, and so can a
 * Temporal worker or a test. It hosts every EventGroup of the configuration that has
 * {@code spec.auth.secretFile}: a receiver when {@code spec.listen.port > 0} (an empty address binds
 * 127.0.0.1, never every interface), an {@link Outbox} and a {@link Pruner}, all sharing one state
 * store with group commit, one push client and one meter provider.
 *
 * <p>Start order: validate the config, read the secrets, open the store, start the
 * {@link EventdExtension}s, bind the receivers and the admin listener, start the loops. A failure
 * names the file or address and leaves nothing running. {@link #close()} is graceful: receivers
 * stop accepting and finish requests in flight, pushes get the grace period, extensions close, the
 * writer drains, then the store closes.
 *
 * <p>Thread safety: every public method may be called from any thread.
 */
public final class EventdRuntime implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(EventdRuntime.class);

  private final Object lifecycle = new Object();
  private volatile EventdOptions options;
  private final String nodeName;
  private final FederationStore store;
  /**
   * A second connection to the same file for the outbox's scans: under WAL a reader does not block
   * the writer, so a pass over a large state file never delays a commit (and the 200s waiting on it).
   */
  private final FederationStore scanStore;
  private final Telemetry telemetry;
  private final boolean ownsTelemetry;
  private final GroupCommitWriter writer;
  private final EventLoopGroup loops;
  private final ScheduledExecutorService scheduler;
  /** How often the state file is checked for commits made by other processes. */
  static final Duration FOREIGN_WRITE_POLL = Duration.ofMillis(200);
  private volatile long lastDataVersion;
  private final ExecutorService worker;
  private final PushClient client;
  private final List<EventdExtension> extensions = new ArrayList<>();
  private final Map<String, GroupHost> groups = Collections.synchronizedMap(new LinkedHashMap<>());
  private volatile NodeTuning tuning;
  private MetricsServer admin;
  private volatile boolean closed;

  /** One hosted EventGroup. */
  private final class GroupHost {
    final String group;
    volatile String nodeName;
    final Outbox outbox;
    final Pruner pruner;
    volatile Pruner.Retention retention;
    volatile ReceiverState receiverState;
    volatile ReceiverServer receiver;
    volatile InetSocketAddress bindAddress;
    ScheduledFuture<?> pushTick;
    ScheduledFuture<?> pruneTick;

    GroupHost(Kinds.EventGroup g, GroupKeys keys, FederationConfig config) {
      this.group = g.name();
      this.nodeName = g.nodeName();
      this.retention = retentionOf(g);
      this.outbox = new Outbox(outboxSettings(g, keys, config), scanStore, writer, client, telemetry.metrics(),
          options.clock(), scheduler, worker, options.deliveryListener(), Outbox.DEFAULT_MAX_IN_FLIGHT_PER_PEER);
      this.pruner = new Pruner(store, telemetry.metrics(), options.clock(), () -> retention);
    }

    ReceiverSettings receiverSettings(Kinds.EventGroup g, GroupKeys keys) {
      return new ReceiverSettings(group, g.nodeName(), keys, g.replayWindow());
    }

    void bind(InetSocketAddress address, ReceiverSettings settings) {
      ReceiverState st = new ReceiverState(settings, ev -> writer.record(ev), () -> store.countEvents(group), worker,
          telemetry.metrics(), options.clock());
      ReceiverServer server;
      try {
        server = ReceiverServer.bind(loops, address, st, options.idleTimeout(), options.readTimeout(),
            tuning.maxConnections());
      } catch (RuntimeException e) {
        throw new EventdException("EventGroup " + group + ": " + e.getMessage(), e);
      }
      this.receiverState = st;
      this.receiver = server;
      this.bindAddress = address;
      LOG.debug("eventd: listening on {} group={} node={}", ReceiverServer.hostPort(server.address()), group, nodeName);
    }

    void schedule() {
      if (!options.backgroundLoops()) {
        return;
      }
      NodeTuning t = tuning;
      pushTick = scheduler.scheduleWithFixedDelay(() -> runQuietly(outbox::tick), 0,
          t.pushInterval().toMillis(), TimeUnit.MILLISECONDS);
      pruneTick = scheduler.scheduleWithFixedDelay(() -> runQuietly(pruner::tick), 0,
          t.pruneInterval().toMillis(), TimeUnit.MILLISECONDS);
    }

    void unschedule() {
      if (pushTick != null) {
        pushTick.cancel(false);
      }
      if (pruneTick != null) {
        pruneTick.cancel(false);
      }
    }

    void stop() {
      unschedule();
      if (receiver != null) {
        receiver.close(options.shutdownGrace());
      }
      outbox.close(options.shutdownGrace());
    }
  }

  private void runQuietly(Runnable r) {
    try {
      worker.execute(() -> {
        try {
          r.run();
        } catch (RuntimeException e) {
          LOG.warn("eventd: background task failed: {}", e.toString());
        }
      });
    } catch (java.util.concurrent.RejectedExecutionException e) {
      // Shutting down.
    }
  }

  private EventdRuntime(EventdOptions options, String nodeName, FederationStore store, FederationStore scanStore,
      Telemetry telemetry, boolean ownsTelemetry) {
    this.options = options;
    this.nodeName = nodeName;
    this.store = store;
    this.scanStore = scanStore;
    this.telemetry = telemetry;
    this.ownsTelemetry = ownsTelemetry;
    this.tuning = NodeTuning.of(options.config(), nodeName);
    this.writer = new GroupCommitWriter(store, options.clock(), this::onStored);
    this.loops = new MultiThreadIoEventLoopGroup(2, new DefaultThreadFactory("eventd-io", true),
        NioIoHandler.newFactory());
    this.scheduler = Executors.newScheduledThreadPool(2, new DefaultThreadFactory("eventd-scheduler", true));
    this.worker = Executors.newCachedThreadPool(new DefaultThreadFactory("eventd-worker", true));
    this.client = new PushClient(options.clock(), tuning.pushTimeout(), loops);
  }

  /** Starts a runtime with default options for {@code config} and {@code stateFile}. */
  public static EventdRuntime start(FederationConfig config, java.nio.file.Path stateFile) {
    return start(EventdOptions.builder(config, stateFile).build());
  }

  /**
   * Starts a runtime.
   *
   * @throws EventdException when the config is invalid or hosts nothing, a secret file is missing or
   *     empty, the state file cannot be opened or written, an extension fails to start, or an
   *     address cannot be bound; the message names the culprit and nothing keeps running
   */
  public static EventdRuntime start(EventdOptions options) {
    Objects.requireNonNull(options, "options");
    List<Kinds.EventGroup> hosted = hostedGroups(options.config());
    Map<String, GroupKeys> keys = loadKeys(hosted);
    String nodeName = hosted.get(0).nodeName();
    NodeTuning.of(options.config(), nodeName);
    FederationStore store;
    FederationStore scanStore;
    try {
      store = FederationStore.open(options.stateFile(), options.durability());
    } catch (RuntimeException e) {
      throw new EventdException(e.getMessage(), e);
    }
    try {
      scanStore = FederationStore.open(options.stateFile(), options.durability());
    } catch (RuntimeException e) {
      store.close();
      throw new EventdException(e.getMessage(), e);
    }
    Telemetry telemetry = options.telemetry();
    boolean owns = telemetry == null;
    EventdRuntime rt = null;
    try {
      if (owns) {
        telemetry = Telemetry.fromEnvironment(version());
      }
      rt = new EventdRuntime(options, nodeName, store, scanStore, telemetry, owns);
      rt.startAll(hosted, keys);
      return rt;
    } catch (RuntimeException e) {
      if (rt != null) {
        rt.close();
      } else {
        scanStore.close();
        store.close();
        if (owns && telemetry != null) {
          telemetry.close();
        }
      }
      throw e instanceof EventdException ee ? ee : new EventdException(e.getMessage(), e);
    }
  }

  private static String version() {
    String v = EventdRuntime.class.getPackage().getImplementationVersion();
    return v == null ? "development" : v;
  }

  private void startAll(List<Kinds.EventGroup> hosted, Map<String, GroupKeys> keys) {
    EventdContext ctx = new EventdContext(nodeName, options.config(), store, options.clock());
    for (EventdExtension ext : options.extensions()) {
      try {
        ext.start(ctx);
      } catch (Exception e) {
        throw new EventdException("start extension " + ext.name() + ": " + e.getMessage(), e);
      }
      extensions.add(ext);
    }
    for (Kinds.EventGroup g : hosted) {
      startGroup(g, keys.get(g.name()), options.config());
    }
    InetSocketAddress adminAddr = options.adminAddress();
    if (adminAddr == null && tuning.admin().port() > 0) {
      adminAddr = new InetSocketAddress(defaultHost(tuning.admin().address()), tuning.admin().port());
    }
    if (adminAddr != null) {
      admin = MetricsServer.bind(loops, adminAddr, telemetry.prometheus());
      LOG.debug("eventd: metrics on http://{}/metrics", ReceiverServer.hostPort(admin.address()));
    }
    for (GroupHost h : groups.values()) {
      h.schedule();
    }
    if (options.backgroundLoops()) {
      lastDataVersion = store.dataVersion();
      scheduler.scheduleWithFixedDelay(() -> runQuietly(this::pushForeignWrites), FOREIGN_WRITE_POLL.toMillis(),
          FOREIGN_WRITE_POLL.toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  /**
   * Another process (the CLI's {@code event emit}, a routerd controller sharing the file) committed
   * to the state file: run a pass at once instead of waiting for the push tick, so a locally
   * recorded event is pushed promptly whoever recorded it.
   */
  private void pushForeignWrites() {
    if (closed) {
      return;
    }
    long v = store.dataVersion();
    if (v == lastDataVersion) {
      return;
    }
    lastDataVersion = v;
    List<GroupHost> hosts;
    synchronized (groups) {
      hosts = List.copyOf(groups.values());
    }
    for (GroupHost h : hosts) {
      // requestPass, not tick: a tick is dropped while a pass runs, and the rows committed during
      // that pass (a big emit --file in several transactions) would then wait for the push tick.
      runQuietly(h.outbox::requestPass);
    }
  }

  private void startGroup(Kinds.EventGroup g, GroupKeys keys, FederationConfig config) {
    primeMetrics(g, config);
    GroupHost h = new GroupHost(g, keys, config);
    groups.put(g.name(), h);
    InetSocketAddress addr = listenAddress(g);
    if (addr != null) {
      h.bind(addr, h.receiverSettings(g, keys));
    } else {
      LOG.info("eventd: no listen port configured for group={}; running push/prune only", g.name());
    }
  }

  private InetSocketAddress listenAddress(Kinds.EventGroup g) {
    InetSocketAddress o = options.listenOverrides().get(g.name());
    if (o != null) {
      return o;
    }
    Kinds.Listen l = g.spec().listen();
    if (l.port() <= 0) {
      return null;
    }
    return new InetSocketAddress(defaultHost(GoText.trimSpace(l.address())), l.port());
  }

  /** routerd binds every interface for an empty address; we bind loopback and never all interfaces by accident. */
  private static String defaultHost(String address) {
    String a = GoText.trimSpace(address);
    if (a.startsWith("[") && a.endsWith("]")) {
      a = a.substring(1, a.length() - 1);
    }
    return a.isEmpty() ? "127.0.0.1" : a;
  }

  /** Exports the group's series known from the config at zero, before any traffic (see EventdMetrics#prime). */
  private void primeMetrics(Kinds.EventGroup g, FederationConfig config) {
    List<dev.cloudedge.federation.metrics.EventdMetrics.PeerSeries> peers = new ArrayList<>();
    for (Kinds.EventPeer p : config.peersOf(g.name())) {
      peers.add(new dev.cloudedge.federation.metrics.EventdMetrics.PeerSeries(p.nodeName(),
          p.spec().types().stream().map(GoText::trimSpace).filter(t -> !t.isEmpty()).toList()));
    }
    telemetry.metrics().prime(g.name(), peers);
  }

  private Outbox.Settings outboxSettings(Kinds.EventGroup g, GroupKeys keys, FederationConfig config) {
    return new Outbox.Settings(g.name(), g.nodeName(), config.peersOf(g.name()), tuning.retry(), keys);
  }

  private static Pruner.Retention retentionOf(Kinds.EventGroup g) {
    return new Pruner.Retention(g.name(), g.retentionMaxAge(), g.spec().retention().maxEvents());
  }

  private static List<Kinds.EventGroup> hostedGroups(FederationConfig config) {
    List<ConfigProblem> problems = new ConfigValidator().validate(config);
    if (!problems.isEmpty()) {
      StringBuilder sb = new StringBuilder("invalid configuration:");
      for (ConfigProblem p : problems) {
        sb.append("\n  ").append(p);
      }
      throw new EventdException(sb.toString());
    }
    List<Kinds.EventGroup> hosted = new ArrayList<>();
    for (Kinds.EventGroup g : config.eventGroups()) {
      if (!GoText.trimSpace(g.spec().auth().secretFile()).isEmpty()) {
        hosted.add(g);
      }
    }
    if (hosted.isEmpty()) {
      throw new EventdException("no EventGroup with spec.auth.secretFile in " + describeFiles(config)
          + ": nothing to host");
    }
    return hosted;
  }

  private static String describeFiles(FederationConfig config) {
    return config.files().isEmpty() ? "the configuration" : config.files().toString();
  }

  private static Map<String, GroupKeys> loadKeys(List<Kinds.EventGroup> hosted) {
    Map<String, GroupKeys> out = new LinkedHashMap<>();
    for (Kinds.EventGroup g : hosted) {
      try {
        out.put(g.name(), GroupKeys.load(g.spec().auth()));
      } catch (SecretException e) {
        throw new EventdException("EventGroup " + g.name() + ": " + e.getMessage(), e);
      }
    }
    return out;
  }

  private void onStored(List<FederationEvent> events) {
    for (EventdExtension ext : extensions) {
      try {
        ext.onEventsStored(events);
      } catch (RuntimeException e) {
        LOG.warn("eventd: extension {} failed on stored events: {}", ext.name(), e.toString());
      }
    }
  }

  // ------------------------------------------------------------------ public operations

  /** This node's name (the hosted EventGroups' {@code spec.nodeName}; the first group's when they differ). */
  public String nodeName() {
    return nodeName;
  }

  /** The hosted groups, in config order. */
  public List<String> groups() {
    synchronized (groups) {
      return List.copyOf(groups.keySet());
    }
  }

  /** The node's state store (shared; do not close it). */
  public FederationStore store() {
    return store;
  }

  /** The node's telemetry (metrics and the Prometheus reader). */
  public Telemetry telemetry() {
    return telemetry;
  }

  /** The bound receiver address of each group that has a receiver. */
  public Map<String, InetSocketAddress> receiverAddresses() {
    Map<String, InetSocketAddress> out = new LinkedHashMap<>();
    synchronized (groups) {
      for (GroupHost h : groups.values()) {
        if (h.receiver != null) {
          out.put(h.group, h.receiver.address());
        }
      }
    }
    return out;
  }

  /** The bound receiver address of {@code group}, if it has a receiver. */
  public Optional<InetSocketAddress> receiverAddress(String group) {
    return Optional.ofNullable(receiverAddresses().get(group));
  }

  /** The admin ({@code /metrics}) address, if served. */
  public Optional<InetSocketAddress> adminAddress() {
    return Optional.ofNullable(admin).map(MetricsServer::address);
  }

  /**
   * Records a locally observed event durably, then pushes it to its peers at once. Blank
   * {@code sourceNode} becomes this group's node name; times are truncated to whole seconds (the
   * store's precision); a missing {@code observedAt} is now.
   *
   * @throws IllegalArgumentException when the event is invalid or its group is not hosted here
   * @throws dev.cloudedge.federation.store.StoreException when it could not be stored
   */
  public EmitResult emit(FederationEvent event) {
    try {
      return emitAsync(event).join();
    } catch (CompletionException e) {
      Throwable c = e.getCause();
      if (c instanceof RuntimeException re) {
        throw re;
      }
      throw e;
    }
  }

  /**
   * Like {@link #emit}, without waiting: completes once the event is durable; the push continues in
   * the background. Validation errors are thrown immediately.
   */
  public CompletableFuture<EmitResult> emitAsync(FederationEvent event) {
    Objects.requireNonNull(event, "event");
    ensureOpen();
    FederationEvent ev;
    try {
      ev = event.normalizedAndValid();
    } catch (dev.cloudedge.federation.event.EventValidationException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
    GroupHost h = host(ev.group());
    Instant now = options.clock().instant();
    ev = new FederationEvent(ev.id(), ev.group(), ev.sourceNode().isEmpty() ? h.nodeName : ev.sourceNode(),
        ev.type(), ev.subject(), ev.dedupeKey(), ev.payload(),
        truncate(ev.observedAt() == null ? now : ev.observedAt()), truncate(ev.expiresAt()));
    FederationEvent stored = ev;
    return writer.record(stored, h.outbox.enqueueOps(stored)).thenApplyAsync(dup -> {
      h.outbox.pushNow(stored, dup).exceptionally(err -> {
        LOG.warn("eventd: immediate push of {} failed: {}", stored.id(), err.toString());
        return null;
      });
      return new EmitResult(stored, dup);
    }, worker);
  }

  private static Instant truncate(Instant t) {
    return t == null ? null : t.truncatedTo(ChronoUnit.SECONDS);
  }

  /** Runs one outbox pass of {@code group} now and waits for it (after a pass already running). */
  public PassResult runOutboxPass(String group) {
    ensureOpen();
    return host(group).outbox.runPass();
  }

  /**
   * Clears the across-pass backoff of {@code group}'s failed pairs (of {@code peer}, or every peer
   * when empty) and runs a pass for them now.
   */
  public RetryResult retryFailedNow(String group, String peer) {
    ensureOpen();
    GroupHost h = host(group);
    String p = peer == null ? "" : peer;
    int cleared = store.resetBackoff(group, p);
    PassResult pass = h.outbox.runPass(new Outbox.PassOptions(p, true));
    return new RetryResult(cleared, pass);
  }

  /**
   * Runs a pass now for {@code peer} (every peer when empty) so delivered rows whose stored expiry
   * is older than the event's (a TTL refresh) are re-pushed without waiting for the tick.
   */
  public PassResult repushStaleNow(String group, String peer) {
    ensureOpen();
    return host(group).outbox.runPass(new Outbox.PassOptions(peer == null ? "" : peer, false));
  }

  /** Applies {@code group}'s retention now; returns rows deleted. */
  public int pruneNow(String group) {
    ensureOpen();
    return host(group).pruner.pruneOnce();
  }

  /** The Prometheus text of this node's metrics. */
  public String scrapeMetrics() {
    return telemetry.prometheus().scrape();
  }

  /**
   * Applies a new configuration without a restart: re-reads secret files (key rotation), updates
   * peers and endpoints, retention and the replay window, moves a receiver whose listen address
   * changed, starts newly hosted groups and stops groups no longer hosted. Validation happens
   * first; on an error nothing changes.
   *
   * @throws EventdException naming the resource, file or address at fault
   */
  public ReloadResult reload(FederationConfig config) {
    Objects.requireNonNull(config, "config");
    synchronized (lifecycle) {
      ensureOpen();
      List<Kinds.EventGroup> hosted = hostedGroups(config);
      Map<String, GroupKeys> keys = loadKeys(hosted);
      NodeTuning nextTuning = NodeTuning.of(config, nodeName);
      EventdOptions previous = options;
      options = options.withConfig(config);
      NodeTuning oldTuning = tuning;
      tuning = nextTuning;
      List<String> started = new ArrayList<>();
      List<String> updated = new ArrayList<>();
      List<String> rebound = new ArrayList<>();
      List<String> stopped = new ArrayList<>();
      Map<String, Kinds.EventGroup> byName = new LinkedHashMap<>();
      hosted.forEach(g -> byName.put(g.name(), g));
      for (String name : groups()) {
        if (!byName.containsKey(name)) {
          GroupHost h = groups.remove(name);
          h.stop();
          stopped.add(name);
        }
      }
      for (Kinds.EventGroup g : hosted) {
        GroupHost h = groups.get(g.name());
        GroupKeys k = keys.get(g.name());
        if (h == null) {
          try {
            startGroup(g, k, config);
          } catch (RuntimeException e) {
            groups.remove(g.name());
            options = previous;
            tuning = oldTuning;
            throw e;
          }
          groups.get(g.name()).schedule();
          started.add(g.name());
          continue;
        }
        h.nodeName = g.nodeName();
        h.retention = retentionOf(g);
        primeMetrics(g, config);
        h.outbox.update(outboxSettings(g, k, config));
        InetSocketAddress want = listenAddress(g);
        ReceiverSettings rs = h.receiverSettings(g, k);
        if (!Objects.equals(want, h.bindAddress)) {
          if (h.receiver != null) {
            h.receiver.close(options.shutdownGrace());
            h.receiver = null;
            h.bindAddress = null;
          }
          if (want != null) {
            h.bind(want, rs);
          }
          rebound.add(g.name());
        } else if (h.receiverState != null) {
          h.receiverState.update(rs);
        }
        if (!oldTuning.equals(nextTuning)) {
          h.unschedule();
          h.schedule();
        }
        updated.add(g.name());
      }
      for (EventdExtension ext : extensions) {
        ext.onConfigReloaded(config);
      }
      return new ReloadResult(started, updated, rebound, stopped);
    }
  }

  private GroupHost host(String group) {
    GroupHost h = groups.get(group);
    if (h == null) {
      throw new IllegalArgumentException("group \"" + group + "\" is not hosted by this node (hosted: "
          + String.join(", ", groups()) + ")");
    }
    return h;
  }

  private void ensureOpen() {
    if (closed) {
      throw new IllegalStateException("eventd runtime is closed");
    }
  }

  /**
   * Shuts down gracefully: receivers stop accepting and answer requests in flight, pushes get the
   * grace period (cut-short pairs stay pending and resume on the next start), extensions close,
   * queued writes commit, then the store closes. Idempotent.
   */
  @Override
  public void close() {
    synchronized (lifecycle) {
      if (closed) {
        return;
      }
      closed = true;
    }
    List<GroupHost> hosts;
    synchronized (groups) {
      hosts = List.copyOf(groups.values());
    }
    for (GroupHost h : hosts) {
      h.unschedule();
    }
    for (GroupHost h : hosts) {
      try {
        h.stop();
      } catch (RuntimeException e) {
        LOG.warn("eventd: stopping group {}: {}", h.group, e.toString());
      }
    }
    client.close();
    if (admin != null) {
      admin.close();
    }
    List<EventdExtension> rev = new ArrayList<>(extensions);
    Collections.reverse(rev);
    for (EventdExtension ext : rev) {
      try {
        ext.close();
      } catch (RuntimeException e) {
        LOG.warn("eventd: closing extension {}: {}", ext.name(), e.toString());
      }
    }
    writer.close();
    LOG.info("eventd: store writer committed {} writes in {} batches", writer.writes(), writer.batches());
    scheduler.shutdownNow();
    worker.shutdown();
    try {
      worker.awaitTermination(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    scanStore.close();
    store.close();
    if (ownsTelemetry) {
      telemetry.close();
    }
    loops.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    worker.shutdownNow();
  }
}
