package dev.cloudedge.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cloudedge.federation.config.ConfigLoader;
import dev.cloudedge.federation.config.ConfigValidator;
import dev.cloudedge.federation.config.FederationConfig;
import dev.cloudedge.federation.dynamic.SelfCaptureGuard;
import dev.cloudedge.federation.event.FederationEvent;
import dev.cloudedge.federation.eventd.EventdContext;
import dev.cloudedge.federation.plugin.PluginRunner;
import dev.cloudedge.federation.store.FederationStore;
import dev.cloudedge.federation.subscription.SubscriptionEngine;
import dev.cloudedge.federation.subscription.SubscriptionRun;
import dev.cloudedge.federation.subscription.SubscriptionRunStore;
import dev.cloudedge.federation.subscription.SubscriptionRuntime;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The claim pipeline end to end on one real node: a stored {@code routerd.client.ipv4.observed}
 * event, the subscription runtime, the AWS planner run as a child process through {@code
 * cloudedge plugin exec}, the SQLite state file, and the operator commands that read it.
 */
class ClaimPipelineEndToEndTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  /** A launcher like plugins/aws-address-claim, on this test's classpath instead of the shaded jar. */
  private Path launcher(String name, String prelude) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Path p = dir.resolve(name);
    Files.writeString(p, "#!/bin/sh\n" + prelude + "exec '" + java + "' -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -cp '"
        + System.getProperty("java.class.path") + "' dev.cloudedge.cli.Cloudedge plugin exec aws-address-claim\n");
    Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
    return p;
  }

  private Path config(Path plugin) throws Exception {
    Path cfg = dir.resolve("cloud.yaml");
    Files.writeString(cfg, """
        apiVersion: federation.routerd.net/v1alpha1
        kind: EventGroup
        metadata: {name: cloudedge}
        spec: {nodeName: cloud-node}
        ---
        apiVersion: hybrid.routerd.net/v1alpha1
        kind: AddressMobilityDomain
        metadata: {name: cloudedge-same-subnet}
        spec: {prefix: 10.88.60.0/24}
        ---
        apiVersion: hybrid.routerd.net/v1alpha1
        kind: OverlayPeer
        metadata: {name: onprem-main}
        spec: {tunnelInterface: wg-hybrid}
        ---
        apiVersion: hybrid.routerd.net/v1alpha1
        kind: CloudProviderProfile
        metadata: {name: cloud-tokyo}
        spec:
          provider: aws
          capabilities: [secondary-ip, source-dest-check-disable]
          auth: {mode: external-command, command: /usr/local/bin/aws-credential-helper}
        ---
        apiVersion: plugin.routerd.net/v1alpha1
        kind: Plugin
        metadata: {name: aws-address-claim}
        spec:
          executable: %s
          capabilities: [observe.cloud, propose.dynamicConfig]
          timeout: 60s
          context:
            resources:
              - {apiVersion: hybrid.routerd.net/v1alpha1, kind: CloudProviderProfile, name: cloud-tokyo}
              - {apiVersion: hybrid.routerd.net/v1alpha1, kind: AddressMobilityDomain, name: cloudedge-same-subnet}
              - {apiVersion: hybrid.routerd.net/v1alpha1, kind: OverlayPeer, name: onprem-main}
        ---
        apiVersion: federation.routerd.net/v1alpha1
        kind: EventSubscription
        metadata: {name: cloud-claims}
        spec:
          groupRef: cloudedge
          match: {types: [routerd.client.ipv4.observed], subjectPrefixes: ["10.88.60."]}
          trigger: {pluginRef: aws-address-claim}
        """.formatted(plugin));
    return cfg;
  }

  private record Run(int code, String out, String err) {}

  private static Run cli(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    var cl = Cloudedge.commandLine();
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(err));
    int code = cl.execute(args);
    return new Run(code, out.toString(), err.toString());
  }

  private static FederationEvent observed() {
    return new FederationEvent("evt-e2e-1", "cloudedge", "onprem-node", FederationEvent.OBSERVED_IPV4_TYPE,
        "10.88.60.9/32", "evt-e2e-1",
        Map.of("nicRef", "eni-0abc123", "region", "ap-northeast-1", "domain", "cloudedge-same-subnet",
            "ownerSide", "onprem"),
        Instant.now().minusSeconds(2), Instant.now().plusSeconds(1800));
  }

  private static SubscriptionRuntime runtime() {
    return new SubscriptionRuntime(new SubscriptionRuntime.Options(SubscriptionEngine.Settings.defaults(),
        Duration.ofHours(1), new PluginRunner()));
  }

  private static void awaitStatus(SubscriptionRunStore runs, String status) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (System.nanoTime() < deadline) {
      var r = runs.get("EventSubscription/cloud-claims", "evt-e2e-1");
      if (r.isPresent() && r.get().status().equals(status)) {
        return;
      }
      Thread.sleep(50);
    }
    throw new AssertionError("run never became " + status + ": "
        + runs.get("EventSubscription/cloud-claims", "evt-e2e-1"));
  }

  private void assertRenderShowsClaimAndTwoPlans(Path cfg, Path db) throws Exception {
    Run render = cli("dynamic", "render", "--config", cfg.toString(), "--state-file", db.toString(), "-o", "json");
    assertEquals(0, render.code(), render.err() + render.out());
    JsonNode eff = JSON.readTree(render.out());
    assertEquals(1, eff.path("claims").size());
    JsonNode claim = eff.path("claims").get(0);
    assertEquals("onprem-10-88-60-9", claim.path("name").asText());
    assertTrue(claim.path("valid").asBoolean(), claim.toString());
    assertEquals("10.88.60.9/32", claim.path("spec").path("address").asText());
    assertEquals("cloud-tokyo", claim.path("spec").path("capture").path("providerRef").asText());
    assertEquals("eni-0abc123", claim.path("spec").path("capture").path("nicRef").asText());
    assertEquals("evt-e2e-1", claim.path("annotations").path("routerd.net/event-id").asText());
    assertEquals("[\"aws-assign-10-88-60-9-32\",\"aws-forwarding-eni-0abc123\"]", claim.path("actionPlans").toString());
    JsonNode plans = eff.path("actionPlans");
    assertEquals(2, plans.size());
    assertEquals("dry-run", plans.get(0).path("plan").path("mode").asText());
    assertEquals("aws:eni-0abc123:assign-secondary-ip:10.88.60.9/32",
        plans.get(0).path("plan").path("idempotencyKey").asText());
    assertEquals("ap-northeast-1", plans.get(0).path("plan").path("target").path("region").asText());
    assertEquals("false", plans.get(1).path("plan").path("parameters").path("sourceDestCheck").asText());
    assertEquals("[]", eff.path("problems").toString());

    Run table = cli("action", "plans", "--state-file", db.toString());
    assertEquals(0, table.code(), table.err());
    assertTrue(table.out().startsWith("PLAN "), table.out());
    assertTrue(table.out().contains("aws-assign-10-88-60-9-32"), table.out());
    assertTrue(table.out().contains("aws-forwarding-eni-0abc123"), table.out());
    assertTrue(table.out().contains("dry-run"), table.out());
    Run renderTable = cli("dynamic", "render", "--config", cfg.toString(), "--state-file", db.toString());
    assertTrue(renderTable.out().contains("onprem-10-88-60-9"), renderTable.out());
  }

  @Test
  void observedEventBecomesClaimAndTwoDryRunPlans() throws Exception {
    Path cfg = config(launcher("aws-address-claim", ""));
    FederationConfig config = ConfigLoader.load(List.of(cfg));
    assertEquals(List.of(), new ConfigValidator().validate(config));
    Path db = dir.resolve("cloud.db");
    try (FederationStore store = FederationStore.open(db); SubscriptionRuntime rt = runtime()) {
      rt.start(new EventdContext("cloud-node", config, store, Clock.systemUTC()));
      FederationEvent ev = observed();
      store.recordEvent(ev, Instant.now());
      rt.onEventsStored(List.of(ev));
      SubscriptionRunStore runs = new SubscriptionRunStore(store);
      awaitStatus(runs, "succeeded");
      assertRenderShowsClaimAndTwoPlans(cfg, db);

      Run runsJson = cli("federation", "subscription", "runs", "--subscription", "cloud-claims", "--state-file",
          db.toString(), "-o", "json");
      assertEquals(0, runsJson.code(), runsJson.err());
      JsonNode rows = JSON.readTree(runsJson.out());
      assertEquals(1, rows.size());
      assertEquals("succeeded", rows.get(0).path("status").asText());
      assertEquals(1, rows.get(0).path("attempts").asInt());

      // No feedback loop: this node now captures 10.88.60.9 and must not announce it as observed.
      FederationEvent echo = new FederationEvent("echo-1", "cloudedge", "cloud-node", FederationEvent.OBSERVED_IPV4_TYPE,
          "10.88.60.9/32", "", Map.of(), Instant.now(), null);
      var refused = assertThrows(SelfCaptureGuard.SelfCaptureException.class,
          () -> SelfCaptureGuard.requireNotSelfCaptured(store, config, echo, Instant.now()));
      assertEquals("federation observed event for 10.88.60.9 rejected: address is locally captured by "
          + "RemoteAddressClaim/onprem-10-88-60-9", refused.getMessage());
    }
  }

  @Test
  void aPlannerThatFailsTwiceThenSucceeds() throws Exception {
    Path count = dir.resolve("count");
    Path plugin = launcher("flaky-aws-address-claim", "cat_in=$(cat)\n"
        + "n=$(cat " + count + " 2>/dev/null || echo 0)\nn=$((n+1))\necho $n > " + count + "\n"
        + "if [ $n -le 2 ]; then echo \"aws-address-claim: cloud API throttled ($n)\" >&2; exit 1; fi\n"
        + "printf '%s' \"$cat_in\" | ");
    // The last line pipes the request into the planner: rewrite "exec java" to run inside the pipe.
    Files.writeString(plugin, Files.readString(plugin).replace("| exec '", "| '"));
    Path cfg = config(plugin);
    FederationConfig config = ConfigLoader.load(List.of(cfg));
    Path db = dir.resolve("cloud.db");
    try (FederationStore store = FederationStore.open(db); SubscriptionRuntime rt = runtime()) {
      rt.start(new EventdContext("cloud-node", config, store, Clock.systemUTC()));
      // Let the start-up tick pass first, so each tick below is exactly one attempt.
      rt.reconcileNow(Duration.ofSeconds(60));
      store.recordEvent(observed(), Instant.now());
      SubscriptionRunStore runs = new SubscriptionRunStore(store);
      List<String> seen = new ArrayList<>();
      for (int tick = 0; tick < 3; tick++) {
        rt.reconcileNow(Duration.ofSeconds(60));
        SubscriptionRun r = runs.get("EventSubscription/cloud-claims", "evt-e2e-1").orElseThrow();
        seen.add(r.status() + "/" + r.attempts());
      }
      assertEquals(List.of("failed/1", "failed/2", "succeeded/3"), seen);
      assertRenderShowsClaimAndTwoPlans(cfg, db);
      Run failedRuns = cli("federation", "subscription", "runs", "--state-file", db.toString(), "--status", "failed");
      assertEquals("ID  SUBSCRIPTION  EVENT_ID  GROUP  PLUGIN  STATUS  ATTEMPTS  STARTED  COMPLETED  ERROR\n",
          failedRuns.out());
      Run plugins = cli("plugin", "list", "--config", cfg.toString(), "--state-file", db.toString(), "-o", "json");
      JsonNode planner = null;
      for (JsonNode p : JSON.readTree(plugins.out())) {
        if (p.path("name").asText().equals("aws-address-claim") && !p.path("origin").asText().equals("bundled")) {
          planner = p;
        }
      }
      assertEquals("succeeded", planner.path("lastRun").asText(), plugins.out());
    }
  }

  @Test
  void operatorErrorsAreOneLineAndExit2() throws Exception {
    Run missing = cli("federation", "subscription", "runs", "--state-file", dir.resolve("none.db").toString());
    assertEquals(2, missing.code());
    assertEquals("cloudedge: state file " + dir.resolve("none.db") + " does not exist (use --state-file or "
        + "$CLOUDEDGE_STATE_FILE)\n", missing.err());
    Path db = dir.resolve("s.db");
    FederationStore.open(db).close();
    Run badStatus = cli("federation", "subscription", "runs", "--state-file", db.toString(), "--status", "done");
    assertEquals(2, badStatus.code());
    assertEquals("cloudedge: invalid --status \"done\": must be one of pending, succeeded, failed\n", badStatus.err());
    Run empty = cli("action", "plans", "--state-file", db.toString(), "-o", "json");
    assertTrue(JSON.readTree(empty.out()).isArray() && JSON.readTree(empty.out()).isEmpty(), empty.out());
    Run unknown = cli("plugin", "exec", "gcp-address-claim");
    assertEquals(2, unknown.code());
    assertTrue(unknown.err().startsWith("cloudedge: unknown bundled plugin \"gcp-address-claim\""), unknown.err());
  }
}
