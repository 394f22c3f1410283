package dev.cloudedge.activities.node;

import io.temporal.activity.Activity;
import io.temporal.activity.ActivityExecutionContext;
import io.temporal.client.ActivityCompletionException;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs a blocking step of an activity while the activity heartbeats every second, so a worker that
 * dies mid-step is noticed within the activity's heartbeat timeout instead of its start-to-close
 * timeout, and a cancel (delivered in a heartbeat's answer) stops the wait.
 *
 * <p>Outside an activity (a plain call, e.g. from a unit test of the implementation) the step just
 * runs.
 */
public final class Heartbeating {
  /** How often the activity heartbeats while its step runs (the SDK throttles what it sends). */
  static final Duration EVERY = Duration.ofSeconds(1);

  private static final ExecutorService STEPS = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "activity-step");
    t.setDaemon(true);
    return t;
  });

  /** What a cancel does to a step that is still running. */
  public enum OnCancel {
    /** Interrupt it and stop at once: the step is safe to abandon (a probe). */
    INTERRUPT,
    /** Let it finish, then stop: abandoning it half-way would leave the node worse (a restart). */
    FINISH_STEP
  }

  private Heartbeating() {}

  /**
   * Runs {@code step}, heartbeating {@code what} while it runs.
   *
   * @throws ActivityCompletionException when the activity was cancelled, timed out or its workflow
   *     closed meanwhile (the SDK reports the activity as cancelled then)
   */
  public static <T> T run(String what, OnCancel onCancel, Callable<T> step) throws Exception {
    Objects.requireNonNull(step, "step");
    ActivityExecutionContext ctx;
    try {
      ctx = Activity.getExecutionContext();
    } catch (IllegalStateException notInAnActivity) {
      return step.call();
    }
    Future<T> f = STEPS.submit(step);
    while (true) {
      try {
        return f.get(EVERY.toMillis(), TimeUnit.MILLISECONDS);
      } catch (TimeoutException stillRunning) {
        try {
          ctx.heartbeat(what);
        } catch (ActivityCompletionException stop) {
          if (onCancel == OnCancel.INTERRUPT) {
            f.cancel(true);
          } else {
            try {
              f.get();
            } catch (ExecutionException ignored) {
              // The activity is ending anyway; the cancel is what it reports.
            }
          }
          throw stop;
        }
      } catch (ExecutionException e) {
        Throwable c = e.getCause();
        if (c instanceof Exception ex) {
          throw ex;
        }
        throw (Error) c;
      } catch (InterruptedException e) {
        f.cancel(true);
        Thread.currentThread().interrupt();
        throw e;
      }
    }
  }
}
