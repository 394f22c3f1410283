package dev.cloudedge.federation.remediation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cloudedge.federation.config.ConfigLoader;
import dev.cloudedge.federation.config.ConfigProblem;
import dev.cloudedge.federation.config.ConfigValidator;
import dev.cloudedge.federation.config.FederationConfig;
import dev.cloudedge.federation.store.FederationStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The remediation policy Kind, the durable rate limit (real SQLite) and the atomic endpoint edit. */
class RemediationPieceTest {
  private static final Instant T0 = Instant.parse("2026-11-27T06:00:00Z");

  private static FederationConfig cfg(String yaml) throws Exception {
    return FederationConfig.of(ConfigLoader.parse(yaml, "test.yaml"));
  }

  @Test
  void policyDefaultsDenyAndValidationNamesTheResource() throws Exception {
    RemediationPolicy none = RemediationPolicy.from(cfg("apiVersion: v1\nkind: Other\nmetadata:\n  name: x\n"));
    assertEquals(RemediationPolicy.lockedDown(), none);
    assertEquals("policy.enabled=false", none.autoExecutionBlocker("retry-failed-deliveries", true).orElseThrow());

    RemediationPolicy on = RemediationPolicy.from(cfg("""
        apiVersion: cloudedge.dev/v1alpha1
        kind: FederationRemediationPolicy
        metadata:
          name: p
        spec:
          enabled: true
          allowedActions: [retry-failed-deliveries]
          approvalTimeout: 2h
        """));
    assertEquals(3, on.maxExecutionsPerHour());
    assertEquals(Duration.ofHours(2), on.approvalTimeout());
    assertTrue(on.autoExecutionBlocker("retry-failed-deliveries", true).isEmpty());
    assertEquals("action \"force-repush-stale-ttl\" is not in allowedActions",
        on.autoExecutionBlocker("force-repush-stale-ttl", true).orElseThrow());
    assertEquals("no FederationSLO for the group (policy.requireSLO=true)",
        on.autoExecutionBlocker("retry-failed-deliveries", false).orElseThrow());
    assertTrue(on.autoExecutionBlocker("configure-peer-endpoint", true).orElseThrow().contains("not ready"));

    List<ConfigProblem> problems = new ConfigValidator().validate(cfg("""
        apiVersion: cloudedge.dev/v1alpha1
        kind: FederationRemediationPolicy
        metadata:
          name: bad
        spec:
          allowedActions: [configure-peer-endpoint, reboot]
          maxExecutionsPerHour: -1
          approvalTimeout: soon
        """));
    List<String> msgs = problems.stream().map(ConfigProblem::message).toList();
    assertEquals(4, msgs.size(), msgs.toString());
    assertTrue(msgs.get(0).contains("FederationRemediationPolicy/bad spec.allowedActions[0] \"configure-peer-endpoint\" is not-ready"), msgs.get(0));
    assertTrue(msgs.get(1).contains("spec.allowedActions[1] \"reboot\" is not a remediation action"), msgs.get(1));
    assertTrue(msgs.get(2).contains("spec.maxExecutionsPerHour must be >= 0"), msgs.get(2));
    assertTrue(msgs.get(3).contains("spec.approvalTimeout"), msgs.get(3));
  }

