package dev.cloudedge.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cloudedge.cli.options.CliSettings;
import dev.cloudedge.federation.config.ConfigLoader;
import dev.cloudedge.federation.event.EventCodec;
import dev.cloudedge.federation.event.FederationEvent;
import dev.cloudedge.federation.eventd.EventdOptions;
import dev.cloudedge.federation.eventd.EventdRuntime;
import dev.cloudedge.federation.security.Secret;
import dev.cloudedge.federation.transport.PushClient;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code emit --file} beside a running eventd on the same state file: while batches are written,
 * signed pushes to the receiver are never answered 500 and no emit fails; and the sender's eventd
 * pushes every event of a multi-transaction file to its peer without waiting for the push tick.
 * Behaviour only; the figures are {@code cloudedge bench emit} and {@code bench soak}.
 */
class EmitBesideEventdTest {
  static final String KEY = "emit-test-secret-0123456789abcdef";

  @TempDir Path dir;

  private Path groupConfig(String name, String node, String extra) throws Exception {
    Path secret = dir.resolve("k.key");
    Files.writeString(secret, KEY + "\n");
    Path cfg = dir.resolve(name + ".yaml");
    Files.writeString(cfg, """
        apiVersion: federation.routerd.net/v1alpha1
        kind: EventGroup
        metadata: {name: g}
        spec:
          nodeName: %s
          auth: {mode: hmac, secretFile: "%s"}
        """.formatted(node, secret) + extra);
    return cfg;
  }

  private static Path ndjson(Path file, String prefix, int n, String sourceNode) throws Exception {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < n; i++) {
      sb.append("{\"group\":\"g\",\"type\":\"t\",\"sourceNode\":\"").append(sourceNode).append("\",\"id\":\"")
          .append(prefix).append(i).append("\"}\n");
    }
    Files.writeString(file, sb);
    return file;
  }

  @Test
  void pushesAreNeverAnswered500AndNoEmitFailsWhileBatchesAreWritten() throws Exception {
    Path db = dir.resolve("rx.db");
    int port = BenchDeliveryCommand.freePort();
    EventLoopGroup loops = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    PushClient client = new PushClient(Clock.systemUTC(), Duration.ofSeconds(30), loops);
    try (EventdRuntime rx = EventdRuntime.start(EventdOptions.builder(
        ConfigLoader.load(List.of(groupConfig("rx", "rx", ""))), db)
        .listen("g", new InetSocketAddress("127.0.0.1", port)).build())) {
      AtomicBoolean stop = new AtomicBoolean();
      Map<Integer, AtomicInteger> statuses = new ConcurrentHashMap<>();
      List<CompletableFuture<Void>> loopsDone = new ArrayList<>();
      AtomicInteger seq = new AtomicInteger();
      for (int i = 0; i < 8; i++) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        loopsDone.add(done);
        push(client, "http://127.0.0.1:" + port, seq, statuses, stop, done);
      }
      List<String> emitErrors = new ArrayList<>();
      CliSettings settings = new CliSettings(db, Clock.systemUTC());
      for (int round = 0; round < 4; round++) {
        Path f = ndjson(dir.resolve("batch-" + round + ".ndjson"), "w" + round + "-", 1000, "observer");
        CliRun r = CliRun.run(settings, "fed", "event", "emit", "--file", f.toString(), "--batch-size", "500");
        if (r.exitCode() != 0) {
          emitErrors.add(r.err());
        }
      }
      stop.set(true);
      CompletableFuture.allOf(loopsDone.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
      assertEquals(List.of(), emitErrors);
      int answered = statuses.values().stream().mapToInt(AtomicInteger::get).sum();
      assertTrue(answered > 0, "no push was answered");
      assertEquals(Map.of(200, answered), toPlain(statuses), "pushes by status");
      assertEquals(4 * 1000 + answered, rx.store().countEvents("g"));
    } finally {
      client.close();
      loops.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
  }

  private static Map<Integer, Integer> toPlain(Map<Integer, AtomicInteger> m) {
    Map<Integer, Integer> out = new TreeMap<>();
    m.forEach((k, v) -> out.put(k, v.get()));
    return out;
  }

  private static void push(PushClient client, String endpoint, AtomicInteger seq, Map<Integer, AtomicInteger> statuses,
      AtomicBoolean stop, CompletableFuture<Void> done) {
    if (stop.get()) {
      done.complete(null);
      return;
    }
    Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    byte[] body = EventCodec.encode(new FederationEvent("push-" + seq.incrementAndGet(), "g", "tx", "t", "s", "",
        Map.of(), now, null));
    client.push(endpoint, body, Secret.ofText(KEY)).whenComplete((res, err) -> {
      statuses.computeIfAbsent(err != null ? -1 : res.status(), k -> new AtomicInteger()).incrementAndGet();
      push(client, endpoint, seq, statuses, stop, done);
    });
  }

  @Test
  void eventdPushesEveryEventOfAMultiTransactionFileWithoutWaitingForTheTick() throws Exception {
    int port = BenchDeliveryCommand.freePort();
    Path rxDb = dir.resolve("peer.db");
    Path txDb = dir.resolve("tx.db");
    // A 1 h push tick: only the foreign-write notice can deliver within the test's time.
    String node = """
        ---
        apiVersion: cloudedge.dev/v1alpha1
        kind: EventNode
        metadata: {name: tx}
        spec: {pushInterval: 1h}
        ---
        apiVersion: federation.routerd.net/v1alpha1
        kind: EventPeer
        metadata: {name: rx}
        spec: {groupRef: g, nodeName: rx, endpoint: "http://127.0.0.1:%d"}
        """.formatted(port);
    AtomicInteger delivered = new AtomicInteger();
    try (EventdRuntime rx = EventdRuntime.start(EventdOptions.builder(
            ConfigLoader.load(List.of(groupConfig("rx", "rx", ""))), rxDb)
            .listen("g", new InetSocketAddress("127.0.0.1", port)).build());
        EventdRuntime tx = EventdRuntime.start(EventdOptions.builder(
            ConfigLoader.load(List.of(groupConfig("tx", "tx", node))), txDb)
            .deliveryListener((ev, peer, ok, attempts, error, at) -> {
              if (ok) {
                delivered.incrementAndGet();
              }
            }).build())) {
      Thread.sleep(500); // the start-up pass has run; from here on only a notice starts a pass
      int n = 1500;
      Path f = ndjson(dir.resolve("tx.ndjson"), "e-", n, "tx");
      CliRun r = CliRun.run(new CliSettings(txDb, Clock.systemUTC()), "fed", "event", "emit", "--file", f.toString(),
          "--batch-size", "250", "-o", "json");
      assertEquals(0, r.exitCode(), r.err());
      assertTrue(r.out().contains("\"transactions\" : 6") || r.out().contains("\"transactions\": 6"), r.out());
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (delivered.get() < n && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      assertEquals(n, delivered.get(), "events delivered to the peer");
      assertEquals(n, rx.store().countEvents("g"));
    }
  }
}
