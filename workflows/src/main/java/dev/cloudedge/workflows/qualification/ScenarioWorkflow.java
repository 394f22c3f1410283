package dev.cloudedge.workflows.qualification;

import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * One scenario of one cycle. Every fault it injects is registered for compensation before it is
 * applied and rolled back on every exit path; the evidence file is written before it returns.
 */
@WorkflowInterface
public interface ScenarioWorkflow {

  /** Runs the scenario within its deadline and returns its outcome. */
  @WorkflowMethod
  ScenarioOutcome run(ScenarioRequest request);

  /** What the scenario is doing now and which faults are active. */
  @QueryMethod
  ScenarioProgress progress();

  /** The workflow id of a scenario: {@code qualification/<runId>/cycle-001/partition}. */
  static String workflowId(String runId, int cycle, String scenario) {
    return String.format("qualification/%s/cycle-%03d/%s", runId, cycle, scenario);
  }
}
