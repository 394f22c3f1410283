package dev.cloudedge.worker;

import dev.cloudedge.workflows.TaskQueues;
import dev.cloudedge.workflows.qualification.QualificationProgress;
import dev.cloudedge.workflows.qualification.QualificationRequest;
import dev.cloudedge.workflows.qualification.QualificationResult;
import dev.cloudedge.workflows.qualification.QualificationSearchAttributes;
import dev.cloudedge.workflows.qualification.QualificationWorkflow;
import dev.cloudedge.workflows.qualification.TopologyLockWorkflow;
import dev.cloudedge.workflows.qualification.Verdict;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.api.enums.v1.WorkflowIdConflictPolicy;
import io.temporal.api.enums.v1.WorkflowIdReusePolicy;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowExecutionMetadata;
import io.temporal.client.WorkflowExecutionAlreadyStarted;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowNotFoundException;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.common.SearchAttributes;
import io.temporal.failure.CanceledFailure;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/** Starts, inspects, watches and cancels qualification runs through a workflow client. */
public final class QualificationService {
  private static final DateTimeFormatter RUN_ID = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
  private final WorkflowClient client;

  public QualificationService(WorkflowClient client) {
    this.client = Objects.requireNonNull(client, "client");
  }

  /** A fresh run id, {@code YYYYMMDDTHHMMSSZ-federation-qual}. */
  public static String newRunId(Instant now) {
    return RUN_ID.format(now) + "-federation-qual";
  }

