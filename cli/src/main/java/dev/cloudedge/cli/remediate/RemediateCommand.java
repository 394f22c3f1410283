package dev.cloudedge.cli.remediate;

import dev.cloudedge.cli.options.TemporalOptions;
import dev.cloudedge.cli.ExitCodes;
import dev.cloudedge.cli.output.OutputOptions;
import dev.cloudedge.cli.output.OutputFormat;
import dev.cloudedge.cli.output.Printer;
import dev.cloudedge.worker.PollerCheck;
import dev.cloudedge.worker.TemporalConnection;
import dev.cloudedge.workflows.TaskQueues;
import dev.cloudedge.workflows.remediation.RemediationActivities.ExecutionOutcome;
import dev.cloudedge.workflows.remediation.RemediationControlWorkflow;
import dev.cloudedge.workflows.remediation.RemediationWorkflow;
import dev.cloudedge.workflows.remediation.RemediationWorkflow.Approval;
import dev.cloudedge.workflows.remediation.RemediationWorkflow.Decision;
import dev.cloudedge.workflows.remediation.RemediationWorkflow.RefusedSignal;
import dev.cloudedge.workflows.remediation.RemediationWorkflow.Rejection;
import dev.cloudedge.workflows.remediation.RemediationWorkflow.RemediationRequest;
import dev.cloudedge.workflows.remediation.RemediationWorkflow.RemediationResult;
import dev.cloudedge.workflows.remediation.RemediationWorkflow.RemediationStatus;
import dev.cloudedge.federation.config.GoDuration;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.enums.v1.WorkflowIdConflictPolicy;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowExecutionAlreadyStarted;
import io.temporal.client.WorkflowNotFoundException;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code cloudedge remediate}: starts remediation workflows, shows their status, sends approval and
 * rejection signals with immediate feedback (a query after the signal), and works the kill switch.
 * Every command prints the workflow id, run id and its Temporal UI page.
 */
@Command(name = "remediate", mixinStandardHelpOptions = true,
    description = "Remediation workflows: run, start, status, approve, reject, freeze, unfreeze.",
    subcommands = {RemediateCommand.Run.class, RemediateCommand.Start.class, RemediateCommand.Status.class,
        RemediateCommand.Approve.class, RemediateCommand.Reject.class, RemediateCommand.Freeze.class,
        RemediateCommand.Unfreeze.class})
