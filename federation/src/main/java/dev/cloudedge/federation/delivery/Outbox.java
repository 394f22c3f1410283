package dev.cloudedge.federation.delivery;

import dev.cloudedge.federation.config.Kinds;
import dev.cloudedge.federation.event.EventCodec;
import dev.cloudedge.federation.event.FederationEvent;
import dev.cloudedge.federation.metrics.EventdMetrics;
import dev.cloudedge.federation.security.GroupKeys;
import dev.cloudedge.federation.store.DeliveryRecord;
import dev.cloudedge.federation.store.EventRecord;
import dev.cloudedge.federation.store.FederationStore;
import dev.cloudedge.federation.store.GroupCommitWriter;
import dev.cloudedge.federation.transport.PushClient;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One hosted EventGroup's push driver (reference §3.4–3.7) with CloudEdge's improvements.
 *
 * <p>A pass lists the group's non-expired events, keeps only those this node emitted (the
 * {@code sourceNode} loop guard), works out per event which matching peers still need it (a
 * {@code delivered} row whose stored expiry is older than the event's counts as stale and is
 * re-pushed), enqueues their rows, and pushes. Improvements over routerd: {@link #pushNow} sends a
 * locally recorded event at once instead of waiting for the tick; every peer has its own
 * {@link PeerLane}, so peers are served concurrently and one dead peer stalls no other; a pair that
 * failed a pass waits an exponentially growing, jittered, capped time before the next pass tries it
 * again ({@code failures} / {@code next_attempt_at_ms}); passes of one group never overlap.
 */
public final class Outbox implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Outbox.class);

  /** Default bound on concurrent pushes to one peer. */
  public static final int DEFAULT_MAX_IN_FLIGHT_PER_PEER = 256;

  /** Events a pass plans, enqueues and starts pushing at a time. */
  private static final int PASS_CHUNK = 500;

  /** A full scan at least this often, behind the incremental passes (a rowid reused after a delete). */
  static final Duration FULL_SCAN_INTERVAL = Duration.ofMinutes(5);

  /**
   * Re-recorded rows are looked at again when their {@code recorded_at} is at most this much older
   * than the newest row the previous pass saw: writers stamp it when they write, not when they commit.
   */
  static final long RECORDED_SLACK_SECONDS = 2;

  /**
   * What the outbox pushes and how.
   *
   * @param group the EventGroup
   * @param nodeName this node's name; only events with this {@code sourceNode} are pushed
   * @param peers the group's EventPeers, in config order
   * @param retry attempts and backoff
   * @param keys the group's keys; the newest signs
   */
  public record Settings(String group, String nodeName, List<Kinds.EventPeer> peers, RetryPolicy retry, GroupKeys keys) {
    public Settings {
      Objects.requireNonNull(group, "group");
      Objects.requireNonNull(nodeName, "nodeName");
      peers = List.copyOf(peers);
      Objects.requireNonNull(retry, "retry");
      Objects.requireNonNull(keys, "keys");
    }
  }

  /**
   * Narrows a pass.
   *
   * @param peer only this peer's pairs (empty: every peer)
   * @param ignoreBackoff push failed pairs even when their across-pass backoff has not elapsed
   */
  public record PassOptions(String peer, boolean ignoreBackoff) {
    /** Every peer, backoff honoured: what the tick runs. */
    public static final PassOptions ALL = new PassOptions("", false);

    public PassOptions {
      peer = peer == null ? "" : peer;
    }
  }

  private record Job(FederationEvent event, byte[] body, Kinds.EventPeer peer, int failures) {
    String key() {
      return event.id() + '\u0000' + peer.nodeName();
    }
  }

  private static final class Tally {
    int considered;
    int backedOff;
    int stale;
  }

  private final AtomicReference<Settings> settings;
  private final FederationStore store;
  private final GroupCommitWriter writer;
  private final PushClient client;
  private final EventdMetrics metrics;
  private final Clock clock;
  private final ScheduledExecutorService scheduler;
  private final Executor worker;
  private final DeliveryListener listener;
  private final int maxInFlightPerPeer;
  private final ReentrantLock passLock = new ReentrantLock();
  private final Set<String> inFlight = ConcurrentHashMap.newKeySet();
  private final ConcurrentHashMap<String, PeerLane> lanes = new ConcurrentHashMap<>();
  private final AtomicInteger active = new AtomicInteger();
  private final java.util.concurrent.atomic.AtomicBoolean passRequested = new java.util.concurrent.atomic.AtomicBoolean();
  private final java.util.concurrent.ConcurrentLinkedQueue<Mark> pendingMarks =
      new java.util.concurrent.ConcurrentLinkedQueue<>();
  private final java.util.concurrent.atomic.AtomicBoolean markScheduled =
      new java.util.concurrent.atomic.AtomicBoolean();
  private volatile boolean closed;
  /** Where the previous pass left off; null: the next pass scans every event. Under the pass lock. */
  private FederationStore.ScanMark scanMark;
  private long lastFullScanNanos;
  /** Set when the next pass must scan every event (start, config change, error). */
  private final java.util.concurrent.atomic.AtomicBoolean fullScanDue = new java.util.concurrent.atomic.AtomicBoolean(true);

  /**
   * @param store read only (scans and delivery rows); every write goes through {@code writer}
   * @param scheduler runs the in-pass backoff sleeps (never blocks)
   * @param worker runs continuations that may touch the store
   */
  public Outbox(Settings settings, FederationStore store, GroupCommitWriter writer, PushClient client,
      EventdMetrics metrics, Clock clock, ScheduledExecutorService scheduler, Executor worker,
      DeliveryListener listener, int maxInFlightPerPeer) {
    this.settings = new AtomicReference<>(Objects.requireNonNull(settings, "settings"));
    this.store = Objects.requireNonNull(store, "store");
    this.writer = Objects.requireNonNull(writer, "writer");
    this.client = Objects.requireNonNull(client, "client");
    this.metrics = Objects.requireNonNull(metrics, "metrics");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
    this.worker = Objects.requireNonNull(worker, "worker");
    this.listener = listener == null ? DeliveryListener.NONE : listener;
    this.maxInFlightPerPeer = maxInFlightPerPeer;
  }

  /** The current settings. */
  public Settings settings() {
    return settings.get();
  }

  /** Applies new settings (peers, endpoints, retry, keys) to passes and pushes that start from now on. */
  public void update(Settings next) {
    settings.set(Objects.requireNonNull(next, "next"));
    // Peers or their filters may have changed: events delivered to nobody new may now be due.
    fullScanDue.set(true);
  }

  /**
   * The delivery rows to create in the same batch that records a local event, so a crash after the
   * record leaves visible {@code pending} rows that the next pass resumes.
   */
  public List<GroupCommitWriter.JournalOp> enqueueOps(FederationEvent ev) {
    Settings s = settings.get();
    if (!s.nodeName().equals(ev.sourceNode()) || !s.group().equals(ev.group())) {
      return List.of();
    }
    List<GroupCommitWriter.JournalOp> ops = new ArrayList<>();
    for (Kinds.EventPeer p : s.peers()) {
      if (p.matches(ev.type(), ev.subject())) {
        String peer = p.nodeName();
        ops.add(st -> st.enqueueDelivery(ev.id(), peer));
      }
    }
    return ops;
  }

  /**
   * Pushes a just-recorded local event to its peers at once (the tick remains the safety net).
   *
   * @param duplicate whether the record hit an existing id (a TTL refresh re-pushes stale peers)
   * @return completes when every push of this event has an outcome
   */
  public CompletableFuture<Void> pushNow(FederationEvent ev, boolean duplicate) {
    java.util.function.Supplier<List<Job>> planner = () -> {
      Settings s = settings.get();
      Instant now = clock.instant();
      if (closed || !s.nodeName().equals(ev.sourceNode()) || !s.group().equals(ev.group()) || ev.isExpired(now)) {
        return List.<Job>of();
      }
      List<DeliveryRecord> rows = duplicate ? store.listDeliveries(ev.id(), "") : List.of();
      return plan(s, ev, rows, now, PassOptions.ALL, new Tally());
    };
    // A new id has no delivery rows to read, so it is planned on the caller's thread: one thread
    // hand-off less on the path every emitted event takes. A re-record reads its rows on the worker.
    CompletableFuture<List<Job>> planned = duplicate
        ? CompletableFuture.supplyAsync(planner, worker)
        : CompletableFuture.completedFuture(planner.get());
    return planned.thenCompose(jobs -> {
      List<CompletableFuture<Boolean>> fs = new ArrayList<>();
      for (Job j : jobs) {
        fs.add(dispatch(j));
      }
      return CompletableFuture.allOf(fs.toArray(CompletableFuture[]::new));
    });
  }

  /**
   * Asks for a pass because new local events may be in the store (another process committed to
   * it): runs one now, or, when a pass is already running, once more right after it, so events
   * committed while a pass ran never wait for the next tick. Returns without waiting when another
   * thread will run the pass.
   */
  public void requestPass() {
    // Set before trying the lock, checked again after releasing it: a request that loses the race
    // for the lock is always picked up by the thread that holds it.
    passRequested.set(true);
    while (!closed && passRequested.get() && passLock.tryLock()) {
      try {
        if (passRequested.getAndSet(false)) {
          doPass(PassOptions.ALL);
        }
      } finally {
        passLock.unlock();
      }
    }
  }

  /** Runs one pass over every peer and waits for it; waits for a running pass first. */
  public PassResult runPass() {
    return runPass(PassOptions.ALL);
  }

  /** Runs one (possibly narrowed) pass and waits for it; waits for a running pass first. */
  public PassResult runPass(PassOptions options) {
    passLock.lock();
    try {
      return doPass(options);
    } finally {
      passLock.unlock();
    }
  }

  /** The tick: runs a pass unless one is running (then the tick is dropped, as routerd drops it). */
  public void tick() {
    if (closed || !passLock.tryLock()) {
      return;
    }
    try {
      doPass(PassOptions.ALL);
    } finally {
      passLock.unlock();
    }
  }

  private PassResult doPass(PassOptions options) {
    Instant start = clock.instant();
    Settings s = settings.get();
    Tally tally = new Tally();
    int pushed = 0;
    int delivered = 0;
    int failed = 0;
    String error = "";
    List<CompletableFuture<Boolean>> outcomes = new ArrayList<>();
    try {
      List<FederationStore.PeerFilter> peerNames = new ArrayList<>();
      for (Kinds.EventPeer p : s.peers()) {
        if (options.peer().isEmpty() || options.peer().equals(p.nodeName())) {
          peerNames.add(new FederationStore.PeerFilter(p.nodeName(), p.spec().types(), p.spec().subjectPrefixes()));
        }
      }
      // Only local, live events that some configured peer still lacks (the loop guard and the
      // expiry filter are in the query). A pass reads only what was written since the previous
      // one and the pairs pending or failed, so its cost follows the new work, not the size of
      // the state file; a full scan runs at start, after a config change or an error, for a
      // narrowed or backoff-ignoring pass, and every FULL_SCAN_INTERVAL.
      // fullScanDue starts true, so the first pass (no mark yet) is a full one.
      boolean due = fullScanDue.getAndSet(false);
      boolean full = due || !options.peer().isEmpty() || options.ignoreBackoff()
          || System.nanoTime() - lastFullScanNanos > FULL_SCAN_INTERVAL.toNanos();
      FederationStore.ScanMark next = store.scanMark(RECORDED_SLACK_SECONDS);
      List<EventRecord> events = store.listUndeliveredLocalEvents(s.group(), s.nodeName(), peerNames,
          start.getEpochSecond(), full ? null : scanMark);
      if (full) {
        lastFullScanNanos = System.nanoTime();
      }
      scanMark = next;
      List<FederationEvent> live = new ArrayList<>(events.size());
      for (EventRecord rec : events) {
        if (!rec.event().isExpired(start)) {
          live.add(rec.event());
        }
      }
      tally.considered = live.size();
      // Planned, enqueued and pushed a chunk at a time: the first pushes of a big pass start after
      // one chunk is planned, not after all of it, and planning goes on while they run.
      for (int from = 0; from < live.size(); from += PASS_CHUNK) {
        List<FederationEvent> part = live.subList(from, Math.min(live.size(), from + PASS_CHUNK));
        List<String> ids = new ArrayList<>(part.size());
        for (FederationEvent ev : part) {
          ids.add(ev.id());
        }
        Map<String, List<DeliveryRecord>> rows = store.listDeliveriesOf(ids);
        List<Job> jobs = new ArrayList<>();
        try {
          for (FederationEvent ev : part) {
            jobs.addAll(plan(s, ev, rows.getOrDefault(ev.id(), List.of()), start, options, tally));
          }
        } catch (RuntimeException e) {
          for (Job j : jobs) {
            inFlight.remove(j.key());
          }
          throw e;
        }
        pushed += jobs.size();
        outcomes.addAll(enqueueThenDispatch(jobs));
      }
    } catch (RuntimeException e) {
      error = e.getMessage() == null ? e.toString() : e.getMessage();
    }
    for (CompletableFuture<Boolean> f : outcomes) {
      try {
        if (f.join()) {
          delivered++;
        } else {
          failed++;
        }
      } catch (CompletionException e) {
        Throwable c = cause(e);
        if (c instanceof EnqueueFailed) {
          // Never sent: counted as pushed only when its pending row was committed, as before.
          pushed--;
        }
        if (error.isEmpty()) {
          error = c instanceof EnqueueFailed ? c.getMessage() : "update delivery state: " + c.getMessage();
        }
      }
    }
    double seconds = Duration.between(start, clock.instant()).toNanos() / 1e9;
    metrics.outboxTick(s.group(), seconds, !error.isEmpty());
    if (!error.isEmpty()) {
      // A pair whose pending row was never written is found again only by a full scan.
      fullScanDue.set(true);
      LOG.warn("eventd: outbox error: group={}: {}", s.group(), error);
    }
    return new PassResult(s.group(), tally.considered, pushed, delivered, failed, tally.backedOff, tally.stale, error);
  }

  /** An enqueue transaction failed; its pairs were not pushed. */
  private static final class EnqueueFailed extends RuntimeException {
    EnqueueFailed(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /**
   * Commits the jobs' {@code pending} rows in one write, then pushes them (each push still follows
   * its row's commit, so a crash leaves visible pending rows). Never throws; a failed enqueue
   * releases the pairs' claims and fails their outcomes with {@link EnqueueFailed}.
   */
  private List<CompletableFuture<Boolean>> enqueueThenDispatch(List<Job> jobs) {
    if (jobs.isEmpty()) {
      return List.of();
    }
    List<CompletableFuture<Boolean>> outs = new ArrayList<>(jobs.size());
    for (int i = 0; i < jobs.size(); i++) {
      outs.add(new CompletableFuture<>());
    }
    CompletableFuture<Void> enqueued;
    try {
      enqueued = writer.journal(st -> {
        for (Job j : jobs) {
          st.enqueueDelivery(j.event().id(), j.peer().nodeName());
        }
      });
    } catch (RuntimeException e) {
      enqueued = CompletableFuture.failedFuture(e);
    }
    // Dispatch on the worker: the writer thread must go straight back to committing.
    enqueued.whenCompleteAsync((v, err) -> {
      for (int i = 0; i < jobs.size(); i++) {
        Job j = jobs.get(i);
        CompletableFuture<Boolean> out = outs.get(i);
        if (err != null) {
          inFlight.remove(j.key());
          out.completeExceptionally(new EnqueueFailed("enqueue delivery " + j.event().id() + " -> "
              + j.peer().nodeName() + ": " + cause(err).getMessage(), cause(err)));
          continue;
        }
        dispatch(j).whenComplete((ok, e) -> {
          if (e != null) {
            out.completeExceptionally(e);
          } else {
            out.complete(ok);
          }
        });
      }
    }, worker).exceptionally(rejected -> {
      // The worker refused the continuation (shutting down): nothing was pushed.
      for (int i = 0; i < jobs.size(); i++) {
        if (outs.get(i).completeExceptionally(rejected)) {
          inFlight.remove(jobs.get(i).key());
        }
      }
      return null;
    });
    return outs;
  }

  private static Throwable cause(Throwable t) {
    Throwable c = t;
    while (c instanceof CompletionException && c.getCause() != null) {
      c = c.getCause();
    }
    return c;
  }

  /** Which peers of {@code ev} need a push now; claims the chosen pairs in {@link #inFlight}. */
  private List<Job> plan(Settings s, FederationEvent ev, List<DeliveryRecord> rows, Instant now, PassOptions options,
      Tally tally) {
    Set<String> delivered = new HashSet<>();
    Map<String, DeliveryRecord> byPeer = new HashMap<>();
    for (DeliveryRecord r : rows) {
      byPeer.put(r.peer(), r);
      if (!DeliveryRecord.DELIVERED.equals(r.status())) {
        continue;
      }
      boolean stale = ev.expiresAt() != null
          && (r.eventExpiresAt() == null || r.eventExpiresAt().isBefore(ev.expiresAt()));
      if (stale) {
        metrics.staleTtlDetected(ev.group(), r.peer(), ev.type());
        tally.stale++;
      } else {
        delivered.add(r.peer());
      }
    }
    List<Job> jobs = new ArrayList<>();
    byte[] body = null;
    for (Kinds.EventPeer p : s.peers()) {
      String peer = p.nodeName();
      if (!p.matches(ev.type(), ev.subject()) || delivered.contains(peer)
          || (!options.peer().isEmpty() && !options.peer().equals(peer))) {
        continue;
      }
      DeliveryRecord row = byPeer.get(peer);
      if (row != null && DeliveryRecord.FAILED.equals(row.status()) && !options.ignoreBackoff()
          && row.nextAttemptAt() != null && row.nextAttemptAt().isAfter(now)) {
        tally.backedOff++;
        continue;
      }
      if (body == null) {
        // Marshalled once per (event, pass) and reused for every peer and attempt, as routerd does.
        body = EventCodec.encode(ev);
      }
      Job j = new Job(ev, body, p, row == null ? 0 : row.failures());
      if (inFlight.add(j.key())) {
        jobs.add(j);
      }
    }
    return jobs;
  }

  private CompletableFuture<Boolean> dispatch(Job job) {
    active.incrementAndGet();
    PeerLane lane = lanes.computeIfAbsent(job.peer().nodeName(), k -> new PeerLane(maxInFlightPerPeer));
    CompletableFuture<Boolean> done = new CompletableFuture<>();
    // The lane slot is held only while HTTP attempts run; recording the outcome happens after the
    // slot is freed, so the peer window is not idle while the state store commits.
    lane.submit(() -> {
      CompletableFuture<Void> httpDone = new CompletableFuture<>();
      attempt(job, 1, "", httpDone, done);
      return httpDone;
    });
    done.whenComplete((v, e) -> active.decrementAndGet());
    return done;
  }

  private void attempt(Job job, int n, String lastError, CompletableFuture<Void> httpDone,
      CompletableFuture<Boolean> done) {
    if (closed) {
      httpDone.complete(null);
      finish(job, n - 1, false, lastError.isEmpty() ? "context canceled" : lastError, done);
      return;
    }
    Settings s = settings.get();
    client.push(job.peer().endpoint(), job.body(), s.keys().signing()).whenComplete((res, err) -> {
      if (err == null && res.ok()) {
        httpDone.complete(null);
        finish(job, n, true, "", done);
        return;
      }
      String text = err != null ? String.valueOf(err.getMessage()) : res.error();
      if (n >= s.retry().maxAttempts()) {
        httpDone.complete(null);
        finish(job, n, false, text, done);
        return;
      }
      try {
        scheduler.schedule(() -> attempt(job, n + 1, text, httpDone, done), s.retry().inPassBackoff(n).toMillis(),
            TimeUnit.MILLISECONDS);
      } catch (RejectedExecutionException e) {
        httpDone.complete(null);
        finish(job, n, false, text, done);
      }
    });
  }

  /** A push's outcome waiting to be recorded. */
  private record Mark(Job job, int attempts, boolean ok, String error, Instant at, CompletableFuture<Boolean> done) {}

  /** The marks one journal write records; taken from the queue once, even if the writer re-runs it. */
  private static final class MarkBatch {
    final List<Mark> marks = new ArrayList<>();
    boolean taken;
  }

  private void finish(Job job, int attempts, boolean ok, String error, CompletableFuture<Boolean> done) {
    pendingMarks.add(new Mark(job, attempts, ok, error, clock.instant(), done));
    // One journal write at a time records every outcome that arrived meanwhile: one prepared
    // statement and one hand-off to the worker per group of completions, not per push.
    if (markScheduled.compareAndSet(false, true)) {
      recordMarks();
    }
  }

  private void takeMarks(MarkBatch batch) {
    if (batch.taken) {
      return;
    }
    batch.taken = true;
    // Cleared before draining: an outcome queued from here on schedules the next write itself.
    markScheduled.set(false);
    Mark m;
    while ((m = pendingMarks.poll()) != null) {
      batch.marks.add(m);
    }
  }

  private void recordMarks() {
    MarkBatch batch = new MarkBatch();
    Settings s = settings.get();
    CompletableFuture<Void> write = writer.journal(st -> {
      takeMarks(batch);
      List<FederationStore.DeliveredMark> delivered = new ArrayList<>(batch.marks.size());
      for (Mark m : batch.marks) {
        FederationEvent ev = m.job().event();
        String peer = m.job().peer().nodeName();
        if (m.ok()) {
          delivered.add(new FederationStore.DeliveredMark(ev.id(), peer, m.attempts(), m.at(), ev.expiresAt(), m.at()));
        } else {
          Instant next = m.at().plus(s.retry().tickBackoff(m.job().failures() + 1));
          st.markFailed(ev.id(), peer, m.attempts(), m.error(), ev.expiresAt(), m.at(), next);
        }
      }
      st.markDeliveredAll(delivered);
    });
    // Continue on the worker: the writer thread must go straight back to committing.
    write.whenCompleteAsync((v, err) -> {
      synchronized (batch) {
        // A write refused before it ran (the writer is closing) took nothing yet.
        takeMarks(batch);
      }
      for (Mark m : batch.marks) {
        completeMark(m, err);
      }
    }, worker);
  }

  private void completeMark(Mark m, Throwable err) {
    FederationEvent ev = m.job().event();
    String peer = m.job().peer().nodeName();
    inFlight.remove(m.job().key());
    if (err != null) {
      m.done().completeExceptionally(cause(err));
      return;
    }
    metrics.deliveryResult(ev.group(), peer, ev.type(), m.ok() ? DeliveryRecord.DELIVERED : DeliveryRecord.FAILED,
        m.attempts());
    if (m.ok() && ev.observedAt() != null) {
      metrics.deliveryLag(ev.group(), peer, ev.type(), Duration.between(ev.observedAt(), m.at()).toNanos() / 1e9);
    }
    try {
      listener.onOutcome(ev, peer, m.ok(), m.attempts(), m.error(), m.at());
    } catch (RuntimeException e) {
      LOG.warn("eventd: delivery listener failed: {}", e.toString());
    }
    m.done().complete(m.ok());
  }

  /** Pushes still running (for shutdown and tests). */
  public int activeDeliveries() {
    return active.get();
  }

  /**
   * Stops new pushes and waits up to {@code grace} for running ones; pairs cut short stay
   * {@code pending} or {@code failed} in the store and are resumed by the next process.
   */
  public void close(Duration grace) {
    closed = true;
    long deadline = System.nanoTime() + grace.toNanos();
    while (active.get() > 0 && System.nanoTime() < deadline) {
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  @Override
  public void close() {
    close(Duration.ofSeconds(5));
  }
}
