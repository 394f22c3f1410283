package dev.cloudedge.workflows.qualification;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cloudedge.workflows.TaskQueues;
import dev.cloudedge.workflows.qualification.schedule.QualificationSchedule;
import dev.cloudedge.workflows.qualification.schedule.QualificationScheduleWorkflow;
import dev.cloudedge.workflows.qualification.schedule.QualificationScheduleWorkflowImpl;
import dev.cloudedge.workflows.qualification.schedule.ScheduleSpec;
import dev.cloudedge.workflows.qualification.schedule.ScheduleStatus;
import dev.cloudedge.workflows.qualification.schedule.ScheduledRun;
import io.temporal.api.enums.v1.EventType;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.TestWorkflowExtension;
import io.temporal.worker.Worker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The schedule workflow on the in-memory server with time skipping, starting real qualification runs on a simulated lab. */
class QualificationScheduleWorkflowTest {

  @RegisterExtension
  static final TestWorkflowExtension EXT = QualificationWorkflowTest.extension();

  SimulatedLab lab;

  void start(TestWorkflowEnvironment env) {
    lab = new SimulatedLab(env::currentTimeMillis);
    Worker control = env.newWorker(TaskQueues.CONTROL);
    control.registerWorkflowImplementationTypes(QualificationWorkflowImpl.class, ScenarioWorkflowImpl.class,
        TopologyLockWorkflowImpl.class, QualificationScheduleWorkflowImpl.class);
    control.registerActivitiesImplementations(new RecordingEvidence());
    env.newWorker(TaskQueues.node(SimulatedLab.SENDER)).registerActivitiesImplementations(lab.sender());
    env.newWorker(TaskQueues.node(SimulatedLab.RECEIVER)).registerActivitiesImplementations(lab.receiver());
    env.start();
  }

  static QualificationSchedule schedule(String name, ScheduleSpec spec, List<String> scenarios, int historyLimit) {
    QualificationRequest template = new QualificationRequest(QualificationWorkflowTest.RUN_ID, "abc1234", "/evidence/nightly/",
        1, 300, scenarios, true, QualificationWorkflowTest.topology(), ScenarioTimings.defaults());
    return new QualificationSchedule(name, spec, template, historyLimit, null);
  }

  static QualificationScheduleWorkflow startSchedule(WorkflowClient client, QualificationSchedule s) {
    QualificationScheduleWorkflow wf = client.newWorkflowStub(QualificationScheduleWorkflow.class, WorkflowOptions.newBuilder()
        .setWorkflowId(QualificationSchedule.workflowId(s.name()))
        .setTaskQueue(TaskQueues.CONTROL)
        .build());
    WorkflowClient.start(wf::run, s);
    return wf;
  }

  /** Each fire starts its own run, with a run id from the fire time and its own evidence directory, and records its verdict. */
  @Test
  void everyFireStartsItsOwnRunWithItsOwnEvidenceDirectory(TestWorkflowEnvironment env, WorkflowClient client) {
    start(env);
    long t0 = env.currentTimeMillis();
    QualificationScheduleWorkflow wf = startSchedule(client, schedule("hourly", new ScheduleSpec(null, 3600),
        List.of("healthy", "security"), 0));
    env.sleep(Duration.ofMinutes(200));
    long t1 = env.currentTimeMillis();
    long boundaries = Math.floorDiv(t1 - 60_000, 3_600_000) - Math.floorDiv(t0, 3_600_000);
    ScheduleStatus s = wf.status();
    assertEquals(boundaries, s.fires(), s.toString());
    assertTrue(s.fires() >= 3, s.toString());
    assertEquals(0, s.skipped());
    Set<String> dirs = new HashSet<>();
    for (ScheduledRun r : s.recent()) {
      assertEquals("scheduled", r.trigger());
      assertEquals("pass", r.outcome(), r.toString());
      assertTrue(r.runId().matches("^\\d{8}T\\d{6}Z-federation-qual$"), r.runId());
      assertTrue(r.firedAt().matches(".*T\\d\\d:00:00(\\.\\d+)?Z"), "fires on the hour: " + r.firedAt());
      assertTrue(r.runId().matches("^\\d{8}T\\d{2}0000Z-federation-qual$"), "run id from the fire time: " + r.runId());
      assertEquals("/evidence/nightly/" + r.runId(), r.evidenceDir());
      QualificationResult res = client.newUntypedWorkflowStub(QualificationWorkflow.workflowId(r.runId()))
          .getResult(QualificationResult.class);
      assertEquals(Verdict.PASS, res.verdict());
      assertEquals("/evidence/nightly/" + r.runId(), res.evidenceDir());
      dirs.add(res.evidenceDir());
    }
    assertEquals(s.fires(), dirs.size());
    assertTrue(s.nextFire().endsWith(":00:00Z"), s.nextFire());
    assertEquals("every 1h", s.spec());
  }