public final class RemediateCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  private static final DateTimeFormatter RUN_ID = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getErr());
    throw new IllegalArgumentException("remediate requires a subcommand");
  }

  static String defaultUser() {
    String u = System.getenv("USER");
    return u == null || u.isBlank() ? System.getProperty("user.name", "operator") : u;
  }

  static void printWhere(PrintWriter out, TemporalOptions t, TemporalConnection c, String workflowId, String runId) {
    out.println("workflow: " + workflowId);
    out.println("run:      " + (runId == null ? "" : runId));
    out.println("ui:       " + t.uiLink(c.settings(), workflowId, runId));
    out.flush();
  }

  /** Options shared by run and start. */
  static final class StartOptions {
    @Option(names = "--node", required = true, paramLabel = "NODE", description = "node whose eventd is remediated (its worker does the work)")
    String node;

    @Option(names = "--group", required = true, paramLabel = "GROUP", description = "EventGroup to remediate")
    String group;

    @Option(names = "--run-id", paramLabel = "ID", description = "readable run id (default: UTC timestamp)")
    String runId;

    @Option(names = "--requested-by", paramLabel = "NAME", description = "requester identity; may not approve its own actions (default $USER)")
    String requestedBy;

    @Option(names = "--approval-timeout", paramLabel = "DURATION", description = "how long approvals may take, Go syntax (default: the policy's, 24h)")
    String approvalTimeout;

    RemediationRequest request() {
      String run = runId == null || runId.isBlank() ? RUN_ID.format(Instant.now()) : runId.trim();
      long timeout = 0;
      if (approvalTimeout != null && !approvalTimeout.isBlank()) {
        Duration d = GoDuration.parse(approvalTimeout);
        if (d.isNegative() || d.isZero()) {
          throw new IllegalArgumentException("--approval-timeout must be positive, got " + approvalTimeout);
        }
        timeout = d.getSeconds();
      }
      RemediationWorkflow.workflowId(node, group, run);
      return new RemediationRequest(node, group, run,
          requestedBy == null || requestedBy.isBlank() ? defaultUser() : requestedBy.trim(), timeout);
    }
  }

  static WorkflowExecution start(TemporalConnection c, RemediationRequest r) {
    String id = RemediationWorkflow.workflowId(r.node(), r.group(), r.runId());
    RemediationWorkflow wf = c.client().newWorkflowStub(RemediationWorkflow.class, WorkflowOptions.newBuilder()
        .setWorkflowId(id)
        .setTaskQueue(TaskQueues.CONTROL)
        .setWorkflowIdConflictPolicy(WorkflowIdConflictPolicy.WORKFLOW_ID_CONFLICT_POLICY_FAIL)
        .setStaticSummary("remediate " + r.group() + " on " + r.node())
        .setStaticDetails("requested by " + r.requestedBy())
        .build());
    try {
      return WorkflowClient.start(wf::remediate, r);
    } catch (WorkflowExecutionAlreadyStarted e) {
      throw new IllegalArgumentException("remediation " + id + " is already running; pick another --run-id");
    }
  }

  /** Warns on stderr when no worker polls the control queue or the node's queue. */
  static void warnUnpolled(PrintWriter err, TemporalConnection c, String workflowId, String node) {
    try {
      for (String w : new PollerCheck(c.client()).warnings(workflowId, TaskQueues.CONTROL, List.of(TaskQueues.node(node)),
          Duration.ofSeconds(5), "start 'cloudedge worker --control' or 'cloudedge lab up'")) {
        err.println("warning: " + w);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    err.flush();
  }

  /** {@code remediate run}: start and wait for the result. */
  @Command(name = "run", mixinStandardHelpOptions = true, description = "Start a remediation and wait for its result.")
  static final class Run implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin TemporalOptions temporal;
    @Mixin StartOptions opts;
    @Mixin OutputOptions output;

    @Override
    public Integer call() {
      RemediationRequest r = opts.request();
      PrintWriter out = spec.commandLine().getOut();
      try (TemporalConnection c = temporal.connect()) {
        WorkflowExecution ex = start(c, r);
        if (output.format() == OutputFormat.TABLE) {
          printWhere(out, temporal, c, ex.getWorkflowId(), ex.getRunId());
        }
        warnUnpolled(spec.commandLine().getErr(), c, ex.getWorkflowId(), r.node());
        RemediationResult res = c.client().newUntypedWorkflowStub(ex.getWorkflowId(), Optional.of(ex.getRunId()),
            Optional.empty()).getResult(RemediationResult.class);
        printResult(out, output.format(), res);
        return res.healthyAfter() ? ExitCodes.OK : ExitCodes.FAILED;
      }
    }
  }

  static void printResult(PrintWriter out, OutputFormat format, RemediationResult r) {
    if (format != OutputFormat.TABLE) {
      Printer.structured(out, format, r);
      return;
    }
    out.println("result:   " + r.summary());
    for (ExecutionOutcome o : r.outcomes()) {
      out.println("  " + o.key() + ": " + o.outcome() + (o.journalId() > 0 ? " (journal " + o.journalId() + ")" : "")
          + (o.verified() ? ", verified" : "") + " - " + o.message());
      for (String line : o.output()) {
        out.println("      " + line);
      }
    }
    for (RefusedSignal s : r.refused()) {
      out.println("  refused " + s.signal() + " from " + s.by() + ": " + s.reason());
    }
    for (String p : r.problemsAfter()) {
      out.println("  still: " + p);
    }
    out.flush();
  }

  /** {@code remediate start}: start and return. */
  @Command(name = "start", mixinStandardHelpOptions = true, description = "Start a remediation and return at once.")
  static final class Start implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin TemporalOptions temporal;
    @Mixin StartOptions opts;

    @Override
    public Integer call() {
      RemediationRequest r = opts.request();
      try (TemporalConnection c = temporal.connect()) {
        WorkflowExecution ex = start(c, r);
        printWhere(spec.commandLine().getOut(), temporal, c, ex.getWorkflowId(), ex.getRunId());
        warnUnpolled(spec.commandLine().getErr(), c, ex.getWorkflowId(), r.node());
        return ExitCodes.OK;
      }
    }
  }

  static RemediationWorkflow byId(TemporalConnection c, String workflowId) {
    return c.client().newWorkflowStub(RemediationWorkflow.class, workflowId);
  }

  static String runIdOf(TemporalConnection c, String workflowId) {
    try {
      return c.client().newUntypedWorkflowStub(workflowId).describe().getExecution().getRunId();
    } catch (RuntimeException e) {
      return "";
    }
  }

  /** {@code remediate status}. */
  @Command(name = "status", mixinStandardHelpOptions = true, description = "Show a remediation's phase, pending approvals, decisions, refused signals and outcomes.")
  static final class Status implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin TemporalOptions temporal;
    @Mixin OutputOptions output;
    @Parameters(index = "0", paramLabel = "WORKFLOW_ID", description = "remediation/<node>/<group>/<runId>")
    String workflowId;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      try (TemporalConnection c = temporal.connect()) {
        RemediationStatus s;
        try {
          s = byId(c, workflowId).status();
        } catch (WorkflowNotFoundException e) {
          throw new IllegalArgumentException("no remediation workflow " + workflowId);
        }
        if (output.format() != OutputFormat.TABLE) {
          Printer.structured(out, output.format(), s);
          return ExitCodes.OK;
        }
        printWhere(out, temporal, c, workflowId, runIdOf(c, workflowId));
        printStatus(out, s);
        return ExitCodes.OK;
      }
    }
  }

  static void printStatus(PrintWriter out, RemediationStatus s) {
    out.println("phase:    " + s.phase() + " (requested by " + s.requestedBy() + ")");
    for (RemediationWorkflow.PendingApproval p : s.pending()) {
      boolean decided = s.decisions().stream().anyMatch(d -> d.key().equals(p.key()));
      out.println("  approval " + p.key() + (decided ? " decided" : " PENDING until " + Instant.ofEpochMilli(p.deadlineEpochMillis()))
          + " - " + p.action().reason());
    }
    for (Decision d : s.decisions()) {
      out.println("  decision " + d.key() + ": " + d.decision() + " by " + d.by()
          + (d.endpoint().isEmpty() ? "" : " endpoint " + d.endpoint()) + (d.reason().isEmpty() ? "" : " (" + d.reason() + ")"));
    }
    for (RefusedSignal r : s.refused()) {
      out.println("  refused " + r.signal() + " from " + r.by() + ": " + r.reason());
    }
    for (ExecutionOutcome o : s.outcomes()) {
      out.println("  " + o.key() + ": " + o.outcome() + " - " + o.message());
    }
    out.flush();
  }

  /**
   * Sends a decision signal, then queries until the workflow has accepted or refused it, so the
   * operator learns at once; exit 0 when accepted, 1 when refused.
   */
  static int decide(CommandSpec spec, TemporalOptions temporal, String workflowId, String requestId,
      java.util.function.Consumer<RemediationWorkflow> send) {
    PrintWriter out = spec.commandLine().getOut();
    try (TemporalConnection c = temporal.connect()) {
      RemediationWorkflow wf = byId(c, workflowId);
      try {
        send.accept(wf);
      } catch (WorkflowNotFoundException e) {
        throw new IllegalArgumentException("no running remediation workflow " + workflowId
            + " (it may have finished: the decision window is closed)");
      }
      printWhere(out, temporal, c, workflowId, runIdOf(c, workflowId));
      return DecisionFeedback.await(spec, () -> {
        RemediationStatus s = wf.status();
        Optional<Decision> ok = s.decisions().stream().filter(d -> d.requestId().equals(requestId)).findFirst();
        if (ok.isPresent()) {
          return Optional.of(new DecisionFeedback.Outcome(true,
              ok.get().key() + " " + ok.get().decision() + " by " + ok.get().by()));
        }
        return s.refused().stream().filter(r -> r.requestId().equals(requestId)).findFirst()
            .map(r -> new DecisionFeedback.Outcome(false, r.reason()));
      }, "sent; the workflow has not processed it yet (see `cloudedge remediate status " + workflowId + "`)");
    }
  }

  /** {@code remediate approve}. */
  @Command(name = "approve", mixinStandardHelpOptions = true, description = "Approve a pending action (signal), and report whether the workflow accepted it.")
  static final class Approve implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin TemporalOptions temporal;
    @Parameters(index = "0", paramLabel = "WORKFLOW_ID") String workflowId;
    @Option(names = "--by", paramLabel = "NAME", description = "approver identity (default $USER); not the requester") String by;
    @Option(names = "--action", paramLabel = "KEY", description = "action key, e.g. configure-peer-endpoint/<group>/<peer>; optional when one is pending") String action;
    @Option(names = "--endpoint", paramLabel = "URL", description = "for configure-peer-endpoint: the endpoint to set") String endpoint;
    @Option(names = "--comment", paramLabel = "TEXT") String comment;

    @Override
    public Integer call() {
      String id = UUID.randomUUID().toString();
      Approval a = new Approval(id, by == null ? defaultUser() : by, action == null ? "" : action,
          endpoint == null ? "" : endpoint, comment == null ? "" : comment);
      return decide(spec, temporal, workflowId, id, wf -> wf.approve(a));
    }
  }

  /** {@code remediate reject}. */
  @Command(name = "reject", mixinStandardHelpOptions = true, description = "Reject a pending action (signal), and report whether the workflow accepted it.")
  static final class Reject implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin TemporalOptions temporal;
    @Parameters(index = "0", paramLabel = "WORKFLOW_ID") String workflowId;
    @Option(names = "--by", paramLabel = "NAME", description = "identity (default $USER); not the requester") String by;
    @Option(names = "--action", paramLabel = "KEY", description = "action key; optional when one is pending") String action;
    @Option(names = "--reason", required = true, paramLabel = "TEXT") String reason;

    @Override
    public Integer call() {
      String id = UUID.randomUUID().toString();
      Rejection r = new Rejection(id, by == null ? defaultUser() : by, action == null ? "" : action, reason);
      return decide(spec, temporal, workflowId, id, wf -> wf.reject(r));
    }
  }

  static int switchCommand(CommandSpec spec, TemporalOptions temporal, boolean freeze, String by, String reason) {
    PrintWriter out = spec.commandLine().getOut();
    try (TemporalConnection c = temporal.connect()) {
      RemediationControlWorkflow.SwitchChange change = new RemediationControlWorkflow.SwitchChange(
          by == null ? defaultUser() : by, reason == null ? "" : reason);
      WorkflowStub stub = c.client().newUntypedWorkflowStub("RemediationControlWorkflow", WorkflowOptions.newBuilder()
          .setWorkflowId(RemediationControlWorkflow.WORKFLOW_ID)
          .setTaskQueue(TaskQueues.CONTROL)
          .setStaticSummary("remediation kill switch")
          .build());
      WorkflowExecution ex = stub.signalWithStart(freeze ? "freeze" : "unfreeze", new Object[] {change},
          new Object[] {RemediationControlWorkflow.SwitchState.initial()});
      RemediationControlWorkflow.SwitchState s = c.client().newWorkflowStub(RemediationControlWorkflow.class,
          RemediationControlWorkflow.WORKFLOW_ID).state();
      printWhere(out, temporal, c, ex.getWorkflowId(), ex.getRunId());
      out.println("remediation " + (s.frozen() ? "FROZEN" : "not frozen") + " (by " + s.by() + " since "
          + Instant.ofEpochMilli(s.sinceEpochMillis()) + (s.reason().isEmpty() ? "" : ": " + s.reason()) + ")");
      out.flush();
      return s.frozen() == freeze ? ExitCodes.OK : ExitCodes.FAILED;
    }
  }

  /** {@code remediate freeze}. */
  @Command(name = "freeze", mixinStandardHelpOptions = true, description = "Kill switch: freeze all automatic remediation at once.")
  static final class Freeze implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin TemporalOptions temporal;
    @Option(names = "--by", paramLabel = "NAME", description = "who (default $USER)") String by;
    @Option(names = "--reason", paramLabel = "TEXT", description = "why") String reason;

    @Override
    public Integer call() {
      return switchCommand(spec, temporal, true, by, reason);
    }
  }

  /** {@code remediate unfreeze}. */
  @Command(name = "unfreeze", mixinStandardHelpOptions = true, description = "Kill switch: allow automatic remediation again.")
  static final class Unfreeze implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin TemporalOptions temporal;
    @Option(names = "--by", paramLabel = "NAME", description = "who (default $USER)") String by;
    @Option(names = "--reason", paramLabel = "TEXT", description = "why") String reason;

    @Override
    public Integer call() {
      return switchCommand(spec, temporal, false, by, reason);
    }
  }
}