  @Test
  void rateLimitIsDurableSlidingAndIdempotentPerKey(@TempDir Path tmp) {
    Path db = tmp.resolve("state.db");
    try (FederationStore store = FederationStore.open(db)) {
      RateLimiter rl = new RateLimiter(store);
      for (int i = 1; i <= 3; i++) {
        RateLimiter.Decision d = rl.acquire("retry-failed-deliveries", "g", "p", "k" + i, "wf" + i,
            T0.plusSeconds(60L * i), 3, Duration.ofHours(1));
        assertTrue(d.granted(), d.reason());
        assertEquals(i, d.used());
      }
      assertTrue(rl.acquire("retry-failed-deliveries", "g", "p", "k2", "wf2", T0.plusSeconds(600), 3,
          Duration.ofHours(1)).granted(), "a retried grant is returned, not refused");
      assertTrue(rl.acquire("retry-failed-deliveries", "g", "other", "k9", "wf9", T0.plusSeconds(600), 3,
          Duration.ofHours(1)).granted(), "another peer has its own budget");
    }
    try (FederationStore store = FederationStore.open(db)) {
      RateLimiter rl = new RateLimiter(store);
      RateLimiter.Decision fourth = rl.acquire("retry-failed-deliveries", "g", "p", "k4", "wf4", T0.plusSeconds(900), 3,
          Duration.ofHours(1));
      assertFalse(fourth.granted());
      assertEquals(T0.plusSeconds(60 + 3600), fourth.nextAllowedAt());
      assertEquals("rate limit: 3 execution(s) of retry-failed-deliveries for g/p in the last 1h (limit 3); next allowed at "
          + T0.plusSeconds(3660), fourth.reason());
      assertTrue(rl.acquire("retry-failed-deliveries", "g", "p", "k5", "wf5", T0.plusSeconds(3661), 3,
          Duration.ofHours(1)).granted(), "the oldest grant left the window");
      assertEquals(4, rl.grants("retry-failed-deliveries", "g", "p").size());
    }
  }

  private static final String PEERS = """
      # edge config: keep this comment
      apiVersion: federation.routerd.net/v1alpha1
      kind: EventPeer
      metadata:
        name: cloud-1
      spec:
        groupRef: g
        nodeName: cloud-1
        endpoint: ""
        types: [a.b]
      ---
      apiVersion: federation.routerd.net/v1alpha1
      kind: EventPeer
      metadata:
        name: cloud-2
      spec:
        groupRef: g
        nodeName: cloud-2
        endpoint: http://127.0.0.1:9002 # second peer
      """;

  @Test
  void endpointEditChangesOneLineKeepsABackupAndRefusesBadValues(@TempDir Path tmp) throws Exception {
    Path f = tmp.resolve("edge.yaml");
    Files.writeString(f, PEERS);
    PeerEndpointEditor.Change c = PeerEndpointEditor.setEndpoint(List.of(f), "g", "cloud-1", "http://127.0.0.1:9001", T0);
    assertTrue(c.changed());
    assertEquals("", c.previousEndpoint());
    assertEquals(PEERS.replace("endpoint: \"\"", "endpoint: http://127.0.0.1:9001"), Files.readString(f));
    assertEquals(PEERS, Files.readString(c.backup()));
    assertEquals("edge.yaml.bak-20261127T060000Z", c.backup().getFileName().toString());
    assertFalse(PeerEndpointEditor.setEndpoint(List.of(f), "g", "cloud-1", "http://127.0.0.1:9001", T0).changed());

    String before = Files.readString(f);
    for (String bad : List.of("", "ftp://x", "http://h:1/v1/events", "http://a b")) {
      assertThrows(IllegalArgumentException.class, () -> PeerEndpointEditor.setEndpoint(List.of(f), "g", "cloud-1", bad, T0), bad);
    }
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> PeerEndpointEditor.setEndpoint(List.of(f), "g", "nobody", "http://127.0.0.1:1", T0));
    assertTrue(e.getMessage().contains("no EventPeer with groupRef g and nodeName nobody"), e.getMessage());
    assertEquals(before, Files.readString(f));
    try (var files = Files.list(tmp)) {
      assertEquals(2, files.count(), "only the file and its backup; no temp file left");
    }
    PeerEndpointEditor.restore(c.backup(), f);
    assertEquals(PEERS, Files.readString(f));
    assertNull(PeerEndpointEditor.setEndpoint(List.of(f), "g", "cloud-2", "http://127.0.0.1:9002", T0).backup());
  }
}
