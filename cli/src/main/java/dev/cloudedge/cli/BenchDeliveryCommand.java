package dev.cloudedge.cli;

import dev.cloudedge.federation.config.ConfigLoader;
import dev.cloudedge.federation.config.FederationConfig;
import dev.cloudedge.federation.event.FederationEvent;
import dev.cloudedge.federation.eventd.EventdOptions;
import dev.cloudedge.federation.eventd.EventdRuntime;
import dev.cloudedge.federation.store.FederationStore;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code cloudedge bench delivery}: a receiver in a child process ({@code cloudedge eventd}) and an
 * in-process sender, each with its own SQLite file (synchronous=FULL, WAL) on loopback. Prints
 * events/s and delivery lag (from the sender's emit call, which includes its durable local record,
 * to the receiver's 200, which follows its durable store) at a fixed offered rate and at the
 * maximum rate with one event per request, plus this machine's SQLite insert rate with the same
 * durability as the limit to compare against.
 */
@Command(
    name = "delivery",
    mixinStandardHelpOptions = true,
    description = {
      "Benchmark delivery between two eventd processes on 127.0.0.1, each with its own SQLite file.",
      "Prints events/s and delivery lag p50/p99 at a fixed rate and at max rate, and the SQLite insert baseline."
    })
public final class BenchDeliveryCommand implements Callable<Integer> {
  private static final String GROUP = "bench";
  private static final String KEY = "bench-secret-0123456789abcdef0123";

  @Spec CommandSpec spec;

  @Option(names = "--rate", defaultValue = "1000", description = "Offered events/s in the fixed-rate phase (default ${DEFAULT-VALUE}).")
  int rate;

  @Option(names = "--duration", defaultValue = "10", description = "Seconds per measured phase (default ${DEFAULT-VALUE}).")
  int seconds;

  @Option(names = "--warmup-events", defaultValue = "20000",
      description = "Events pushed at max rate before measuring, so the JIT has compiled the path (default ${DEFAULT-VALUE}).")
  int warmupEvents;

  @Option(names = "--window", defaultValue = "256",
      description = "Events in flight in the max-rate phase (default ${DEFAULT-VALUE}).")
  int window;

  @Option(names = "--work-dir",
      description = "Keep the state files and receiver log in a new run-* directory here (default: a temporary directory, removed after).")
  Path workDir;

  private final Map<String, Long> emittedAt = new ConcurrentHashMap<>();
  private volatile List<Long> lags = new ArrayList<>();
  private final AtomicLong delivered = new AtomicLong();
  private volatile Semaphore inFlight;
  private final AtomicLong lastDeliveredNanos = new AtomicLong();

  @Override
  public Integer call() throws Exception {
    if (rate <= 0 || seconds <= 0 || window <= 0) {
      throw new IllegalArgumentException("--rate, --duration and --window must be positive");
    }
    PrintWriter out = spec.commandLine().getOut();
    return WorkDirs.inFreshDir(workDir, "cloudedge-bench-", dir -> run(out, dir));
  }

  private int run(PrintWriter out, Path dir) throws Exception {
    Path secret = dir.resolve("bench.key");
    Files.writeString(secret, KEY + "\n");
    int port = freePort();
    Path rxConfig = dir.resolve("receiver.yaml");
    Files.writeString(rxConfig, group("rx", secret) + "  listen: {address: 127.0.0.1, port: " + port + "}\n");
    Path txConfig = dir.resolve("sender.yaml");
    Files.writeString(txConfig, group("tx", secret) + """
        ---
        apiVersion: federation.routerd.net/v1alpha1
        kind: EventPeer
        metadata: {name: rx}
        spec: {groupRef: bench, nodeName: rx, endpoint: "http://127.0.0.1:%d"}
        """.formatted(port));

    out.printf("bench delivery: SQLite synchronous=FULL, WAL; loopback; %d cores; load average %s%n",
        Runtime.getRuntime().availableProcessors(), loadAverage());
    double single = baseline(dir.resolve("baseline-1.db"), 1, 2000);
    double batched = baseline(dir.resolve("baseline-256.db"), 256, 40_000);
    out.printf("baseline SQLite insert, 1 row per commit:    %,10.0f rows/s%n", single);
    out.printf("baseline SQLite insert, 256 rows per commit: %,10.0f rows/s%n", batched);
    out.flush();

    Process receiver = startReceiver(rxConfig, dir.resolve("receiver.db"), dir.resolve("receiver.log"));
    long expected = 0;
    try {
      FederationConfig tx = ConfigLoader.load(List.of(txConfig));
      try (EventdRuntime sender = EventdRuntime.start(EventdOptions.builder(tx, dir.resolve("sender.db"))
          .deliveryListener((ev, peer, ok, attempts, error, at) -> onDelivered(ev, ok, at)).build())) {
        out.printf("receiver: pid %d on 127.0.0.1:%d; sender in-process%n", receiver.pid(), port);
        // Warm-up at full speed so the JIT has compiled the delivery path before anything is measured.
        long warmStart = System.nanoTime();
        maxRate(sender, "warmup", 120, warmupEvents);
        expected += awaitAll(Duration.ofSeconds(60));
        out.printf("warm-up: %d events at max rate in %.1fs (not measured)%n", expected,
            (System.nanoTime() - warmStart) / 1e9);

        Phase fixed = fixedRate(sender, "fixed", rate, seconds);
        expected += awaitAll(Duration.ofSeconds(60));
        Stats fs = stats(fixed);
        out.printf("fixed rate %d/s for %ds: delivered %d, %,.0f events/s, lag p50 %.1f ms, p99 %.1f ms, max %.1f ms"
                + " (target p99 <= 50 ms: %s)%n", rate, seconds, fs.count, fs.rate, fs.p50, fs.p99, fs.max,
            fs.p99 <= 50 ? "met" : "MISSED");

        Phase max = maxRate(sender, "max", seconds, Integer.MAX_VALUE);
        expected += awaitAll(Duration.ofSeconds(60));
        Stats ms = stats(max);
        out.printf("max rate, one event per request, %d in flight, %ds: delivered %d, %,.0f events/s, lag p50 %.1f ms,"
                + " p99 %.1f ms (target >= 3000/s: %s)%n", window, seconds, ms.count, ms.rate, ms.p50, ms.p99,
            ms.rate >= 3000 ? "met" : "MISSED");
        out.printf("max rate as a fraction of SQLite insert: %.2fx the 1-row-per-commit rate, %.0f%% of the"
            + " 256-row-per-commit rate%n", ms.rate / single, 100 * ms.rate / batched);
      }
    } finally {
      receiver.destroy();
      if (!receiver.waitFor(15, TimeUnit.SECONDS)) {
        receiver.destroyForcibly();
      }
    }
    long stored;
    try (FederationStore rx = FederationStore.open(dir.resolve("receiver.db"))) {
      stored = rx.countEvents(GROUP);
    }
    out.printf("receiver stored %d events, sender emitted %d: %s%n", stored, expected,
        stored == expected ? "nothing lost" : "MISMATCH");
    out.flush();
    return stored == expected ? ExitCodes.OK : ExitCodes.FAILED;
  }

  static String group(String node, Path secret) {
    return """
        apiVersion: federation.routerd.net/v1alpha1
        kind: EventGroup
        metadata: {name: bench}
        spec:
          nodeName: %s
          auth: {mode: hmac, secretFile: "%s"}
        """.formatted(node, secret);
  }

  private record Phase(String name, long startNanos, int count) {}

  private record Stats(long count, double rate, double p50, double p99, double max) {}

  /**
   * Lag runs from the emit call (before the sender's durable record) to the moment the receiver's
   * 200 arrived (after its durable store): {@code at} is taken at the response, before the sender
   * commits the delivered state, so that commit is not counted.
   */
  private void onDelivered(FederationEvent ev, boolean ok, Instant at) {
    Long t0 = emittedAt.remove(ev.id());
    if (!ok || t0 == null) {
      return;
    }
    long atNanos = at.getEpochSecond() * 1_000_000_000L + at.getNano();
    long now = System.nanoTime();
    List<Long> l = lags;
    synchronized (l) {
      l.add(Math.max(0, atNanos - t0));
    }
    lastDeliveredNanos.accumulateAndGet(now, Math::max);
    delivered.incrementAndGet();
    Semaphore s = inFlight;
    if (s != null) {
      s.release();
    }
  }

  private static long wallNanos() {
    Instant t = Instant.now();
    return t.getEpochSecond() * 1_000_000_000L + t.getNano();
  }

  private void reset() {
    lags = new ArrayList<>();
    delivered.set(0);
    lastDeliveredNanos.set(0);
  }

  private FederationEvent event(String id) {
    return new FederationEvent(id, GROUP, "tx", FederationEvent.OBSERVED_IPV4_TYPE, "10.88.60.9/32", "",
        Map.of("mac", "aa:bb:cc:dd:ee:ff"), Instant.now(), null);
  }

  private Phase fixedRate(EventdRuntime sender, String name, int perSecond, int secs) {
    reset();
    inFlight = null;
    int total = perSecond * secs;
    long period = 1_000_000_000L / perSecond;
    long start = System.nanoTime();
    for (int i = 0; i < total; i++) {
      long due = start + i * period;
      long wait = due - System.nanoTime();
      if (wait > 0) {
        LockSupport.parkNanos(wait);
      }
      String id = name + "-" + i;
      emittedAt.put(id, wallNanos());
      sender.emitAsync(event(id));
    }
    return new Phase(name, start, total);
  }

  private Phase maxRate(EventdRuntime sender, String name, int secs, int limit) throws InterruptedException {
    reset();
    inFlight = new Semaphore(window);
    long start = System.nanoTime();
    long end = start + TimeUnit.SECONDS.toNanos(secs);
    int i = 0;
    while (System.nanoTime() < end && i < limit) {
      if (!inFlight.tryAcquire(100, TimeUnit.MILLISECONDS)) {
        continue;
      }
      String id = name + "-" + i++;
      emittedAt.put(id, wallNanos());
      sender.emitAsync(event(id));
    }
    return new Phase(name, start, i);
  }

  /** Waits until every emitted event is delivered; returns how many the phase emitted. */
  private long awaitAll(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!emittedAt.isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    if (!emittedAt.isEmpty()) {
      throw new IllegalStateException(emittedAt.size() + " events not delivered within " + timeout.toSeconds() + "s");
    }
    return delivered.get();
  }

  private Stats stats(Phase p) {
    long[] v;
    List<Long> l = lags;
    synchronized (l) {
      v = l.stream().mapToLong(Long::longValue).toArray();
    }
    Arrays.sort(v);
    double elapsed = (lastDeliveredNanos.get() - p.startNanos()) / 1e9;
    return new Stats(v.length, v.length / elapsed, pct(v, 0.50), pct(v, 0.99), v.length == 0 ? 0 : v[v.length - 1] / 1e6);
  }

  private static double pct(long[] sorted, double q) {
    if (sorted.length == 0) {
      return 0;
    }
    int idx = (int) Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1);
    return sorted[Math.max(0, idx)] / 1e6;
  }

  /** Rows/s inserting the bench's rows into a fresh state file, {@code perCommit} rows per transaction. */
  private static double baseline(Path db, int perCommit, int rows) {
    try (FederationStore store = FederationStore.open(db)) {
      Instant now = Instant.now();
      long start = System.nanoTime();
      List<FederationEvent> batch = new ArrayList<>(perCommit);
      for (int i = 0; i < rows; i++) {
        batch.add(new FederationEvent("base-" + i, GROUP, "tx", FederationEvent.OBSERVED_IPV4_TYPE, "10.88.60.9/32",
            "base-" + i, Map.of("mac", "aa:bb:cc:dd:ee:ff"), now, null));
        if (batch.size() == perCommit) {
          store.recordEvents(batch, now);
          batch.clear();
        }
      }
      if (!batch.isEmpty()) {
        store.recordEvents(batch, now);
      }
      return rows / ((System.nanoTime() - start) / 1e9);
    }
  }

  static Process startReceiver(Path config, Path db, Path log, String... extraArgs)
      throws IOException, InterruptedException {
    List<String> argv = new ArrayList<>(cliCommand());
    argv.addAll(List.of("eventd", "--config", config.toString(), "--state-file", db.toString()));
    argv.addAll(List.of(extraArgs));
    return startEventd(new ProcessBuilder(argv).redirectError(log.toFile()), log);
  }

  /** Starts an eventd process ({@code pb} logs to {@code log}) and waits for its ready line on stdout. */
  static Process startEventd(ProcessBuilder pb, Path log) throws IOException, InterruptedException {
    Process p = pb.start();
    BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    CountDownLatch ready = new CountDownLatch(1);
    Thread t = new Thread(() -> {
      try {
        String line;
        while ((line = r.readLine()) != null) {
          if (line.equals(EventdCommand.READY_LINE)) {
            ready.countDown();
          }
        }
      } catch (IOException ignored) {
        // The child exited.
      }
    }, "bench-eventd-stdout");
    t.setDaemon(true);
    t.start();
    if (!ready.await(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IllegalStateException("eventd did not become ready; see " + log + ": "
          + (Files.exists(log) ? Files.readString(log).strip() : ""));
    }
    return p;
  }

  /** The argv prefix that runs this CLI in a new JVM with the same class path. */
  static List<String> cliCommand() {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    return List.of(java, "-cp", System.getProperty("java.class.path"), Cloudedge.class.getName());
  }

  /** The 1-minute load average, so figures from a busy machine read as such. */
  static String loadAverage() {
    double l = java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    return l < 0 ? "unknown" : String.format(Locale.ROOT, "%.1f", l);
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

}
