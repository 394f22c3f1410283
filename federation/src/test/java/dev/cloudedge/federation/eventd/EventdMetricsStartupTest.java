package dev.cloudedge.federation.eventd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cloudedge.federation.config.ConfigLoader;
import dev.cloudedge.federation.config.FederationConfig;
import dev.cloudedge.federation.event.FederationEvent;
import dev.cloudedge.federation.metrics.EventdMetrics;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real {@code /metrics} of freshly started eventd nodes on loopback: all 14 metrics are there
 * before any traffic, the known series at zero (so the first increment is a visible step for
 * {@code rate()}), and after one delivered event the same series count it, with histogram bounds
 * that make {@code histogram_quantile} of a seconds value meaningful.
 */
class EventdMetricsStartupTest {
  static final String GROUP = "cloudedge";
  static final String TYPE = FederationEvent.OBSERVED_IPV4_TYPE;
  static final List<String> ALL = List.of(EventdMetrics.DELIVERY_TOTAL, EventdMetrics.DELIVERY_ATTEMPTS_TOTAL,
      EventdMetrics.REPUSH_TOTAL, EventdMetrics.STALE_TTL_TOTAL, EventdMetrics.DELIVERY_LAG, EventdMetrics.REJECT_TOTAL,
      EventdMetrics.ACCEPTED_TOTAL, EventdMetrics.DUPLICATE_TOTAL, EventdMetrics.TICK_TOTAL,
      EventdMetrics.TICK_ERRORS_TOTAL, EventdMetrics.TICK_DURATION, EventdMetrics.PRUNER_TICK_TOTAL,
      EventdMetrics.PRUNER_PRUNED_TOTAL, EventdMetrics.PRUNER_TICK_ERRORS_TOTAL);

  @TempDir Path dir;
  final List<EventdRuntime> running = new ArrayList<>();
  final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @AfterEach
  void tearDown() {
    for (EventdRuntime rt : running) {
      rt.close();
    }
  }

  private String group(String node) throws Exception {
    Path secret = dir.resolve("group.key");
    if (!Files.exists(secret)) {
      Files.writeString(secret, "0123456789abcdef0123456789abcdef\n");
    }
    return """
        apiVersion: federation.routerd.net/v1alpha1
        kind: EventGroup
        metadata: {name: cloudedge}
        spec:
          nodeName: %s
          auth: {mode: hmac, secretFile: %s}
        """.formatted(node, secret);
  }

  private EventdRuntime start(String yaml, String db, Integer listenPort) throws Exception {
    EventdOptions.Builder b = EventdOptions.builder(FederationConfig.of(ConfigLoader.parse(yaml, "test.yaml")),
        dir.resolve(db)).adminAddress(new InetSocketAddress("127.0.0.1", 0));
    if (listenPort != null) {
      b.listen(GROUP, new InetSocketAddress("127.0.0.1", listenPort));
    }
    EventdRuntime rt = EventdRuntime.start(b.build());
    running.add(rt);
    return rt;
  }

