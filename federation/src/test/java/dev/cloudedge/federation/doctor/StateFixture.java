package dev.cloudedge.federation.doctor;

import dev.cloudedge.federation.config.ConfigException;
import dev.cloudedge.federation.config.ConfigLoader;
import dev.cloudedge.federation.config.FederationConfig;
import dev.cloudedge.federation.store.FederationStore;
import java.nio.file.Path;
import java.time.Instant;

/**
 * Builds a real SQLite state file with the production store's schema, and writes rows with the
 * exact times a scenario needs (the reference's {@code event}/{@code deliver}/{@code fail}/
 * {@code pending} shorthand, §5).
 */
final class StateFixture implements AutoCloseable {
  /** The frozen doctor clock of the reference examples: 2026-07-21T08:00:00Z. */
  static final Instant T = Instant.parse("2026-07-21T08:00:00Z");
  static final long TU = T.getEpochSecond();

  final Path path;
  final FederationStore store;
  private String group = "cloudedge";

  StateFixture(Path dir) {
    this.path = dir.resolve("state.db");
    this.store = FederationStore.open(path);
  }

  StateFixture group(String g) {
    this.group = g;
    return this;
  }

  /** {@code event(id, src, obs, exp)}: offsets from T in seconds; {@code exp == null} means no expiry. */
  StateFixture event(String id, String src, long obs, Long exp) {
    store.update("INSERT INTO federation_events(id, group_name, source_node, type, subject, dedupe_key, payload,"
            + " observed_at, expires_at, recorded_at) VALUES (?, ?, ?, 't', '', ?, '{}', ?, ?, ?)",
        id, group, src, id, TU + obs, exp == null ? null : TU + exp, TU + obs);
    return this;
  }

  /** {@code deliver(id, p, at, evExp)}: delivered, attempts 1. */
  StateFixture deliver(String id, String peer, long at, Long evExp) {
    store.update("INSERT INTO event_deliveries(event_id, peer, status, attempts, last_attempt_at, last_error,"
        + " delivered_at, event_expires_at) VALUES (?, ?, 'delivered', 1, ?, '', ?, ?)",
        id, peer, TU + at, TU + at, evExp == null ? null : TU + evExp);
    return this;
  }

  /** {@code fail(id, p)}: failed, attempts 3, error {@code timeout}, never delivered. */
  StateFixture fail(String id, String peer) {
    return fail(id, peer, 3, "timeout", null);
  }

  StateFixture fail(String id, String peer, int attempts, String error, Long evExp) {
    store.update("INSERT INTO event_deliveries(event_id, peer, status, attempts, last_attempt_at, last_error,"
        + " delivered_at, event_expires_at) VALUES (?, ?, 'failed', ?, ?, ?, NULL, ?)",
        id, peer, attempts, TU, error, evExp == null ? null : TU + evExp);
    return this;
  }

  /** {@code pending(id, p)}: the row as the outbox creates it, never updated. */
  StateFixture pending(String id, String peer) {
    store.enqueueDelivery(id, peer);
    return this;
  }

  /** One subscription run. */
  StateFixture run(String subscription, String eventId, String status, int attempts, String error) {
    store.update("INSERT INTO event_subscription_runs(subscription, event_id, event_group, plugin, status, attempts,"
        + " started_at, completed_at, error) VALUES (?, ?, ?, 'cloud-claims', ?, ?, '2026-07-21T07:59:00Z', ?, ?)",
        subscription, eventId, group, status, attempts,
        status.equals("pending") ? null : "2026-07-21T07:59:01Z", error);
    return this;
  }

  /** Runs the doctor on this file at T (store stays open: the doctor opens its own read-only view). */
  DoctorReport doctor(FederationConfig config, boolean plan) throws DoctorInputException {
    return FederationDoctor.diagnose(config, path, T, plan);
  }

  @Override
  public void close() {
    store.close();
  }

  /** Parses manifest YAML into a config (never validated, like the doctor's input). */
  static FederationConfig config(String yaml) {
    try {
      return FederationConfig.of(ConfigLoader.parse(yaml, "test.yaml"));
    } catch (ConfigException e) {
      throw new IllegalArgumentException(e);
    }
  }

  /** F0: no federation resources. */
  static FederationConfig f0() {
    return config("""
        apiVersion: routerd.net/v1alpha1
        kind: Router
        metadata: {name: node}
        spec:
          resources:
            - apiVersion: net.routerd.net/v1alpha1
              kind: Interface
              metadata: {name: lan}
              spec: {ifname: eth0}
        """);
  }

  /** F1(self; peers...): each peer given as {@code name=endpoint} (empty endpoint allowed) or {@code name}. */
  static String f1Yaml(String self, String... peers) {
    StringBuilder sb = new StringBuilder();
    sb.append("""
        apiVersion: federation.routerd.net/v1alpha1
        kind: EventGroup
        metadata: {name: cloudedge}
        spec: {nodeName: %s, auth: {secretFile: /run/cloudedge/eventd.key}}
        """.formatted(self));
    for (String p : peers) {
      String name = p;
      String ep = "http://127.0.0.1:8787";
      int eq = p.indexOf('=');
      if (eq >= 0) {
        name = p.substring(0, eq);
        ep = p.substring(eq + 1);
      }
      sb.append("""
          ---
          apiVersion: federation.routerd.net/v1alpha1
          kind: EventPeer
          metadata: {name: peer-%s}
          spec: {groupRef: cloudedge, nodeName: %s, endpoint: "%s"}
          """.formatted(name, name, ep));
    }
    return sb.toString();
  }

  static FederationConfig f1(String self, String... peers) {
    return config(f1Yaml(self, peers));
  }

  /** F2: F1 plus {@code FederationSLO cloudedge-slo} with the given spec body (YAML flow mapping fields). */
  static FederationConfig f2(String sloSpec, String self, String... peers) {
    return config(f1Yaml(self, peers) + """
        ---
        apiVersion: federation.routerd.net/v1alpha1
        kind: FederationSLO
        metadata: {name: cloudedge-slo}
        spec: {groupRef: cloudedge, %s}
        """.formatted(sloSpec));
  }
}
