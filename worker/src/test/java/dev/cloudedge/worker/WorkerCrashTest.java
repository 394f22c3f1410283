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
import dev.cloudedge.workflows.qualification.ScenarioTimings;
import dev.cloudedge.workflows.qualification.Verdict;
import dev.cloudedge.worker.lab.LabFaults;
import dev.cloudedge.worker.lab.LabLayout;
import dev.cloudedge.worker.lab.TcpProxy;
import dev.cloudedge.worker.node.HostedNode;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.testing.TestEnvironmentOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.WorkerFactory;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills the sender's worker (its Temporal worker, its eventd runtime and its proxy) while the
 * partition is applied, restarts it, and shows the partition restored and verified, the partition
 * scenario's evidence written, and the run completed.
 */
class WorkerCrashTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** The sender's worker process, as one unit that can die. */
  private static final class SenderWorker implements AutoCloseable {
    final TcpProxy proxy;
    final HostedNode node;
    final WorkerFactory factory;

    SenderWorker(WorkflowClient client, LabLayout l, Path artifact) throws Exception {
      proxy = new TcpProxy(l.proxyPort(), new InetSocketAddress("127.0.0.1", l.receiverPortA()), l.proxyState());
      node = HostedNode.start(LabLayout.SENDER, List.of(l.senderConfig()), l.senderState(),
          new LabFaults(proxy, TcpProxy.Mode.REFUSE, null), artifact);
      factory = WorkerFactory.newInstance(client);
      Workers.node(factory, node);
      factory.start();
    }

    /** Dies without finishing what it was doing. */
    void kill() {
      factory.shutdownNow();
      node.close();
      proxy.close();
    }

    @Override
    public void close() {
      kill();
    }
  }

  @Test
  void killingTheSenderWorkerMidPartitionStillRestoresAndCompletes(@TempDir Path tmp) throws Exception {
    Path artifact = Path.of("target", "classes").toAbsolutePath();
    TestWorkflowEnvironment env = TestWorkflowEnvironment.newInstance(
        TestEnvironmentOptions.newBuilder().setUseTimeskipping(false).build());
    QualificationSearchAttributes.definitions().forEach(env::registerSearchAttribute);
    LabLayout l = LabLayout.prepare(tmp.resolve("lab"));
    HostedNode receiver = HostedNode.start(LabLayout.RECEIVER, List.of(l.receiverConfig()), l.receiverState(),
        new LabFaults(null, TcpProxy.Mode.REFUSE, l.plugin()), artifact);
    SenderWorker sender = null;
    try {
      Workers.control(env.getWorkerFactory(), artifact, "default");
      Workers.node(env.getWorkerFactory(), receiver);
      env.start();
      sender = new SenderWorker(env.getWorkflowClient(), l, artifact);
      String runId = "20261127T061000Z-federation-qual";
      Path evidence = tmp.resolve("evidence");
      QualificationWorkflow wf = env.getWorkflowClient().newWorkflowStub(QualificationWorkflow.class,
          WorkflowOptions.newBuilder().setWorkflowId(QualificationWorkflow.workflowId(runId)).setTaskQueue(TaskQueues.CONTROL).build());
      WorkflowClient.start(wf::qualify, new QualificationRequest(runId, "0123456789abcdef0123456789abcdef01234567",
          evidence.toString(), 1, 120, List.of("partition", "healthy"), true, l.topology(), ScenarioTimings.lab()));

      long until = System.currentTimeMillis() + 60_000;
      while (sender.proxy.mode() != TcpProxy.Mode.REFUSE && System.currentTimeMillis() < until) {
        Thread.sleep(10);
      }
      assertEquals(TcpProxy.Mode.REFUSE, sender.proxy.mode(), "partition never applied");
      sender.kill();
      assertTrue(Files.readString(l.proxyState()).startsWith("REFUSE"), "the cut must outlive the worker");
      Thread.sleep(2000);

      sender = new SenderWorker(env.getWorkflowClient(), l, artifact);
      assertEquals(TcpProxy.Mode.REFUSE, sender.proxy.mode(), "a restarted worker comes back partitioned");
      QualificationResult r = WorkflowStub.fromTyped(wf).getResult(150, TimeUnit.SECONDS, QualificationResult.class);

      assertEquals(TcpProxy.Mode.PASS, sender.proxy.mode());
      JsonNode p = JSON.readTree(evidence.resolve("cycle-001/partition.json").toFile());
      assertEquals(List.of(), EvidenceSchema.shipped().validate(p));
      JsonNode fault = p.path("faults").get(0);
      assertTrue(fault.path("rollbackRan").asBoolean() && fault.path("rollbackVerified").asBoolean(), fault.toString());
      assertTrue(Files.exists(evidence.resolve("cycle-001/healthy.json")), "the next scenario ran after the restore");
      assertEquals(Verdict.PASS, r.verdict(), r.reason() + " / " + p.path("reason").asText());
    } finally {
      if (sender != null) {
        sender.close();
      }
      receiver.close();
      env.close();
    }
  }
}
