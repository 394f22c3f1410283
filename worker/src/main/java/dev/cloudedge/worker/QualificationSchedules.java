package dev.cloudedge.worker;

import dev.cloudedge.workflows.TaskQueues;
import dev.cloudedge.workflows.qualification.schedule.QualificationSchedule;
import dev.cloudedge.workflows.qualification.schedule.QualificationScheduleWorkflow;
import dev.cloudedge.workflows.qualification.schedule.ScheduleStatus;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.api.enums.v1.WorkflowIdConflictPolicy;
import io.temporal.api.enums.v1.WorkflowIdReusePolicy;
import io.temporal.api.filter.v1.WorkflowTypeFilter;
import io.temporal.api.workflow.v1.WorkflowExecutionInfo;
import io.temporal.api.workflowservice.v1.ListOpenWorkflowExecutionsRequest;
import io.temporal.api.workflowservice.v1.ListOpenWorkflowExecutionsResponse;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowExecutionAlreadyStarted;
import io.temporal.client.WorkflowExecutionMetadata;
import io.temporal.client.WorkflowNotFoundException;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Creates, lists, triggers and deletes qualification schedules ({@link QualificationScheduleWorkflow}).
 * Listing and deleting need no worker: they read the server's list of open schedule workflows and
 * the memo written at creation.
 */
public final class QualificationSchedules {
  private static final String TYPE = "QualificationScheduleWorkflow";
  private final WorkflowClient client;

  public QualificationSchedules(WorkflowClient client) {
    this.client = Objects.requireNonNull(client, "client");
  }

  /** A schedule as listed: its status when the control worker answered, else what the memo says. */
  public record Listed(String name, String spec, String topology, String evidenceRoot, ScheduleStatus status, String problem) {}