  private String scrape(EventdRuntime rt) throws Exception {
    int port = rt.adminAddress().orElseThrow().getPort();
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
        .build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode());
    return r.body();
  }

  private static int freePort() throws Exception {
    try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  private static void assertLine(String text, String line) {
    assertTrue(text.lines().anyMatch(line::equals), "missing line: " + line + "\n" + text);
  }

  /** The {@code le} bounds and cumulative counts of one histogram series, in order. */
  private static List<double[]> buckets(String text, String name, String labels) {
    List<double[]> out = new ArrayList<>();
    Pattern p = Pattern.compile(Pattern.quote(name + "_bucket{" + labels) + ",?le=\"([^\"]+)\"} (\\d+)");
    for (String line : text.lines().toList()) {
      Matcher m = p.matcher(line);
      if (m.matches()) {
        out.add(new double[] {m.group(1).equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(m.group(1)),
            Long.parseLong(m.group(2))});
      }
    }
    return out;
  }

  /** Prometheus's histogram_quantile over cumulative buckets (linear within the bucket; first bucket from 0). */
  static double histogramQuantile(double q, List<double[]> b) {
    double total = b.get(b.size() - 1)[1];
    double rank = q * total;
    double prevBound = 0;
    double prevCount = 0;
    for (double[] x : b) {
      if (x[1] >= rank) {
        if (Double.isInfinite(x[0])) {
          return prevBound;
        }
        return prevBound + (x[0] - prevBound) * (rank - prevCount) / (x[1] - prevCount);
      }
      prevBound = x[0];
      prevCount = x[1];
    }
    return Double.NaN;
  }

  private static double sample(String text, String series) {
    for (String line : text.lines().toList()) {
      if (line.startsWith(series + " ")) {
        return Double.parseDouble(line.substring(series.length() + 1));
      }
    }
    throw new AssertionError("no sample " + series + " in\n" + text);
  }

  @Test
  void every14MetricIsExportedFromStartUpAndCountsFromZero() throws Exception {
    int cloudPort = freePort();
    EventdRuntime cloud = start(group("cloud"), "cloud.db", cloudPort);
    String peer = """
        ---
        apiVersion: federation.routerd.net/v1alpha1
        kind: EventPeer
        metadata: {name: cloud}
        spec: {groupRef: cloudedge, nodeName: cloud, endpoint: "http://127.0.0.1:%d", types: [%s]}
        """.formatted(cloudPort, TYPE);
    EventdRuntime onprem = start(group("onprem") + peer, "onprem.db", null);

    String fresh = scrape(onprem);
    String freshCloud = scrape(cloud);
    for (String name : ALL) {
      assertTrue(fresh.contains("# TYPE " + name + " "), "onprem exports " + name + " at start:\n" + fresh);
      assertTrue(freshCloud.contains("# TYPE " + name + " "), "cloud exports " + name + " at start:\n" + freshCloud);
    }
    String typed = "event_type=\"" + TYPE + "\",group=\"cloudedge\",peer=\"cloud\"";
    assertLine(fresh, EventdMetrics.DELIVERY_TOTAL + "{" + typed + ",status=\"delivered\"} 0");
    assertLine(fresh, EventdMetrics.DELIVERY_TOTAL + "{" + typed + ",status=\"failed\"} 0");
    assertLine(fresh, EventdMetrics.DELIVERY_ATTEMPTS_TOTAL + "{" + typed + ",status=\"delivered\"} 0");
    assertLine(fresh, EventdMetrics.REPUSH_TOTAL + "{" + typed + "} 0");
    assertLine(fresh, EventdMetrics.STALE_TTL_TOTAL + "{" + typed + "} 0");
    assertLine(fresh, EventdMetrics.DELIVERY_LAG + "_count{" + typed + "} 0");
    assertLine(fresh, EventdMetrics.PRUNER_PRUNED_TOTAL + "{group=\"cloudedge\"} 0");
    for (String reason : EventdMetrics.REJECT_REASONS) {
      assertLine(freshCloud, EventdMetrics.REJECT_TOTAL + "{group=\"cloudedge\",reason=\"" + reason + "\"} 0");
    }
    assertLine(freshCloud, EventdMetrics.ACCEPTED_TOTAL + "{group=\"cloudedge\"} 0");
    assertLine(freshCloud, EventdMetrics.DUPLICATE_TOTAL + "{group=\"cloudedge\"} 0");
    // cloud has no peer: the delivery metrics' labels are not known, the series without labels is there.
    assertLine(freshCloud, EventdMetrics.DELIVERY_TOTAL + " 0");
    assertLine(freshCloud, EventdMetrics.DELIVERY_LAG + "_count 0");

    FederationEvent ev = new FederationEvent("evt-metrics-1", GROUP, "", TYPE, "10.88.60.9/32", "",
        Map.of("mac", "aa:bb:cc:dd:ee:ff"), Instant.now(), null);
    onprem.emit(ev);
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    String after = scrape(onprem);
    while (sample(after, EventdMetrics.DELIVERY_TOTAL + "{" + typed + ",status=\"delivered\"}") < 1) {
      assertTrue(System.nanoTime() < deadline, "delivered within 10 s:\n" + after);
      Thread.sleep(20);
      after = scrape(onprem);
    }
    assertLine(after, EventdMetrics.DELIVERY_TOTAL + "{" + typed + ",status=\"delivered\"} 1");
    assertLine(after, EventdMetrics.DELIVERY_LAG + "_count{" + typed + "} 1");
    assertEquals(1, after.lines().filter(l -> l.startsWith(EventdMetrics.DELIVERY_LAG + "_count{" + typed + "}")).count(),
        "the recorded series replaces its zero placeholder:\n" + after);
    assertLine(scrape(cloud), EventdMetrics.ACCEPTED_TOTAL + "{group=\"cloudedge\"} 1");

    // The bounds are the documented seconds buckets, and a quantile of the one lag lands near it.
    List<double[]> lag = buckets(after, EventdMetrics.DELIVERY_LAG, typed);
    List<Double> bounds = lag.stream().map(x -> x[0]).toList();
    List<Double> want = new ArrayList<>(EventdMetrics.SECONDS_BUCKETS);
    want.add(Double.POSITIVE_INFINITY);
    assertEquals(want, bounds);
    double value = sample(after, EventdMetrics.DELIVERY_LAG + "_sum{" + typed + "}");
    double p99 = histogramQuantile(0.99, lag);
    assertTrue(p99 <= Math.max(3 * value, 0.0005) && p99 >= value / 3,
        "histogram_quantile(0.99) " + p99 + " s of one lag of " + value + " s");
    List<double[]> ticks = buckets(after, EventdMetrics.TICK_DURATION, "group=\"cloudedge\"");
    double tickMean = sample(after, EventdMetrics.TICK_DURATION + "_sum{group=\"cloudedge\"}")
        / sample(after, EventdMetrics.TICK_DURATION + "_count{group=\"cloudedge\"}");
    double tickP50 = histogramQuantile(0.5, ticks);
    assertFalse(tickP50 > 1.0 && tickMean < 0.1, "a sub-100 ms tick's median reads " + tickP50 + " s");
  }
}
