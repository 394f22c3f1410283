package dev.cloudedge.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cloudedge.cli.options.CliSettings;
import dev.cloudedge.federation.config.ConfigLoader;
import dev.cloudedge.federation.config.FederationConfig;
import dev.cloudedge.federation.event.FederationEvent;
import dev.cloudedge.federation.eventd.EventdOptions;
import dev.cloudedge.federation.eventd.EventdRuntime;
import dev.cloudedge.federation.store.FederationStore;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code cloudedge bench emit}: writes N events to an NDJSON file, records them with
 * {@code federation event emit --file} into a sender's state file while the sender's eventd runs on
 * it, and waits until a receiver eventd (a child process on loopback, its own state file) has
 * acknowledged every one. Prints, per repetition and as medians, events/s into the state file
 * (the emit command's run: read, parse, check, store), events/s delivered end to end (from the
 * emit's start to the last receiver 200), and the raw SQLite insert rate of the same rows with
 * plain JDBC, the same schema, durability and batch size.
 */
@Command(
    name = "emit",
    mixinStandardHelpOptions = true,
    description = {
      "Benchmark emit --file into a state file watched by eventd, and delivery to a peer eventd on 127.0.0.1.",
      "Prints events/s into the state file, delivered end to end, and the raw SQLite insert rate (medians)."
    })
public final class BenchEmitCommand implements Callable<Integer> {
  private static final String GROUP = "bench";
  private static final String KEY = "bench-secret-0123456789abcdef0123";
  private static final ObjectMapper JSON = new ObjectMapper();

  @Spec CommandSpec spec;

  @Option(names = "--events", defaultValue = "100000", description = "Events per repetition (default ${DEFAULT-VALUE}).")
  int events;

  @Option(names = "--batch-size", defaultValue = "1000",
      description = "Events per transaction, for emit --file and the raw baseline (default ${DEFAULT-VALUE}).")
  int batchSize;

  @Option(names = "--repetitions", defaultValue = "5", description = "Measured repetitions (default ${DEFAULT-VALUE}).")
  int repetitions;

  @Option(names = "--warmup-events", defaultValue = "100000",
      description = {"Events of an unmeasured first round, so both JVMs' JIT compilers have compiled the path",
          "(default ${DEFAULT-VALUE}; with 20,000 the first measured rounds still ran while C2 compiled)."})
  int warmupEvents;

  @Option(names = "--work-dir",
      description = "Keep the state files and logs in a new run-* directory here (default: a temporary directory, removed after).")
  Path workDir;

  private final AtomicLong delivered = new AtomicLong();
  private final AtomicLong lastDeliveredNanos = new AtomicLong();
  private volatile String prefix = "";

  /** One repetition's figures; {@code jitMillis} is this JVM's (the sender's) compile time during it. */
  private record Round(double intoState, double endToEnd, double raw, double emitSeconds, double deliverySeconds,
      long jitMillis) {}

  @Override
  public Integer call() throws Exception {
    if (events <= 0 || repetitions <= 0 || warmupEvents < 0 || batchSize < 1 || batchSize > 10_000) {
      throw new IllegalArgumentException("--events and --repetitions must be positive, --warmup-events not negative, "
          + "--batch-size 1..10000");
    }
    PrintWriter out = spec.commandLine().getOut();
    return WorkDirs.inFreshDir(workDir, "cloudedge-bench-emit-", dir -> run(out, dir));
  }

  private int run(PrintWriter out, Path dir) throws Exception {
    Path secret = dir.resolve("bench.key");
    Files.writeString(secret, KEY + "\n");
    int port = BenchDeliveryCommand.freePort();
    Path rxConfig = dir.resolve("receiver.yaml");
    Files.writeString(rxConfig, BenchDeliveryCommand.group("rx", secret)
        + "  listen: {address: 127.0.0.1, port: " + port + "}\n");
    Path txConfig = dir.resolve("sender.yaml");
    Files.writeString(txConfig, BenchDeliveryCommand.group("tx", secret) + """
        ---
        apiVersion: federation.routerd.net/v1alpha1
        kind: EventPeer
        metadata: {name: rx}
        spec: {groupRef: bench, nodeName: rx, endpoint: "http://127.0.0.1:%d"}
        """.formatted(port));
    Path senderDb = dir.resolve("sender.db");
    out.printf("bench emit: %d events per repetition, %d per transaction, SQLite synchronous=FULL, WAL; loopback;"
        + " %d cores; load average %s%n", events, batchSize, Runtime.getRuntime().availableProcessors(),
        BenchDeliveryCommand.loadAverage());
    out.flush();
    Process receiver = BenchDeliveryCommand.startReceiver(rxConfig, dir.resolve("receiver.db"),
        dir.resolve("receiver.log"));
    long expected = 0;
    List<Round> rounds = new ArrayList<>();
    try {
      FederationConfig tx = ConfigLoader.load(List.of(txConfig));
      try (EventdRuntime sender = EventdRuntime.start(EventdOptions.builder(tx, senderDb)
          .deliveryListener((ev, peer, ok, attempts, error, at) -> onDelivered(ev, ok)).build())) {
        out.printf("receiver: pid %d on 127.0.0.1:%d; sender eventd in-process on %s; emit --file in-process on"
            + " its own connection%n", receiver.pid(), port, senderDb.getFileName());
        out.flush();
        if (warmupEvents > 0) {
          Round w = round(out, dir, senderDb, "warmup", warmupEvents);
          expected += warmupEvents;
          out.printf("warm-up: %d events, %,.0f events/s into the state file, %,.0f delivered (not measured)%n",
              warmupEvents, w.intoState(), w.endToEnd());
          out.flush();
        }
        for (int r = 1; r <= repetitions; r++) {
          Round x = round(out, dir, senderDb, "r" + r, events);
          expected += events;
          rounds.add(x);
          out.printf("repetition %d: into the state file %,10.0f events/s (%.2fs) | delivered end to end %,10.0f"
                  + " events/s (%.2fs) | raw SQLite insert %,10.0f rows/s | sender JIT %d ms%n", r, x.intoState(),
              x.emitSeconds(), x.endToEnd(), x.deliverySeconds(), x.raw(), x.jitMillis());
          out.flush();
        }
      }
    } finally {
      receiver.destroy();
      if (!receiver.waitFor(15, TimeUnit.SECONDS)) {
        receiver.destroyForcibly();
      }
    }
    double into = median(rounds.stream().mapToDouble(Round::intoState).toArray());
    double e2e = median(rounds.stream().mapToDouble(Round::endToEnd).toArray());
    double raw = median(rounds.stream().mapToDouble(Round::raw).toArray());
    out.printf("median of %d: into the state file %,.0f events/s (%.0f%% of raw) | delivered end to end %,.0f"
        + " events/s | raw SQLite insert %,.0f rows/s%n", rounds.size(), into, 100 * into / raw, e2e, raw);
    out.printf("target >= 20,000 events/s into the state file: %s; delivered to the peer: %s%n",
        into >= 20_000 ? "met" : "MISSED", e2e >= 20_000 ? "met" : "MISSED");
    long stored;
    try (FederationStore rx = FederationStore.open(dir.resolve("receiver.db"))) {
      stored = rx.countEvents(GROUP);
    }
    out.printf("receiver stored %d events, emitted %d: %s%n", stored, expected,
        stored == expected ? "nothing lost" : "MISMATCH");
    out.flush();
    return stored == expected ? ExitCodes.OK : ExitCodes.FAILED;
  }

  private Round round(PrintWriter out, Path dir, Path senderDb, String name, int n) throws Exception {
    Path file = dir.resolve(name + ".ndjson");
    List<Object[]> rows = writeFile(file, name, n);
    double raw = rawInsert(dir.resolve(name + "-raw.db"), rows);
    prefix = name + "-";
    delivered.set(0);
    lastDeliveredNanos.set(0);
    java.lang.management.CompilationMXBean jit = java.lang.management.ManagementFactory.getCompilationMXBean();
    long jitBefore = jit.getTotalCompilationTime();
    StringWriter cliOut = new StringWriter();
    StringWriter cliErr = new StringWriter();
    var cl = Cloudedge.commandLine(new CliSettings(senderDb, Clock.systemUTC()));
    cl.setOut(new PrintWriter(cliOut));
    cl.setErr(new PrintWriter(cliErr));
    long start = System.nanoTime();
    int code = cl.execute("federation", "event", "emit", "--file", file.toString(), "--batch-size",
        Integer.toString(batchSize));
    long emitted = System.nanoTime();
    if (code != 0) {
      throw new IllegalStateException("emit --file exited " + code + ": " + cliErr.toString().strip());
    }
    // Generous: on a loaded machine delivery can run at a few hundred events/s; the figure says so.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(Math.max(120, n / 50));
    while (delivered.get() < n && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    if (delivered.get() < n) {
      throw new IllegalStateException(name + ": " + (n - delivered.get()) + " of " + n + " events not delivered in time");
    }
    double emitSeconds = (emitted - start) / 1e9;
    double deliverySeconds = (lastDeliveredNanos.get() - start) / 1e9;
    return new Round(n / emitSeconds, n / deliverySeconds, raw, emitSeconds, deliverySeconds,
        jit.getTotalCompilationTime() - jitBefore);
  }

  private void onDelivered(FederationEvent ev, boolean ok) {
    if (ok && ev.id().startsWith(prefix)) {
      lastDeliveredNanos.accumulateAndGet(System.nanoTime(), Math::max);
      delivered.incrementAndGet();
    }
  }

  /** Writes the round's NDJSON file and returns the same rows as column values for the raw baseline. */
  private static List<Object[]> writeFile(Path file, String name, int n) throws Exception {
    long observed = Instant.now().getEpochSecond();
    String observedText = Instant.ofEpochSecond(observed).toString();
    List<Object[]> rows = new ArrayList<>(n);
    StringBuilder sb = new StringBuilder(n * 220);
    for (int i = 0; i < n; i++) {
      String id = name + "-" + i;
      String subject = "10." + ((i >> 16) & 0xff) + "." + ((i >> 8) & 0xff) + "." + (i & 0xff) + "/32";
      String mac = String.format("02:00:00:%02x:%02x:%02x", (i >> 16) & 0xff, (i >> 8) & 0xff, i & 0xff);
      Map<String, Object> line = new LinkedHashMap<>();
      line.put("group", GROUP);
      line.put("type", FederationEvent.OBSERVED_IPV4_TYPE);
      line.put("subject", subject);
      line.put("sourceNode", "tx");
      line.put("id", id);
      line.put("payload", Map.of("mac", mac));
      line.put("ttl", "30m");
      line.put("observedAt", observedText);
      sb.append(JSON.writeValueAsString(line)).append('\n');
      rows.add(new Object[] {id, GROUP, "tx", FederationEvent.OBSERVED_IPV4_TYPE, subject, id,
          "{\"mac\":\"" + mac + "\"}", observed, observed + Duration.ofMinutes(30).toSeconds(), observed});
    }
    Files.writeString(file, sb, StandardCharsets.UTF_8);
    return rows;
  }

  /** Plain JDBC inserts of the same rows into a fresh file with the same schema, pragmas and batch size. */
  private double rawInsert(Path db, List<Object[]> rows) throws Exception {
    FederationStore.open(db).close();
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db.toAbsolutePath())) {
      try (Statement s = c.createStatement()) {
        s.execute("PRAGMA journal_mode = WAL");
        s.execute("PRAGMA synchronous = FULL");
      }
      c.setAutoCommit(false);
      long start = System.nanoTime();
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO federation_events (id, group_name, source_node,"
          + " type, subject, dedupe_key, payload, observed_at, expires_at, recorded_at)"
          + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
        int inBatch = 0;
        for (Object[] r : rows) {
          for (int i = 0; i < r.length; i++) {
            ps.setObject(i + 1, r[i]);
          }
          ps.addBatch();
          if (++inBatch == batchSize) {
            ps.executeBatch();
            c.commit();
            inBatch = 0;
          }
        }
        if (inBatch > 0) {
          ps.executeBatch();
          c.commit();
        }
      }
      return rows.size() / ((System.nanoTime() - start) / 1e9);
    } finally {
      for (String suffix : new String[] {"", "-wal", "-shm"}) {
        Files.deleteIfExists(Path.of(db + suffix));
      }
    }
  }

  private static double median(double[] v) {
    double[] s = v.clone();
    Arrays.sort(s);
    int n = s.length;
    return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
  }
}