  /**
   * Validates and starts a run; returns its workflow id.
   *
   * @throws IllegalArgumentException listing every problem, before anything is started or written
   */
  public String start(QualificationRequest req) {
    List<String> problems = req.problems();
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(String.join("; ", problems));
    }
    String id = QualificationWorkflow.workflowId(req.runId());
    String holder = lockHolder(req.topology().id());
    if (holder != null) {
      throw new IllegalArgumentException(locked(req.topology().id(), holder));
    }
    WorkflowOptions opts = WorkflowOptions.newBuilder()
        .setWorkflowId(id)
        .setTaskQueue(TaskQueues.CONTROL)
        .setWorkflowIdReusePolicy(WorkflowIdReusePolicy.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE)
        .setWorkflowIdConflictPolicy(WorkflowIdConflictPolicy.WORKFLOW_ID_CONFLICT_POLICY_FAIL)
        .setStaticSummary("Federation qualification " + req.runId() + " · " + req.cycles() + " cycle(s) × "
            + req.scenarios().size() + " scenario(s) · " + req.topology().id())
        .setStaticDetails("Qualifies sender **" + req.topology().sender().name() + "** → receiver **"
            + req.topology().receiver().name() + "** (" + req.topology().receiverEndpoint() + "), group `"
            + req.topology().groupA() + "`" + (req.topology().groupB().isBlank() ? "" : " and `" + req.topology().groupB() + "`")
            + ". Scenarios: " + String.join(", ", req.scenarios()) + ". Deadline per scenario " + req.durationSeconds()
            + " s. Commit `" + req.commit() + "`. Evidence: `" + req.evidenceDir() + "` on the control worker.")
        .setTypedSearchAttributes(SearchAttributes.newBuilder()
            .set(QualificationSearchAttributes.RUN_ID, req.runId())
            .set(QualificationSearchAttributes.GROUP, req.topology().groupA())
            .set(QualificationSearchAttributes.TOPOLOGY, req.topology().id())
            .set(QualificationSearchAttributes.VERDICT, "running")
            .build())
        .build();
    QualificationWorkflow wf = client.newWorkflowStub(QualificationWorkflow.class, opts);
    try {
      WorkflowClient.start(wf::qualify, req);
    } catch (WorkflowExecutionAlreadyStarted e) {
      throw new IllegalArgumentException("qualification " + req.runId() + " already exists (" + id + ")");
    }
    return id;
  }

  /**
   * The workflow id of the run holding {@code topologyId}'s lock, or {@code null} when it is free.
   * From the lock workflow's description, so it needs no worker.
   */
  public String lockHolder(String topologyId) {
    try {
      WorkflowExecutionMetadata lock = client.newUntypedWorkflowStub(TopologyLockWorkflow.workflowId(topologyId)).describe();
      if (lock.getStatus() != WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING) {
        return null;
      }
      return lock.getParentExecution() == null ? "" : lock.getParentExecution().getWorkflowId();
    } catch (WorkflowNotFoundException e) {
      return null;
    }
  }

  private static String locked(String topologyId, String holder) {
    String run = holder.startsWith("qualification/") ? holder.substring("qualification/".length()) : holder;
    return "topology '" + topologyId + "' is already being qualified" + (run.isEmpty() ? "" : " by run " + run)
        + " (lock " + TopologyLockWorkflow.workflowId(topologyId) + " is held); wait for it to end"
        + (run.isEmpty() ? "" : " or stop it with 'cloudedge qualify cancel " + run + "'");
  }

  /**
   * Confirms a run just started holds its topology lock, waiting up to {@code within}, and returns
   * warnings about task queues no worker polls (empty when all is well).
   *
   * @throws IllegalArgumentException with the reason when the run ended as a setup error meanwhile
   *     (e.g. another run took the topology's lock between the check in {@link #start} and the
   *     run's own lock request)
   */
  public List<String> confirmStart(QualificationRequest req, Duration within) throws InterruptedException {
    String id = QualificationWorkflow.workflowId(req.runId());
    String lockId = TopologyLockWorkflow.workflowId(req.topology().id());
    List<String> nodeQueues = List.of(req.topology().sender().taskQueue(), req.topology().receiver().taskQueue());
    PollerCheck check = new PollerCheck(client);
    long since = System.nanoTime();
    long until = since + within.toNanos();
    while (true) {
      WorkflowStub run = client.newUntypedWorkflowStub(id);
      if (run.describe().getStatus() != WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING) {
        try {
          QualificationResult r = run.getResult(QualificationResult.class);
          if (r.verdict() == Verdict.SETUP_ERROR) {
            throw new IllegalArgumentException(r.reason());
          }
        } catch (WorkflowFailedException e) {
          // Cancelled or terminated already: nothing to confirm.
        }
        return List.of();
      }
      if (id.equals(lockHolder(req.topology().id()))) {
        return check.warnings(id, TaskQueues.CONTROL, nodeQueues, since, Duration.ZERO, CONTROL_HINT);
      }
      if (System.nanoTime() > until) {
        List<String> w = new ArrayList<>(check.warnings(id, TaskQueues.CONTROL, nodeQueues, since, within, CONTROL_HINT));
        if (w.isEmpty()) {
          w.add(id + " has not taken topology lock " + lockId + " within " + within.toSeconds() + " s");
        }
        return w;
      }
      Thread.sleep(200);
    }
  }

  private static final String CONTROL_HINT = "start 'cloudedge worker --control' or 'cloudedge lab up'";

  /** The progress of a run. */
  public QualificationProgress status(String runId) {
    try {
      return client.newWorkflowStub(QualificationWorkflow.class, QualificationWorkflow.workflowId(runId)).progress();
    } catch (WorkflowNotFoundException e) {
      throw new IllegalArgumentException("no qualification run " + runId + " (" + QualificationWorkflow.workflowId(runId) + ")");
    }
  }

  /** Requests cancellation: the running scenario rolls back its faults and writes its evidence. */
  public void cancel(String runId) {
    try {
      WorkflowStub stub = client.newUntypedWorkflowStub(QualificationWorkflow.workflowId(runId));
      WorkflowExecutionStatus status = stub.describe().getStatus();
      if (status != WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING) {
        throw new IllegalArgumentException("qualification run " + runId + " is already closed ("
            + status.name().substring("WORKFLOW_EXECUTION_STATUS_".length()).toLowerCase(java.util.Locale.ROOT)
            + "); nothing to cancel");
      }
      stub.cancel();
    } catch (WorkflowNotFoundException e) {
      throw new IllegalArgumentException("no qualification run " + runId);
    }
  }

  /**
   * Reattaches to a run, reports progress changes until it closes and returns its result. A
   * cancelled run maps to {@link Verdict#FAIL} with reason {@code cancelled}.
   */
  public QualificationResult watch(String runId, Consumer<QualificationProgress> onProgress, long pollMillis)
      throws InterruptedException {
    WorkflowStub stub = client.newUntypedWorkflowStub(QualificationWorkflow.workflowId(runId));
    String last = "";
    while (true) {
      try {
        return stub.getResult(pollMillis, TimeUnit.MILLISECONDS, QualificationResult.class);
      } catch (TimeoutException e) {
        try {
          QualificationProgress p = status(runId);
          String key = p.phase() + "|" + p.detail() + "|" + p.completedScenarios();
          if (!key.equals(last)) {
            onProgress.accept(p);
            last = key;
          }
        } catch (RuntimeException queryFailed) {
          // The workflow may be between tasks or its worker restarting; the next poll retries.
        }
      } catch (WorkflowFailedException e) {
        if (e.getCause() instanceof CanceledFailure) {
          return new QualificationResult(runId, Verdict.FAIL, Verdict.FAIL.exitCode(), "cancelled", 0, 0, List.of(), "");
        }
        return new QualificationResult(runId, Verdict.INCOMPLETE, Verdict.INCOMPLETE.exitCode(),
            "workflow failed: " + e.getCause(), 0, 0, List.of(), "");
      } catch (WorkflowNotFoundException e) {
        throw new IllegalArgumentException("no qualification run " + runId);
      }
      if (Thread.interrupted()) {
        throw new InterruptedException();
      }
    }
  }

  /** Whether the run is still open. */
  public boolean running(String runId) {
    return client.newUntypedWorkflowStub(QualificationWorkflow.workflowId(runId)).describe().getStatus()
        == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING;
  }
}
