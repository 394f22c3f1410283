package dev.cloudedge.worker.remediation;

import dev.cloudedge.federation.event.FederationEvent;
import dev.cloudedge.federation.store.DeliveryRecord;
import dev.cloudedge.worker.lab.Lab;
import dev.cloudedge.worker.lab.LabLayout;
import dev.cloudedge.worker.lab.TcpProxy;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The real lab prepared for remediation tests: the sender's push interval (and so its across-pass
 * backoff base) is 10 minutes, so a failed delivery stays failed until something retries it now —
 * the remediation workflow — instead of the outbox's own next tick racing the test; and a
 * {@code FederationRemediationPolicy} allowing both ready actions is added to the sender's config.
 */
final class RemediationLab implements AutoCloseable {
  static final String NODE = LabLayout.SENDER;
  static final String GROUP = LabLayout.GROUP_A;
  static final String POLICY = """
      apiVersion: cloudedge.dev/v1alpha1
      kind: FederationRemediationPolicy
      metadata:
        name: lab-remediation
      spec:
        enabled: true
        allowedActions:
          - retry-failed-deliveries
          - force-repush-stale-ttl
      ---
      """;

  final Lab lab;
  private int events;

  private RemediationLab(Lab lab) {
    this.lab = lab;
  }

  static RemediationLab start(Path dir, boolean policy) throws IOException {
    LabLayout l = LabLayout.prepare(dir);
    String cfg = Files.readString(l.senderConfig(), StandardCharsets.UTF_8);
    int nodeDoc = cfg.indexOf("kind: EventNode");
    cfg = cfg.substring(0, nodeDoc) + cfg.substring(nodeDoc).replaceFirst("pushInterval: 1s", "pushInterval: 10m");
    Files.writeString(l.senderConfig(), cfg + (policy ? POLICY : ""), StandardCharsets.UTF_8);
    return new RemediationLab(Lab.start(dir, TcpProxy.Mode.REFUSE, Path.of("target", "classes").toAbsolutePath()));
  }

  Path senderConfig() {
    return lab.layout().senderConfig();
  }

  /** Emits an event on group A from the sender and runs one outbox pass; returns its id. */
  String emitAndPush() {
    Instant now = Instant.now();
    String id = "remediation-test-" + (++events) + "-" + now.toEpochMilli();
    lab.sender().runtime().emit(new FederationEvent(id, GROUP, NODE, "routerd.client.ipv4.observed",
        "10.88.60." + events + "/32", "", Map.of(), now, now.plusSeconds(3600)));
    lab.sender().runtime().runOutboxPass(GROUP);
    return id;
  }

  /** Cuts group A's traffic and leaves one failed delivery behind. */
  void partitionWithFailedDelivery() throws Exception {
    lab.sender().faults().applyPartition("remediation-test");
    String id = emitAndPush();
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (deliveries(id, "failed").isEmpty()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("no failed delivery of " + id + ": " + lab.sender().runtime().store().listDeliveries(id, ""));
      }
      lab.sender().runtime().runOutboxPass(GROUP);
      Thread.sleep(50);
    }
  }

  void heal() throws Exception {
    lab.sender().faults().restorePartition("remediation-test");
  }

  List<DeliveryRecord> deliveries(String id, String status) {
    return lab.sender().runtime().store().listDeliveriesFiltered(GROUP, id, "", status);
  }

  /** Empties the endpoint of group A's EventPeer in the sender's config file (the running runtime keeps the old one). */
  void emptyPeerEndpoint() throws IOException {
    String cfg = Files.readString(senderConfig(), StandardCharsets.UTF_8);
    String endpoint = "endpoint: " + lab.layout().receiverEndpoint();
    if (!cfg.contains(endpoint)) {
      throw new AssertionError("sender config has no " + endpoint);
    }
    Files.writeString(senderConfig(), cfg.replace(endpoint, "endpoint: \"\""), StandardCharsets.UTF_8);
  }

  @Override
  public void close() {
    lab.close();
  }
}
