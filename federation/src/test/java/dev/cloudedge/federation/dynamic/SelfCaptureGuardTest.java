package dev.cloudedge.federation.dynamic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.cloudedge.federation.config.ConfigLoader;
import dev.cloudedge.federation.config.FederationConfig;
import dev.cloudedge.federation.event.FederationEvent;
import dev.cloudedge.federation.plugin.PluginResultDecoder;
import dev.cloudedge.federation.store.FederationStore;
import dev.cloudedge.federation.testsupport.TestPlugins;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SelfCaptureGuardTest {
  private static final Instant NOON = Instant.parse("2026-05-30T12:00:00Z");

  private static FederationEvent observed(String subject, Map<String, String> payload) {
    return new FederationEvent("x1", "cloudedge", "cloud", "routerd.client.ipv4.observed", subject, "x1", payload, NOON,
        null);
  }

  @Test
  void refusesAnAddressCapturedByAnActiveClaimAndStoresNothing(@TempDir Path dir) throws Exception {
    try (FederationStore store = FederationStore.open(dir.resolve("s.db"))) {
      DynamicConfigPart part = DynamicParts.fromResult("EventSubscription/s/abc", 1,
          PluginResultDecoder.decode("t", TestPlugins.claimResult().getBytes(StandardCharsets.UTF_8)), NOON);
      new DynamicConfigStore(store).upsert(part, NOON);
      FederationEvent ev = observed("10.88.60.9/32", Map.of());
      SelfCaptureGuard.SelfCaptureException e = assertThrows(SelfCaptureGuard.SelfCaptureException.class,
          () -> SelfCaptureGuard.requireNotSelfCaptured(store, null, ev, NOON.plusSeconds(60)));
      assertEquals("federation observed event for 10.88.60.9 rejected: address is locally captured by "
          + "RemoteAddressClaim/onprem-10-88-60-9", e.getMessage());
      assertEquals(0, store.countEvents("cloudedge"));
      // payload.address wins over the subject; a bare IP works too.
      assertThrows(SelfCaptureGuard.SelfCaptureException.class, () -> SelfCaptureGuard.requireNotSelfCaptured(
          store, null, observed("host-a", Map.of("address", "10.88.60.9")), NOON));
      // Other addresses, other types, non-IP subjects and expired claims pass.
      SelfCaptureGuard.requireNotSelfCaptured(store, null, observed("10.88.60.10/32", Map.of()), NOON);
      SelfCaptureGuard.requireNotSelfCaptured(store, null, observed("printer", Map.of()), NOON);
      SelfCaptureGuard.requireNotSelfCaptured(store, null, new FederationEvent("x2", "cloudedge", "", "other.type",
          "10.88.60.9/32", "", Map.of(), NOON, null), NOON);
      SelfCaptureGuard.requireNotSelfCaptured(store, null, observed("10.88.60.9/32", Map.of()), NOON.plusSeconds(1800));
    }
  }

  @Test
  void startupClaimsCaptureToo(@TempDir Path dir) throws Exception {
    FederationConfig cfg = FederationConfig.of(ConfigLoader.parse("""
        apiVersion: hybrid.routerd.net/v1alpha1
        kind: RemoteAddressClaim
        metadata: {name: static-claim}
        spec:
          domainRef: d
          address: 10.77.0.1/32
          ownerSide: cloud
          capture: {type: proxy-arp, interface: eth0}
          delivery: {peerRef: p, mode: route}
        """, "c.yaml"));
    try (FederationStore store = FederationStore.open(dir.resolve("s.db"))) {
      assertEquals(Optional.of("static-claim"),
          SelfCaptureGuard.capturingClaim(store, cfg, observed("10.77.0.1/32", Map.of()), NOON));
    }
  }
}
