package dev.cloudedge.workflows.qualification.schedule;

import dev.cloudedge.workflows.TaskQueues;
import dev.cloudedge.workflows.qualification.QualificationRequest;
import dev.cloudedge.workflows.qualification.QualificationResult;
import dev.cloudedge.workflows.qualification.QualificationWorkflow;
import io.temporal.api.enums.v1.ParentClosePolicy;
import io.temporal.api.enums.v1.WorkflowIdReusePolicy;
import io.temporal.failure.CanceledFailure;
import io.temporal.failure.ChildWorkflowFailure;
import io.temporal.failure.TerminatedFailure;
import io.temporal.workflow.Async;
import io.temporal.workflow.ChildWorkflowCancellationType;
import io.temporal.workflow.ChildWorkflowOptions;
import io.temporal.workflow.Promise;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;

/** See {@link QualificationScheduleWorkflow}. */
public final class QualificationScheduleWorkflowImpl implements QualificationScheduleWorkflow {
  private static final DateTimeFormatter RUN_ID = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

  private QualificationSchedule schedule;
  private int pendingTriggers;
  private long nextFireMillis;
  private int fires;
  private int skipped;
  private long lastRunEpochSecond;
  private String createdAt = "";
  private String running = "";
  private final List<ScheduledRun> recent = new ArrayList<>();

  @Override
  public void run(QualificationSchedule s) {
    schedule = s;
    List<String> problems = s.problems();
    if (!problems.isEmpty()) {
      throw io.temporal.failure.ApplicationFailure.newNonRetryableFailure(String.join("; ", problems), "InvalidSchedule");
    }
    ScheduleState c = s.carried();
    if (c != null) {
      fires = c.fires();
      skipped = c.skipped();
      recent.addAll(c.recent());
      lastRunEpochSecond = c.lastRunEpochSecond();
      createdAt = c.createdAt();
    } else {
      createdAt = Instant.ofEpochMilli(Workflow.currentTimeMillis()).toString();
    }
    while (true) {
      if (pendingTriggers == 0 && running.isEmpty() && historyFull()) {
        Workflow.continueAsNew(s.continuing(new ScheduleState(fires, skipped, List.copyOf(recent), lastRunEpochSecond, createdAt)));
      }
      long now = Workflow.currentTimeMillis();
      nextFireMillis = s.spec().nextAfter(now);
      if (nextFireMillis < 0) {
        return;
      }
      // Wakes for the fire time, a trigger, or (once a run has ended) to continue as new.
      boolean woken = Workflow.await(Duration.ofMillis(Math.max(1, nextFireMillis - now)),
          () -> pendingTriggers > 0 || (running.isEmpty() && historyFull()));
      if (!woken) {
        fire("scheduled");
      } else if (pendingTriggers > 0) {
        pendingTriggers--;
        fire("manual");
      }
    }
  }

  private boolean historyFull() {
    return Workflow.getInfo().getHistoryLength() >= schedule.effectiveHistoryEventLimit()
        || Workflow.getInfo().isContinueAsNewSuggested();
  }

  private void fire(String how) {
    long now = Workflow.currentTimeMillis();
    String firedAt = Instant.ofEpochMilli(now).toString();
    if (!running.isEmpty()) {
      skipped++;
      remember(new ScheduledRun("", firedAt, how, "skipped", "run " + running + " was still going", ""));
      return;
    }
    long second = Math.max(Math.floorDiv(now, 1000), lastRunEpochSecond + 1);
    lastRunEpochSecond = second;
    String runId = RUN_ID.format(Instant.ofEpochSecond(second)) + "-federation-qual";
    QualificationRequest t = schedule.template();
    String evidenceDir = t.evidenceDir().replaceAll("/+$", "") + "/" + runId;
    QualificationRequest req = new QualificationRequest(runId, t.commit(), evidenceDir, t.cycles(), t.durationSeconds(),
        t.scenarios(), t.allowSkip(), t.topology(), t.timings(), t.historyEventLimit(), null);
    QualificationWorkflow child = Workflow.newChildWorkflowStub(QualificationWorkflow.class, ChildWorkflowOptions.newBuilder()
        .setWorkflowId(QualificationWorkflow.workflowId(runId))
        .setTaskQueue(TaskQueues.CONTROL)
        // The run outlives the schedule: deleting the schedule must not cut a run short mid-fault.
        .setParentClosePolicy(ParentClosePolicy.PARENT_CLOSE_POLICY_ABANDON)
        .setCancellationType(ChildWorkflowCancellationType.ABANDON)
        .setWorkflowIdReusePolicy(WorkflowIdReusePolicy.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE)
        .setStaticSummary("Scheduled federation qualification " + runId + " · schedule " + schedule.name())
        .setStaticDetails("Started by schedule **" + schedule.name() + "** (" + schedule.spec().describe() + ", " + how
            + "). Topology `" + t.topology().id() + "`, " + t.cycles() + " cycle(s) × " + t.scenarios().size()
            + " scenario(s). Evidence: `" + evidenceDir + "` on the control worker.")
        .build());
    Promise<QualificationResult> result = Async.function(child::qualify, req);
    try {
      Workflow.getWorkflowExecution(child).get();
    } catch (ChildWorkflowFailure e) {
      remember(new ScheduledRun(runId, firedAt, how, "not-started", "could not start " + QualificationWorkflow.workflowId(runId)
          + ": " + rootMessage(e), evidenceDir));
      return;
    }
    fires++;
    running = runId;
    remember(new ScheduledRun(runId, firedAt, how, "running", "", evidenceDir));
    result.handle((r, failure) -> {
      running = "";
      if (failure == null) {
        ended(runId, r.verdict().wireName(), r.reason());
      } else if (failure.getCause() instanceof CanceledFailure) {
        ended(runId, "cancelled", "the run was cancelled");
      } else if (failure.getCause() instanceof TerminatedFailure) {
        ended(runId, "failed", "the run was terminated");
      } else {
        ended(runId, "failed", rootMessage(failure));
      }
      return null;
    });
  }

  private static String rootMessage(Throwable t) {
    Throwable c = t;
    while (c.getCause() != null) {
      c = c.getCause();
    }
    return c.getMessage() == null ? c.getClass().getSimpleName() : c.getMessage();
  }

  private void ended(String runId, String outcome, String reason) {
    for (int i = recent.size() - 1; i >= 0; i--) {
      if (recent.get(i).runId().equals(runId)) {
        recent.set(i, recent.get(i).ended(outcome, reason));
        return;
      }
    }
  }

  private void remember(ScheduledRun r) {
    recent.add(r);
    while (recent.size() > RECENT) {
      recent.remove(0);
    }
  }

  @Override
  public void trigger() {
    pendingTriggers++;
  }

  @Override
  public ScheduleStatus status() {
    QualificationSchedule s = schedule;
    if (s == null) {
      return new ScheduleStatus("", "", "", "", "", "", 0, 0, "", List.of());
    }
    return new ScheduleStatus(s.name(), s.spec().describe(), s.template().topology().id(), s.template().evidenceDir(),
        createdAt, nextFireMillis > 0 ? Instant.ofEpochMilli(nextFireMillis).toString() : "", fires, skipped, running,
        List.copyOf(recent));
  }
}
