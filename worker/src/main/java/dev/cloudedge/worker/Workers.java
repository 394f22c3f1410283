package dev.cloudedge.worker;

import dev.cloudedge.activities.evidence.EvidenceActivitiesImpl;
import dev.cloudedge.activities.node.NodeActivitiesImpl;
import dev.cloudedge.activities.node.NodeHost;
import dev.cloudedge.activities.provider.ProviderActivitiesImpl;
import dev.cloudedge.activities.remediation.KillSwitchActivitiesImpl;
import dev.cloudedge.activities.remediation.RemediationActivitiesImpl;
import dev.cloudedge.workflows.TaskQueues;
import dev.cloudedge.workflows.qualification.QualificationWorkflowImpl;
import dev.cloudedge.workflows.qualification.ScenarioWorkflowImpl;
import dev.cloudedge.workflows.qualification.TopologyLockWorkflowImpl;
import dev.cloudedge.workflows.qualification.schedule.QualificationScheduleWorkflowImpl;
import dev.cloudedge.workflows.provider.ProviderActionWorkflowImpl;
import dev.cloudedge.workflows.remediation.RemediationControlWorkflowImpl;
import dev.cloudedge.workflows.remediation.RemediationWorkflowImpl;
import io.temporal.api.workflowservice.v1.GetSystemInfoRequest;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerFactory;
import io.temporal.worker.WorkerOptions;
import java.nio.file.Path;
import java.time.Duration;

/** Registers workflows and activities on their task queues. */
public final class Workers {
  private Workers() {}

  /** The control worker: the qualification and remediation workflows, the evidence and kill-switch activities. */
  public static Worker control(WorkerFactory factory, Path artifact, String namespace) {
    Worker w = factory.newWorker(TaskQueues.CONTROL, options(factory));
    w.registerWorkflowImplementationTypes(
        QualificationWorkflowImpl.class, ScenarioWorkflowImpl.class, TopologyLockWorkflowImpl.class,
        QualificationScheduleWorkflowImpl.class);
    w.registerActivitiesImplementations(new EvidenceActivitiesImpl(artifact, namespace));
    w.registerWorkflowImplementationTypes(RemediationWorkflowImpl.class, RemediationControlWorkflowImpl.class,
        ProviderActionWorkflowImpl.class);
    w.registerActivitiesImplementations(new KillSwitchActivitiesImpl(factory.getWorkflowClient()));
    return w;
  }

  /** A node worker: the node-local and remediation activities of {@code host} on its own task queue. */
  public static Worker node(WorkerFactory factory, NodeHost host) {
    Worker w = factory.newWorker(TaskQueues.node(host.nodeName()), options(factory));
    w.registerActivitiesImplementations(new NodeActivitiesImpl(host));
    w.registerActivitiesImplementations(new RemediationActivitiesImpl(host));
    w.registerActivitiesImplementations(new ProviderActivitiesImpl(host, bundledExecutors()));
    return w;
  }

  /**
   * Worker options for the factory's server. Against Temporal's Java test server (what {@code
   * server start-dev} and {@code lab up} embed) sticky execution is off: that server routes every
   * workflow task of a cached workflow, and every query, to the sticky queue of the worker that
   * last ran it and never falls back to the normal queue (it ignores the sticky schedule-to-start
   * timeout), so a worker killed between two tasks would strand its workflows for good. A zero
   * sticky schedule-to-start timeout makes the SDK stop asking for sticky execution; every task
   * then goes to the normal queue with the full history, which any worker, including the
   * restarted one, can take. A real Temporal server moves a task from a dead worker's sticky
   * queue to the normal queue after the 5 s default, so sticky execution stays on there.
   */
  static WorkerOptions options(WorkerFactory factory) {
    WorkerOptions.Builder b = WorkerOptions.newBuilder();
    if (!stickyFallsBack(factory.getWorkflowClient().getWorkflowServiceStubs())) {
      b.setStickyQueueScheduleToStartTimeout(Duration.ZERO);
    }
    return b.build();
  }

  /**
   * Whether the server moves a task from an unpolled sticky queue back to the normal queue. The
   * Java test server is the one that does not; it is also the one that reports no server version.
   */
  static boolean stickyFallsBack(WorkflowServiceStubs stubs) {
    String version = stubs.blockingStub().getSystemInfo(GetSystemInfoRequest.getDefaultInstance()).getServerVersion();
    return !version.isBlank();
  }

  /**
   * The bundled provider executors: {@code $CLOUDEDGE_PLUGINS_DIR}, else the {@code plugins/}
   * folder of the repository this artifact is in, else none (configured Plugins only).
   */
  static Path bundledExecutors() {
    String env = System.getenv("CLOUDEDGE_PLUGINS_DIR");
    if (env != null && !env.isBlank()) {
      return Path.of(env.trim());
    }
    Path self = selfArtifact();
    for (Path p = self; p != null; p = p.getParent()) {
      if (java.nio.file.Files.isDirectory(p.resolve("plugins")) && java.nio.file.Files.exists(p.resolve("pom.xml"))) {
        return p.resolve("plugins");
      }
    }
    return null;
  }

  /** The artifact this process runs from: the shaded jar, or a classes directory in development. */
  public static Path selfArtifact() {
    try {
      return Path.of(Workers.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    } catch (Exception e) {
      return null;
    }
  }
}
