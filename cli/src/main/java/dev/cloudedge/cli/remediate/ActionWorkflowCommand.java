package dev.cloudedge.cli.remediate;

import dev.cloudedge.cli.options.TemporalOptions;
import dev.cloudedge.cli.ExitCodes;
import dev.cloudedge.cli.output.OutputFormat;
import dev.cloudedge.cli.output.OutputOptions;
import dev.cloudedge.cli.output.Printer;
import dev.cloudedge.federation.config.GoDuration;
import dev.cloudedge.federation.plan.ActionPlan;
import dev.cloudedge.federation.plan.ActionPlans;
import dev.cloudedge.federation.provider.JsonMaps;
import dev.cloudedge.federation.provider.PlanBatch;
import dev.cloudedge.federation.provider.PlanSources;
import dev.cloudedge.worker.TemporalConnection;
import dev.cloudedge.workflows.TaskQueues;
import dev.cloudedge.workflows.provider.ProviderActionWorkflow;
import dev.cloudedge.workflows.provider.ProviderActionWorkflow.ProviderActionRequest;
import dev.cloudedge.workflows.provider.ProviderActionWorkflow.ProviderActionResult;
import dev.cloudedge.workflows.provider.ProviderActionWorkflow.ProviderActionStatus;
import dev.cloudedge.workflows.provider.ProviderActivities.Step;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.enums.v1.WorkflowIdConflictPolicy;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowExecutionAlreadyStarted;
import io.temporal.client.WorkflowNotFoundException;
import io.temporal.client.WorkflowOptions;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code cloudedge action workflow}: runs a claim's plan pair as a durable {@link
 * ProviderActionWorkflow} on the node that owns the journal, and approves, rejects or inspects it.
 * The workflow id derives from the first plan's idempotency key, so starting the same plan twice
 * while it runs is refused.
 */
@Command(name = "workflow", mixinStandardHelpOptions = true,
    description = "Durable provider action execution on Temporal: start, status, approve, reject.",
    subcommands = {ActionWorkflowCommand.Start.class, ActionWorkflowCommand.Status.class,
        ActionWorkflowCommand.Approve.class, ActionWorkflowCommand.Reject.class})
