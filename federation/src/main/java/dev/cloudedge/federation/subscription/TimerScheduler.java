package dev.cloudedge.federation.subscription;

import java.time.Duration;

/**
 * Arms one-shot timers for batch windows. The runtime's implementation runs tasks on its worker
 * thread; tests inject one driven by a manual clock, so timer behaviour is tested without sleeps.
 */
@FunctionalInterface
public interface TimerScheduler {
  /** A timer that can be disarmed; cancelling a fired or cancelled timer does nothing. */
  @FunctionalInterface
  interface Timer {
    void cancel();
  }

  /** Runs {@code task} once after {@code delay} (zero means as soon as possible). */
  Timer schedule(Duration delay, Runnable task);
}
