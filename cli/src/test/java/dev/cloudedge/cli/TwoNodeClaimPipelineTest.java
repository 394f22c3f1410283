package dev.cloudedge.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cloudedge.federation.config.ConfigLoader;
import dev.cloudedge.federation.event.FederationEvent;
import dev.cloudedge.federation.eventd.EventdOptions;
import dev.cloudedge.federation.eventd.EventdRuntime;
import dev.cloudedge.federation.plugin.PluginRunner;
import dev.cloudedge.federation.subscription.SubscriptionEngine;
import dev.cloudedge.federation.subscription.SubscriptionRun;
import dev.cloudedge.federation.subscription.SubscriptionRunStore;
import dev.cloudedge.federation.subscription.SubscriptionRuntime;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two real eventd nodes on 127.0.0.1: the on-prem node emits {@code routerd.client.ipv4.observed}
 * for 10.88.60.9/32, pushes it signed to the cloud node, whose subscription runtime runs the AWS
 * planner (a child process through {@code cloudedge plugin exec}); {@code dynamic render} on the
 * cloud node's state file then shows the claim and its two dry-run plans.
 */
class TwoNodeClaimPipelineTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  private Path planner(String prelude) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Path p = dir.resolve("aws-address-claim");
    Files.writeString(p, "#!/bin/sh\n" + prelude + "'" + java + "' -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -cp '"
        + System.getProperty("java.class.path") + "' dev.cloudedge.cli.Cloudedge plugin exec aws-address-claim\n");
    Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
    return p;
  }

  private Path secret() throws Exception {
    Path s = dir.resolve("group.secret");
    Files.writeString(s, "two-node-test-secret\n");
    return s;
  }

  private Path cloudConfig(Path plugin) throws Exception {
    Path cfg = dir.resolve("cloud.yaml");
    Files.writeString(cfg, """
        apiVersion: federation.routerd.net/v1alpha1
        kind: EventGroup
        metadata: {name: cloudedge}
        spec: {nodeName: cloud-node, auth: {mode: hmac, secretFile: %s}}
        ---
        apiVersion: hybrid.routerd.net/v1alpha1
        kind: AddressMobilityDomain
        metadata: {name: cloudedge-same-subnet}
        spec: {prefix: 10.88.60.0/24}
        ---
        apiVersion: hybrid.routerd.net/v1alpha1
        kind: OverlayPeer
        metadata: {name: onprem-main}
        spec: {nodeName: onprem-node, tunnelInterface: wg-hybrid}
        ---
        apiVersion: hybrid.routerd.net/v1alpha1
        kind: CloudProviderProfile
        metadata: {name: cloud-tokyo}
        spec: {provider: aws, capabilities: [secondary-ip], auth: {mode: external-command, command: /bin/false}}
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
          match: {types: [routerd.client.ipv4.observed], sourceNodes: [onprem-node]}
          trigger: {pluginRef: aws-address-claim}
        """.formatted(secret(), plugin));
    return cfg;
  }

  private Path onpremConfig(InetSocketAddress cloud) throws Exception {
    Path cfg = dir.resolve("onprem.yaml");
    Files.writeString(cfg, """
        apiVersion: federation.routerd.net/v1alpha1
        kind: EventGroup
        metadata: {name: cloudedge}
        spec: {nodeName: onprem-node, auth: {mode: hmac, secretFile: %s}}
        ---
        apiVersion: federation.routerd.net/v1alpha1
        kind: EventPeer
        metadata: {name: cloud}
        spec: {groupRef: cloudedge, nodeName: cloud-node, endpoint: "http://127.0.0.1:%d"}
        """.formatted(secret(), cloud.getPort()));
    return cfg;
  }

  private static String cli(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    var cl = Cloudedge.commandLine();
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(err));
    int code = cl.execute(args);
    assertEquals(0, code, err.toString() + out);
    return out.toString();
  }

  private void runPipeline(String plannerPrelude, Duration tick, int expectedAttempts) throws Exception {
    Path cloudCfg = cloudConfig(planner(plannerPrelude));
    Path cloudDb = dir.resolve("cloud.db");
    SubscriptionRuntime subscriptions = new SubscriptionRuntime(new SubscriptionRuntime.Options(
        SubscriptionEngine.Settings.defaults(), tick, new PluginRunner()));
    try (EventdRuntime cloud = EventdRuntime.start(EventdOptions.builder(ConfigLoader.load(List.of(cloudCfg)), cloudDb)
        .listen("cloudedge", new InetSocketAddress("127.0.0.1", 0))
        .extension(subscriptions)
        .build());
        EventdRuntime onprem = EventdRuntime.start(EventdOptions.builder(
            ConfigLoader.load(List.of(onpremConfig(cloud.receiverAddress("cloudedge").orElseThrow()))),
            dir.resolve("onprem.db")).build())) {
      onprem.emit(new FederationEvent("evt-two-node-1", "cloudedge", "", FederationEvent.OBSERVED_IPV4_TYPE,
          "10.88.60.9/32", "", Map.of("nicRef", "eni-0abc123", "region", "ap-northeast-1",
              "domain", "cloudedge-same-subnet"), Instant.now(), Instant.now().plusSeconds(1800)));
      SubscriptionRunStore runs = new SubscriptionRunStore(cloud.store());
      long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
      Optional<SubscriptionRun> run = Optional.empty();
      while (System.nanoTime() < deadline) {
        run = runs.get("EventSubscription/cloud-claims", "evt-two-node-1");
        if (run.isPresent() && run.get().status().equals("succeeded")) {
          break;
        }
        Thread.sleep(50);
      }
      assertEquals("succeeded", run.map(SubscriptionRun::status).orElse("none"), String.valueOf(run));
      assertEquals(expectedAttempts, run.get().attempts());

      JsonNode eff = JSON.readTree(cli("dynamic", "render", "--config", cloudCfg.toString(), "--state-file",
          cloudDb.toString(), "-o", "json"));
      assertEquals(1, eff.path("claims").size(), eff.toString());
      JsonNode claim = eff.path("claims").get(0);
      assertEquals("onprem-10-88-60-9", claim.path("name").asText());
      assertTrue(claim.path("valid").asBoolean(), claim.toString());
      JsonNode stored = JSON.readTree(cli("federation", "event", "list", "--state-file", cloudDb.toString(), "-o", "json"));
      assertEquals("onprem-node", stored.get(0).path("sourceNode").asText(), "the cloud node stored the pushed event");
      List<String> plans = List.of(eff.path("actionPlans").get(0).path("plan").path("name").asText(),
          eff.path("actionPlans").get(1).path("plan").path("name").asText());
      assertEquals(List.of("aws-assign-10-88-60-9-32", "aws-forwarding-eni-0abc123"), plans);
      assertTrue(eff.path("actionPlans").findValues("mode").stream().allMatch(m -> m.asText().equals("dry-run")));
      String table = cli("federation", "subscription", "runs", "--state-file", cloudDb.toString());
      assertTrue(table.contains("succeeded"), table);
    }
  }

  @Test
  void observedOnOneNodeBecomesClaimAndPlansOnTheOther() throws Exception {
    runPipeline("exec ", Duration.ofSeconds(5), 1);
  }

  @Test
  void aPlannerThatFailsTwiceThenSucceedsOnTheReceivingNode() throws Exception {
    Path count = dir.resolve("count");
    String prelude = "req=$(cat)\nn=$(cat " + count + " 2>/dev/null || echo 0)\nn=$((n+1))\necho $n > " + count + "\n"
        + "if [ $n -le 2 ]; then echo \"aws-address-claim: throttled ($n)\" >&2; exit 1; fi\n"
        + "printf '%s' \"$req\" | ";
    // A short safety tick: the failed attempts are retried by the tick, as in production, only sooner.
    runPipeline(prelude, Duration.ofMillis(300), 3);
    assertEquals("3", Files.readString(count).trim());
  }
}
