package dev.cloudedge.federation.transport;

import dev.cloudedge.federation.metrics.EventdMetrics;
import java.time.Clock;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;

/**
 * The state one receiver's handlers share: settings, the in-memory {@code /v1/status} counters
 * (per process, never persisted, as routerd's), metrics, the clock, where events go, and the
 * executor for blocking reads.
 */
public final class ReceiverState {
  private final AtomicReference<ReceiverSettings> settings;
  private final EventSink sink;
  private final LongSupplier storedEvents;
  private final Executor blocking;
  private final EventdMetrics metrics;
  private final Clock clock;
  final AtomicLong received = new AtomicLong();
  final AtomicLong duplicate = new AtomicLong();
  final AtomicLong rejected = new AtomicLong();
  final AtomicLong inFlight = new AtomicLong();
  private final long bodyBudget;
  private final AtomicLong bodyBytes = new AtomicLong();

  /**
   * Bytes of request bodies the receiver holds while they arrive, across all connections: half of
   * the heap the JVM may use, between 4 MiB and 256 MiB (32 MiB with eventd's shipped 64 MiB
   * heap). A request whose body would not fit is answered 503 before its body is read.
   */
  public static long defaultBodyBudget() {
    return Math.max(4L << 20, Math.min(256L << 20, Runtime.getRuntime().maxMemory() / 2));
  }

  /**
   * @param storedEvents counts the group's stored rows (blocking; run on {@code blocking})
   * @param blocking runs blocking store reads off the event loop
   */
  public ReceiverState(ReceiverSettings settings, EventSink sink, LongSupplier storedEvents, Executor blocking,
      EventdMetrics metrics, Clock clock) {
    this(settings, sink, storedEvents, blocking, metrics, clock, defaultBodyBudget());
  }

  /** With an explicit body budget in bytes (see {@link #defaultBodyBudget()}). */
  public ReceiverState(ReceiverSettings settings, EventSink sink, LongSupplier storedEvents, Executor blocking,
      EventdMetrics metrics, Clock clock, long bodyBudget) {
    if (bodyBudget < 1) {
      throw new IllegalArgumentException("bodyBudget must be positive, got " + bodyBudget);
    }
    this.bodyBudget = bodyBudget;
    this.settings = new AtomicReference<>(Objects.requireNonNull(settings, "settings"));
    this.sink = Objects.requireNonNull(sink, "sink");
    this.storedEvents = Objects.requireNonNull(storedEvents, "storedEvents");
    this.blocking = Objects.requireNonNull(blocking, "blocking");
    this.metrics = Objects.requireNonNull(metrics, "metrics");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  public ReceiverSettings settings() {
    return settings.get();
  }

  /** Replaces the settings for requests that start from now on. */
  public void update(ReceiverSettings next) {
    settings.set(Objects.requireNonNull(next, "next"));
  }

  EventSink sink() {
    return sink;
  }

  LongSupplier storedEvents() {
    return storedEvents;
  }

  Executor blocking() {
    return blocking;
  }

  EventdMetrics metrics() {
    return metrics;
  }

  Clock clock() {
    return clock;
  }

  /** Events newly accepted since start. */
  public long received() {
    return received.get();
  }

  /** Duplicate events since start. */
  public long duplicates() {
    return duplicate.get();
  }

  /** Rejected requests since start (405s not counted). */
  public long rejected() {
    return rejected.get();
  }

  /** Requests whose store write has not been answered yet. */
  public long inFlight() {
    return inFlight.get();
  }

  /** Reserves {@code bytes} of the body budget; false (nothing reserved) when they do not fit. */
  boolean reserveBody(long bytes) {
    while (true) {
      long used = bodyBytes.get();
      if (used + bytes > bodyBudget) {
        return false;
      }
      if (bodyBytes.compareAndSet(used, used + bytes)) {
        return true;
      }
    }
  }

  /** Returns bytes reserved with {@link #reserveBody}. */
  void releaseBody(long bytes) {
    bodyBytes.addAndGet(-bytes);
  }

  /** Body bytes reserved now (tests). */
  long bodyBytesReserved() {
    return bodyBytes.get();
  }

  void reject(String reason) {
    rejected.incrementAndGet();
    metrics.rejected(settings().group(), reason);
  }
}
