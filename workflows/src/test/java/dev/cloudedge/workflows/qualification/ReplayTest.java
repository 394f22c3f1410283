package dev.cloudedge.workflows.qualification;

import io.temporal.testing.WorkflowReplayer;
import org.junit.jupiter.api.Test;

/**
 * Replays checked-in histories of shipped workflows: a change that breaks determinism fails here
 * and must go behind {@code Workflow.getVersion}. Histories are regenerated with {@code
 * -Dcloudedge.writeHistory=src/test/resources} on {@code QualificationWorkflowTest#twoCycles*}.
 */
class ReplayTest {

  @Test
  void qualificationWorkflowReplays() throws Exception {
    WorkflowReplayer.replayWorkflowExecutionFromResource("qualification-history.json", QualificationWorkflowImpl.class);
  }

  /** A run recorded before the lock-release wait (version "await-lock-release" absent) still replays. */
  @Test
  void qualificationWorkflowRecordedBeforeTheLockReleaseWaitReplays() throws Exception {
    WorkflowReplayer.replayWorkflowExecutionFromResource("qualification-history-v0.json", QualificationWorkflowImpl.class);
  }

  /** A run cancelled mid-scenario, recorded with version "count-cancelled-scenario" 1. */
  @Test
  void cancelledQualificationReplays() throws Exception {
    WorkflowReplayer.replayWorkflowExecutionFromResource("qualification-cancelled-history.json", QualificationWorkflowImpl.class);
  }

  @Test
  void scenarioWorkflowReplays() throws Exception {
    WorkflowReplayer.replayWorkflowExecutionFromResource("scenario-partition-history.json", ScenarioWorkflowImpl.class);
  }

  @Test
  void healthyScenarioReplays() throws Exception {
    WorkflowReplayer.replayWorkflowExecutionFromResource("scenario-healthy-history.json", ScenarioWorkflowImpl.class);
  }

  @Test
  void topologyLockWorkflowReplays() throws Exception {
    WorkflowReplayer.replayWorkflowExecutionFromResource("topology-lock-history.json", TopologyLockWorkflowImpl.class);
  }
}
