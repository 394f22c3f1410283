package dev.cloudedge.workflows.qualification;

import io.temporal.testing.WorkflowReplayer;
import org.junit.jupiter.api.Test;

/**
 * Replays checked-in histories of shipped workflows: a change that breaks determinism fails here
 * and must go behind {@code Workflow.getVersion}. Histories are regenerated with {@code
 * -Dcloudedge.writeHistory=src/test/resources} on {@code QualificationWorkflowTest#twoCycles*} (the
 * histories of the first version) and {@code #everyScenarioBranch*} (the per-scenario scripts); never
 * regenerate one without a {@code getVersion} for the change (CONTRIBUTING.md).
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

  /** Every scenario script, and the failure path with its compensation, as recorded by the scripts version. */
  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(strings = {"healthy", "partition", "ttl-refresh", "restart",
      "subscription", "config-fault", "security", "multi-group", "partition-fail"})
  void everyScenarioScriptReplays(String branch) throws Exception {
    WorkflowReplayer.replayWorkflowExecutionFromResource("scenario-" + branch + "-scripts-history.json",
        ScenarioWorkflowImpl.class);
  }

  @Test
  void qualificationWorkflowOfTheScriptsVersionReplays() throws Exception {
    WorkflowReplayer.replayWorkflowExecutionFromResource("qualification-scripts-history.json", QualificationWorkflowImpl.class);
  }

  /** The first run of a qualification that continued as new (the handover path). */
  @Test
  void qualificationThatContinuedAsNewReplays() throws Exception {
    WorkflowReplayer.replayWorkflowExecutionFromResource("qualification-continued-history.json", QualificationWorkflowImpl.class);
  }

  /**
   * The schedule workflow: a run that fired on its interval, recorded the verdict and continued as
   * new; and one that fired on two triggers (the second skipped) and was deleted mid-run.
   */
  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(strings = {"qualification-schedule-history.json",
      "qualification-schedule-skip-history.json"})
  void qualificationScheduleReplays(String history) throws Exception {
    WorkflowReplayer.replayWorkflowExecutionFromResource(history,
        dev.cloudedge.workflows.qualification.schedule.QualificationScheduleWorkflowImpl.class);
  }

  /**
   * The negative control: a scenario workflow whose commands differ from the recorded ones (one
   * more timer before the script, as an unversioned edit would add) must fail to replay. Without
   * this the suite could pass by replaying nothing.
   */
  @Test
  void aChangedWorkflowWithoutVersionGateIsCaught() {
    Exception e = org.junit.jupiter.api.Assertions.assertThrows(Exception.class, () ->
        WorkflowReplayer.replayWorkflowExecutionFromResource("scenario-partition-scripts-history.json",
            UnversionedEdit.class));
    Throwable t = e;
    StringBuilder chain = new StringBuilder();
    while (t != null) {
      chain.append(t.getClass().getSimpleName()).append(": ").append(t.getMessage()).append(" | ");
      t = t.getCause();
    }
    org.junit.jupiter.api.Assertions.assertTrue(chain.toString().contains("NonDeterministic")
        || chain.toString().toLowerCase(java.util.Locale.ROOT).contains("nondetermin"), chain.toString());
  }

  /** {@link ScenarioWorkflowImpl} with an unversioned extra timer: what the replay suite exists to catch. */
  public static class UnversionedEdit extends ScenarioWorkflowImpl {
    @Override
    public ScenarioOutcome run(ScenarioRequest request) {
      io.temporal.workflow.Workflow.sleep(java.time.Duration.ofSeconds(1));
      return super.run(request);
    }
  }

  @Test
  void topologyLockWorkflowReplays() throws Exception {
    WorkflowReplayer.replayWorkflowExecutionFromResource("topology-lock-history.json", TopologyLockWorkflowImpl.class);
  }
}
