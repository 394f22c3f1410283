package dev.cloudedge.workflows.qualification;

import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.util.List;

/**
 * One qualification run: cycles × scenarios in the order given, each scenario a child {@link
 * ScenarioWorkflow} with id {@code qualification/<runId>/cycle-NNN/<scenario>}. Holds the topology
 * lock for its whole life, so a second run against the same topology is refused.
 */
@WorkflowInterface
public interface QualificationWorkflow {

  /** Runs the qualification and returns its verdict; setup errors are returned, not thrown. */
  @WorkflowMethod
  QualificationResult qualify(QualificationRequest request);

  /** Where the run is now. */
  @QueryMethod
  QualificationProgress progress();

  /** The outcomes of the scenarios finished so far, in execution order. */
  @QueryMethod
  List<ScenarioOutcome> evidence();

  /** The workflow id of a run. */
  static String workflowId(String runId) {
    return "qualification/" + runId;
  }
}
