package dev.cloudedge.cli;

import dev.cloudedge.federation.event.EventCodec;
import dev.cloudedge.federation.event.FederationEvent;
import dev.cloudedge.federation.security.Hmac;
import dev.cloudedge.federation.security.Secret;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code cloudedge bench footprint}: what an edge node pays for CloudEdge, measured from outside in
 * one run. (1) CLI start-up: medians of the commands an operator and the plugin engine run, through
 * {@code bin/cloudedge} exactly as shipped, interleaved round by round beside a bare
 * {@code java -version}. (2) eventd memory: routerd-eventd and CloudEdge's eventd (with the shipped
 * JVM settings, and with the JVM's defaults for comparison) each take the same load, signed events
 * from a number of keep-alive connections, one event per request; prints idle and peak RSS from
 * {@code /proc}, events/s and latency p50/p99. Exit 1 when a target is missed.
 */
@Command(
    name = "footprint",
    mixinStandardHelpOptions = true,
    description = {
      "CLI start-up medians (through bin/cloudedge, beside java -version) and eventd's idle and peak RSS,",
      "events/s and latency under load, beside the real routerd-eventd's under the same load, in one run."
    })
public final class BenchFootprintCommand implements Callable<Integer> {
  private static final String KEY = "bench-secret-0123456789abcdef0123";
  private static final String GROUP = "cloudedge";

  /** Start-up targets (issue 13), in milliseconds. */
  static final Map<String, Long> TARGETS = Map.of(
      "cloudedge --version", 300L,
      "federation event list", 400L,
      "doctor federation", 600L,
      "plugin run (event-to-remote-claim)", 400L,
      "executor run (aws)", 400L);
  /** eventd memory targets: peak at most this many times routerd-eventd's; idle at most this many MiB. */
  static final double PEAK_RATIO_TARGET = 4.0;
  static final long IDLE_MIB_TARGET = 64;

  @Spec CommandSpec spec;

  @Option(names = "--runs", defaultValue = "7", description = "Runs of each CLI command (default ${DEFAULT-VALUE}).")
  int runs;

  @Option(names = "--events", defaultValue = "3000", description = "Signed events sent to each receiver (default ${DEFAULT-VALUE}).")
  int events;

  @Option(names = "--connections", defaultValue = "8",
      description = "Keep-alive connections the events are spread over (default ${DEFAULT-VALUE}).")
  int connections;

  @Option(names = "--idle-seconds", defaultValue = "5",
      description = "Seconds a receiver sits after start-up before its idle RSS is read (default ${DEFAULT-VALUE}).")
  int idleSeconds;

  @Option(names = "--parts", defaultValue = "cli,eventd", split = ",",
      description = "What to measure: cli (start-up), eventd (memory under load) (default ${DEFAULT-VALUE}).")
  List<String> parts;

  @Option(names = "--cli", paramLabel = "PATH",
      description = "The launcher to measure (default: bin/cloudedge of this checkout).")
  Path cli;

  @Option(names = "--routerd-dir", paramLabel = "DIR",
      description = "Directory holding routerd-eventd (default: $CLOUDEDGE_ROUTERD_DIR, else ../shared/tools/routerd"
          + " beside this checkout).")
  Path routerdDir;

  @Option(names = "--work-dir",
      description = "Keep state files and logs in a new run-* directory here (default: a temporary directory, removed after).")
  Path workDir;

  private final Secret key = Secret.ofText(KEY);

  @Override
  public Integer call() throws Exception {
    if (runs <= 0 || events <= 0 || connections <= 0 || idleSeconds < 0) {
      throw new IllegalArgumentException("--runs, --events and --connections must be positive, --idle-seconds not negative");
    }
    for (String p : parts) {
      if (!List.of("cli", "eventd").contains(p)) {
        throw new IllegalArgumentException("invalid --parts entry \"" + p + "\": use cli and/or eventd");
      }
    }
    Path root = checkoutRoot();
    Path launcher = cli != null ? cli : root.resolve("bin/cloudedge");
    if (!Files.isExecutable(launcher)) {
      throw new IllegalArgumentException("--cli " + launcher + " is not an executable file");
    }
    Path routerd = null;
    if (parts.contains("eventd")) {
      Path dir = routerdDir != null ? routerdDir
          : System.getenv("CLOUDEDGE_ROUTERD_DIR") != null ? Path.of(System.getenv("CLOUDEDGE_ROUTERD_DIR"))
          : root.resolve("../shared/tools/routerd").normalize();
      routerd = dir.resolve("routerd-eventd");
      if (!Files.isExecutable(routerd)) {
        throw new IllegalArgumentException("routerd-eventd not found at " + routerd
            + ": pass --routerd-dir DIR or set CLOUDEDGE_ROUTERD_DIR (or --parts cli)");
      }
    }
    PrintWriter out = spec.commandLine().getOut();
    Path routerdBinary = routerd;
    return WorkDirs.inFreshDir(workDir, "cloudedge-footprint-", dir -> run(out, root, launcher, routerdBinary, dir));
  }

