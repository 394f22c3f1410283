package dev.cloudedge.cli;

import dev.cloudedge.federation.event.EventCodec;
import dev.cloudedge.federation.event.FederationEvent;
import dev.cloudedge.federation.security.Hmac;
import dev.cloudedge.federation.security.Secret;
import dev.cloudedge.federation.transport.PushClient;
import dev.cloudedge.federation.transport.ReceiverHandler;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code cloudedge bench soak}: a receiver eventd in a child process on loopback, measured from
 * outside in three phases. (a) A concurrent external writer: a loop of {@code federation event
 * emit --file} processes commits to the receiver's state file while signed valid events are pushed;
 * counts pushes answered 500 and failed emits (both must be 0). (b) Pipelines: shuffled mixes of
 * valid and invalid requests written in one go on one connection; every reply must be the one of
 * its request, and exactly the valid events must be stored. (c) A slow-header storm: many clients
 * trickle a header at 1 byte/s while valid requests keep being sent; prints the longest time from a
 * slow client's first byte to its close, against the 30 s header deadline, and the valid requests'
 * count and latency p50/p99. Figures are printed, and the exit code is 1 when a verdict fails.
 */
@Command(
    name = "soak",
    mixinStandardHelpOptions = true,
    description = {
      "Soak a receiver eventd on 127.0.0.1: a concurrent external writer, pipelined valid/invalid requests,",
      "and a slow-header storm. Prints counts and latencies; exit 1 when a verdict fails."
    })
public final class BenchSoakCommand implements Callable<Integer> {
  private static final String GROUP = "bench";
  private static final String KEY = "bench-secret-0123456789abcdef0123";
  /** The receiver's request deadline from the first byte (EventdOptions' default). */
  private static final Duration HEADER_DEADLINE = Duration.ofSeconds(30);
  /** Slack for timer granularity and a loaded machine when judging "closed within the deadline". */
  private static final Duration CLOSE_SLACK = Duration.ofSeconds(2);

  @Spec CommandSpec spec;

  @Option(names = "--duration", defaultValue = "20",
      description = "Seconds of phase (a), the concurrent writer (default ${DEFAULT-VALUE}).")
  int seconds;

  @Option(names = "--warmup", defaultValue = "10",
      description = "Seconds of unmeasured pushes before the phases (default ${DEFAULT-VALUE}).")
  int warmupSeconds;

  @Option(names = "--pushers", defaultValue = "16",
      description = "Concurrent valid pushes in phase (a) (default ${DEFAULT-VALUE}).")
  int pushers;

  @Option(names = "--writers", defaultValue = "2",
      description = "Concurrent loops of emit --file processes in phase (a) (default ${DEFAULT-VALUE}).")
  int writers;

  @Option(names = "--emit-batch", defaultValue = "20000",
      description = "Events per emit --file of the external writer (default ${DEFAULT-VALUE}).")
  int emitBatch;

  @Option(names = "--pipelines", defaultValue = "100", description = "Pipelines in phase (b) (default ${DEFAULT-VALUE}).")
  int pipelines;

  @Option(names = "--pipeline-length", defaultValue = "20",
      description = "Requests per pipeline (default ${DEFAULT-VALUE}).")
  int pipelineLength;

  @Option(names = "--slow-clients", defaultValue = "1000",
      description = "Slow-header clients in phase (c) (default ${DEFAULT-VALUE}).")
  int slowClients;

  @Option(names = "--phases", defaultValue = "a,b,c", split = ",",
      description = "Phases to run: a (writer), b (pipelines), c (slow storm) (default ${DEFAULT-VALUE}).")
  List<String> phases;

  @Option(names = "--work-dir",
      description = "Keep the state file and logs in a new run-* directory here (default: a temporary directory, removed after).")
  Path workDir;

  private final Secret key = Secret.ofText(KEY);
  private final AtomicLong ids = new AtomicLong();
  private String endpoint;
  private InetSocketAddress receiverAddress;

