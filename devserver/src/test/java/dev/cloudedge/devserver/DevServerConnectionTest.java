package dev.cloudedge.devserver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.cloudedge.worker.LoopbackGrpcProxy;
import dev.cloudedge.worker.TemporalConnection;
import dev.cloudedge.worker.TemporalSettings;
import dev.cloudedge.workflows.qualification.QualificationSearchAttributes;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The worker's Temporal connection against the embedded server: over TCP, over a Unix socket, with the search attributes. */
class DevServerConnectionTest {

  /** What the netns lab's node workers do: reach the server through a Unix-socket front end. */
  @Test
  void aUnixSocketFrontEndCarriesRealCalls(@org.junit.jupiter.api.io.TempDir Path tmp) throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket()) {
      s.bind(new InetSocketAddress("127.0.0.1", 0));
      port = s.getLocalPort();
    }
    Path socket = tmp.resolve("t.sock");
    try (DevServer dev = DevServer.start(port);
        TemporalConnection tcp = TemporalConnection.connect(TemporalSettings.fromEnvironment(Map.of("TEMPORAL_ADDRESS", dev.address())));
        LoopbackGrpcProxy front = LoopbackGrpcProxy.startUnix(socket, tcp.stubs().getRawChannel())) {
      assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(java.nio.file.Files.getPosixFilePermissions(socket)));
      try (TemporalConnection c = TemporalConnection.connect(TemporalSettings.fromEnvironment(Map.of("TEMPORAL_ADDRESS", "unix://" + socket)))) {
        io.temporal.client.WorkflowStub stub = c.client().newUntypedWorkflowStub("QualificationWorkflow",
            io.temporal.client.WorkflowOptions.newBuilder().setWorkflowId("unix-probe").setTaskQueue("nobody-polls").build());
        stub.start();
        // Seen through the TCP front end too: one server behind both.
        assertEquals(io.temporal.api.enums.v1.WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING,
            tcp.client().newUntypedWorkflowStub("unix-probe").describe().getStatus());
        stub.terminate("probe done");
      }
    }
    assertFalse(java.nio.file.Files.exists(socket), "the socket file goes with the front end");
  }

  @Test
  void devServerRegistersTheSearchAttributes() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket()) {
      s.bind(new InetSocketAddress("127.0.0.1", 0));
      port = s.getLocalPort();
    }
    try (DevServer dev = DevServer.start(port)) {
      // The test server has no ListSearchAttributes: prove registration by starting a workflow
      // with every typed attribute (rejected when unregistered) and reading them back.
      try (TemporalConnection c = TemporalConnection.connect(TemporalSettings.fromEnvironment(Map.of("TEMPORAL_ADDRESS", dev.address())))) {
        io.temporal.client.WorkflowStub stub = c.client().newUntypedWorkflowStub("QualificationWorkflow",
            io.temporal.client.WorkflowOptions.newBuilder().setWorkflowId("sa-probe").setTaskQueue("nobody-polls")
                .setTypedSearchAttributes(io.temporal.common.SearchAttributes.newBuilder()
                    .set(QualificationSearchAttributes.RUN_ID, "r").set(QualificationSearchAttributes.CYCLE, 1L)
                    .set(QualificationSearchAttributes.SCENARIO, "healthy").set(QualificationSearchAttributes.VERDICT, "running")
                    .set(QualificationSearchAttributes.GROUP, "g").set(QualificationSearchAttributes.TOPOLOGY, "t").build())
                .build());
        stub.start();
        var sa = stub.describe().getTypedSearchAttributes();
        assertEquals("healthy", sa.get(QualificationSearchAttributes.SCENARIO));
        assertEquals(1L, sa.get(QualificationSearchAttributes.CYCLE));
        stub.terminate("probe done");
      }
      try (TemporalConnection c = TemporalConnection.connect(TemporalSettings.fromEnvironment(Map.of("TEMPORAL_ADDRESS", dev.address())))) {
        assertEquals("default", c.settings().namespace());
      }
    }
  }
}
