package dev.cloudedge.workflows.qualification.schedule;

import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.SignalMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * A qualification that runs on a schedule (e.g. nightly): at each fire it starts a {@code
 * QualificationWorkflow} with a run id made from the fire time and its own evidence directory. A
 * fire while the previous run is still going is skipped and counted (Temporal's overlap policy
 * SKIP). Runs are abandoned children: deleting the schedule leaves a running qualification to
 * finish (and roll back its faults) on its own. The schedule runs until it is deleted
 * (terminated), continuing as new between runs when its history grows.
 *
 * <p>It is a workflow rather than a Temporal Schedule because the embedded server (Temporal's
 * Java test server, what {@code server start-dev} and the lab run) has no Schedule API; a workflow
 * works the same on every server and shows each fire in its history.
 */
@WorkflowInterface
public interface QualificationScheduleWorkflow {
  /** How many fires {@link ScheduleStatus#recent()} keeps. */
  int RECENT = 20;

  /** Runs the schedule until it is deleted. */
  @WorkflowMethod
  void run(QualificationSchedule schedule);

  /** Fire now (the overlap rule applies: skipped while a run is going). */
  @SignalMethod
  void trigger();

  /** Where the schedule stands. */
  @QueryMethod
  ScheduleStatus status();
}