  /** A fire while the previous run is going is skipped and counted; a trigger fires at once; delete leaves the run to finish. */
  @Test
  void overlappingFiresAreSkippedAndDeleteLeavesTheRunRunning(TestWorkflowEnvironment env, WorkflowClient client) throws Exception {
    start(env);
    QualificationScheduleWorkflow wf = startSchedule(client, schedule("nightly", new ScheduleSpec("0 2 * * *", 0),
        Scenario.canonicalNames(), 0));
    wf.trigger();
    wf.trigger();
    ScheduleStatus s = waitFor(wf, st -> st.recent().size() == 2);
    assertEquals(1, s.fires(), s.toString());
    assertEquals(1, s.skipped(), s.toString());
    ScheduledRun first = s.recent().get(0);
    assertEquals("manual", first.trigger());
    assertEquals("running", first.outcome());
    assertEquals(first.runId(), s.running());
    assertEquals("skipped", s.recent().get(1).outcome());
    assertEquals("run " + first.runId() + " was still going", s.recent().get(1).reason());

    // The history up to here (open: fired twice, one skipped) for the replay tests.
    QualificationWorkflowTest.maybeWriteHistory(client, QualificationSchedule.workflowId("nightly"),
        "qualification-schedule-skip-history.json");
    // Deleting (terminating) the schedule mid-run: the run is an abandoned child and finishes, faults rolled back.
    WorkflowStub.fromTyped(wf).terminate("deleted in test");
    QualificationResult r = client.newUntypedWorkflowStub(QualificationWorkflow.workflowId(first.runId()))
        .getResult(QualificationResult.class);
    assertEquals(Verdict.PASS, r.verdict(), r.reason());
    assertEquals(8, r.totalPass());
    assertTrue(!lab.partitioned && !lab.pluginBroken);
  }

  /** With a small history limit the schedule continues as new between runs and carries its counts and recent runs. */
  @Test
  void continuesAsNewBetweenRunsKeepingItsCounts(TestWorkflowEnvironment env, WorkflowClient client) throws Exception {
    start(env);
    QualificationScheduleWorkflow wf = startSchedule(client, schedule("short-history", new ScheduleSpec(null, 3600),
        List.of("healthy"), 20));
    env.sleep(Duration.ofMinutes(190));
    ScheduleStatus s = wf.status();
    assertTrue(s.fires() >= 2, s.toString());
    assertEquals(s.fires(), s.recent().size());
    Set<String> ids = new HashSet<>();
    for (ScheduledRun r : s.recent()) {
      assertEquals("pass", r.outcome(), r.toString());
      ids.add(r.runId());
    }
    assertEquals(s.fires(), ids.size());
    // The current run of the schedule's workflow continues an earlier one, whose history ends by continuing as new.
    var current = client.fetchHistory(QualificationSchedule.workflowId("short-history")).getHistory();
    var startedEvent = current.getEvents(0).getWorkflowExecutionStartedEventAttributes();
    assertNotEquals("", startedEvent.getContinuedExecutionRunId(), "the current run continues an earlier one");
    String firstRun = startedEvent.getFirstExecutionRunId();
    io.temporal.api.history.v1.History first = client.fetchHistory(QualificationSchedule.workflowId("short-history"), firstRun)
        .getHistory();
    assertEquals(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW,
        first.getEvents(first.getEventsCount() - 1).getEventType());
    String dir = System.getProperty("cloudedge.writeHistory");
    if (dir != null) {
      Files.writeString(Path.of(dir, "qualification-schedule-history.json"),
          new io.temporal.common.WorkflowExecutionHistory(first).toJson(true));
    }
  }

  private static ScheduleStatus waitFor(QualificationScheduleWorkflow wf, java.util.function.Predicate<ScheduleStatus> p)
      throws InterruptedException {
    long until = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    ScheduleStatus s = wf.status();
    while (!p.test(s)) {
      if (System.nanoTime() > until) {
        throw new AssertionError("schedule never reached the expected state: " + s);
      }
      Thread.sleep(50);
      s = wf.status();
    }
    return s;
  }
}