  /**
   * Validates and starts a schedule; returns warnings (no control worker polling) once it is
   * running. The first run starts at the spec's first fire time.
   *
   * @throws IllegalArgumentException listing every problem, or when a schedule of that name exists
   */
  public List<String> create(QualificationSchedule schedule, Duration confirmWithin) throws InterruptedException {
    List<String> problems = schedule.problems();
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(String.join("; ", problems));
    }
    String id = QualificationSchedule.workflowId(schedule.name());
    Map<String, Object> memo = new LinkedHashMap<>();
    memo.put("spec", schedule.spec().describe());
    memo.put("topology", schedule.template().topology().id());
    memo.put("evidenceRoot", schedule.template().evidenceDir());
    WorkflowOptions opts = WorkflowOptions.newBuilder()
        .setWorkflowId(id)
        .setTaskQueue(TaskQueues.CONTROL)
        .setWorkflowIdReusePolicy(WorkflowIdReusePolicy.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE)
        .setWorkflowIdConflictPolicy(WorkflowIdConflictPolicy.WORKFLOW_ID_CONFLICT_POLICY_FAIL)
        .setMemo(memo)
        .setStaticSummary("Qualification schedule " + schedule.name() + " · " + schedule.spec().describe() + " · "
            + schedule.template().topology().id())
        .setStaticDetails("Starts a federation qualification of topology `" + schedule.template().topology().id() + "` "
            + schedule.spec().describe() + " (" + schedule.template().cycles() + " cycle(s) × "
            + schedule.template().scenarios().size() + " scenario(s)); each run writes its evidence to `"
            + schedule.template().evidenceDir() + "/<run id>` on the control worker. A fire while a run is going is skipped."
            + " Delete with `cloudedge qualify schedule delete " + schedule.name() + "`.")
        .build();
    QualificationScheduleWorkflow wf = client.newWorkflowStub(QualificationScheduleWorkflow.class, opts);
    try {
      WorkflowClient.start(wf::run, schedule);
    } catch (WorkflowExecutionAlreadyStarted e) {
      throw new IllegalArgumentException("schedule " + schedule.name() + " already exists (" + id
          + "); delete it first with 'cloudedge qualify schedule delete " + schedule.name() + "'");
    }
    return new PollerCheck(client).warnings(id, TaskQueues.CONTROL, List.of(), confirmWithin,
        "start 'cloudedge worker --control' or 'cloudedge lab up'");
  }

  /** The open schedules, by name. */
  public List<Listed> list() {
    List<Listed> out = new ArrayList<>();
    com.google.protobuf.ByteString page = com.google.protobuf.ByteString.EMPTY;
    do {
      ListOpenWorkflowExecutionsResponse r = client.getWorkflowServiceStubs().blockingStub().listOpenWorkflowExecutions(
          ListOpenWorkflowExecutionsRequest.newBuilder()
              .setNamespace(client.getOptions().getNamespace())
              .setTypeFilter(WorkflowTypeFilter.newBuilder().setName(TYPE).build())
              .setMaximumPageSize(1000)
              .setNextPageToken(page)
              .build());
      for (WorkflowExecutionInfo info : r.getExecutionsList()) {
        String id = info.getExecution().getWorkflowId();
        String prefix = QualificationSchedule.workflowId("");
        if (id.startsWith(prefix)) {
          out.add(describe(id.substring(prefix.length()), info.getExecution()));
        }
      }
      page = r.getNextPageToken();
    } while (!page.isEmpty());
    out.sort(Comparator.comparing(Listed::name));
    return out;
  }

  /**
   * One schedule.
   *
   * @throws IllegalArgumentException when there is no such schedule
   */
  public Listed show(String name) {
    WorkflowStub stub = open(name);
    return describe(name, stub.getExecution());
  }

  private Listed describe(String name, WorkflowExecution execution) {
    WorkflowStub stub = client.newUntypedWorkflowStub(execution.getWorkflowId(),
        java.util.Optional.of(execution.getRunId()), java.util.Optional.empty());
    WorkflowExecutionMetadata meta = stub.describe();
    String spec = memo(meta, "spec");
    String topology = memo(meta, "topology");
    String root = memo(meta, "evidenceRoot");
    try {
      ScheduleStatus s = stub.query("status", ScheduleStatus.class);
      return new Listed(name, spec, topology, root, s, "");
    } catch (RuntimeException e) {
      return new Listed(name, spec, topology, root, null,
          "no control worker answered (start 'cloudedge worker --control' or 'cloudedge lab up')");
    }
  }

  private static String memo(WorkflowExecutionMetadata meta, String key) {
    try {
      String v = meta.getMemo(key, String.class, String.class);
      return v == null ? "" : v;
    } catch (RuntimeException e) {
      return "";
    }
  }

  /** Fires schedule {@code name} now (skipped while a run of it is going). */
  public void trigger(String name) {
    open(name).signal("trigger");
  }

  /**
   * Deletes schedule {@code name}: its workflow is terminated at once, without needing a worker. A
   * run it started and that is still going finishes on its own.
   *
   * @return the run id going now, or empty
   */
  public String delete(String name) {
    WorkflowStub stub = open(name);
    String running = "";
    try {
      running = stub.query("status", ScheduleStatus.class).running();
    } catch (RuntimeException e) {
      // No worker to ask; the run, if any, is an abandoned child and carries on regardless.
    }
    stub.terminate("deleted with 'cloudedge qualify schedule delete " + name + "'");
    return running;
  }

  private WorkflowStub open(String name) {
    if (name == null || !QualificationSchedule.NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("schedule name must be 1-63 lowercase letters, digits or dashes, got " + name);
    }
    WorkflowStub stub = client.newUntypedWorkflowStub(QualificationSchedule.workflowId(name));
    try {
      if (stub.describe().getStatus() != WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING) {
        throw new IllegalArgumentException("no schedule " + name + " (it was deleted; 'cloudedge qualify schedule list' shows the others)");
      }
    } catch (WorkflowNotFoundException e) {
      throw new IllegalArgumentException("no schedule " + name + " ('cloudedge qualify schedule list' shows the others)");
    }
    return stub;
  }
}
