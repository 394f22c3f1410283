package dev.cloudedge.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cloudedge.federation.event.EventCodec;
import dev.cloudedge.federation.event.FederationEvent;
import dev.cloudedge.federation.security.Hmac;
import dev.cloudedge.federation.security.Secret;
import dev.cloudedge.federation.store.FederationStore;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code cloudedge eventd} as real child processes: durability across kill -9 and clean SIGTERM shutdown. */
class EventdProcessTest {
  static final String KEY = "0123456789abcdef0123456789abcdef";

  @TempDir Path dir;
  Path secret;
  final List<Process> children = new ArrayList<>();
  final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @BeforeEach
  void setUp() throws IOException {
    secret = dir.resolve("group.key");
    Files.writeString(secret, KEY + "\n");
  }

  @AfterEach
  void tearDown() throws InterruptedException {
    for (Process p : children) {
      p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  String group(String node, String extra) {
    return """
        apiVersion: federation.routerd.net/v1alpha1
        kind: EventGroup
        metadata: {name: cloudedge}
        spec:
          nodeName: %s
          auth: {mode: hmac, secretFile: "%s"}
        %s""".formatted(node, secret, extra);
  }

  Path receiverConfig(int port) throws IOException {
    Path f = dir.resolve("rx.yaml");
    Files.writeString(f, group("cloud", "  listen: {address: 127.0.0.1, port: " + port + "}\n"));
    return f;
  }

  Path senderConfig(int peerPort) throws IOException {
    Path f = dir.resolve("tx.yaml");
    Files.writeString(f, group("onprem", "") + """
        ---
        apiVersion: federation.routerd.net/v1alpha1
        kind: EventPeer
        metadata: {name: cloud}
        spec: {groupRef: cloudedge, nodeName: cloud, endpoint: "http://127.0.0.1:%d"}
        ---
        apiVersion: cloudedge.dev/v1alpha1
        kind: EventNode
        metadata: {name: onprem}
        spec: {pushInterval: 200ms, pushRetry: {maxAttempts: 1, maxTickBackoff: 400ms}}
        """.formatted(peerPort));
    return f;
  }

  /** Starts {@code cloudedge eventd} in a child JVM and waits for its ready line. */
  Process eventd(Path config, Path db, String name) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process p = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), Cloudedge.class.getName(),
        // -v: the shutdown drain line the tests look for is logged at INFO.
        "eventd", "-v", "--config", config.toString(), "--state-file", db.toString())
        .redirectError(dir.resolve(name + ".log").toFile())
        .start();
    children.add(p);
    CountDownLatch ready = new CountDownLatch(1);
    Thread t = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = r.readLine()) != null) {
          if (line.equals(EventdCommand.READY_LINE)) {
            ready.countDown();
          }
        }
      } catch (IOException ignored) {
        // The child went away.
      }
    });
    t.setDaemon(true);
    t.start();
    assertTrue(ready.await(60, TimeUnit.SECONDS), "eventd " + name + " not ready: " + log(name));
    return p;
  }

  String log(String name) throws IOException {
    Path f = dir.resolve(name + ".log");
    return Files.exists(f) ? Files.readString(f) : "";
  }

  static void await(String what, BooleanSupplier cond) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (!cond.getAsBoolean()) {
      assertTrue(System.nanoTime() < deadline, "timed out waiting for " + what);
      Thread.sleep(20);
    }
  }

  static FederationEvent event(String id, String source) {
    return new FederationEvent(id, "cloudedge", source, FederationEvent.OBSERVED_IPV4_TYPE, "10.88.60.9/32", id,
        Map.of("mac", "aa:bb:cc:dd:ee:ff"), Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS), null);
  }

  @Test
  void acknowledgedEventSurvivesKill9OfTheReceiver() throws Exception {
    int port = freePort();
    Path db = dir.resolve("rx.db");
    Process rx = eventd(receiverConfig(port), db, "rx");
    byte[] body = EventCodec.encode(event("evt-durable", "onprem"));
    long ts = Instant.now().getEpochSecond();
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/events"))
        .header("X-Routerd-Timestamp", Long.toString(ts))
        .header("X-Routerd-Signature", Hmac.sign(Secret.ofText(KEY), ts, body))
        .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode(), r.body());
    rx.destroyForcibly();
    assertTrue(rx.waitFor(10, TimeUnit.SECONDS));
    try (FederationStore store = FederationStore.open(db)) {
      assertTrue(store.getEvent("evt-durable").isPresent(), "a 200 means the event was on disk");
    }
  }

  @Test
  void locallyRecordedEventIsDeliveredAfterKill9AndRestartOfTheSender() throws Exception {
    int rxPort = freePort();
    Path txDb = dir.resolve("tx.db");
    Path txConfig = senderConfig(rxPort);
    Process tx = eventd(txConfig, txDb, "tx");
    // Recorded locally on the sender's state file while the receiver is down, as `federation event emit` does.
    try (FederationStore store = FederationStore.open(txDb)) {
      store.recordEvent(event("evt-local", "onprem"), Instant.now());
      store.enqueueDelivery("evt-local", "cloud");
      await("the sender tried and failed", () -> "failed".equals(store.listDeliveries("evt-local", "cloud").get(0).status()));
    }
    tx.destroyForcibly();
    assertTrue(tx.waitFor(10, TimeUnit.SECONDS));

    Path rxDb = dir.resolve("rx.db");
    Process rx = eventd(receiverConfig(rxPort), rxDb, "rx");
    Process tx2 = eventd(txConfig, txDb, "tx2");
    await("delivered after the restart", () -> {
      try {
        HttpResponse<String> s = http.send(HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + rxPort + "/v1/status")).build(), HttpResponse.BodyHandlers.ofString());
        return s.body().contains("\"storedEvents\":1");
      } catch (IOException | InterruptedException e) {
        return false;
      }
    });

    // SIGTERM: both shut down cleanly (writer drained, store closed) within the grace period.
    tx2.destroy();
    rx.destroy();
    assertTrue(tx2.waitFor(20, TimeUnit.SECONDS), "sender did not stop on SIGTERM");
    assertTrue(rx.waitFor(20, TimeUnit.SECONDS), "receiver did not stop on SIGTERM");
    assertEquals(0, tx2.exitValue(), "sender exit status after SIGTERM");
    assertEquals(0, rx.exitValue(), "receiver exit status after SIGTERM");
    assertTrue(log("rx").contains("store writer committed"), "rx log: [" + log("rx") + "] tx2 log: [" + log("tx2") + "]");
    try (FederationStore store = FederationStore.open(txDb)) {
      assertEquals("delivered", store.listDeliveries("evt-local", "cloud").get(0).status());
    }
  }

  @Test
  void startupFailureNamesTheFileAndExits1() throws Exception {
    Path cfg = dir.resolve("bad.yaml");
    Path missing = dir.resolve("nope.key");
    Files.writeString(cfg, group("cloud", "").replace(secret.toString(), missing.toString()));
    StringWriter err = new StringWriter();
    var cl = Cloudedge.commandLine();
    cl.setErr(new PrintWriter(err, true));
    cl.setOut(new PrintWriter(new StringWriter(), true));
    int code = cl.execute("eventd", "--config", cfg.toString(), "--state-file", dir.resolve("x.db").toString());
    assertEquals(ExitCodes.FAILED, code);
    assertEquals("cloudedge: eventd: EventGroup cloudedge: read secret: open " + missing
        + ": no such file or directory", err.toString().strip());

    err.getBuffer().setLength(0);
    code = cl.execute("eventd", "--config", cfg.toString(), "--state-file", "x.db", "--admin-listen", "nonsense");
    assertEquals(ExitCodes.USAGE, code);
    assertEquals("cloudedge: --admin-listen \"nonsense\" must be HOST:PORT", err.toString().strip());
  }
}