  @Override
  public Integer call() throws Exception {
    if (seconds <= 0 || pushers <= 0 || writers <= 0 || emitBatch <= 0 || pipelines < 0 || pipelineLength <= 0 || slowClients < 0) {
      throw new IllegalArgumentException("--duration, --pushers, --emit-batch and --pipeline-length must be positive,"
          + " --pipelines and --slow-clients not negative");
    }
    for (String p : phases) {
      if (!List.of("a", "b", "c").contains(p)) {
        throw new IllegalArgumentException("invalid --phases entry \"" + p + "\": use a, b and/or c");
      }
    }
    PrintWriter out = spec.commandLine().getOut();
    return WorkDirs.inFreshDir(workDir, "cloudedge-soak-", dir -> run(out, dir));
  }

  private int run(PrintWriter out, Path dir) throws Exception {
    Path secret = dir.resolve("bench.key");
    Files.writeString(secret, KEY + "\n");
    int port = BenchDeliveryCommand.freePort();
    int adminPort = BenchDeliveryCommand.freePort();
    Path config = dir.resolve("receiver.yaml");
    Files.writeString(config, BenchDeliveryCommand.group("rx", secret)
        + "  listen: {address: 127.0.0.1, port: " + port + "}\n");
    Path db = dir.resolve("receiver.db");
    endpoint = "http://127.0.0.1:" + port;
    receiverAddress = new InetSocketAddress("127.0.0.1", port);
    out.printf("bench soak: receiver eventd on 127.0.0.1:%d (child process), %d cores, load average %s,"
            + " open-files limit of this process %s; receiver cap spec.receiver.maxConnections = 1024 (default)%n",
        port, Runtime.getRuntime().availableProcessors(), BenchDeliveryCommand.loadAverage(), openFilesLimit());
    out.flush();
    Process receiver = BenchDeliveryCommand.startReceiver(config, db, dir.resolve("receiver.log"),
        "--admin-listen", "127.0.0.1:" + adminPort);
    boolean ok = true;
    EventLoopGroup loops = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("soak-io", true),
        NioIoHandler.newFactory());
    PushClient client = new PushClient(Clock.systemUTC(), PushClient.DEFAULT_TIMEOUT, loops);
    try {
      // Unmeasured: let the receiver's JIT compile the request path first, or phase (a) measures a cold JVM.
      Map<Integer, AtomicLong> warm = new ConcurrentHashMap<>();
      CountDownLatch warmDone = new CountDownLatch(pushers);
      long warmEnd = System.nanoTime() + TimeUnit.SECONDS.toNanos(warmupSeconds);
      for (int i = 0; i < pushers; i++) {
        pushLoop(client, "soak-warmup-", warmEnd, warm, new AtomicLong(), Collections.synchronizedList(new ArrayList<>()),
            warmDone);
      }
      warmDone.await();
      out.printf("warm-up: %d pushes in %d s (not measured)%n", warm.values().stream().mapToLong(AtomicLong::get).sum(),
          warmupSeconds);
      if (phases.contains("a")) {
        ok &= writerPhase(out, dir, db, client);
      }
      if (phases.contains("b")) {
        ok &= pipelinePhase(out, db);
      }
      if (phases.contains("c")) {
        ok &= slowPhase(out, client);
      }
      String metrics = scrape(adminPort);
      out.printf("receiver metrics: reject_total{reason=store_error} %s, reject_total{reason=too_many_connections} %s%n",
          metricValue(metrics, "store_error"), metricValue(metrics, "too_many_connections"));
      out.printf("verdict: %s%n", ok ? "PASS" : "FAIL");
      out.flush();
    } finally {
      client.close();
      loops.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
      receiver.destroy();
      if (!receiver.waitFor(15, TimeUnit.SECONDS)) {
        receiver.destroyForcibly();
      }
    }
    return ok ? ExitCodes.OK : ExitCodes.FAILED;
  }

  // ------------------------------------------------------------------ (a) concurrent external writer

  private boolean writerPhase(PrintWriter out, Path dir, Path db, PushClient client) throws Exception {
    AtomicBoolean stop = new AtomicBoolean();
    List<String> emitFailures = Collections.synchronizedList(new ArrayList<>());
    AtomicLong emits = new AtomicLong();
    AtomicLong emitted = new AtomicLong();
    List<Thread> writerThreads = new ArrayList<>();
    AtomicLong rounds = new AtomicLong();
    for (int w = 0; w < writers; w++) {
    Thread writer = new Thread(() -> {
      while (!stop.get()) {
        long round = rounds.incrementAndGet();
        try {
          Path file = dir.resolve("writer-" + round + ".ndjson");
          StringBuilder sb = new StringBuilder();
          for (int i = 0; i < emitBatch; i++) {
            sb.append("{\"group\":\"").append(GROUP).append("\",\"type\":\"soak.writer\",\"sourceNode\":\"observer\","
                + "\"id\":\"writer-").append(round).append('-').append(i).append("\",\"ttl\":\"30m\"}\n");
          }
          Files.writeString(file, sb);
          List<String> argv = new ArrayList<>(BenchDeliveryCommand.cliCommand());
          argv.addAll(List.of("federation", "event", "emit", "--file", file.toString(), "--state-file", db.toString()));
          Path log = dir.resolve("writer-" + round + ".log");
          Process p = new ProcessBuilder(argv).redirectErrorStream(true).redirectOutput(log.toFile()).start();
          int code = p.waitFor();
          emits.incrementAndGet();
          if (code != 0) {
            emitFailures.add("emit " + round + " exited " + code + ": " + Files.readString(log).strip());
          } else {
            emitted.addAndGet(emitBatch);
          }
          Files.deleteIfExists(file);
        } catch (IOException e) {
          emitFailures.add("emit " + round + ": " + e.getMessage());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }, "soak-writer-" + w);
    writerThreads.add(writer);
    }
    Map<Integer, AtomicLong> statuses = new ConcurrentHashMap<>();
    AtomicLong transportErrors = new AtomicLong();
    long[] latencies;
    List<Long> lat = Collections.synchronizedList(new ArrayList<>());
    writerThreads.forEach(Thread::start);
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    CountDownLatch done = new CountDownLatch(pushers);
    for (int i = 0; i < pushers; i++) {
      pushLoop(client, "soak-push-", end, statuses, transportErrors, lat, done);
    }
    done.await();
    stop.set(true);
    for (Thread t : writerThreads) {
      t.join(TimeUnit.SECONDS.toMillis(120));
    }
    latencies = lat.stream().mapToLong(Long::longValue).sorted().toArray();
    long total = statuses.values().stream().mapToLong(AtomicLong::get).sum() + transportErrors.get();
    long s200 = count(statuses, 200);
    long s500 = count(statuses, 500);
    long stored = countRows(db, "soak-push-%");
    long writerRows = countRows(db, "writer-%");
    out.printf("(a) concurrent writer, %ds: %d valid pushes, %d answered 200, %d answered 500, %d other (%s),"
            + " %d transport errors; push latency p50 %.1f ms, p99 %.1f ms%n", seconds, total, s200, s500,
        total - s200 - s500 - transportErrors.get(), others(statuses), transportErrors.get(), pct(latencies, 0.5),
        pct(latencies, 0.99));
    out.printf("(a) external writers: %d loops, %d emit --file processes of %d events, %d failed; rows in the state"
            + " file: %d pushed (of %d answered 200), %d written by emit (of %d)%n", writers, emits.get(), emitBatch,
        emitFailures.size(), stored, s200, writerRows, emitted.get());
    for (String f : emitFailures.subList(0, Math.min(3, emitFailures.size()))) {
      out.printf("(a)   %s%n", f);
    }
    boolean ok = s500 == 0 && emitFailures.isEmpty() && s200 == total && stored == s200 && writerRows == emitted.get()
        && emits.get() > 0;
    out.printf("(a) verdict: %s (0 pushes answered 500, 0 failed emits, every 200 and every emitted row stored)%n",
        ok ? "PASS" : "FAIL");
    out.flush();
    return ok;
  }

  private void pushLoop(PushClient client, String idPrefix, long end, Map<Integer, AtomicLong> statuses,
      AtomicLong transportErrors, List<Long> lat, CountDownLatch done) {
    if (System.nanoTime() >= end) {
      done.countDown();
      return;
    }
    byte[] body = EventCodec.encode(event(idPrefix + ids.incrementAndGet(), GROUP, "soak.push"));
    long t0 = System.nanoTime();
    client.push(endpoint, body, key).whenComplete((res, err) -> {
      lat.add(System.nanoTime() - t0);
      if (err != null || res.status() == 0) {
        transportErrors.incrementAndGet();
      } else {
        statuses.computeIfAbsent(res.status(), k -> new AtomicLong()).incrementAndGet();
      }
      pushLoop(client, idPrefix, end, statuses, transportErrors, lat, done);
    });
  }

  private static long count(Map<Integer, AtomicLong> statuses, int code) {
    AtomicLong n = statuses.get(code);
    return n == null ? 0 : n.get();
  }

  private static String others(Map<Integer, AtomicLong> statuses) {
    StringBuilder sb = new StringBuilder();
    new java.util.TreeMap<>(statuses).forEach((k, v) -> {
      if (k != 200 && k != 500) {
        sb.append(sb.length() == 0 ? "" : ", ").append(k).append(": ").append(v.get());
      }
    });
    return sb.length() == 0 ? "none" : sb.toString();
  }

  private FederationEvent event(String id, String group, String type) {
    Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    return new FederationEvent(id, group, "tx", type, "10.88.60.9/32", "", Map.of("mac", "aa:bb:cc:dd:ee:ff"), now,
        now.plus(Duration.ofMinutes(30)));
  }

  /** Rows whose id matches {@code like}, read on a plain read-only connection beside the running receiver. */
  private static long countRows(Path db, String like) throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:file:" + db.toAbsolutePath() + "?mode=ro");
        PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM federation_events WHERE id LIKE ?")) {
      ps.setString(1, like);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getLong(1) : 0;
      }
    }
  }

  // ------------------------------------------------------------------ (b) pipelines

  /** One request of a pipeline and what the receiver must answer to it. */
  private record Planned(String name, byte[] bytes, int status, String id) {}

  private boolean pipelinePhase(PrintWriter out, Path db) throws Exception {
    Random random = new Random(12);
    int mismatches = 0;
    long requests = 0;
    long valid = 0;
    String firstMismatch = "";
    for (int p = 0; p < pipelines; p++) {
      List<Planned> plan = new ArrayList<>();
      for (int i = 0; i < pipelineLength; i++) {
        plan.add(request(random.nextInt(7), p, i));
      }
      Collections.shuffle(plan, random);
      ByteArrayOutputStream all = new ByteArrayOutputStream();
      for (Planned r : plan) {
        all.write(r.bytes());
      }
      try (Socket s = new Socket()) {
        s.connect(receiverAddress, 5000);
        s.setSoTimeout(30_000);
        s.getOutputStream().write(all.toByteArray());
        s.getOutputStream().flush();
        InputStream in = s.getInputStream();
        for (Planned r : plan) {
          requests++;
          if (r.status() == 200) {
            valid++;
          }
          String[] reply = BenchHttp.readReply(in);
          int status = reply == null ? -1 : Integer.parseInt(reply[0]);
          boolean match = status == r.status() && (r.id() == null || reply[1].contains("\"id\":\"" + r.id() + "\""));
          if (!match) {
            mismatches++;
            if (firstMismatch.isEmpty()) {
              firstMismatch = "pipeline " + p + ": " + r.name() + " expected " + r.status() + " got "
                  + (reply == null ? "no reply" : status + " " + reply[1]);
            }
          }
        }
      }
    }
    long storedValid = countRows(db, "pipe-ok-%");
    long storedInvalid = countRows(db, "pipe-bad-%");
    out.printf("(b) pipelines: %d pipelines of %d shuffled requests (valid, bad signature, stale timestamp, bad body,"
            + " invalid event, wrong group, GET), %d replies out of place; stored %d of %d valid, %d of %d invalid%n",
        pipelines, pipelineLength, mismatches, storedValid, valid, storedInvalid, requests - valid);
    if (!firstMismatch.isEmpty()) {
      out.printf("(b)   first: %s%n", firstMismatch);
    }
    boolean ok = mismatches == 0 && storedValid == valid && storedInvalid == 0;
    out.printf("(b) verdict: %s%n", ok ? "PASS" : "FAIL");
    out.flush();
    return ok;
  }

  private Planned request(int kind, int pipeline, int i) {
    String okId = "pipe-ok-" + pipeline + "-" + i;
    String badId = "pipe-bad-" + pipeline + "-" + i;
    long now = Instant.now().getEpochSecond();
    switch (kind) {
      case 0, 1 -> {
        byte[] body = EventCodec.encode(event(okId, GROUP, "soak.pipe"));
        return new Planned("valid " + okId, BenchHttp.post(body, now, Hmac.sign(key, now, body)), 200, okId);
      }
      case 2 -> {
        byte[] body = EventCodec.encode(event(badId, GROUP, "soak.pipe"));
        return new Planned("bad signature", BenchHttp.post(body, now, "00".repeat(32)), 401, null);
      }
      case 3 -> {
        byte[] body = EventCodec.encode(event(badId, GROUP, "soak.pipe"));
        long stale = now - 3600;
        return new Planned("stale timestamp", BenchHttp.post(body, stale, Hmac.sign(key, stale, body)), 403, null);
      }
      case 4 -> {
        byte[] body = ("{\"id\":\"" + badId + "\",").getBytes(StandardCharsets.UTF_8);
        return new Planned("bad body", BenchHttp.post(body, now, Hmac.sign(key, now, body)), 400, null);
      }
      case 5 -> {
        byte[] body = EventCodec.encode(event(badId, "other-group", "soak.pipe"));
        return new Planned("wrong group", BenchHttp.post(body, now, Hmac.sign(key, now, body)), 400, null);
      }
      default -> {
        return new Planned("GET /v1/events", "GET /v1/events HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
            .getBytes(StandardCharsets.US_ASCII), 405, null);
      }
    }
  }

  // ------------------------------------------------------------------ (c) slow-header storm

  private boolean slowPhase(PrintWriter out, PushClient client) throws Exception {
    byte[] header = ("POST /v1/events HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: " + "a".repeat(200) + "\r\n")
        .getBytes(StandardCharsets.US_ASCII);
    Map<SocketChannel, Long> firstByte = new HashMap<>();
    Map<SocketChannel, Integer> sent = new HashMap<>();
    List<Long> closeMillis = new ArrayList<>();
    int refused503 = 0;
    int connectFailures = 0;
    List<Long> lat = Collections.synchronizedList(new ArrayList<>());
    Map<Integer, AtomicLong> statuses = new ConcurrentHashMap<>();
    AtomicLong transportErrors = new AtomicLong();
    try (Selector selector = Selector.open()) {
      for (int i = 0; i < slowClients; i++) {
        try {
          SocketChannel ch = SocketChannel.open(receiverAddress);
          ch.configureBlocking(false);
          ch.register(selector, SelectionKey.OP_READ);
          firstByte.put(ch, 0L);
          sent.put(ch, 0);
        } catch (IOException e) {
          connectFailures++;
        }
      }
      // Valid requests keep coming during the storm: one at a time, so each latency is one request's.
      long stormEnd = System.nanoTime() + HEADER_DEADLINE.plus(CLOSE_SLACK).plusSeconds(5).toNanos();
      CountDownLatch validDone = new CountDownLatch(1);
      pushLoop(client, "soak-storm-", stormEnd, statuses, transportErrors, lat, validDone);
      ByteBuffer buf = ByteBuffer.allocate(4096);
      long nextTick = System.nanoTime();
      while (!firstByte.isEmpty() && System.nanoTime() < stormEnd) {
        long now = System.nanoTime();
        if (now >= nextTick) {
          // One byte per second to every slow client still open.
          for (Iterator<Map.Entry<SocketChannel, Integer>> it = sent.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<SocketChannel, Integer> e = it.next();
            int n = e.getValue();
            if (n >= header.length) {
              continue;
            }
            try {
              e.getKey().write(ByteBuffer.wrap(header, n, 1));
              if (n == 0) {
                firstByte.put(e.getKey(), System.nanoTime());
              }
              e.setValue(n + 1);
            } catch (IOException closed) {
              // Noticed by the read side below.
            }
          }
          nextTick += TimeUnit.SECONDS.toNanos(1);
        }
        selector.select(Math.max(1, TimeUnit.NANOSECONDS.toMillis(nextTick - System.nanoTime())));
        for (Iterator<SelectionKey> it = selector.selectedKeys().iterator(); it.hasNext(); ) {
          SelectionKey k = it.next();
          it.remove();
          SocketChannel ch = (SocketChannel) k.channel();
          int n;
          String text = "";
          try {
            buf.clear();
            n = ch.read(buf);
            text = new String(buf.array(), 0, Math.max(0, n), StandardCharsets.US_ASCII);
          } catch (IOException reset) {
            n = -1;
          }
          if (text.startsWith("HTTP/1.1 503")) {
            refused503++;
          }
          if (n < 0 || text.startsWith("HTTP/1.1")) {
            Long t0 = firstByte.remove(ch);
            sent.remove(ch);
            if (t0 != null && t0 > 0) {
              closeMillis.add(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
            }
            k.cancel();
            ch.close();
          }
        }
      }
      int stillOpen = firstByte.size();
      for (SocketChannel ch : firstByte.keySet()) {
        ch.close();
      }
      validDone.await(60, TimeUnit.SECONDS);
      long[] c = closeMillis.stream().mapToLong(Long::longValue).sorted().toArray();
      long[] v = lat.stream().mapToLong(Long::longValue).sorted().toArray();
      long s200 = count(statuses, 200);
      long maxClose = c.length == 0 ? 0 : c[c.length - 1];
      out.printf("(c) slow-header storm: %d clients at 1 byte/s (%d could not connect, %d answered 503), %d closed by"
              + " the receiver, %d still open at the end; time from first byte to close: min %.1f s, median %.1f s,"
              + " max %.1f s (deadline %d s)%n", slowClients, connectFailures, refused503, c.length, stillOpen,
          c.length == 0 ? 0 : c[0] / 1e3, c.length == 0 ? 0 : c[c.length / 2] / 1e3, maxClose / 1e3,
          HEADER_DEADLINE.toSeconds());
      out.printf("(c) valid requests during the storm (one at a time): %d sent, %d answered 200, other %s,"
              + " %d transport errors; latency p50 %.1f ms, p99 %.1f ms, max %.1f ms%n", v.length, s200,
          others(statuses), transportErrors.get(), pct(v, 0.5), pct(v, 0.99),
          v.length == 0 ? 0 : v[v.length - 1] / 1e6);
      boolean ok = stillOpen == 0 && connectFailures == 0 && c.length + refused503 == slowClients
          && maxClose <= HEADER_DEADLINE.plus(CLOSE_SLACK).toMillis() && s200 > 0 && s200 == v.length;
      out.printf("(c) verdict: %s (every slow client closed within %d s + %d s slack of its first byte, every valid"
          + " request answered 200)%n", ok ? "PASS" : "FAIL", HEADER_DEADLINE.toSeconds(), CLOSE_SLACK.toSeconds());
      out.flush();
      return ok;
    }
  }

  // ------------------------------------------------------------------ plumbing

  private static double pct(long[] sortedNanos, double q) {
    if (sortedNanos.length == 0) {
      return 0;
    }
    int idx = (int) Math.min(sortedNanos.length - 1, Math.ceil(q * sortedNanos.length) - 1);
    return sortedNanos[Math.max(0, idx)] / 1e6;
  }

  private static String scrape(int adminPort) {
    try {
      HttpClient http = HttpClient.newHttpClient();
      return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPort + "/metrics"))
          .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString()).body();
    } catch (IOException e) {
      return "";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "";
    }
  }

  /** The value of the receiver reject counter with {@code reason}, or 0 when the series is absent. */
  private static String metricValue(String metrics, String reason) {
    for (String line : metrics.split("\n")) {
      if (line.startsWith("routerd_eventd_receiver_reject_total") && line.contains("reason=\"" + reason + "\"")) {
        return line.substring(line.lastIndexOf(' ') + 1);
      }
    }
    return "0";
  }

  private static String openFilesLimit() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/limits"))) {
        if (line.startsWith("Max open files")) {
          String[] f = line.trim().split("\\s+");
          return f[3];
        }
      }
    } catch (IOException e) {
      // Not Linux.
    }
    return "unknown";
  }
}
