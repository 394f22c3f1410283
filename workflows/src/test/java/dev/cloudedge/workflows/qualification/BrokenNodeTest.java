package dev.cloudedge.workflows.qualification;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cloudedge.workflows.TaskQueues;
import io.temporal.client.WorkflowClient;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.TestWorkflowExtension;
import io.temporal.worker.Worker;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each scenario fed a node with one seeded regression fails, with a reason that names the property
 * the regression breaks, and still rolls back every fault it applied. The clean lab passing every
 * scenario is {@link QualificationWorkflowTest}'s first test.
 */
class BrokenNodeTest {
  @RegisterExtension
  static final TestWorkflowExtension EXT = QualificationWorkflowTest.extension();

  static Stream<Arguments> defects() {
    return Stream.of(
        Arguments.of("healthy", SimulatedLab.Defect.PUSHES_RECEIVED_EVENTS, "no onward push: fedqual-receiver has delivery rows"),
        Arguments.of("healthy", SimulatedLab.Defect.NEVER_REPORTS_DUPLICATES, "duplicate: the re-push of delivered"),
        Arguments.of("partition", SimulatedLab.Defect.DOCTOR_TOLERATES_FAILED,
            "doctor: check 'fedqual-primary/fedqual-receiver failed deliveries' (failed-deliveries) is warn"),
        Arguments.of("partition", SimulatedLab.Defect.NEVER_RETRIES_FAILED, "recovery: the outbox did not redeliver"),
        Arguments.of("partition", SimulatedLab.Defect.PLAN_ORDER_FOLLOWS_INPUT, "remediation plan not diff-stable"),
        Arguments.of("partition", SimulatedLab.Defect.PLAN_UNSORTED, "remediation plan not in canonical order"),
        Arguments.of("ttl-refresh", SimulatedLab.Defect.NO_TTL_REPUSH, "re-push: the refreshed TTL"),
        Arguments.of("restart", SimulatedLab.Defect.PENDING_NEVER_RESUMED, "resume: the delivery of"),
        Arguments.of("subscription", SimulatedLab.Defect.FAILED_RUN_NEVER_RETRIED, "retry: the failed run of"),
        Arguments.of("config-fault", SimulatedLab.Defect.NO_ENDPOINT_WARNS,
            "doctor: check expected-delivery-no-endpoint 'fedqual-primary/fedqual-nonexistent-node expected delivery' is warn"),
        Arguments.of("security", SimulatedLab.Defect.ACCEPTS_OTHER_GROUP, "receiver: unexpected answers to the probes: wrongGroupStatus=200"),
        Arguments.of("security", SimulatedLab.Defect.NEVER_REPORTS_DUPLICATES, "replayStatus=200 duplicate=false"),
        Arguments.of("multi-group", SimulatedLab.Defect.SLO_FROM_ALL_ROWS, "isolation: group fedqual-secondary's SLO has 1 violations"),
        Arguments.of("multi-group", SimulatedLab.Defect.FIRST_GROUPS_THRESHOLDS,
            "isolation: group fedqual-secondary was judged with thresholds 30/120/60/5/3"));
  }

  @ParameterizedTest(name = "{0} catches {1}")
  @MethodSource("defects")
  void scenarioFailsNamingTheProperty(String scenario, SimulatedLab.Defect defect, String reason,
      TestWorkflowEnvironment env, WorkflowClient client) {
    SimulatedLab lab = new SimulatedLab(env::currentTimeMillis).with(defect);
    RecordingEvidence evidence = new RecordingEvidence();
    Worker control = env.newWorker(TaskQueues.CONTROL);
    control.registerWorkflowImplementationTypes(
        QualificationWorkflowImpl.class, ScenarioWorkflowImpl.class, TopologyLockWorkflowImpl.class);
    control.registerActivitiesImplementations(evidence);
    env.newWorker(TaskQueues.node(SimulatedLab.SENDER)).registerActivitiesImplementations(lab.sender());
    env.newWorker(TaskQueues.node(SimulatedLab.RECEIVER)).registerActivitiesImplementations(lab.receiver());
    env.start();
    String runId = "20261127T060000Z-federation-qual";
    QualificationResult r = QualificationWorkflowTest.stub(client, runId)
        .qualify(QualificationWorkflowTest.request(runId, 1, 300, List.of(scenario)));
    assertEquals(Verdict.FAIL, r.verdict(), r.reason());
    ObjectNode f = evidence.files.get("cycle-001/" + scenario + ".json");
    assertNotNull(f, scenario + ".json not written");
    assertEquals("fail", f.get("result").asText());
    assertTrue(f.get("reason").asText().contains(reason), f.get("reason").asText());
    for (JsonNode fault : f.get("faults")) {
      assertTrue(fault.get("rollbackVerified").asBoolean(), fault.toString());
    }
    assertFalse(lab.partitioned, "partition left applied");
    assertFalse(lab.pluginBroken, "plugin left broken");
    assertFalse(lab.senderDown, "sender left down");
  }
}
