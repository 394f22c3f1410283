package dev.cloudedge.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cloudedge.activities.evidence.EvidenceSchema;
import dev.cloudedge.workflows.TaskQueues;
import dev.cloudedge.workflows.qualification.QualificationRequest;
import dev.cloudedge.workflows.qualification.QualificationResult;
import dev.cloudedge.workflows.qualification.QualificationSearchAttributes;
import dev.cloudedge.workflows.qualification.QualificationWorkflow;
import dev.cloudedge.workflows.qualification.Scenario;
import dev.cloudedge.workflows.qualification.ScenarioTimings;
import dev.cloudedge.worker.lab.Lab;
import dev.cloudedge.worker.lab.TcpProxy;
import io.temporal.client.WorkflowOptions;
import io.temporal.testing.TestEnvironmentOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * All 8 scenarios, one cycle, on the real lab: two eventd runtimes on loopback, the real TCP proxy
 * cutting group A's traffic, the in-memory Temporal server in real time. Evidence is checked
 * against the shipped schema.
 */
class LabEndToEndTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void oneCycleOfAllEightScenariosOnTheLab(@TempDir Path tmp) throws Exception {
    Path artifact = Path.of("target", "classes").toAbsolutePath();
    TestWorkflowEnvironment env = TestWorkflowEnvironment.newInstance(
        TestEnvironmentOptions.newBuilder().setUseTimeskipping(false).build());
    QualificationSearchAttributes.definitions().forEach(env::registerSearchAttribute);
    try (Lab lab = Lab.start(tmp.resolve("lab"), TcpProxy.Mode.REFUSE, artifact)) {
      Workers.control(env.getWorkerFactory(), artifact, "default");
      Workers.node(env.getWorkerFactory(), lab.sender());
      Workers.node(env.getWorkerFactory(), lab.receiver());
      env.start();
      String runId = "20261127T060000Z-federation-qual";
      Path evidence = tmp.resolve("evidence");
      QualificationWorkflow wf = env.getWorkflowClient().newWorkflowStub(QualificationWorkflow.class,
          WorkflowOptions.newBuilder().setWorkflowId(QualificationWorkflow.workflowId(runId)).setTaskQueue(TaskQueues.CONTROL).build());
      long t0 = System.nanoTime();
      QualificationResult r = wf.qualify(new QualificationRequest(runId, "0123456789abcdef0123456789abcdef01234567",
          evidence.toString(), 1, 60, Scenario.canonicalNames(), true, lab.layout().topology(), ScenarioTimings.lab()));
      double seconds = (System.nanoTime() - t0) / 1e9;
      System.out.printf("one lab cycle of 8 scenarios: %.1f s, verdict %s (%s)%n", seconds, r.verdict(), r.reason());
      EvidenceSchema schema = EvidenceSchema.shipped();
      StringBuilder report = new StringBuilder();
      for (String s : Scenario.canonicalNames()) {
        JsonNode doc = JSON.readTree(evidence.resolve("cycle-001").resolve(s + ".json").toFile());
        report.append(schema.validate(doc)).append(' ').append(s).append('=').append(doc.path("result").asText()).append(' ').append(doc.path("reason").asText()).append('\n');
      }
      System.out.print(report);
      for (String s : Scenario.canonicalNames()) {
        assertEquals(List.of(), schema.validate(JSON.readTree(evidence.resolve("cycle-001").resolve(s + ".json").toFile())), s);
      }
      for (String s : Scenario.canonicalNames()) {
        JsonNode doc = JSON.readTree(evidence.resolve("cycle-001").resolve(s + ".json").toFile());
        assertEquals("pass", doc.path("result").asText(), s + ": " + report);
        for (JsonNode f : doc.path("faults")) {
          assertTrue(f.path("rollbackVerified").asBoolean(), s + " " + f);
        }
      }
      assertEquals(TcpProxy.Mode.PASS, lab.proxy().mode());
      assertTrue(Files.isExecutable(lab.layout().plugin()));
      JsonNode meta = JSON.readTree(evidence.resolve("run-metadata.json").toFile());
      assertTrue(meta.has("completedAt"));
      assertTrue(Files.exists(evidence.resolve("report.md")));
      assertTrue(Files.exists(evidence.resolve("manifest.json")));
      assertTrue(seconds < 60, "one cycle took " + seconds + " s");
    } finally {
      env.close();
    }
  }
}
