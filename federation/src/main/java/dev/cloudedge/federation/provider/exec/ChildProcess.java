package dev.cloudedge.federation.provider.exec;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * Runs one child process from an argv (never through a shell) with exactly the given
 * environment, stdin bytes, a timeout that kills the process tree, and bounded capture of stdout
 * and stderr (excess is drained and flagged, so a chatty child cannot block or exhaust memory).
 */
public final class ChildProcess {
  /** routerd's stdout capture limit (4 MiB). */
  public static final int STDOUT_LIMIT = 4 << 20;
  /** routerd's stderr capture limit (64 KiB). */
  public static final int STDERR_LIMIT = 64 << 10;

  private ChildProcess() {}

  /**
   * What a run produced.
   *
   * @param exitCode the exit status, or -1 when killed by the timeout
   * @param stdout captured stdout (up to the limit)
   * @param stderr captured stderr (up to the limit)
   * @param stdoutExceeded stdout went past its limit
   * @param stderrExceeded stderr went past its limit
   * @param timedOut the timeout killed it
   * @param durationMs wall time
   */
  public record Result(int exitCode, byte[] stdout, byte[] stderr, boolean stdoutExceeded, boolean stderrExceeded,
      boolean timedOut, long durationMs) {
    /** stdout as UTF-8. */
    public String out() {
      return new String(stdout, java.nio.charset.StandardCharsets.UTF_8);
    }

    /** stderr as UTF-8. */
    public String err() {
      return new String(stderr, java.nio.charset.StandardCharsets.UTF_8);
    }
  }

  /**
   * Runs {@code argv} and waits for it.
   *
   * @param env the complete environment of the child (nothing is inherited)
   * @param tick called about once a second while waiting (heartbeats); may be {@code null}
   * @throws IOException when the process cannot be started
   * @throws InterruptedException when the caller is interrupted; the process tree is killed first
   * @throws RuntimeException what {@code tick} threw (a cancelled activity's heartbeat, say); the
   *     process tree is killed first
   */
  public static Result run(List<String> argv, Map<String, String> env, byte[] stdin, Duration timeout,
      int stdoutLimit, int stderrLimit, Runnable tick) throws IOException, InterruptedException {
    Objects.requireNonNull(argv, "argv");
    ProcessBuilder pb = new ProcessBuilder(argv);
    pb.environment().clear();
    pb.environment().putAll(env);
    long start = System.nanoTime();
    Process p = pb.start();
    Capture out = new Capture(p.getInputStream(), stdoutLimit);
    Capture err = new Capture(p.getErrorStream(), stderrLimit);
    Thread to = new Thread(() -> {
      try (OutputStream os = p.getOutputStream()) {
        if (stdin != null) {
          os.write(stdin);
        }
      } catch (IOException e) {
        // The child closed stdin early (it may not read it at all); its output decides the outcome.
      }
    }, "child-stdin");
    to.setDaemon(true);
    out.thread.start();
    err.thread.start();
    to.start();
    boolean timedOut = false;
    long deadline = start + timeout.toNanos();
    try {
      while (true) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          timedOut = p.isAlive();
          break;
        }
        if (p.waitFor(Math.min(left, TimeUnit.SECONDS.toNanos(1)), TimeUnit.NANOSECONDS)) {
          break;
        }
        if (tick != null) {
          tick.run();
        }
      }
    } catch (InterruptedException | RuntimeException e) {
      // Interrupted, or the tick said to stop (a cancelled activity's heartbeat throws): the child
      // must not outlive the call that started it: killed, and gone before the call returns.
      kill(p);
      awaitExit(p);
      throw e;
    }
    if (timedOut) {
      kill(p);
    }
    p.waitFor();
    out.thread.join(5000);
    err.thread.join(5000);
    to.join(1000);
    long ms = (System.nanoTime() - start) / 1_000_000;
    return new Result(timedOut ? -1 : p.exitValue(), out.bytes(), err.bytes(), out.exceeded, err.exceeded, timedOut,
        ms);
  }

  private static void kill(Process p) {
    dev.cloudedge.federation.process.ProcessTree.kill(p);
  }

  /**
   * Waits (5 s at most) for a killed child to be gone, even when this thread was interrupted (the
   * interrupt is kept): SIGKILL is asynchronous, and a caller told "cancelled" must not find the
   * executor still running.
   */
  private static void awaitExit(Process p) {
    boolean interrupted = Thread.interrupted();
    try {
      p.waitFor(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      interrupted = true;
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** Reads a stream to its end, keeping at most {@code limit} bytes. */
  private static final class Capture implements Runnable {
    private final InputStream in;
    private final int limit;
    private final ByteArrayOutputStream buf = new ByteArrayOutputStream();
    private volatile boolean exceeded;
    final Thread thread;

    Capture(InputStream in, int limit) {
      this.in = in;
      this.limit = limit;
      this.thread = new Thread(this, "child-capture");
      this.thread.setDaemon(true);
    }

    @Override
    public void run() {
      byte[] b = new byte[8192];
      try (in) {
        int n;
        while ((n = in.read(b)) >= 0) {
          synchronized (buf) {
            int room = limit - buf.size();
            if (room > 0) {
              buf.write(b, 0, Math.min(room, n));
            }
            if (n > room) {
              exceeded = true;
            }
          }
        }
      } catch (IOException e) {
        // Stream closed by the kill; what was captured is kept.
      }
    }

    byte[] bytes() {
      synchronized (buf) {
        return buf.toByteArray();
      }
    }
  }
}
