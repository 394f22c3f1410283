package dev.cloudedge.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cloudedge.worker.QualificationService;
import dev.cloudedge.worker.TemporalConnection;
import dev.cloudedge.worker.TemporalSettings;
import dev.cloudedge.worker.lab.LabLayout;
import dev.cloudedge.workflows.qualification.QualificationProgress;
import dev.cloudedge.workflows.qualification.QualificationRequest;
import dev.cloudedge.workflows.qualification.QualificationResult;
import dev.cloudedge.workflows.qualification.ScenarioTimings;
import dev.cloudedge.workflows.qualification.TopologyLockWorkflow;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Kills real worker processes with SIGKILL by PID during a qualification against {@code server
 * start-dev} in its own process, and starts them again. One run of three partition cycles per
 * victim: killed before the fault (cycle 1), while it is applied (cycle 2) and during its rollback
 * (cycle 3). Each run must complete on its own, every cycle's evidence must show the partition
 * rolled back and verified, the proxy must pass traffic and the topology lock must be released.
 *
 * <p>Everything runs on loopback; every process this test starts is killed on every exit path.
 */
class ProcessCrashTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String COMMIT = "0123456789abcdef0123456789abcdef01234567";
  private static final List<Process> STARTED = new ArrayList<>();

  static {
    // Also when the test JVM is stopped between tests.
    Runtime.getRuntime().addShutdownHook(new Thread(ProcessCrashTest::killAll));
  }

  @TempDir Path dir;

  /** Which process dies. */
  enum Victim {
    /** {@code worker --control}: the workflows and the evidence writer; the lab keeps running. */
    CONTROL_WORKER,
    /** {@code lab up --no-control-worker}: both node workers, their eventd runtimes and the proxy. */
    NODE_WORKERS,
    /** {@code lab up} with the control worker: everything but the Temporal server. */
    WHOLE_LAB
  }

  /** A started CLI process with its log. */
  private record Child(String name, Process process, Path log) {}

  private int logs;

  @AfterEach
  void stopEverything() {
    killAll();
  }

  private static void killAll() {
    synchronized (STARTED) {
      for (Process p : STARTED) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
      }
      for (Process p : STARTED) {
        try {
          p.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      STARTED.clear();
    }
  }

  @ParameterizedTest
  @EnumSource(Victim.class)
  @Timeout(value = 6, unit = TimeUnit.MINUTES)
  void aKilledWorkerProcessIsStartedAgainAndTheRunCompletesWithEveryFaultRolledBack(Victim victim) throws Exception {
    int port = freePort();
    String address = "127.0.0.1:" + port;
    Map<String, String> env = Map.of("TEMPORAL_ADDRESS", address);
    Path labDir = dir.resolve("lab");
    Path evidence = dir.resolve("evidence");

    start("server", Map.of(), "Temporal dev server", "server", "start-dev", "--port", String.valueOf(port));
    boolean separateControl = victim != Victim.WHOLE_LAB;
    List<String> labArgs = new ArrayList<>(List.of("lab", "up", "--dir", labDir.toString()));
    if (separateControl) {
      labArgs.add("--no-control-worker");
    }
    String[] lab = labArgs.toArray(String[]::new);
    String[] control = {"worker", "--control"};
    Child labProcess = start("lab", env, "qualify with:", lab);
    Child controlProcess = separateControl ? start("control", env, "worker on", control) : null;

    LabLayout layout = LabLayout.prepare(labDir);
    Path proxyState = layout.proxyState();
    String runId = "20261201T000000Z-federation-qual";
    try (TemporalConnection conn = TemporalConnection.connect(TemporalSettings.fromEnvironment(env))) {
      QualificationService svc = new QualificationService(conn.client());
      svc.start(new QualificationRequest(runId, COMMIT, evidence.toString(), 3, 120, List.of("partition"), true,
          layout.topology(), ScenarioTimings.lab()));
      String[] victimArgs = victim == Victim.CONTROL_WORKER ? control : lab;
      Child target = victim == Victim.CONTROL_WORKER ? controlProcess : labProcess;

      // Cycle 1, before the fault: the run is past preflight and its first scenario is starting.
      await(60, "the run to start its first scenario", () -> running(svc, runId));
      target = killAndRestart(target, env, victimArgs);
      log(victim + ": killed and restarted before the cycle-1 fault; proxy " + read(proxyState));
      assertFalse(cycleTagIn(proxyState, runId, 1), "the kill was meant to land before the cycle-1 partition");

      // Cycle 2, while the partition is applied.
      await(120, "the cycle-2 partition", () -> read(proxyState).startsWith("REFUSE") && cycleTagIn(proxyState, runId, 2));
      target = killAndRestart(target, env, victimArgs);
      log(victim + ": killed and restarted while the cycle-2 partition was applied; proxy " + read(proxyState));
      assertTrue(read(proxyState).startsWith("REFUSE"), "the cut outlives the killed process: " + read(proxyState));

      // Cycle 3, during the rollback: the restore has switched the proxy back, the evidence is not written yet.
      await(150, "the cycle-3 restore", () -> read(proxyState).startsWith("PASS") && cycleTagIn(proxyState, runId, 3));
      target = killAndRestart(target, env, victimArgs);
      log(victim + ": killed and restarted during the cycle-3 rollback; proxy " + read(proxyState));
      assertFalse(Files.exists(evidence.resolve("cycle-003/partition.json")), "the kill was meant to land before the cycle-3 evidence");

      QualificationResult r = svc.watch(runId, p -> { }, 1000);
      log(victim + ": run closed: " + r.verdict().wireName() + " — " + r.reason());
      String lock = TopologyLockWorkflow.workflowId(layout.topology().id());
      assertNotEquals(WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING,
          conn.client().newUntypedWorkflowStub(lock).describe().getStatus(), "the topology lock " + lock + " is released");
      for (int cycle = 1; cycle <= 3; cycle++) {
        JsonNode s = JSON.readTree(evidence.resolve(String.format("cycle-%03d/partition.json", cycle)).toFile());
        JsonNode faults = s.path("faults");
        assertEquals(1, faults.size(), "cycle " + cycle + ": " + s);
        JsonNode f = faults.get(0);
        log(victim + " cycle " + cycle + ": " + s.path("result").asText() + " " + s.path("reason").asText() + " " + f);
        assertTrue(f.path("applied").asBoolean() && f.path("rollbackRan").asBoolean() && f.path("rollbackVerified").asBoolean(),
            victim + " cycle " + cycle + ": the partition must be rolled back and verified: " + f);
      }
      assertTrue(read(proxyState).startsWith("PASS"), read(proxyState));
      assertTrue(Files.exists(evidence.resolve("run-metadata.json")) && Files.exists(evidence.resolve("manifest.json")),
          "the run's evidence is finished");
      assertTrue(r.exitCode() == 0 || r.exitCode() == 1, victim + ": the run completes with a verdict: " + r);
      if (victim == Victim.CONTROL_WORKER) {
        // The nodes never died: nothing but the workflows' host was lost, so every cycle passes.
        assertEquals(0, r.exitCode(), r.reason());
      }
    }
  }

  private static void log(String msg) {
    System.out.println(java.time.Instant.now() + " " + msg);
  }

  private static boolean running(QualificationService svc, String runId) {
    try {
      QualificationProgress p = svc.status(runId);
      return "running".equals(p.phase());
    } catch (RuntimeException e) {
      return false;
    }
  }

  private static boolean cycleTagIn(Path proxyState, String runId, int cycle) {
    return read(proxyState).contains(runId + "-c" + cycle + "-partition");
  }

  private static String read(Path p) {
    try {
      return Files.exists(p) ? Files.readString(p, StandardCharsets.UTF_8).trim() : "";
    } catch (IOException e) {
      return "";
    }
  }

  /** SIGKILL by PID, wait for the process to be gone, start the same command again. */
  private Child killAndRestart(Child c, Map<String, String> env, String... args) throws Exception {
    Process kill = new ProcessBuilder("kill", "-KILL", String.valueOf(c.process().pid())).inheritIO().start();
    assertEquals(0, kill.waitFor(), "kill -KILL " + c.process().pid());
    assertTrue(c.process().waitFor(10, TimeUnit.SECONDS), c.name() + " did not die");
    assertEquals(137, c.process().exitValue(), c.name() + " died of SIGKILL");
    return start(c.name(), env, c.name().equals("control") ? "worker on" : "qualify with:", args);
  }

  private Child start(String name, Map<String, String> env, String ready, String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-XX:TieredStopAtLevel=1", "-Xshare:auto", "-cp", System.getProperty("java.class.path"),
        Cloudedge.class.getName()));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.environment().remove("TEMPORAL_ADDRESS");
    pb.environment().putAll(env);
    Path log = dir.resolve(name + "-" + (++logs) + ".log");
    pb.redirectErrorStream(true).redirectOutput(log.toFile());
    Process p = pb.start();
    synchronized (STARTED) {
      STARTED.add(p);
    }
    Child c = new Child(name, p, log);
    await(60, name + " to be ready (" + log + ")", () -> {
      if (!p.isAlive()) {
        throw new AssertionError(name + " exited " + p.exitValue() + ": " + read(log));
      }
      return read(log).contains(ready);
    });
    return c;
  }

  private static void await(int seconds, String what, BooleanSupplier done) throws InterruptedException {
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (!done.getAsBoolean()) {
      if (System.nanoTime() > until) {
        throw new AssertionError("timed out after " + seconds + " s waiting for " + what);
      }
      Thread.sleep(20);
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket()) {
      s.bind(new InetSocketAddress("127.0.0.1", 0));
      return s.getLocalPort();
    }
  }
}