  private int run(PrintWriter out, Path root, Path launcher, Path routerd, Path dir) throws Exception {
    out.printf("bench footprint: %d cores, load average %s, java %s, launcher %s%n",
        Runtime.getRuntime().availableProcessors(), BenchDeliveryCommand.loadAverage(),
        System.getProperty("java.version"), launcher);
    out.flush();
    boolean ok = true;
    if (parts.contains("cli")) {
      ok &= cliPart(out, root, launcher, dir);
    }
    if (parts.contains("eventd")) {
      ok &= eventdPart(out, launcher, routerd, dir);
    }
    out.printf("verdict: %s%n", ok ? "PASS" : "FAIL");
    out.flush();
    return ok ? ExitCodes.OK : ExitCodes.FAILED;
  }

  // ------------------------------------------------------------------ CLI start-up

  private record Timed(String name, List<String> argv, Path stdin) {}

  private boolean cliPart(PrintWriter out, Path root, Path launcher, Path dir) throws Exception {
    Path state = dir.resolve("cli.db");
    Path config = root.resolve("docs/examples/sender.yaml");
    // A state file with a few events, as an operator's node has.
    for (int i = 0; i < 5; i++) {
      runOnce(List.of(launcher.toString(), "federation", "event", "emit", "--state-file", state.toString(),
          "--group", GROUP, "--type", FederationEvent.OBSERVED_IPV4_TYPE, "--subject", "10.88.60." + i + "/32",
          "--payload", "nicRef=eni-0abc" + i), null, true);
    }
    Path pluginRequest = dir.resolve("plugin-request.json");
    Files.writeString(pluginRequest, """
        {"apiVersion":"plugin.routerd.net/v1alpha1","kind":"PluginRequest","metadata":{"name":"event-to-remote-claim"},
         "spec":{"trigger":{"type":"federation-subscription","topic":"t"},"now":"2026-05-30T12:00:00Z","events":[
         {"id":"e1","group":"cloudedge","sourceNode":"onprem","type":"routerd.client.ipv4.observed",
          "subject":"10.88.60.9/32","dedupeKey":"e1","payload":{"nicRef":"eni-0abc123","region":"ap-northeast-1",
          "domain":"d"},"observedAt":"2026-05-30T11:22:50Z","expiresAt":"0001-01-01T00:00:00Z"}],"context":{}}}
        """);
    // The executor's own cost: a request it answers without calling the provider's CLI.
    Path executorRequest = dir.resolve("executor-request.json");
    Files.writeString(executorRequest, """
        {"apiVersion":"provideraction.routerd.net/v1alpha1","kind":"ExecuteActionRequest","spec":{
         "action":"assign-private-ip","provider":"aws","target":{},"mode":"dry-run","idempotencyKey":"k","context":{}}}
        """);
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<Timed> commands = List.of(
        new Timed("java -version", List.of(java, "-version"), null),
        new Timed("cloudedge --version", List.of(launcher.toString(), "--version"), null),
        new Timed("federation event list", List.of(launcher.toString(), "federation", "event", "list",
            "--state-file", state.toString()), null),
        new Timed("doctor federation", List.of(launcher.toString(), "doctor", "federation", "--config",
            config.toString(), "--state-file", state.toString()), null),
        new Timed("plugin run (event-to-remote-claim)",
            List.of(root.resolve("plugins/event-to-remote-claim").toString()), pluginRequest),
        new Timed("executor run (aws)", List.of(root.resolve("plugins/aws-executor/bin/aws-executor").toString()),
            executorRequest));
    // One unmeasured round (page cache), then rounds that run every command once, so noise spreads evenly.
    for (Timed t : commands) {
      runOnce(t.argv(), t.stdin(), false);
    }
    Map<String, long[]> ms = new LinkedHashMap<>();
    commands.forEach(t -> ms.put(t.name(), new long[runs]));
    for (int r = 0; r < runs; r++) {
      for (Timed t : commands) {
        ms.get(t.name())[r] = runOnce(t.argv(), t.stdin(), false);
      }
    }
    long javaVersion = median(ms.get("java -version"));
    out.printf("CLI start-up through %s, median of %d runs (interleaved), wall time from fork to exit:%n",
        launcher.getFileName(), runs);
    List<String[]> rows = new ArrayList<>();
    rows.add(new String[] {"COMMAND", "MEDIAN", "MIN", "MAX", "MEDIAN-JAVA", "TARGET", "RESULT"});
    boolean ok = true;
    for (Map.Entry<String, long[]> e : ms.entrySet()) {
      long[] v = e.getValue().clone();
      Arrays.sort(v);
      long med = median(v);
      Long target = TARGETS.get(e.getKey());
      boolean met = target == null || med <= target;
      ok &= met;
      rows.add(new String[] {e.getKey(), med + " ms", v[0] + " ms", v[v.length - 1] + " ms",
          e.getKey().equals("java -version") ? "-" : "+" + (med - javaVersion) + " ms",
          target == null ? "-" : "<= " + target + " ms", target == null ? "-" : met ? "met" : "MISSED"});
    }
    table(out, rows);
    return ok;
  }

