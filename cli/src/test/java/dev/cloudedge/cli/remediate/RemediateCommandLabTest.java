package dev.cloudedge.cli.remediate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cloudedge.cli.Cloudedge;
import dev.cloudedge.cli.options.CliSettings;
import dev.cloudedge.federation.event.FederationEvent;
import dev.cloudedge.workflows.remediation.RemediationWorkflow;
import dev.cloudedge.workflows.remediation.RemediationWorkflow.RemediationResult;
import dev.cloudedge.worker.EmbeddedTemporal;
import dev.cloudedge.worker.TemporalConnection;
import dev.cloudedge.worker.TemporalSettings;
import dev.cloudedge.worker.Workers;
import dev.cloudedge.worker.lab.Lab;
import dev.cloudedge.worker.lab.LabLayout;
import dev.cloudedge.worker.lab.TcpProxy;
import io.temporal.worker.WorkerFactory;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * End to end on the lab: a Temporal server on loopback (the worker's dev server), the real eventd
 * nodes with their workers, and the CLI in-process. A config fault (the peer endpoint emptied in
 * the sender's config file) makes the remediation wait; the CLI's self-approval is refused, the
 * CLI's approval by another operator is accepted, and the fix lands in the file and the runtime.
 */
class RemediateCommandLabTest {

  private record Run(int code, String out, String err) {}

  private static Run cli(String address, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    var cl = Cloudedge.commandLine(new CliSettings(Path.of("/nonexistent/cloudedge.db"), Clock.systemUTC()));
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(err));
    String[] full = new String[args.length + 2];
    System.arraycopy(args, 0, full, 0, args.length);
    full[args.length] = "--address";
    full[args.length + 1] = address;
    return new Run(cl.execute(full), out.toString(), err.toString());
  }

  private static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket()) {
      s.bind(new InetSocketAddress("127.0.0.1", 0));
      return s.getLocalPort();
    }
  }

  @Test
  void configFaultWaitsForTheCliApprovalAndTheFixLands(@TempDir Path tmp) throws Exception {
    LabLayout layout = LabLayout.prepare(tmp.resolve("lab"));
    String endpoint = layout.receiverEndpoint();
    try (EmbeddedTemporal server = EmbeddedTemporal.start(freePort());
        Lab lab = Lab.start(tmp.resolve("lab"), TcpProxy.Mode.REFUSE, Path.of("target", "classes").toAbsolutePath());
        TemporalConnection conn = TemporalConnection.connect(
            TemporalSettings.fromEnvironment(Map.of("TEMPORAL_ADDRESS", server.address())))) {
      WorkerFactory factory = WorkerFactory.newInstance(conn.client());
      Workers.control(factory, Path.of("target", "classes").toAbsolutePath(), "default");
      Workers.node(factory, lab.sender());
      Workers.node(factory, lab.receiver());
      factory.start();
      try {
        Instant now = Instant.now();
        lab.sender().runtime().emit(new FederationEvent("cli-lab-1", LabLayout.GROUP_A, LabLayout.SENDER,
            "routerd.client.ipv4.observed", "10.88.60.9/32", "", Map.of(), now, now.plusSeconds(3600)));
        Path cfg = layout.senderConfig();
        Files.writeString(cfg, Files.readString(cfg).replace("endpoint: " + endpoint, "endpoint: \"\""));

        Run neverUsed = cli(server.address(), "remediate", "status", "--control");
        assertEquals(0, neverUsed.code(), neverUsed.err());
        assertTrue(neverUsed.out().contains("remediation not frozen (the kill switch was never used)"), neverUsed.out());

        String noGroup = "cloudedge: EventGroup nosuch is not configured on node " + LabLayout.SENDER;
        Run badRun = cli(server.address(), "remediate", "run", "--node", LabLayout.SENDER, "--group", "nosuch",
            "--run-id", "bad-run", "--requested-by", "alice");
        assertEquals(2, badRun.code(), badRun.out() + badRun.err());
        assertTrue(badRun.err().contains(noGroup), badRun.err());
        assertTrue(!badRun.err().contains("Exception") && !badRun.err().contains("\tat "), badRun.err());
        Run badStart = cli(server.address(), "remediate", "start", "--node", LabLayout.SENDER, "--group", "nosuch",
            "--run-id", "bad-start", "--requested-by", "alice");
        assertEquals(2, badStart.code(), badStart.out() + badStart.err());
        assertTrue(badStart.err().contains(noGroup), badStart.err());

        Run slash = cli(server.address(), "remediate", "start", "--node", LabLayout.SENDER, "--group", LabLayout.GROUP_A,
            "--run-id", "a/b", "--requested-by", "alice");
        assertEquals(2, slash.code(), slash.out() + slash.err());
        assertTrue(slash.err().contains("--run-id must be 1-128 letters, digits, '.', '_' or '-'") && slash.err().contains("\"a/b\""),
            slash.err());

        Run start = cli(server.address(), "remediate", "start", "--node", LabLayout.SENDER, "--group",
            LabLayout.GROUP_A, "--run-id", "cli-e2e", "--requested-by", "alice");
        assertEquals(0, start.code(), start.err());
        String wfId = RemediationWorkflow.workflowId(LabLayout.SENDER, LabLayout.GROUP_A, "cli-e2e");
        assertTrue(start.out().contains("workflow: " + wfId), start.out());
        // The embedded server has no web UI: no link to a page that is not there, but how to get one.
        assertTrue(start.out().contains("ui:       none: the embedded server has no web UI"), start.out());

        long deadline = System.nanoTime() + 30_000_000_000L;
        Run status;
        do {
          Thread.sleep(200);
          status = cli(server.address(), "remediate", "status", wfId);
        } while (!status.out().contains("PENDING") && System.nanoTime() < deadline);
        assertTrue(status.out().contains("phase:    awaiting-approval"), status.out() + status.err());

        Run self = cli(server.address(), "remediate", "approve", wfId, "--by", "alice", "--endpoint", endpoint);
        assertEquals(2, self.code(), self.out() + self.err());
        assertTrue(self.err().contains("cloudedge: refused: self-approval refused: alice requested this remediation"),
            self.err());
        Run noEndpoint = cli(server.address(), "remediate", "approve", wfId, "--by", "bob");
        assertEquals(2, noEndpoint.code(), noEndpoint.out() + noEndpoint.err());
        assertTrue(noEndpoint.err().contains("refused: approval of configure-peer-endpoint needs the endpoint to set"),
            noEndpoint.err());

        Run ok = cli(server.address(), "remediate", "approve", wfId, "--by", "bob", "--endpoint", endpoint,
            "--comment", "ticket 7");
        assertEquals(0, ok.code(), ok.out() + ok.err());
        assertTrue(ok.out().contains("accepted: configure-peer-endpoint/" + LabLayout.GROUP_A + "/" + LabLayout.RECEIVER
            + " approved by bob"), ok.out());

        RemediationResult r = conn.client().newUntypedWorkflowStub(wfId).getResult(RemediationResult.class);
        assertTrue(r.healthyAfter(), r.toString());
        assertTrue(Files.readString(cfg, StandardCharsets.UTF_8).contains("endpoint: " + endpoint));

        Run late = cli(server.address(), "remediate", "reject", wfId, "--by", "carol", "--reason", "late");
        assertEquals(2, late.code(), late.out() + late.err());
        assertTrue(late.err().contains("decision window is closed"), late.err());

        Run freeze = cli(server.address(), "remediate", "freeze", "--by", "oncall", "--reason", "incident");
        assertEquals(0, freeze.code(), freeze.err());
        assertTrue(freeze.out().contains("remediation FROZEN (by oncall"), freeze.out());
        Run control = cli(server.address(), "remediate", "status", "--control");
        assertEquals(0, control.code(), control.err());
        assertTrue(control.out().contains("remediation FROZEN (by oncall since "), control.out());
        assertTrue(control.out().contains(" freeze by oncall: incident"), control.out());
        Run unfreeze = cli(server.address(), "remediate", "unfreeze", "--by", "oncall", "--reason", "done");
        assertEquals(0, unfreeze.code(), unfreeze.err());
        assertTrue(unfreeze.out().contains("remediation not frozen (by oncall"), unfreeze.out());

        // Provider actions through Temporal: the lab has no ProviderActionPolicy, so default deny.
        Path plans = tmp.resolve("plans.json");
        Files.writeString(plans, """
            [{"name":"c1-assign","provider":"aws","providerRef":"i-0abc","action":"assign-secondary-ip",
              "target":{"address":"10.88.60.9/32","nicRef":"eni-0a1"},"idempotencyKey":"c1:assign",
              "undo":{"action":"unassign-secondary-ip"}}]
            """);
        Run denied = cli(server.address(), "action", "workflow", "start", "--node", LabLayout.SENDER, "--plans",
            plans.toString(), "--requested-by", "alice", "--wait");
        assertEquals(1, denied.code(), denied.out() + denied.err());
        assertTrue(denied.out().contains("workflow: provider-action/" + LabLayout.SENDER + "/c1:assign"), denied.out());
        assertTrue(denied.out().contains("result:   denied - policy gate denied: "), denied.out());
        assertTrue(denied.out().contains("execution is disabled (policy.enabled=false)"), denied.out());
      } finally {
        factory.shutdownNow();
      }
    }
  }
}
