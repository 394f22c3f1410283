package dev.cloudedge.federation.subscription;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cloudedge.federation.config.ConfigLoader;
import dev.cloudedge.federation.config.FederationConfig;
import dev.cloudedge.federation.event.FederationEvent;
import dev.cloudedge.federation.eventd.EventdContext;
import dev.cloudedge.federation.plugin.PluginRunStore;
import dev.cloudedge.federation.plugin.PluginRunner;
import dev.cloudedge.federation.store.FederationStore;
import dev.cloudedge.federation.testsupport.TestPlugins;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SubscriptionRuntimeTest {
  @TempDir Path dir;

  private static FederationConfig config(Path plugin) throws Exception {
    return FederationConfig.of(ConfigLoader.parse("""
        apiVersion: federation.routerd.net/v1alpha1
        kind: EventGroup
        metadata: {name: cloudedge}
        spec: {nodeName: cloud}
        ---
        apiVersion: federation.routerd.net/v1alpha1
        kind: EventGroup
        metadata: {name: hosted-elsewhere}
        spec: {nodeName: onprem}
        ---
        apiVersion: plugin.routerd.net/v1alpha1
        kind: Plugin
        metadata: {name: claim-plugin}
        spec: {executable: %s}
        ---
        apiVersion: federation.routerd.net/v1alpha1
        kind: EventSubscription
        metadata: {name: claim-sub}
        spec:
          groupRef: cloudedge
          match: {types: [routerd.client.ipv4.observed]}
          trigger: {pluginRef: claim-plugin}
        ---
        apiVersion: federation.routerd.net/v1alpha1
        kind: EventSubscription
        metadata: {name: not-mine}
        spec:
          groupRef: hosted-elsewhere
          match: {types: [routerd.client.ipv4.observed]}
          trigger: {pluginRef: claim-plugin}
        """.formatted(plugin), "node.yaml"));
  }

  private static FederationEvent ev(String id, String group) {
    return new FederationEvent(id, group, "onprem", "routerd.client.ipv4.observed", "10.88.60.9/32", id, Map.of(),
        Instant.now().minusSeconds(1), null);
  }

  private static void await(BooleanSupplier cond, Duration max, String what) throws InterruptedException {
    long deadline = System.nanoTime() + max.toNanos();
    while (!cond.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.sleep(20);
    }
  }

  private static SubscriptionRuntime runtime() {
    // A one-hour tick: anything that happens within the test was started by onEventsStored.
    return new SubscriptionRuntime(new SubscriptionRuntime.Options(SubscriptionEngine.Settings.defaults(),
        Duration.ofHours(1), new PluginRunner("/usr/bin:/bin")));
  }

  @Test
  void aStoredMatchingEventStartsItsRunPromptly() throws Exception {
    Path plugin = TestPlugins.fixedResult(dir, "claim-plugin", TestPlugins.claimResult());
    try (FederationStore store = FederationStore.open(dir.resolve("node.db"));
        SubscriptionRuntime rt = runtime()) {
      rt.start(new EventdContext("cloud", config(plugin), store, Clock.systemUTC()));
      await(() -> "Idle".equals(rt.statuses().getOrDefault("claim-sub", new SubscriptionStatus("", "", 0, "", ""))
          .phase()), Duration.ofSeconds(10), "the first tick");
      assertEquals(List.of("claim-sub"), List.copyOf(rt.statuses().keySet()), "only hosted groups' subscriptions run");
      FederationEvent e1 = ev("e1", "cloudedge");
      store.recordEvent(e1, Instant.now());
      long t0 = System.nanoTime();
      rt.onEventsStored(List.of(e1));
      SubscriptionRunStore runs = new SubscriptionRunStore(store);
      await(() -> runs.get("EventSubscription/claim-sub", "e1").map(r -> r.status().equals("succeeded")).orElse(false),
          Duration.ofSeconds(10), "the run of e1");
      assertTrue(System.nanoTime() - t0 < Duration.ofSeconds(10).toNanos());
      // An event of a group this node does not host triggers nothing.
      FederationEvent other = ev("o1", "hosted-elsewhere");
      store.recordEvent(other, Instant.now());
      rt.onEventsStored(List.of(other));
      rt.reconcileNow(Duration.ofSeconds(10));
      assertEquals(List.of("e1"), runs.list("", "").stream().map(SubscriptionRun::eventId).toList());
    }
  }

  @Test
  void reconfigureAppliesAReloadedConfig() throws Exception {
    Path plugin = TestPlugins.fixedResult(dir, "claim-plugin", TestPlugins.claimResult());
    FederationConfig good = config(plugin);
    FederationConfig missing = FederationConfig.of(good.resources().stream()
        .filter(r -> !r.kind().equals("Plugin")).toList());
    try (FederationStore store = FederationStore.open(dir.resolve("node.db"));
        SubscriptionRuntime rt = runtime()) {
      rt.start(new EventdContext("cloud", missing, store, Clock.systemUTC()));
      FederationEvent e1 = ev("e1", "cloudedge");
      store.recordEvent(e1, Instant.now());
      rt.reconcileNow(Duration.ofSeconds(10));
      assertEquals("Plugin \"claim-plugin\" not found", rt.statuses().get("claim-sub").message());
      assertEquals(List.of(), new SubscriptionRunStore(store).list("", ""));
      rt.reconfigure(good);
      rt.reconcileNow(Duration.ofSeconds(10));
      assertEquals("succeeded", new SubscriptionRunStore(store).get("EventSubscription/claim-sub", "e1").orElseThrow()
          .status());
    }
  }

  @Test
  void closeStopsARunningPluginAndLeavesItsEventsPending() throws Exception {
    Path started = dir.resolve("started");
    Path plugin = TestPlugins.script(dir, "claim-plugin", "touch " + started + "\nsleep 30");
    try (FederationStore store = FederationStore.open(dir.resolve("node.db"))) {
      SubscriptionRuntime rt = runtime();
      rt.start(new EventdContext("cloud", config(plugin), store, Clock.systemUTC()));
      FederationEvent e1 = ev("e1", "cloudedge");
      store.recordEvent(e1, Instant.now());
      rt.onEventsStored(List.of(e1));
      await(() -> Files.exists(started), Duration.ofSeconds(10), "the plugin to start");
      long t0 = System.nanoTime();
      rt.close();
      assertTrue(System.nanoTime() - t0 < Duration.ofSeconds(5).toNanos(), "close must not wait for the plugin");
      SubscriptionRun run = new SubscriptionRunStore(store).get("EventSubscription/claim-sub", "e1").orElseThrow();
      assertEquals("pending", run.status(), "a stopped run is retried after restart without using an attempt");
      assertEquals("plugin claim-plugin was stopped: the runtime is shutting down",
          new PluginRunStore(store).list("claim-plugin", 1).get(0).error());
    }
  }
}
