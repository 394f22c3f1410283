package dev.cloudedge.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cloudedge.worker.lab.NetnsLab;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The netns lab end to end with the real CLI in child JVMs: each node its own process in its own
 * network namespace, faults by nftables, chmod and SIGKILL.
 *
 * <p>Needs root with {@code ip} and {@code nft}. Without them the end-to-end test fails when {@code
 * CI=true} or {@code CLOUDEDGE_REQUIRE_NETNS=1} (what {@code .ci/run} sets, after installing
 * {@code iproute2} and {@code nftables}), and is skipped, saying why, on a developer machine.
 */
class NetnsLabTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String COMMIT = "0123456789abcdef0123456789abcdef01234567";
  private static final List<Process> STARTED = new ArrayList<>();

  static {
    Runtime.getRuntime().addShutdownHook(new Thread(NetnsLabTest::killAll));
  }

  @TempDir Path dir;

  @AfterEach
  void killStarted() throws IOException {
    killAll();
    // A failed assertion must not leave a killed run's namespaces for the next test run to find.
    if (NetnsLab.missingPrerequisites(System.getenv()) == null) {
      NetnsLab.removeLeftovers();
    }
  }

  private static synchronized void killAll() {
    for (Process p : STARTED) {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
    }
    STARTED.clear();
  }

  private static void requireNetns() {
    String missing = NetnsLab.missingPrerequisites(System.getenv());
    if (missing == null) {
      return;
    }
    boolean required = "true".equalsIgnoreCase(System.getenv("CI")) || "1".equals(System.getenv("CLOUDEDGE_REQUIRE_NETNS"));
    if (required) {
      throw new AssertionError("the netns lab must run here (CI or CLOUDEDGE_REQUIRE_NETNS): " + missing);
    }
    Assumptions.abort("netns lab test skipped: " + missing + " (it runs as root with iproute2 and nftables; CI requires it)");
  }

  private Process cloudedge(Path log, Map<String, String> env, String... args) throws IOException {
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xshare:auto", "-cp", System.getProperty("java.class.path"), Cloudedge.class.getName()));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().keySet().removeIf(k -> k.startsWith("TEMPORAL_"));
    pb.environment().putAll(env);
    Process p = pb.start();
    synchronized (NetnsLabTest.class) {
      STARTED.add(p);
    }
    return p;
  }

  private static String run(String... cmd) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(15, TimeUnit.SECONDS), String.join(" ", cmd));
    return out;
  }

  /** What must be the same before and after: namespaces, the root namespace's nftables tables, node processes. */
  private static List<String> hostState() throws IOException, InterruptedException {
    return List.of("netns: " + run("ip", "netns", "list").trim(), "nft: " + run("nft", "list", "tables").trim(),
        "nodes: " + run("pgrep", "-f", "worker --node fedqual-").trim(), "run dir: " + runDir());
  }

  private static String runDir() throws IOException {
    if (!Files.isDirectory(NetnsLab.RUN_DIR)) {
      return "";
    }
    try (var s = Files.list(NetnsLab.RUN_DIR)) {
      return String.join(",", s.map(p -> p.getFileName().toString()).sorted().toList());
    }
  }

  private static void await(String what, long seconds, java.util.concurrent.Callable<Boolean> cond) throws Exception {
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (!cond.call()) {
      if (System.nanoTime() > until) {
        throw new AssertionError("timed out after " + seconds + " s waiting for " + what);
      }
      Thread.sleep(250);
    }
  }

  /**
   * A harness SIGKILLed while its partition rule is applied, then the next run: one full cycle of
   * all 8 scenarios (partition in drop mode) that first removes what the killed run left and says
   * so. Restart evidence must hold real, different PIDs of node processes; namespaces, nftables
   * tables, node processes and run files must be the same before and after.
   */
  @Test
  @Timeout(value = 6, unit = TimeUnit.MINUTES)
  void aKilledRunIsCleanedUpByTheNextWhichPassesAllEightScenarios() throws Exception {
    requireNetns();
    List<String> before = hostState();

    Path killedLab = dir.resolve("killed-lab");
    Path killedLog = dir.resolve("killed.log");
    Process killed = cloudedge(killedLog, Map.of(), "qualify", "run", "--lab-kind", "netns", "--lab-dir", killedLab.toString(),
        "--evidence-dir", dir.resolve("killed-evidence").toString(), "--scenarios", "partition", "--commit", COMMIT,
        "--run-id", "20261201T000001Z-federation-qual");
    await("the killed run's partition rule", 180, () -> {
      if (!killed.isAlive()) {
        throw new AssertionError("the run ended before its partition was applied:\n" + Files.readString(killedLog));
      }
      Path props = killedLab.resolve("netns.properties");
      if (!Files.exists(props)) {
        return false;
      }
      Properties p = new Properties();
      try (var r = Files.newBufferedReader(props)) {
        p.load(r);
      }
      return run("ip", "netns", "exec", p.getProperty("senderNamespace"), "nft", "list", "ruleset").contains("reject with tcp reset");
    });
    Properties killedRun = new Properties();
    try (var r = Files.newBufferedReader(killedLab.resolve("netns.properties"))) {
      killedRun.load(r);
    }
    String snd = killedRun.getProperty("senderNamespace");
    String rcv = killedRun.getProperty("receiverNamespace");
    List<ProcessHandle> nodes = new ArrayList<>();
    for (String ns : List.of(snd, rcv)) {
      for (String pid : run("ip", "netns", "pids", ns).trim().split("\\s+")) {
        ProcessHandle.of(Long.parseLong(pid)).ifPresent(nodes::add);
      }
    }
    assertEquals(2, nodes.size(), "one node process in each namespace: " + nodes);
    assertTrue(nodes.stream().allMatch(h -> h.parent().map(pp -> pp.pid() == killed.pid()).orElse(false)),
        "the node processes are the harness's children");
    killed.destroyForcibly();
    assertTrue(killed.waitFor(10, TimeUnit.SECONDS));
    // The nodes read their supervisor's pipe on stdin: its end takes them down without anyone killing them.
    await("the killed run's node processes to exit on their own", 30, () -> nodes.stream().noneMatch(ProcessHandle::isAlive));
    assertTrue(run("ip", "netns", "list").contains(snd), "the killed run left its namespaces (what the next run must remove)");

    Path log = dir.resolve("run.log");
    Path evidence = dir.resolve("evidence");
    Process next = cloudedge(log, Map.of(), "qualify", "run", "--lab-kind", "netns", "--partition-mode", "drop",
        "--lab-dir", dir.resolve("lab").toString(), "--evidence-dir", evidence.toString(), "--cycles", "1",
        "--commit", COMMIT, "--run-id", "20261201T000002Z-federation-qual");
    assertTrue(next.waitFor(5, TimeUnit.MINUTES), "the run did not finish");
    String out = Files.readString(log, StandardCharsets.UTF_8);
    assertEquals(0, next.exitValue(), out);
    List<String> cleanup = out.lines().filter(l -> l.startsWith("netns lab: removed")).toList();
    assertEquals(1, cleanup.size(), out);
    assertTrue(cleanup.get(0).contains(snd) && cleanup.get(0).contains(rcv), cleanup.get(0));

    JsonNode summary = JSON.readTree(evidence.resolve("run-metadata.json").toFile()).path("summary");
    assertEquals(8, summary.path("totalPass").asInt(), summary.toString());
    JsonNode restart = JSON.readTree(evidence.resolve("cycle-001").resolve("restart.json").toFile());
    long senderBefore = restart.path("senderPidBefore").asLong();
    long senderAfter = restart.path("senderPidAfter").asLong();
    long receiverBefore = restart.path("receiverPidBefore").asLong();
    long receiverAfter = restart.path("receiverPidAfter").asLong();
    assertNotEquals(senderBefore, senderAfter, restart.toString());
    assertNotEquals(receiverBefore, receiverAfter, restart.toString());
    // Real PIDs: each restart is a supervisor line naming the killed PID, and the fresh process's
    // own log line names both.
    Map<String, long[]> pids = Map.of("fedqual-sender", new long[] {senderBefore, senderAfter},
        "fedqual-receiver", new long[] {receiverBefore, receiverAfter});
    for (Map.Entry<String, long[]> e : pids.entrySet()) {
      long pidBefore = e.getValue()[0];
      long pidAfter = e.getValue()[1];
      assertTrue(out.contains(e.getKey() + " (pid " + pidBefore + ") exited 137; starting it again"), pidBefore + " in\n" + out);
      String nodeLog = Files.readString(dir.resolve("lab").resolve(e.getKey() + ".log"), StandardCharsets.UTF_8);
      assertTrue(nodeLog.contains("pid " + pidBefore + " -> " + pidAfter), nodeLog);
    }
    JsonNode partition = JSON.readTree(evidence.resolve("cycle-001").resolve("partition.json").toFile());
    assertEquals("pass", partition.path("result").asText(), partition.toString());
    assertTrue(Files.readString(dir.resolve("lab").resolve("topology.yaml")).contains("counter drop comment"));
    assertEquals(before, hostState(), "namespaces, nftables tables, node processes and run files after the runs");
  }

  /** A machine without {@code nft}: one line naming it, exit 2, nothing created. */
  @Test
  @Timeout(value = 2, unit = TimeUnit.MINUTES)
  void missingPrerequisitesAreOneLineAndExitTwo() throws Exception {
    // A PATH with everything the CLI needs except nft (and ip): just a java.
    Path bin = Files.createDirectories(dir.resolve("bin"));
    Files.createSymbolicLink(bin.resolve("java"), Path.of(System.getProperty("java.home"), "bin", "java"));
    Path log = dir.resolve("missing.log");
    Process p = cloudedge(log, Map.of("PATH", bin.toString()), "qualify", "run", "--lab-kind", "netns",
        "--evidence-dir", dir.resolve("evidence").toString(), "--commit", COMMIT);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS));
    String out = Files.readString(log, StandardCharsets.UTF_8);
    assertEquals(ExitCodes.USAGE, p.exitValue(), out);
    assertEquals(1, out.lines().count(), out);
    assertTrue(out.startsWith("cloudedge: --lab-kind netns needs "), out);
    assertTrue(out.contains("the nft command on PATH (package nftables)"), out);
    assertTrue(out.contains("the ip command on PATH (package iproute2)"), out);
    assertFalse(Files.exists(dir.resolve("evidence")), "a setup error creates no evidence");
  }
}