  /** Runs a command to its end, output discarded; returns its wall time in ms. */
  private static long runOnce(List<String> argv, Path stdin, boolean mustSucceed) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD);
    pb.redirectInput(stdin == null ? ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))
        : ProcessBuilder.Redirect.from(stdin.toFile()));
    long t0 = System.nanoTime();
    Process p = pb.start();
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IllegalStateException(String.join(" ", argv) + " did not finish in 120 s");
    }
    long elapsed = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
    if (mustSucceed && p.exitValue() != 0) {
      throw new IllegalStateException(String.join(" ", argv) + " exited " + p.exitValue());
    }
    return elapsed;
  }

  private static long median(long[] values) {
    long[] v = values.clone();
    Arrays.sort(v);
    return v[(v.length - 1) / 2];
  }

  // ------------------------------------------------------------------ eventd under load

  private record Load(long idleKib, long peakKib, double eventsPerSecond, double p50, double p99, long errors) {}

  private boolean eventdPart(PrintWriter out, Path launcher, Path routerd, Path dir) throws Exception {
    Path secret = dir.resolve("group.key");
    Files.writeString(secret, KEY + "\n");
    out.printf("eventd under load: %d signed events over %d keep-alive connections, one event per request;"
        + " idle RSS after %d s, peak RSS = VmHWM from /proc:%n", events, connections, idleSeconds);
    out.flush();
    Map<String, Load> results = new LinkedHashMap<>();
    results.put("routerd-eventd", measure(routerd(routerd, dir, secret)));
    results.put("cloudedge eventd (shipped settings)", measure(cloudedge(launcher, dir, secret, "shipped", null)));
    results.put("cloudedge eventd (JVM defaults)", measure(cloudedge(launcher, dir, secret, "defaults", "")));
    Load base = results.get("routerd-eventd");
    List<String[]> rows = new ArrayList<>();
    rows.add(new String[] {"RECEIVER", "IDLE RSS", "PEAK RSS", "PEAK/ROUTERD", "EVENTS/S", "P50", "P99", "NOT 200"});
    for (Map.Entry<String, Load> e : results.entrySet()) {
      Load l = e.getValue();
      rows.add(new String[] {e.getKey(), mib(l.idleKib()), mib(l.peakKib()),
          String.format(Locale.ROOT, "%.1fx", (double) l.peakKib() / base.peakKib()),
          String.format(Locale.ROOT, "%.0f", l.eventsPerSecond()), String.format(Locale.ROOT, "%.1f ms", l.p50()),
          String.format(Locale.ROOT, "%.1f ms", l.p99()), Long.toString(l.errors())});
    }
    table(out, rows);
    Load shipped = results.get("cloudedge eventd (shipped settings)");
    boolean peakOk = shipped.peakKib() <= PEAK_RATIO_TARGET * base.peakKib();
    boolean idleOk = shipped.idleKib() <= IDLE_MIB_TARGET * 1024;
    boolean noErrors = results.values().stream().allMatch(l -> l.errors() == 0);
    out.printf("eventd (shipped): peak %s <= %.0fx routerd-eventd's %s: %s; idle %s <= %d MiB: %s;"
            + " every request answered 200: %s%n", mib(shipped.peakKib()), PEAK_RATIO_TARGET, mib(base.peakKib()),
        peakOk ? "met" : "MISSED", mib(shipped.idleKib()), IDLE_MIB_TARGET, idleOk ? "met" : "MISSED",
        noErrors ? "yes" : "NO");
    out.flush();
    return peakOk && idleOk && noErrors;
  }

  /** A running receiver: its process (whose pid is the measured one) and port. */
  private record Receiver(Process process, int port, Path log) {}

  private Receiver routerd(Path binary, Path dir, Path secret) throws Exception {
    int port = BenchDeliveryCommand.freePort();
    Path cfg = dir.resolve("routerd.json");
    Files.writeString(cfg, "{\"nodeName\":\"cloud\",\"group\":\"" + GROUP + "\","
        + "\"listen\":{\"address\":\"127.0.0.1\",\"port\":" + port + "},\"secretFile\":\"" + secret + "\","
        + "\"replayWindow\":\"5m0s\",\"peers\":[],\"retention\":{\"maxEvents\":0,\"maxAge\":\"0s\"},"
        + "\"pushRetry\":{\"maxAttempts\":3,\"baseBackoff\":\"200ms\",\"maxBackoff\":\"5s\"},"
        + "\"pruneInterval\":\"1m0s\",\"pushInterval\":\"10s\",\"statePath\":\"" + dir.resolve("routerd.db") + "\"}");
    Path log = dir.resolve("routerd.log");
    Process p = new ProcessBuilder(binary.toString(), "daemon", "--config-file", cfg.toString())
        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    awaitListening(p, port, log);
    return new Receiver(p, port, log);
  }

  /**
   * CloudEdge's eventd through the launcher. {@code javaOpts} null keeps the launcher's shipped
   * settings; "" sets {@code CLOUDEDGE_EVENTD_JAVA_OPTS} empty, the JVM's defaults.
   */
  private Receiver cloudedge(Path launcher, Path dir, Path secret, String name, String javaOpts) throws Exception {
    int port = BenchDeliveryCommand.freePort();
    Path cfg = dir.resolve("cloudedge-" + name + ".yaml");
    Files.writeString(cfg, """
        apiVersion: federation.routerd.net/v1alpha1
        kind: EventGroup
        metadata: {name: %s}
        spec:
          nodeName: cloud
          auth: {mode: hmac, secretFile: "%s"}
          listen: {address: 127.0.0.1, port: %d}
        """.formatted(GROUP, secret, port));
    Path log = dir.resolve("cloudedge-" + name + ".log");
    ProcessBuilder pb = new ProcessBuilder(launcher.toString(), "eventd", "--config", cfg.toString(),
        "--state-file", dir.resolve("cloudedge-" + name + ".db").toString()).redirectError(log.toFile());
    if (javaOpts != null) {
      pb.environment().put("CLOUDEDGE_EVENTD_JAVA_OPTS", javaOpts);
    }
    Process p = BenchDeliveryCommand.startEventd(pb, log);
    return new Receiver(p, port, log);
  }

  private static void awaitListening(Process p, int port, Path log) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (true) {
      try {
        new Socket(InetAddress.getLoopbackAddress(), port).close();
        return;
      } catch (IOException e) {
        if (!p.isAlive() || System.nanoTime() > deadline) {
          p.destroyForcibly();
          throw new IllegalStateException("receiver did not listen on 127.0.0.1:" + port + "; see " + log + ": "
              + Files.readString(log).strip());
        }
        Thread.sleep(20);
      }
    }
  }

  /** Idle RSS, then the load, then the peak (VmHWM); stops the receiver on every path. */
  private Load measure(Receiver rx) throws Exception {
    long pid = rx.process().pid();
    try {
      Thread.sleep(TimeUnit.SECONDS.toMillis(idleSeconds));
      long idle = procStatus(pid, "VmRSS");
      long[] latencies = new long[events];
      AtomicLong errors = new AtomicLong();
      AtomicBoolean failed = new AtomicBoolean();
      List<Thread> threads = new ArrayList<>();
      List<Throwable> problems = new java.util.concurrent.CopyOnWriteArrayList<>();
      long t0 = System.nanoTime();
      for (int c = 0; c < connections; c++) {
        int conn = c;
        Thread t = new Thread(() -> {
          try (Socket s = new Socket(InetAddress.getLoopbackAddress(), rx.port())) {
            s.setTcpNoDelay(true);
            s.setSoTimeout(60_000);
            OutputStream os = s.getOutputStream();
            InputStream in = s.getInputStream();
            for (int i = conn; i < events && !failed.get(); i += connections) {
              byte[] body = EventCodec.encode(event("fp-" + i));
              long now = Instant.now().getEpochSecond();
              long start = System.nanoTime();
              os.write(BenchHttp.post(body, now, Hmac.sign(key, now, body)));
              os.flush();
              String[] reply = BenchHttp.readReply(in);
              latencies[i] = System.nanoTime() - start;
              if (reply == null) {
                throw new IOException("the receiver closed connection " + conn);
              }
              if (!reply[0].equals("200")) {
                errors.incrementAndGet();
              }
            }
          } catch (Exception e) {
            failed.set(true);
            problems.add(e);
          }
        }, "footprint-load-" + c);
        threads.add(t);
        t.start();
      }
      for (Thread t : threads) {
        t.join();
      }
      double seconds = (System.nanoTime() - t0) / 1e9;
      if (!problems.isEmpty()) {
        throw new IllegalStateException("load failed: " + problems.get(0).getMessage() + "; see " + rx.log(),
            problems.get(0));
      }
      long peak = procStatus(pid, "VmHWM");
      long[] sorted = latencies.clone();
      Arrays.sort(sorted);
      return new Load(idle, peak, events / seconds, pct(sorted, 0.5), pct(sorted, 0.99), errors.get());
    } finally {
      rx.process().destroy();
      if (!rx.process().waitFor(15, TimeUnit.SECONDS)) {
        rx.process().destroyForcibly().waitFor(15, TimeUnit.SECONDS);
      }
    }
  }

  private static FederationEvent event(String id) {
    Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    return new FederationEvent(id, GROUP, "edge", FederationEvent.OBSERVED_IPV4_TYPE, "10.88.60.9/32", "",
        Map.of("mac", "aa:bb:cc:dd:ee:ff"), now, now.plus(Duration.ofMinutes(30)));
  }

  /** A {@code /proc/PID/status} field in KiB (VmRSS: resident now; VmHWM: the peak so far). */
  static long procStatus(long pid, String field) throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
      if (line.startsWith(field + ":")) {
        return Long.parseLong(line.substring(field.length() + 1).replace("kB", "").trim());
      }
    }
    throw new IOException("/proc/" + pid + "/status has no " + field);
  }

  private static String mib(long kib) {
    return String.format(Locale.ROOT, "%.1f MiB", kib / 1024.0);
  }

  private static double pct(long[] sortedNanos, double q) {
    if (sortedNanos.length == 0) {
      return 0;
    }
    int i = (int) Math.ceil(q * sortedNanos.length) - 1;
    return sortedNanos[Math.max(0, Math.min(sortedNanos.length - 1, i))] / 1e6;
  }

  private static void table(PrintWriter out, List<String[]> rows) {
    dev.cloudedge.cli.output.Printer.table(out, rows);
    out.flush();
  }

  /** The checkout this CLI runs from: the jar is {@code <root>/cli/target/cloudedge.jar} (tests: {@code .../classes}). */
  private static Path checkoutRoot() {
    try {
      Path code = Path.of(Cloudedge.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      return code.getParent().getParent().getParent();
    } catch (URISyntaxException e) {
      throw new IllegalStateException("cannot locate this checkout: " + e.getMessage(), e);
    }
  }
}