public final class ActionWorkflowCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getErr());
    throw new IllegalArgumentException("action workflow requires a subcommand");
  }

  /** {@code action workflow start}. */
  @Command(name = "start", mixinStandardHelpOptions = true,
      description = "Import the plans on the node and execute them in order (policy-gated, approval when required, undo on failure).")
  static final class Start implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin TemporalOptions temporal;
    @Mixin OutputOptions output;
    @Option(names = "--node", required = true, paramLabel = "NODE", description = "node whose journal and executors are used") String node;
    @Option(names = "--plans", required = true, paramLabel = "FILE", description = "plans file: a list, or an object with actionPlans") Path plans;
    @Option(names = "--requested-by", paramLabel = "NAME", description = "requester (default $USER); may not approve") String requestedBy;
    @Option(names = "--approval-timeout", paramLabel = "DURATION", description = "Go duration (default 24h)") String approvalTimeout;
    @Option(names = "--wait", description = "wait for the result") boolean await;

    @Override
    public Integer call() throws Exception {
      PlanBatch batch = PlanSources.fromFile(plans);
      if (batch.plans().isEmpty()) {
        throw new IllegalArgumentException("plan file " + plans + " holds no plans");
      }
      for (ActionPlan p : batch.plans()) {
        Optional<String> bad = ActionPlans.validate(p);
        if (bad.isPresent()) {
          throw new IllegalArgumentException("plan file " + plans + ": " + bad.get());
        }
        if (p.idempotencyKey().isBlank()) {
          throw new IllegalArgumentException("plan file " + plans + ": plan " + p.name() + " has no idempotencyKey");
        }
      }
      long timeout = 0;
      if (approvalTimeout != null) {
        Duration d = GoDuration.parse(approvalTimeout);
        if (d.isNegative() || d.isZero()) {
          throw new IllegalArgumentException("--approval-timeout must be positive, got " + approvalTimeout);
        }
        timeout = d.getSeconds();
      }
      String json = JsonMaps.JSON.writeValueAsString(batch.plans());
      String id = ProviderActionWorkflow.workflowId(node, batch.plans().get(0).idempotencyKey());
      PrintWriter out = spec.commandLine().getOut();
      try (TemporalConnection c = temporal.connect()) {
        ProviderActionWorkflow wf = c.client().newWorkflowStub(ProviderActionWorkflow.class, WorkflowOptions.newBuilder()
            .setWorkflowId(id).setTaskQueue(TaskQueues.CONTROL)
            .setWorkflowIdConflictPolicy(WorkflowIdConflictPolicy.WORKFLOW_ID_CONFLICT_POLICY_FAIL)
            .setStaticSummary("provider actions " + batch.plans().stream().map(ActionPlan::action).toList() + " on " + node)
            .build());
        WorkflowExecution ex;
        try {
          ex = WorkflowClient.start(wf::execute, new ProviderActionRequest(node, json,
              requestedBy == null ? RemediateCommand.defaultUser() : requestedBy, timeout));
        } catch (WorkflowExecutionAlreadyStarted e) {
          throw new IllegalArgumentException("plan " + batch.plans().get(0).idempotencyKey()
              + " is already being executed by " + id);
        }
        RemediateCommand.printWhere(out, temporal, c, ex.getWorkflowId(), ex.getRunId());
        if (!await) {
          return ExitCodes.OK;
        }
        ProviderActionResult r = c.client().newUntypedWorkflowStub(id, Optional.of(ex.getRunId()), Optional.empty())
            .getResult(ProviderActionResult.class);
        if (output.format() != OutputFormat.TABLE) {
          Printer.structured(out, output.format(), r);
        } else {
          out.println("result:   " + r.outcome() + " - " + r.message());
          steps(out, r.steps());
          for (Step s : r.compensations()) {
            out.println("  undo " + s.id() + " " + s.action() + ": " + s.status() + " - " + s.message());
          }
        }
        out.flush();
        return r.outcome().equals("succeeded") ? ExitCodes.OK : ExitCodes.FAILED;
      }
    }
  }

  static void steps(PrintWriter out, List<Step> steps) {
    for (Step s : steps) {
      out.println("  action " + s.id() + " " + s.action() + " [" + s.idempotencyKey() + "]: " + s.status()
          + (s.message().isEmpty() ? "" : " - " + s.message()) + (s.error().isEmpty() ? "" : " (" + s.error() + ")"));
    }
  }

  /** {@code action workflow status}. */
  @Command(name = "status", mixinStandardHelpOptions = true, description = "Phase, steps, decision and refused signals.")
  static final class Status implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin TemporalOptions temporal;
    @Mixin OutputOptions output;
    @Parameters(index = "0", paramLabel = "WORKFLOW_ID") String workflowId;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      try (TemporalConnection c = temporal.connect()) {
        ProviderActionStatus s;
        try {
          s = c.client().newWorkflowStub(ProviderActionWorkflow.class, workflowId).status();
        } catch (WorkflowNotFoundException e) {
          throw new IllegalArgumentException("no provider action workflow " + workflowId);
        }
        if (output.format() != OutputFormat.TABLE) {
          Printer.structured(out, output.format(), s);
          return ExitCodes.OK;
        }
        RemediateCommand.printWhere(out, temporal, c, workflowId, RemediateCommand.runIdOf(c, workflowId));
        out.println("phase:    " + s.phase() + " (requested by " + s.requestedBy() + ")"
            + (s.decision().isEmpty() ? "" : ", " + s.decision()));
        steps(out, s.steps());
        s.refused().forEach(r -> out.println("  refused " + r.signal() + " from " + r.by() + ": " + r.reason()));
        out.flush();
        return ExitCodes.OK;
      }
    }
  }

  /** Sends a decision as the workflow's update: exit 0 when accepted, 2 with the reason when refused. */
  static int decide(CommandSpec spec, TemporalOptions temporal, String workflowId,
      Function<ProviderActionWorkflow, ProviderActionWorkflow.Accepted> send) {
    PrintWriter out = spec.commandLine().getOut();
    try (TemporalConnection c = temporal.connect()) {
      ProviderActionWorkflow wf = c.client().newWorkflowStub(ProviderActionWorkflow.class, workflowId);
      RemediateCommand.printWhere(out, temporal, c, workflowId, RemediateCommand.runIdOf(c, workflowId));
      return DecisionUpdate.send(spec, () -> {
        ProviderActionWorkflow.Accepted a = send.apply(wf);
        return a.decision() + " by " + a.by();
      }, "no running provider action workflow " + workflowId + " (it may have finished: the decision window is closed)");
    }
  }

  /** {@code action workflow approve}. */
  @Command(name = "approve", mixinStandardHelpOptions = true, description = "Approve the plans (update): prints accepted, or the refusal reason and exits 2.")
  static final class Approve implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin TemporalOptions temporal;
    @Parameters(index = "0", paramLabel = "WORKFLOW_ID") String workflowId;
    @Option(names = "--by", paramLabel = "NAME", description = "approver (default $USER); not the requester") String by;
    @Option(names = "--comment", paramLabel = "TEXT") String comment;

    @Override
    public Integer call() {
      String id = UUID.randomUUID().toString();
      ProviderActionWorkflow.Approval a = new ProviderActionWorkflow.Approval(id,
          by == null ? RemediateCommand.defaultUser() : by, comment == null ? "" : comment);
      return decide(spec, temporal, workflowId, wf -> wf.submitApproval(a));
    }
  }

  /** {@code action workflow reject}. */
  @Command(name = "reject", mixinStandardHelpOptions = true, description = "Reject the plans (update): prints accepted, or the refusal reason and exits 2.")
  static final class Reject implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin TemporalOptions temporal;
    @Parameters(index = "0", paramLabel = "WORKFLOW_ID") String workflowId;
    @Option(names = "--by", paramLabel = "NAME", description = "who (default $USER); not the requester") String by;
    @Option(names = "--reason", required = true, paramLabel = "TEXT") String reason;

    @Override
    public Integer call() {
      String id = UUID.randomUUID().toString();
      ProviderActionWorkflow.Rejection r = new ProviderActionWorkflow.Rejection(id,
          by == null ? RemediateCommand.defaultUser() : by, reason);
      return decide(spec, temporal, workflowId, wf -> wf.submitRejection(r));
    }
  }
}
