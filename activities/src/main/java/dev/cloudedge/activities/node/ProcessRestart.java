package dev.cloudedge.activities.node;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cloudedge.workflows.qualification.NodeActivities.RuntimeRestart;
import io.temporal.activity.Activity;
import io.temporal.client.WorkflowClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Base64;
import java.util.function.Consumer;

/**
 * A node restart that is a restart of the worker process hosting it: the topology's {@code restart}
 * command kills this very process (SIGKILL), its supervisor (systemd {@code Restart=always}, or the
 * netns lab's) starts a fresh one on the same state file, and the fresh process reports the restart.
 *
 * <p>The activity that asks for the restart cannot complete in the process it kills. Before the
 * command runs it writes a marker next to the state file with the fault's tag, its own PID and the
 * activity's task token. The restarted process completes that activity at start-up through the task
 * token ({@link #completePending}) with the PIDs before and after; should that miss (the attempt
 * timed out first), the activity's retry lands on the restarted process, which finds the marker of
 * the same tag with another PID and completes from it. Either way the evidence gets two real PIDs.
 */
public final class ProcessRestart {
  private static final ObjectMapper JSON = new ObjectMapper();
  /** How long the process waits to be killed once the restart command has succeeded. */
  private static final long DEATH_WAIT_MILLIS = 20_000;

  private ProcessRestart() {}

  /**
   * The pending restart on disk.
   *
   * @param tag the fault's tag
   * @param pidBefore the PID of the process that ran the restart command
   * @param taskToken the asking activity's task token, base64
   */
  public record Pending(String tag, long pidBefore, String taskToken) {}

  /** Where the pending restart of {@code host} is recorded: beside its state file. */
  public static Path marker(NodeHost host) {
    Path state = host.stateFile().toAbsolutePath();
    return state.resolveSibling(state.getFileName() + ".restart.json");
  }

  /**
   * Restarts the process from inside an activity. Returns only on the restarted process (a retry
   * that finds this tag's marker), or when {@code onlyWhenStopped} is set and the runtime serves.
   *
   * @throws Exception when the restart command fails, or the process outlives it
   */
  static RuntimeRestart run(NodeHost host, String tag, String what, boolean onlyWhenStopped) throws Exception {
    long self = ProcessHandle.current().pid();
    Path marker = marker(host);
    Pending p = read(marker);
    if (p != null && p.tag().equals(tag) && p.pidBefore() != self) {
      // The previous attempt's process was killed by its own restart command: this is the fresh one.
      Files.deleteIfExists(marker);
      return new RuntimeRestart(p.pidBefore(), self, host.active());
    }
    if (onlyWhenStopped && host.active()) {
      return new RuntimeRestart(self, self, true);
    }
    byte[] token = Activity.getExecutionContext().getTaskToken();
    write(marker, new Pending(tag, self, Base64.getEncoder().encodeToString(token)));
    try {
      Heartbeating.run(what, Heartbeating.OnCancel.FINISH_STEP, () -> {
        host.faults().restartProcess(tag, self);
        // The command succeeded; the kill may still be on its way.
        Thread.sleep(DEATH_WAIT_MILLIS);
        throw new IOException("the restart command of " + host.nodeName() + " exited 0 but process " + self
            + " still runs " + DEATH_WAIT_MILLIS / 1000 + " s later");
      });
    } catch (Exception e) {
      // Failed or cancelled while this process still lives: no fresh process will report it.
      Files.deleteIfExists(marker);
      throw e;
    }
    throw new IllegalStateException("unreachable");
  }

  /**
   * At the start of a restarted worker: completes the activity whose restart command killed the
   * previous process, if there is one. A completion the server refuses (the attempt already timed
   * out) leaves the marker for that activity's retry, which then lands here.
   *
   * @param log one line per completed or deferred restart
   */
  public static void completePending(NodeHost host, WorkflowClient client, Consumer<String> log) {
    Path marker = marker(host);
    Pending p;
    try {
      p = read(marker);
    } catch (IOException e) {
      log.accept("restart marker " + marker + " is unreadable (" + e.getMessage() + "); a retry of the restart will redo it");
      return;
    }
    long self = ProcessHandle.current().pid();
    if (p == null || p.pidBefore() == self) {
      return;
    }
    RuntimeRestart r = new RuntimeRestart(p.pidBefore(), self, host.active());
    try {
      client.newActivityCompletionClient().complete(Base64.getDecoder().decode(p.taskToken()), r);
      Files.deleteIfExists(marker);
      log.accept("restarted " + host.nodeName() + ": pid " + p.pidBefore() + " -> " + self + " (fault " + p.tag() + ")");
    } catch (RuntimeException | IOException e) {
      log.accept("restarted " + host.nodeName() + ": pid " + p.pidBefore() + " -> " + self
          + "; the restart activity will be completed by its retry (" + e.getClass().getSimpleName() + ")");
    }
  }

  static Pending read(Path marker) throws IOException {
    if (!Files.exists(marker)) {
      return null;
    }
    return JSON.readValue(Files.readString(marker, StandardCharsets.UTF_8), Pending.class);
  }

  private static void write(Path marker, Pending p) throws IOException {
    // Atomically and before the kill: the fresh process must find all of it or nothing.
    Path tmp = marker.resolveSibling(marker.getFileName() + ".tmp");
    Files.writeString(tmp, JSON.writeValueAsString(p), StandardCharsets.UTF_8);
    Files.move(tmp, marker, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }
}
