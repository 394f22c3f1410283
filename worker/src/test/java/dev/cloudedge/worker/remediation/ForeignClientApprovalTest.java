package dev.cloudedge.worker.remediation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cloudedge.workflows.TaskQueues;
import dev.cloudedge.workflows.remediation.RemediationWorkflow;
import dev.cloudedge.workflows.remediation.RemediationWorkflow.RemediationRequest;
import dev.cloudedge.workflows.remediation.RemediationWorkflow.RemediationResult;
import dev.cloudedge.worker.LoopbackGrpcProxy;
import dev.cloudedge.worker.TemporalConnection;
import dev.cloudedge.worker.TemporalSettings;
import dev.cloudedge.worker.Workers;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.testserver.TestServer;
import io.temporal.worker.WorkerFactory;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A non-Java client decides an approval through the update: {@code scripts/foreign-client/approve.js}
 * ({@code @temporalio/client}) against Temporal's test server on loopback (as the devserver module
 * runs it; the remediation needs none of its search attributes), with the real lab's
 * sender worker and a remediation waiting on an emptied peer endpoint. The Node client gets the
 * validator's refusal reasons back and its accepted approval lands. Skipped, saying why, when node
 * or the client's npm modules are absent ({@code npm ci} in {@code scripts/foreign-client}; {@code
 * .ci/run} does it when node is installed).
 */
class ForeignClientApprovalTest {
  private static final Path CLIENT_DIR = Path.of("..", "scripts", "foreign-client").toAbsolutePath().normalize();

  @TempDir Path tmp;

  private record Run(int code, String out, String err) {}

  @BeforeEach
  void requireNodeClient() {
    Assumptions.assumeTrue(onPath("node"), "skipped: node is not on PATH (the foreign-client test needs Node.js 18+)");
    Assumptions.assumeTrue(Files.isDirectory(CLIENT_DIR.resolve("node_modules").resolve("@temporalio").resolve("client")),
        "skipped: @temporalio/client is not installed; run `npm ci` in " + CLIENT_DIR);
  }

  private static boolean onPath(String exe) {
    String path = System.getenv("PATH");
    if (path == null) {
      return false;
    }
    for (String dir : path.split(java.io.File.pathSeparator)) {
      if (Files.isExecutable(Path.of(dir, exe))) {
        return true;
      }
    }
    return false;
  }

  private static String address(LoopbackGrpcProxy server) {
    return "127.0.0.1:" + server.port();
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket()) {
      s.bind(new InetSocketAddress("127.0.0.1", 0));
      return s.getLocalPort();
    }
  }

  private Run node(String address, String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("node", CLIENT_DIR.resolve("approve.js").toString(), "--address", address));
    cmd.addAll(List.of(args));
    Path out = tmp.resolve("out.txt");
    Path err = tmp.resolve("err.txt");
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile());
    pb.environment().remove("TEMPORAL_API_KEY");
    Process p = pb.start();
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("approve.js did not finish within 60 s: " + cmd);
    }
    return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
  }

  @Test
  void aNodeClientGetsTheRefusalReasonAndItsApprovalLands() throws Exception {
    try (RemediationLab lab = RemediationLab.start(tmp.resolve("lab"), true);
        TestServer.InProcessTestServer temporal = TestServer.createServer(true);
        LoopbackGrpcProxy server = LoopbackGrpcProxy.start(new InetSocketAddress("127.0.0.1", freePort()), temporal.getChannel());
        TemporalConnection conn = TemporalConnection.connect(
            TemporalSettings.fromEnvironment(Map.of("TEMPORAL_ADDRESS", address(server))))) {
      WorkerFactory factory = WorkerFactory.newInstance(conn.client());
      Workers.control(factory, Path.of("target", "classes").toAbsolutePath(), "default");
      Workers.node(factory, lab.lab.sender());
      Workers.node(factory, lab.lab.receiver());
      factory.start();
      try {
        lab.emitAndPush();
        lab.emptyPeerEndpoint();
        String id = RemediationWorkflow.workflowId(RemediationLab.NODE, RemediationLab.GROUP, "node-client");
        RemediationWorkflow wf = conn.client().newWorkflowStub(RemediationWorkflow.class,
            WorkflowOptions.newBuilder().setWorkflowId(id).setTaskQueue(TaskQueues.CONTROL).build());
        WorkflowClient.start(wf::remediate, new RemediationRequest(RemediationLab.NODE, RemediationLab.GROUP,
            "node-client", "alice", 0));
        RemediationWorkflow byId = conn.client().newWorkflowStub(RemediationWorkflow.class, id);
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (!byId.status().phase().equals("awaiting-approval")) {
          assertTrue(System.nanoTime() < deadline, "never awaited approval: " + byId.status());
          Thread.sleep(100);
        }
        String endpoint = lab.lab.layout().receiverEndpoint();

        Run self = node(address(server), "--workflow-id", id, "--approver", "alice", "--endpoint", endpoint);
        assertEquals(2, self.code(), self.out() + self.err());
        assertEquals("refused: self-approval refused: alice requested this remediation", self.err().strip());

        Run noEndpoint = node(address(server), "--workflow-id", id, "--approver", "bob");
        assertEquals(2, noEndpoint.code(), noEndpoint.out() + noEndpoint.err());
        assertEquals("refused: approval of configure-peer-endpoint needs the endpoint to set", noEndpoint.err().strip());

        Run ok = node(address(server), "--workflow-id", id, "--approver", "bob", "--endpoint", endpoint,
            "--comment", "from node", "--request-id", "node-1");
        assertEquals(0, ok.code(), ok.out() + ok.err());
        assertTrue(ok.out().startsWith("accepted: {"), ok.out());
        assertTrue(ok.out().contains("\"requestId\":\"node-1\"") && ok.out().contains("\"decision\":\"approved\"")
            && ok.out().contains("\"by\":\"bob\""), ok.out());

        RemediationResult r = conn.client().newUntypedWorkflowStub(id).getResult(RemediationResult.class);
        assertEquals(List.of(), r.refused(), "refused updates leave no record");
        assertTrue(r.healthyAfter(), r.toString());
        assertTrue(Files.readString(lab.senderConfig()).contains("endpoint: " + endpoint));

        Run late = node(address(server), "--workflow-id", id, "--approver", "carol", "--reject", "--reason", "late");
        assertEquals(2, late.code(), late.out() + late.err());
        assertTrue(late.err().contains("no running workflow " + id), late.err());
      } finally {
        factory.shutdownNow();
      }
    }
  }
}
