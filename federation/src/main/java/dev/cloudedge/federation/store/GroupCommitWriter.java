package dev.cloudedge.federation.store;

import dev.cloudedge.federation.event.FederationEvent;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Group commit for the state store: one writer thread drains every write that callers submitted
 * concurrently (received events, locally emitted events, delivery-state updates) and commits them
 * together, so each batch costs one fsync under {@code synchronous=FULL} instead of one per request.
 * A caller's future completes only after its write is durable, so an HTTP 200 still means "on
 * disk".
 *
 * <p>Per batch, events are recorded first ({@link FederationStore#recordEvents}), then journal
 * operations run, all in one transaction. If a batch fails, its writes are retried one
 * by one so a single bad write cannot fail its neighbours.
 */
public final class GroupCommitWriter implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(GroupCommitWriter.class);
  private static final int MAX_BATCH = 1024;

  /** A delivery-state (or other small) update that runs inside the writer's transaction. */
  @FunctionalInterface
  public interface JournalOp {
    void apply(FederationStore store);
  }

  private record Write(FederationEvent event, List<JournalOp> ops, CompletableFuture<Boolean> done) {}

  private final FederationStore store;
  private final Clock clock;
  private final Consumer<List<FederationEvent>> onStored;
  private final BlockingQueue<Write> queue = new LinkedBlockingQueue<>();
  private final Thread thread;
  private volatile boolean closing;
  private final java.util.concurrent.atomic.AtomicLong batches = new java.util.concurrent.atomic.AtomicLong();
  private final java.util.concurrent.atomic.AtomicLong writes = new java.util.concurrent.atomic.AtomicLong();

  /**
   * Starts the writer thread.
   *
   * @param onStored called on the writer thread with the events of each durable batch (never empty)
   */
  public GroupCommitWriter(FederationStore store, Clock clock, Consumer<List<FederationEvent>> onStored) {
    this.store = Objects.requireNonNull(store, "store");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.onStored = Objects.requireNonNull(onStored, "onStored");
    this.thread = new Thread(this::run, "store-writer-" + store.path().getFileName());
    thread.setDaemon(true);
    thread.start();
  }

  /**
   * Records an event (validated by the caller) and then runs {@code ops} in the same batch.
   *
   * @return completes with whether the id already existed in its group, once durable
   */
  public CompletableFuture<Boolean> record(FederationEvent event, List<JournalOp> ops) {
    return submit(new Write(Objects.requireNonNull(event, "event"), List.copyOf(ops), new CompletableFuture<>()));
  }

  /** Records an event; see {@link #record(FederationEvent, List)}. */
  public CompletableFuture<Boolean> record(FederationEvent event) {
    return record(event, List.of());
  }

  /** Runs {@code op} in the next batch's transaction; completes once committed. */
  public CompletableFuture<Void> journal(JournalOp op) {
    return submit(new Write(null, List.of(Objects.requireNonNull(op, "op")), new CompletableFuture<>()))
        .thenApply(x -> null);
  }

  private CompletableFuture<Boolean> submit(Write w) {
    if (closing) {
      w.done.completeExceptionally(new StoreException("state store " + store.path() + " is closing", null));
      return w.done;
    }
    queue.add(w);
    return w.done;
  }

  private void run() {
    List<Write> batch = new ArrayList<>(MAX_BATCH);
    while (true) {
      try {
        Write first = queue.poll(100, TimeUnit.MILLISECONDS);
        if (first == null) {
          if (closing && queue.isEmpty()) {
            return;
          }
          continue;
        }
        batch.add(first);
        queue.drainTo(batch, MAX_BATCH - 1);
        batches.incrementAndGet();
        writes.addAndGet(batch.size());
        commit(batch);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        failAll(new StoreException("state store writer interrupted", e));
        return;
      } catch (RuntimeException e) {
        LOG.error("store writer: unexpected failure: {}", e.toString());
      } finally {
        batch.clear();
      }
    }
  }

  private void commit(List<Write> batch) {
    try {
      List<Boolean> dup = apply(batch);
      complete(batch, dup);
    } catch (RuntimeException e) {
      if (batch.size() == 1) {
        batch.get(0).done.completeExceptionally(e);
        return;
      }
      // Isolate the failing write so its neighbours still commit.
      for (Write w : batch) {
        try {
          complete(List.of(w), apply(List.of(w)));
        } catch (RuntimeException single) {
          w.done.completeExceptionally(single);
        }
      }
    }
  }

  private List<Boolean> apply(List<Write> batch) {
    List<FederationEvent> events = new ArrayList<>();
    boolean hasOps = false;
    for (Write w : batch) {
      if (w.event != null) {
        events.add(w.event);
      }
      hasOps |= !w.ops.isEmpty();
    }
    if (!hasOps) {
      return events.isEmpty() ? List.of() : store.recordEvents(events, clock.instant());
    }
    // One transaction, one fsync, for the whole batch.
    List<Boolean> dup = store.inTransaction(c -> {
      List<Boolean> d = events.isEmpty() ? List.of() : store.recordEvents(events, clock.instant());
      for (Write w : batch) {
        for (JournalOp op : w.ops) {
          op.apply(store);
        }
      }
      return d;
    });
    return dup;
  }

  private void complete(List<Write> batch, List<Boolean> dup) {
    List<FederationEvent> stored = new ArrayList<>();
    int i = 0;
    for (Write w : batch) {
      if (w.event != null) {
        stored.add(w.event);
        w.done.complete(dup.get(i++));
      } else {
        w.done.complete(Boolean.FALSE);
      }
    }
    if (!stored.isEmpty()) {
      try {
        onStored.accept(stored);
      } catch (RuntimeException e) {
        LOG.warn("store writer: stored-events listener failed: {}", e.toString());
      }
    }
  }

  private void failAll(RuntimeException e) {
    Write w;
    while ((w = queue.poll()) != null) {
      w.done.completeExceptionally(e);
    }
  }

  /** Batches committed so far. */
  public long batches() {
    return batches.get();
  }

  /** Writes committed so far (their average per batch shows how well group commit works). */
  public long writes() {
    return writes.get();
  }

  /** Stops accepting writes, commits what is queued, and waits for the writer thread. */
  @Override
  public void close() {
    closing = true;
    try {
      thread.join(TimeUnit.SECONDS.toMillis(30));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    failAll(new StoreException("state store " + store.path() + " closed", null));
  }
}
