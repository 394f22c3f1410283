package dev.cloudedge.cli.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * The real routerd federation peer (routerd-eventd and routerctl-fed, built from imksoo/routerd),
 * found through {@value #ENV}. Unset, the interop tests skip and say so; set, a missing or
 * non-executable binary fails them, so CI cannot pass without running them.
 */
final class RouterdTools {
  /** The environment variable naming the directory that holds both binaries. */
  static final String ENV = "CLOUDEDGE_ROUTERD_DIR";
  static final ObjectMapper JSON = new ObjectMapper();

  final Path eventd;
  final Path routerctl;

  private RouterdTools(Path dir) {
    this.eventd = dir.resolve("routerd-eventd");
    this.routerctl = dir.resolve("routerctl-fed");
  }

  /** The binaries, or a skipped test when {@value #ENV} is unset, or a failed one when they are missing. */
  static RouterdTools locate() {
    String dir = System.getenv(ENV);
    Assumptions.assumeTrue(dir != null && !dir.isBlank(),
        ENV + " is not set: skipping the interop tests against the real routerd (.ci/run sets it)");
    RouterdTools t = new RouterdTools(Path.of(dir).toAbsolutePath());
    for (Path p : List.of(t.eventd, t.routerctl)) {
      if (!Files.isExecutable(p)) {
        fail(ENV + "=" + dir + " but " + p + " is missing or not executable");
      }
    }
    return t;
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  /** A routerd-eventd process; {@link #close} stops it with SIGTERM, then SIGKILL. */
  final class Daemon implements AutoCloseable {
    final Process process;
    final Path log;
    final Path db;
    final int port;

    private Daemon(Process process, Path log, Path db, int port) {
      this.process = process;
      this.log = log;
      this.db = db;
      this.port = port;
    }

    String log() {
      try {
        return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
      } catch (IOException e) {
        return "(log unreadable: " + e + ")";
      }
    }

    /** Stops the daemon and waits for it, so its state file is complete and closed. */
    @Override
    public void close() {
      process.destroy();
      try {
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
          process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        process.destroyForcibly();
        Thread.currentThread().interrupt();
      }
    }
  }

  /**
   * Starts routerd-eventd in {@code dir} with its JSON config (routerd's README shape). {@code port}
   * 0 runs it without a receiver; peers are {@code name=endpoint} pairs. Returns once it logs its
   * listening (or push-only) line.
   */
  Daemon start(Path dir, String name, String node, int port, Path secret, List<String[]> peers) throws Exception {
    Path db = dir.resolve(name + ".db");
    StringBuilder ps = new StringBuilder();
    for (String[] p : peers) {
      if (ps.length() > 0) {
        ps.append(',');
      }
      ps.append("{\"nodeName\":").append(JSON.writeValueAsString(p[0])).append(",\"endpoint\":")
          .append(JSON.writeValueAsString(p[1])).append(",\"types\":[],\"subjectPrefixes\":[]}");
    }
    String config = "{\"nodeName\":" + JSON.writeValueAsString(node) + ",\"group\":\"cloudedge\","
        + "\"listen\":{\"address\":\"127.0.0.1\",\"port\":" + port + "},"
        + "\"secretFile\":" + JSON.writeValueAsString(secret.toString()) + ",\"replayWindow\":\"5m0s\","
        + "\"peers\":[" + ps + "],\"retention\":{\"maxEvents\":0,\"maxAge\":\"0s\"},"
        + "\"pushRetry\":{\"maxAttempts\":3,\"baseBackoff\":\"100ms\",\"maxBackoff\":\"1s\"},"
        + "\"pruneInterval\":\"1m0s\",\"pushInterval\":\"1s\",\"statePath\":" + JSON.writeValueAsString(db.toString()) + "}";
    Path cfg = dir.resolve(name + ".json");
    Files.writeString(cfg, config);
    Path log = dir.resolve(name + ".log");
    Process p = new ProcessBuilder(eventd.toString(), "daemon", "--config-file", cfg.toString())
        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    Daemon d = new Daemon(p, log, db, port);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
    String ready = port > 0 ? "routerd-eventd: listening on" : "running push/prune only";
    while (!d.log().contains(ready)) {
      if (!p.isAlive() || System.nanoTime() > deadline) {
        d.close();
        fail("routerd-eventd " + name + " did not start: " + d.log());
      }
      Thread.sleep(20);
    }
    if (port > 0) {
      awaitListening(port);
    }
    return d;
  }

  private static void awaitListening(int port) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (true) {
      try {
        new Socket(InetAddress.getLoopbackAddress(), port).close();
        return;
      } catch (IOException e) {
        if (System.nanoTime() > deadline) {
          fail("nothing listens on 127.0.0.1:" + port);
        }
        Thread.sleep(20);
      }
    }
  }

  /** Runs routerctl-fed with {@code args} and returns its stdout; a non-zero exit fails the test. */
  String routerctl(Path workDir, String... args) throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.add(routerctl.toString());
    cmd.addAll(List.of(args));
    Path out = Files.createTempFile(workDir, "routerctl", ".out");
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile()).start();
    try {
      assertTrue(p.waitFor(30, TimeUnit.SECONDS), "routerctl-fed " + String.join(" ", args) + " hung");
      String text = Files.readString(out, StandardCharsets.UTF_8);
      assertEquals(0, p.exitValue(), "routerctl-fed " + String.join(" ", args) + ": " + text);
      return text;
    } finally {
      p.destroyForcibly();
      Files.deleteIfExists(out);
    }
  }

  /** {@code routerctl-fed ... -o json} parsed; Go prints {@code null} for an empty list. */
  JsonNode routerctlJson(Path workDir, String... args) throws Exception {
    String[] all = java.util.Arrays.copyOf(args, args.length + 2);
    all[args.length] = "-o";
    all[args.length + 1] = "json";
    return JSON.readTree(routerctl(workDir, all));
  }
}
