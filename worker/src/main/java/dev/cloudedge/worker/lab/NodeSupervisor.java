package dev.cloudedge.worker.lab;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Keeps one node worker process running, as systemd's {@code Restart=always} does: whenever the
 * process exits (a SIGKILL from the restart fault, a crash) a fresh one is started with the same
 * command, until {@link #close()}. Every PID it started is recorded.
 *
 * <p>The process's stdin is a pipe that this process never writes: the node worker runs with
 * {@code --exit-with-stdin}, so when this process dies, even by SIGKILL, the pipe closes and the
 * node exits on its own. Its output goes to a log file; the line {@code worker on ...} it prints once
 * it polls its task queue marks it ready.
 */
final class NodeSupervisor implements AutoCloseable {
  private static final int MAX_EARLY_EXITS = 3;
  private final String node;
  private final List<String> command;
  private final Map<String, String> env;
  private final Path log;
  private final Consumer<String> say;
  private final List<Long> pids = new ArrayList<>();
  private final Thread loop;
  private Process current;
  private boolean ready;
  private String failed;
  private volatile boolean closing;

  NodeSupervisor(String node, List<String> command, Map<String, String> env, Path log, Consumer<String> say) {
    this.node = node;
    this.command = List.copyOf(command);
    this.env = Map.copyOf(env);
    this.log = log;
    this.say = say;
    this.loop = new Thread(this::superviseForever, "supervise-" + node);
    this.loop.setDaemon(true);
  }

  void start() {
    loop.start();
  }

  /** Waits until the running process is ready. */
  synchronized void awaitReady(Duration within) throws IOException, InterruptedException {
    long until = System.nanoTime() + within.toNanos();
    while (!ready && failed == null) {
      long left = until - System.nanoTime();
      if (left <= 0) {
        throw new IOException("node " + node + " did not come up within " + within.toSeconds() + " s (log " + log + ")");
      }
      TimeUnit.NANOSECONDS.timedWait(this, left);
    }
    if (failed != null) {
      throw new IOException(failed);
    }
  }

  /** The PID of the process running now, or 0. */
  synchronized long pid() {
    return current == null || !current.isAlive() ? 0 : current.pid();
  }

  /** Every PID started so far, oldest first. */
  synchronized List<Long> pids() {
    return List.copyOf(pids);
  }

  private void superviseForever() {
    int earlyExits = 0;
    while (!closing) {
      Process p;
      try {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(false)
            .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()));
        pb.environment().keySet().removeIf(k -> k.startsWith("TEMPORAL_"));
        pb.environment().putAll(env);
        p = pb.start();
      } catch (IOException e) {
        fail("cannot start node " + node + ": " + e.getMessage());
        return;
      }
      boolean wasReady = false;
      synchronized (this) {
        current = p;
        ready = false;
        pids.add(p.pid());
      }
      if (closing) {
        p.destroyForcibly();
        break;
      }
      try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line; (line = out.readLine()) != null; ) {
          append(line);
          if (line.startsWith("worker on ")) {
            wasReady = true;
            synchronized (this) {
              ready = true;
              notifyAll();
            }
          }
        }
        int rc = p.waitFor();
        if (closing) {
          break;
        }
        say.accept("supervisor: " + node + " (pid " + p.pid() + ") exited " + rc + "; starting it again");
        earlyExits = wasReady ? 0 : earlyExits + 1;
        if (earlyExits >= MAX_EARLY_EXITS) {
          fail("node " + node + " exited " + MAX_EARLY_EXITS + " times before it was ready (last exit " + rc + "; log " + log + ")");
          return;
        }
        Thread.sleep(200);
      } catch (IOException e) {
        append("supervisor: lost the output of pid " + p.pid() + ": " + e.getMessage());
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  private synchronized void fail(String why) {
    failed = why;
    notifyAll();
  }

  private void append(String line) {
    try {
      Files.writeString(log, line + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    } catch (IOException e) {
      // The log is for people; the supervision goes on without it.
    }
  }

  /**
   * Stops supervising and ends the process: its stdin is closed (it shuts down), and it is killed
   * when it has not exited after {@code grace}.
   */
  void stop(Duration grace) {
    closing = true;
    Process p;
    synchronized (this) {
      p = current;
    }
    if (p == null) {
      return;
    }
    try (OutputStream in = p.getOutputStream()) {
      // Closing is the signal.
    } catch (IOException e) {
      // Already closed: the process is gone.
    }
    try {
      if (!p.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly();
        p.waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
    }
    loop.interrupt();
  }

  @Override
  public void close() {
    stop(Duration.ofSeconds(5));
  }
}
