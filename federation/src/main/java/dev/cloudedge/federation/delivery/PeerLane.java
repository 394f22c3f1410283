package dev.cloudedge.federation.delivery;

import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * Bounds the deliveries in flight to one peer. Each peer has its own lane, so a slow or dead peer
 * fills only its own window and never delays another peer's pushes.
 */
final class PeerLane {
  private final int maxInFlight;
  private final ArrayDeque<Runnable> waiting = new ArrayDeque<>();
  private int running;

  PeerLane(int maxInFlight) {
    this.maxInFlight = Math.max(1, maxInFlight);
  }

  /** Runs {@code task} when the lane has room; the result completes with the task's. */
  <T> CompletableFuture<T> submit(Supplier<CompletableFuture<T>> task) {
    CompletableFuture<T> result = new CompletableFuture<>();
    Runnable start = () -> {
      CompletableFuture<T> f;
      try {
        f = task.get();
      } catch (RuntimeException e) {
        f = CompletableFuture.failedFuture(e);
      }
      f.whenComplete((v, e) -> {
        release();
        if (e != null) {
          result.completeExceptionally(e);
        } else {
          result.complete(v);
        }
      });
    };
    boolean now;
    synchronized (this) {
      now = running < maxInFlight;
      if (now) {
        running++;
      } else {
        waiting.add(start);
      }
    }
    if (now) {
      start.run();
    }
    return result;
  }

  private void release() {
    Runnable next;
    synchronized (this) {
      next = waiting.poll();
      if (next == null) {
        running--;
      }
    }
    if (next != null) {
      next.run();
    }
  }
}
