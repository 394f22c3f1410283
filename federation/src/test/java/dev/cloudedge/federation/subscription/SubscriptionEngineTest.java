package dev.cloudedge.federation.subscription;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cloudedge.federation.config.ConfigLoader;
import dev.cloudedge.federation.config.FederationConfig;
import dev.cloudedge.federation.dynamic.DynamicConfigPart;
import dev.cloudedge.federation.dynamic.DynamicConfigStore;
import dev.cloudedge.federation.dynamic.EffectiveDynamicConfig;
import dev.cloudedge.federation.event.FederationEvent;
import dev.cloudedge.federation.plugin.PluginJson;
import dev.cloudedge.federation.plugin.PluginRun;
import dev.cloudedge.federation.plugin.PluginRunStore;
import dev.cloudedge.federation.plugin.PluginRunner;
import dev.cloudedge.federation.store.FederationStore;
import dev.cloudedge.federation.testsupport.ManualClock;
import dev.cloudedge.federation.testsupport.ManualScheduler;
import dev.cloudedge.federation.testsupport.TestPlugins;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SubscriptionEngineTest {
  private static final Instant NOON = Instant.parse("2026-05-30T12:00:00Z");
  private static final String OBSERVED = "routerd.client.ipv4.observed";

  @TempDir Path dir;
  private final ManualClock clock = new ManualClock(NOON);
  private final ManualScheduler timers = new ManualScheduler(clock);
  private final List<AutoCloseable> closing = new ArrayList<>();
  private FederationStore store;

  @AfterEach
  void close() throws Exception {
    for (AutoCloseable c : closing) {
      c.close();
    }
  }

  private FederationStore store() {
    if (store == null) {
      store = FederationStore.open(dir.resolve("node.db"));
      closing.add(store);
    }
    return store;
  }

  private static String config(Path plugin, String trigger, String match) {
    return """
        apiVersion: federation.routerd.net/v1alpha1
        kind: EventGroup
        metadata: {name: cloudedge}
        spec: {nodeName: cloud}
        ---
        apiVersion: plugin.routerd.net/v1alpha1
        kind: Plugin
        metadata: {name: claim-plugin}
        spec: {executable: %s, timeout: 20s, capabilities: [propose.dynamicConfig]}
        ---
        apiVersion: federation.routerd.net/v1alpha1
        kind: EventSubscription
        metadata: {name: claim-sub}
        spec:
          groupRef: cloudedge
          match: %s
          trigger: {pluginRef: claim-plugin%s}
        """.formatted(plugin, match, trigger);
  }

  private SubscriptionEngine engine(String yaml, SubscriptionEngine.Settings settings) throws Exception {
    FederationConfig cfg = FederationConfig.of(ConfigLoader.parse(yaml, "test.yaml"));
    SubscriptionEngine e = new SubscriptionEngine(cfg, store(), cfg.eventSubscriptions(), new PluginRunner("/usr/bin:/bin"),
        clock, timers, settings);
    closing.add(0, e);
    return e;
  }

  private SubscriptionEngine engine(Path plugin, String trigger) throws Exception {
    return engine(config(plugin, trigger, "{types: [" + OBSERVED + "]}"), SubscriptionEngine.Settings.defaults());
  }

  private static FederationEvent ev(String id, String subject, Instant observed, Map<String, String> payload) {
    return new FederationEvent(id, "cloudedge", "onprem", OBSERVED, subject, id, payload, observed, null);
  }

  private void record(FederationEvent... events) {
    store().recordEvents(List.of(events), clock.instant());
  }

  private List<SubscriptionRun> runs() {
    return new SubscriptionRunStore(store()).list("", "");
  }

  private List<DynamicConfigPart> parts() {
    return new DynamicConfigStore(store()).list(false, clock.instant());
  }

  private List<PluginRun> pluginRuns() {
    return new PluginRunStore(store()).list("", 100);
  }

  private Path fixedClaimPlugin() {
    return TestPlugins.fixedResult(dir, "claim-plugin", TestPlugins.claimResult());
  }

  /** A plugin that keeps each request in {@code requests/<n>.json} and answers with the fixed claim. */
  private Path spyPlugin() throws Exception {
    Path req = dir.resolve("requests");
    Files.createDirectories(req);
    return TestPlugins.script(dir, "spy-plugin", "n=$(ls " + req + " | wc -l)\ncat > " + req + "/$n.json\n"
        + "cat <<'JSON'\n" + TestPlugins.claimResult() + "\nJSON");
  }

  private List<JsonNode> requests() throws Exception {
    List<JsonNode> out = new ArrayList<>();
    Path req = dir.resolve("requests");
    for (int i = 0; Files.exists(req.resolve(i + ".json")); i++) {
      out.add(PluginJson.MAPPER.readTree(Files.readString(req.resolve(i + ".json"))));
    }
    return out;
  }

  private static List<String> eventIds(JsonNode request) {
    List<String> ids = new ArrayList<>();
    request.path("spec").path("events").forEach(e -> ids.add(e.path("id").asText()));
    return ids;
  }

  @Test
  void acceptance1And2OnePartPerBatchAndNoRerun() throws Exception {
    SubscriptionEngine e = engine(fixedClaimPlugin(), "");
    record(ev("e1", "10.88.60.9/32", NOON.minusSeconds(3600), Map.of()));
    e.reconcile();
    List<DynamicConfigPart> parts = parts();
    assertEquals(1, parts.size());
    DynamicConfigPart p = parts.get(0);
    assertEquals("EventSubscription/claim-sub/8b5cc4df7eec7d32", p.source());
    assertEquals(1, p.generation());
    assertEquals("EventSubscription-claim-sub-8b5cc4df7eec7d32-1", p.name());
    assertEquals(Map.of("routerd.net/dynamic-source", "EventSubscription/claim-sub",
        "routerd.net/event-group", "cloudedge", "routerd.net/event-id", "e1",
        "routerd.net/event-subject", "10.88.60.9/32"), p.resources().get(0).metadata().annotations());
    SubscriptionRun run = runs().get(0);
    assertEquals("EventSubscription/claim-sub", run.subscription());
    assertEquals("succeeded", run.status());
    assertEquals(1, run.attempts());
    assertEquals(p.source(), run.dynamicSource());
    assertEquals(1L, run.dynamicGeneration());
    assertEquals("", run.error());
    SubscriptionStatus st = e.statuses().get("claim-sub");
    assertEquals("Applied", st.phase());
    assertEquals(1, st.matched());
    PluginRun pr = pluginRuns().get(0);
    assertEquals("succeeded", pr.status());
    assertEquals("federation-subscription", pr.triggerType());
    assertEquals("claim-sub", pr.triggerTopic());
    assertEquals(0, pr.exitCode());

    clock.advance(Duration.ofSeconds(5));
    e.reconcile();
    assertEquals(1, runs().size());
    assertEquals(1, runs().get(0).attempts());
    assertEquals(1, parts().size());
    assertEquals(1, pluginRuns().size(), "the plugin must not run again");
    assertEquals("Idle", e.statuses().get("claim-sub").phase());
  }

  @Test
  void acceptance3FiltersAndExpiry() throws Exception {
    SubscriptionEngine e = engine(config(fixedClaimPlugin(), "",
        "{types: [" + OBSERVED + "], subjectPrefixes: [\"10.88.\"], payload: {role: db}, sourceNodes: [onprem]}"),
        SubscriptionEngine.Settings.defaults());
    Instant t = NOON.minusSeconds(60);
    record(
        new FederationEvent("t1", "cloudedge", "onprem", "other.event", "10.88.60.9/32", "", Map.of("role", "db"), t, null),
        new FederationEvent("s1", "cloudedge", "onprem", OBSERVED, "192.0.2.1/32", "", Map.of("role", "db"), t, null),
        new FederationEvent("p1", "cloudedge", "onprem", OBSERVED, "10.88.60.9/32", "", Map.of("role", "web"), t, null),
        new FederationEvent("n1", "cloudedge", "other", OBSERVED, "10.88.60.9/32", "", Map.of("role", "db"), t, null),
        new FederationEvent("g1", "elsewhere", "onprem", OBSERVED, "10.88.60.9/32", "", Map.of("role", "db"), t, null),
        new FederationEvent("x1", "cloudedge", "onprem", OBSERVED, "10.88.60.9/32", "", Map.of("role", "db"), t,
            NOON.minusSeconds(1)));
    e.reconcile();
    assertEquals(List.of(), runs());
    assertEquals(List.of(), parts());
    record(new FederationEvent("ok1", "cloudedge", "onprem", OBSERVED, "10.88.60.9/32", "", Map.of("role", "db"), t,
        NOON));
    e.reconcile();
    assertEquals(List.of("ok1"), runs().stream().map(SubscriptionRun::eventId).toList());
  }

  @Test
  void acceptance4SeparateTicksMakeSeparatePartsAndBothClaimsRender() throws Exception {
    Path plugin = TestPlugins.bundled(dir, "event-to-remote-claim");
    SubscriptionEngine e = engine(plugin, "");
    Map<String, String> payload = Map.of("domain", "cloudedge-same-subnet");
    record(ev("e1", "10.88.60.9/32", Instant.parse("2026-05-30T11:00:00Z"), payload));
    e.reconcile();
    record(ev("e2", "10.88.60.10/32", Instant.parse("2026-05-30T11:30:00Z"), payload));
    clock.advance(Duration.ofSeconds(5));
    e.reconcile();
    List<String> sources = parts().stream().map(DynamicConfigPart::source).toList();
    assertEquals(List.of("EventSubscription/claim-sub/8b5cc4df7eec7d32",
        "EventSubscription/claim-sub/" + dev.cloudedge.federation.dynamic.DynamicParts
            .subscriptionSource("claim-sub", List.of("e2")).substring("EventSubscription/claim-sub/".length())), sources);
    EffectiveDynamicConfig eff = EffectiveDynamicConfig.render(parts(), FederationConfig.of(List.of()));
    assertEquals(List.of("onprem-10-88-60-9", "onprem-10-88-60-10"),
        eff.claims().stream().map(EffectiveDynamicConfig.EffectiveClaim::name).toList());
  }

  @Test
  void acceptance5AlwaysFailingPluginStopsAtMaxAttempts() throws Exception {
    Path plugin = TestPlugins.script(dir, "claim-plugin", "cat >/dev/null\necho 'cloud unreachable' >&2\nexit 7");
    SubscriptionEngine e = engine(plugin, "");
    record(ev("e1", "10.88.60.9/32", NOON.minusSeconds(60), Map.of()));
    for (int tick = 0; tick < 4; tick++) {
      e.reconcile();
      clock.advance(Duration.ofSeconds(5));
    }
    SubscriptionRun run = runs().get(0);
    assertEquals("failed", run.status());
    assertEquals(3, run.attempts());
    assertTrue(run.error().startsWith("plugin claim-plugin failed: exit status"), run.error());
    assertEquals(List.of(), parts());
    List<PluginRun> prs = pluginRuns();
    assertEquals(3, prs.size());
    assertTrue(prs.stream().allMatch(r -> r.status().equals("failed") && r.exitCode() == 7
        && r.stderr().equals("cloud unreachable\n")));
    assertEquals("Idle", e.statuses().get("claim-sub").phase());
  }

  @Test
  void acceptance5WithTwoAttempts() throws Exception {
    Path plugin = TestPlugins.script(dir, "claim-plugin", "cat >/dev/null\nexit 1");
    SubscriptionEngine e = engine(config(plugin, "", "{types: [" + OBSERVED + "]}"),
        new SubscriptionEngine.Settings(2, false));
    record(ev("e1", "10.88.60.9/32", NOON.minusSeconds(60), Map.of()));
    for (int tick = 0; tick < 4; tick++) {
      e.reconcile();
    }
    assertEquals(2, runs().get(0).attempts());
    assertEquals(2, pluginRuns().size());
  }

  @Test
  void pluginThatFailsTwiceThenSucceeds() throws Exception {
    Path count = dir.resolve("count");
    Path plugin = TestPlugins.script(dir, "claim-plugin", "cat >/dev/null\n"
        + "n=$(cat " + count + " 2>/dev/null || echo 0)\nn=$((n+1))\necho $n > " + count + "\n"
        + "if [ $n -le 2 ]; then echo \"transient failure $n\" >&2; exit 75; fi\n"
        + "cat <<'JSON'\n" + TestPlugins.claimResult() + "\nJSON");
    SubscriptionEngine e = engine(plugin, "");
    record(ev("e1", "10.88.60.9/32", NOON.minusSeconds(60), Map.of()));
    e.reconcile();
    assertEquals("failed", runs().get(0).status());
    assertEquals("plugin claim-plugin failed: exit status 75", runs().get(0).error());
    assertEquals("Degraded", e.statuses().get("claim-sub").phase());
    e.reconcile();
    assertEquals(2, runs().get(0).attempts());
    assertEquals("failed", runs().get(0).status());
    e.reconcile();
    SubscriptionRun run = runs().get(0);
    assertEquals("succeeded", run.status());
    assertEquals(3, run.attempts());
    assertEquals("", run.error(), "a later success clears the error");
    assertEquals(1, parts().size());
    assertEquals(List.of("succeeded", "failed", "failed"), pluginRuns().stream().map(PluginRun::status).toList());
    e.reconcile();
    assertEquals(3, pluginRuns().size(), "exactly one success per (subscription, event)");
  }

  @Test
  void acceptance6DryRunRunsNothing() throws Exception {
    Path marker = dir.resolve("ran");
    Path plugin = TestPlugins.script(dir, "claim-plugin", "touch " + marker + "\ncat >/dev/null");
    SubscriptionEngine e = engine(config(plugin, "", "{types: [" + OBSERVED + "]}"),
        new SubscriptionEngine.Settings(3, true));
    record(ev("e1", "10.88.60.9/32", NOON.minusSeconds(60), Map.of()));
    e.reconcile();
    assertFalse(Files.exists(marker));
    assertEquals(List.of(), pluginRuns());
    assertEquals(List.of(), parts());
    assertEquals("pending", runs().get(0).status());
    SubscriptionStatus st = e.statuses().get("claim-sub");
    assertEquals("Pending", st.phase());
    assertEquals("DryRun: 1 event(s) matched", st.message());
  }

  @Test
  void pendingRowLeftByACrashIsPickedUpAgain() throws Exception {
    SubscriptionEngine e = engine(fixedClaimPlugin(), "");
    record(ev("e1", "10.88.60.9/32", NOON.minusSeconds(60), Map.of()));
    // A previous process started the run and died before recording its result.
    new SubscriptionRunStore(store()).upsertStart("EventSubscription/claim-sub", "e1", "cloudedge", "claim-plugin",
        NOON.minusSeconds(30));
    e.reconcile();
    SubscriptionRun run = runs().get(0);
    assertEquals("succeeded", run.status());
    assertEquals(2, run.attempts());
    assertEquals(1, parts().size());
  }

  @Test
  void acceptance7DebounceCoalescesIntoOneCall() throws Exception {
    SubscriptionEngine e = engine(spyPlugin(), ", debounce: 80ms");
    record(ev("e1", "10.88.60.9/32", NOON.minusSeconds(60), Map.of()));
    e.reconcile();
    assertEquals(List.of(Duration.ofMillis(80)), timers.armed);
    assertEquals("Waiting for trigger window (1 event(s) matched)", e.statuses().get("claim-sub").message());
    timers.advance(Duration.ofMillis(30));
    record(ev("e2", "10.88.60.10/32", NOON.minusSeconds(50), Map.of()));
    e.reconcile();
    assertEquals(List.of(Duration.ofMillis(80), Duration.ofMillis(80)), timers.armed);
    assertEquals(1, timers.active(), "the timer is reset, not doubled");
    assertEquals(List.of(), runs());
    timers.advance(Duration.ofMillis(79));
    assertEquals(List.of(), runs());
    timers.advance(Duration.ofMillis(1));
    List<JsonNode> reqs = requests();
    assertEquals(1, reqs.size());
    assertEquals(List.of("e1", "e2"), eventIds(reqs.get(0)));
    assertEquals(2, runs().size());
    assertTrue(runs().stream().allMatch(r -> r.status().equals("succeeded")));
    assertEquals("e1,e2", parts().get(0).resources().get(0).metadata().annotations().get("routerd.net/event-id"));
  }

  @Test
  void debounceTickWithoutNewEventsDoesNotResetTheTimer() throws Exception {
    SubscriptionEngine e = engine(spyPlugin(), ", debounce: 80ms");
    record(ev("e1", "10.88.60.9/32", NOON.minusSeconds(60), Map.of()));
    e.reconcile();
    timers.advance(Duration.ofMillis(50));
    e.reconcile();
    assertEquals(List.of(Duration.ofMillis(80)), timers.armed);
    timers.advance(Duration.ofMillis(30));
    assertEquals(1, requests().size());
  }

  @Test
  void acceptance8BatchWindowCountsFromTheFirstEvent() throws Exception {
    SubscriptionEngine e = engine(spyPlugin(), ", batchWindow: 80ms");
    record(ev("e1", "10.88.60.9/32", NOON.minusSeconds(60), Map.of()));
    e.reconcile();
    timers.advance(Duration.ofMillis(30));
    record(ev("e2", "10.88.60.10/32", NOON.minusSeconds(50), Map.of()));
    e.reconcile();
    assertEquals(List.of(Duration.ofMillis(80), Duration.ofMillis(50)), timers.armed);
    timers.advance(Duration.ofMillis(50));
    List<JsonNode> reqs = requests();
    assertEquals(1, reqs.size());
    assertEquals(List.of("e1", "e2"), eventIds(reqs.get(0)));
  }

  @Test
  void acceptance9CoalesceDelay() {
    Instant t = NOON;
    assertEquals(Duration.ofMillis(20), BatchWindow.coalesceDelay(t.plusSeconds(60).minusMillis(20), t,
        Duration.ofMinutes(1), Duration.ofMillis(80)));
    assertEquals(Duration.ZERO, BatchWindow.coalesceDelay(t.plusSeconds(61), t, Duration.ofMinutes(1), Duration.ZERO));
    assertEquals(new BatchWindow(Duration.ofMinutes(1), Duration.ofSeconds(5)),
        BatchWindow.of(new dev.cloudedge.federation.config.Kinds.SubscriptionTrigger("p", "", "5s")));
    assertFalse(BatchWindow.of(new dev.cloudedge.federation.config.Kinds.SubscriptionTrigger("p", "-1s", "")).defers());
  }

  @Test
  void windowFiringAfterCloseRunsNothing() throws Exception {
    SubscriptionEngine e = engine(spyPlugin(), ", batchWindow: 80ms");
    record(ev("e1", "10.88.60.9/32", NOON.minusSeconds(60), Map.of()));
    e.reconcile();
    e.close();
    timers.advance(Duration.ofMillis(100));
    assertEquals(0, requests().size());
    assertEquals(List.of(), runs());
  }

  @Test
  void batchLimitOf1024EventsFiresAtOnceAndLeavesTheRest() throws Exception {
    SubscriptionEngine e = engine(spyPlugin(), ", batchWindow: 10m");
    List<FederationEvent> evs = new ArrayList<>();
    for (int i = 0; i < 1025; i++) {
      evs.add(ev(String.format("e%04d", i), "10.88.60.9/32", NOON.minusSeconds(2000 - i), Map.of()));
    }
    store().recordEvents(evs, NOON);
    e.reconcile();
    assertEquals(Duration.ZERO, timers.armed.get(0), "a full batch does not wait for its window");
    timers.advance(Duration.ZERO);
    assertEquals(1024, eventIds(requests().get(0)).size());
    assertEquals(1024, runs().size());
    e.reconcile();
    assertEquals(Duration.ofMinutes(10), timers.armed.get(1));
    timers.advance(Duration.ofMinutes(10));
    assertEquals(List.of("e1024"), eventIds(requests().get(1)));
  }

  @Test
  void batchLimitOf4MiB() throws Exception {
    SubscriptionEngine e = engine(spyPlugin(), ", batchWindow: 10m");
    String big = "x".repeat(1 << 20);
    record(ev("b1", "10.88.60.9/32", NOON.minusSeconds(40), Map.of("blob", big)),
        ev("b2", "10.88.60.9/32", NOON.minusSeconds(30), Map.of("blob", big)),
        ev("b3", "10.88.60.9/32", NOON.minusSeconds(20), Map.of("blob", big)),
        ev("b4", "10.88.60.9/32", NOON.minusSeconds(10), Map.of("blob", big)));
    e.reconcile();
    assertEquals(Duration.ZERO, timers.armed.get(0));
    timers.advance(Duration.ZERO);
    assertEquals(List.of("b1", "b2", "b3"), eventIds(requests().get(0)));
  }

  @Test
  void missingPluginIsReportedAndRunsNothing() throws Exception {
    String yaml = config(Path.of("/unused"), "", "{types: [" + OBSERVED + "]}").replace("pluginRef: claim-plugin",
        "pluginRef: no-such-plugin");
    SubscriptionEngine e = engine(yaml, SubscriptionEngine.Settings.defaults());
    record(ev("e1", "10.88.60.9/32", NOON.minusSeconds(60), Map.of()));
    e.reconcile();
    SubscriptionStatus st = e.statuses().get("claim-sub");
    assertEquals("Pending", st.phase());
    assertEquals("Plugin \"no-such-plugin\" not found", st.message());
    assertEquals(List.of(), runs());
    assertEquals(List.of(), pluginRuns());
  }

  @Test
  void faultsFailTheRunNameTheCauseAndTheOtherSubscriptionsKeepRunning() throws Exception {
    Map<String, String> bodies = new HashMap<>();
    bodies.put("bad-json", "cat >/dev/null\necho '{'");
    bodies.put("bad-claim", "cat >/dev/null\ncat <<'JSON'\n"
        + TestPlugins.claimResult().replace("\"ownerSide\":\"onprem\"", "\"ownerSide\":\"edge\"") + "\nJSON");
    bodies.put("bad-plan", "cat >/dev/null\ncat <<'JSON'\n" + TestPlugins.claimResult().replace(
        "\"ttl\":\"30m\",", "\"ttl\":\"30m\",\"actionPlans\":[{\"name\":\"p\",\"provider\":\"aws\","
            + "\"action\":\"assign-secondary-ip\",\"target\":{\"address\":\"10.88.60.9/32\"}}],") + "\nJSON");
    bodies.put("slow", "sleep 5");
    bodies.put("good", "cat >/dev/null\ncat <<'JSON'\n" + TestPlugins.claimResult() + "\nJSON");
    StringBuilder yaml = new StringBuilder("""
        apiVersion: federation.routerd.net/v1alpha1
        kind: EventGroup
        metadata: {name: cloudedge}
        spec: {nodeName: cloud}
        """);
    for (String name : List.of("bad-json", "bad-claim", "bad-plan", "slow", "not-executable", "good")) {
      Path exe;
      if (name.equals("not-executable")) {
        exe = dir.resolve(name);
        Files.writeString(exe, "#!/bin/sh\n");
      } else {
        exe = TestPlugins.script(dir, name, bodies.get(name));
      }
      yaml.append("""
          ---
          apiVersion: plugin.routerd.net/v1alpha1
          kind: Plugin
          metadata: {name: %s}
          spec: {executable: %s, timeout: %s}
          ---
          apiVersion: federation.routerd.net/v1alpha1
          kind: EventSubscription
          metadata: {name: sub-%s}
          spec:
            groupRef: cloudedge
            match: {types: [%s]}
            trigger: {pluginRef: %s}
          """.formatted(name, exe, name.equals("slow") ? "100ms" : "10s", name, OBSERVED, name));
    }
    SubscriptionEngine e = engine(yaml.toString(), SubscriptionEngine.Settings.defaults());
    record(ev("e1", "10.88.60.9/32", NOON.minusSeconds(60), Map.of()));
    e.reconcile();
    Map<String, String> errors = new HashMap<>();
    Map<String, String> statuses = new HashMap<>();
    for (SubscriptionRun r : runs()) {
      errors.put(r.subscription(), r.error());
      statuses.put(r.subscription(), r.status());
    }
    assertTrue(errors.get("EventSubscription/sub-bad-json").startsWith("decode plugin bad-json stdout: "));
    assertEquals("PluginResult status.resources[0]: hybrid.routerd.net/v1alpha1/RemoteAddressClaim/onprem-10-88-60-9 "
        + "spec.ownerSide must be cloud or onprem", errors.get("EventSubscription/sub-bad-claim"));
    assertEquals("PluginResult status.actionPlans[0]: actionPlan \"p\" action \"assign-secondary-ip\" requires "
        + "target.nicRef", errors.get("EventSubscription/sub-bad-plan"));
    assertEquals("plugin slow timed out after 100ms", errors.get("EventSubscription/sub-slow"));
    assertEquals("plugin executable \"" + dir.resolve("not-executable") + "\" is not executable",
        errors.get("EventSubscription/sub-not-executable"));
    assertEquals("succeeded", statuses.get("EventSubscription/sub-good"));
    assertEquals(5, runs().stream().filter(r -> r.status().equals("failed") && r.attempts() == 1).count());
    assertEquals("Degraded", e.statuses().get("sub-slow").phase());
    assertEquals("plugin slow timed out after 100ms", e.statuses().get("sub-slow").message());
    // Failed events stay eligible: the next tick tries them again.
    e.reconcile();
    assertEquals(5, runs().stream().filter(r -> r.status().equals("failed") && r.attempts() == 2).count());
    assertNull(new PluginRunStore(store()).list("not-executable", 1).get(0).exitCode());
  }
}
