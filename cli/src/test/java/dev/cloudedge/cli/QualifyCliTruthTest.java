package dev.cloudedge.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cloudedge.cli.options.CliSettings;
import dev.cloudedge.worker.EmbeddedLab;
import dev.cloudedge.worker.EmbeddedTemporal;
import dev.cloudedge.worker.TemporalConnection;
import dev.cloudedge.worker.TemporalSettings;
import dev.cloudedge.worker.lab.LabLayout;
import dev.cloudedge.worker.lab.TcpProxy;
import dev.cloudedge.workflows.qualification.QualificationWorkflow;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The CLI tells the truth about workflows, through the real commands against the embedded server:
 * a locked topology is refused with exit 2 before {@code qualify start} returns, a start nobody
 * will pick up is warned about within seconds, cancelling a closed run says it is closed, and
 * {@code qualify status} counts what {@code run-metadata.json} counts, also after a cancel.
 */
class QualifyCliTruthTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String COMMIT = "0123456789abcdef0123456789abcdef01234567";

  @TempDir Path tmp;
  private EmbeddedTemporal server;

  private record Run(int code, String out, String err, long millis) {}

  @BeforeEach
  void startServer() throws IOException {
    server = EmbeddedTemporal.start(freePort());
  }

  @AfterEach
  void stopServer() {
    server.close();
  }

  private Run cli(String... args) {
    List<String> a = new ArrayList<>(List.of(args));
    // --address goes after the subcommand path; every command here takes TemporalOptions.
    int at = a.get(0).equals("remediate") || a.get(0).equals("qualify") ? 2 : 1;
    a.addAll(at, List.of("--address", server.address()));
    CommandLine cl = Cloudedge.commandLine(new CliSettings(tmp.resolve("state.db"), Clock.systemUTC()));
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    long t0 = System.nanoTime();
    int code = cl.execute(a.toArray(String[]::new));
    return new Run(code, out.toString(), err.toString(), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
  }

  @Test
  @Timeout(value = 90, unit = TimeUnit.SECONDS)
  void startWarnsWithinSecondsWhenNoWorkerPolls() throws Exception {
    Path lab = tmp.resolve("lab");
    LabLayout.prepare(lab);
    Run q = cli("qualify", "start", "--lab", lab.toString(), "--evidence-dir", tmp.resolve("ev").toString(),
        "--scenarios", "healthy", "--commit", COMMIT, "--run-id", "20261201T010000Z-federation-qual");
    assertEquals(0, q.code(), q.err());
    assertTrue(q.err().contains("warning: no worker has picked up qualification/20261201T010000Z-federation-qual within 5 s")
        && q.err().contains("cloudedge-control"), q.err());
    assertTrue(q.millis() < 20_000, "warned within seconds, took " + q.millis() + " ms");

    Run r = cli("remediate", "start", "--node", LabLayout.SENDER, "--group", LabLayout.GROUP_A, "--run-id", "r1");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.err().contains("warning: no worker has picked up") && r.err().contains("cloudedge-control"), r.err());
    assertTrue(r.millis() < 20_000, "warned within seconds, took " + r.millis() + " ms");
  }

  @Test
  @Timeout(value = 4, unit = TimeUnit.MINUTES)
  void lockedTopologyRefusedCancelOfAClosedRunRefusedStatusCountsAgreeWithRunMetadata() throws Exception {
    Path labDir = tmp.resolve("lab");
    TemporalSettings settings = TemporalSettings.fromEnvironment(Map.of("TEMPORAL_ADDRESS", server.address()));
    try (EmbeddedLab lab = EmbeddedLab.start(settings, 0, labDir, TcpProxy.Mode.REFUSE)) {
      String run1 = "20261201T020000Z-federation-qual";
      Path ev1 = tmp.resolve("ev1");
      Run first = cli("qualify", "start", "--lab", labDir.toString(), "--evidence-dir", ev1.toString(),
          "--scenarios", "healthy,partition,security", "--commit", COMMIT, "--run-id", run1);
      assertEquals(0, first.code(), first.err());
      assertFalse(first.err().contains("warning"), "workers poll every queue: " + first.err());

      Run second = cli("qualify", "start", "--lab", labDir.toString(), "--evidence-dir", tmp.resolve("ev2").toString(),
          "--scenarios", "healthy", "--commit", COMMIT, "--run-id", "20261201T020100Z-federation-qual");
      assertEquals(2, second.code(), second.err());
      assertTrue(second.err().contains("is already being qualified by run " + run1)
          && second.err().contains("cloudedge qualify cancel " + run1), second.err());
      assertEquals("", second.out(), "no run id printed for a refused start");

      // Cancel while the second scenario runs: the cancelled scenario still writes its evidence.
      Path partition = ev1.resolve("cycle-001/partition.json");
      long until = System.currentTimeMillis() + 120_000;
      while (!Files.exists(ev1.resolve("cycle-001/healthy.json")) || !lab.lab().proxy().mode().equals(TcpProxy.Mode.REFUSE)) {
        assertTrue(System.currentTimeMillis() < until, "the partition never started");
        Thread.sleep(50);
      }
      Run cancel = cli("qualify", "cancel", run1);
      assertEquals(0, cancel.code(), cancel.err());
      try (TemporalConnection conn = TemporalConnection.connect(settings)) {
        until = System.currentTimeMillis() + 120_000;
        while (conn.client().newUntypedWorkflowStub(QualificationWorkflow.workflowId(run1)).describe().getStatus()
            == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING) {
          assertTrue(System.currentTimeMillis() < until, "the cancelled run never closed");
          Thread.sleep(100);
        }
      }
      assertTrue(Files.exists(partition), "the cancelled scenario wrote its evidence");

      Run again = cli("qualify", "cancel", run1);
      assertEquals(2, again.code(), again.err());
      assertTrue(again.err().contains("qualification run " + run1 + " is already closed"), again.err());

      Run status = cli("qualify", "status", run1, "-o", "json");
      assertEquals(0, status.code(), status.err());
      JsonNode p = JSON.readTree(status.out());
      JsonNode summary = JSON.readTree(ev1.resolve("run-metadata.json").toFile()).path("summary");
      assertTrue(summary.path("cancelled").asBoolean(), summary.toString());
      assertEquals(summary.path("totalPass").asInt(), p.path("passed").asInt(), "passed: " + p + " vs " + summary);
      assertEquals(summary.path("totalFail").asInt(), p.path("failed").asInt(), "failed: " + p + " vs " + summary);
      assertEquals(summary.path("totalPass").asInt() + summary.path("totalFail").asInt() + summary.path("totalSkip").asInt(),
          p.path("completedScenarios").asInt(), "completed: " + p + " vs " + summary);
      assertEquals(2, p.path("completedScenarios").asInt(), "healthy and the cancelled partition: " + p);
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket()) {
      s.bind(new InetSocketAddress("127.0.0.1", 0));
      return s.getLocalPort();
    }
  }
}
