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
import dev.cloudedge.workflows.remediation.RemediationFailureType;
import dev.cloudedge.workflows.remediation.RemediationOptions;
import io.temporal.client.WorkflowException;
import io.temporal.client.WorkflowExecutionAlreadyStarted;
import io.temporal.client.WorkflowFailedException;
import io.temporal.failure.ApplicationFailure;
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
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code cloudedge remediate}: starts remediation workflows, shows their status, sends approvals and
 * rejections as workflow updates (the workflow's validator answers at once), and works the kill switch.
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
    out.println("ui:       " + t.uiLine(c, workflowId, runId));
    out.flush();
  }

  /** Options shared by run and start. */
  static final class StartOptions {
    @Option(names = "--node", required = true, paramLabel = "NODE", description = "node whose eventd is remediated (its worker does the work)")
    String node;

    @Option(names = "--group", required = true, paramLabel = "GROUP", description = "EventGroup to remediate")
    String group;

    @Option(names = "--run-id", paramLabel = "ID", description = "the last part of the workflow id remediation/<node>/<group>/<ID>:"
        + " letters, digits, '.', '_', '-' (default: the UTC time, YYYYMMDDTHHMMSSZ)")
    String runId;

    @Option(names = "--requested-by", paramLabel = "NAME", description = "requester identity; may not approve its own actions (default $USER)")
    String requestedBy;

    @Option(names = "--approval-timeout", paramLabel = "DURATION", description = "how long approvals may take, Go syntax (default: the policy's, 24h)")
    String approvalTimeout;

    RemediationRequest request() {
      String run = runId == null || runId.isBlank() ? RUN_ID.format(Instant.now()) : runId.trim();
      if (!run.matches("[A-Za-z0-9._-]{1,128}")) {
        throw new IllegalArgumentException("--run-id must be 1-128 letters, digits, '.', '_' or '-' (it ends the workflow id"
            + " remediation/<node>/<group>/<run id>), got \"" + runId + "\"");
      }
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

  /** Warns on stderr when no worker polls the control queue or the node's queue; true when it warned. */
  static boolean warnUnpolled(PrintWriter err, TemporalConnection c, String workflowId, String node) {
    List<String> warnings = List.of();
    try {
      warnings = new PollerCheck(c.client()).warnings(workflowId, TaskQueues.CONTROL, List.of(TaskQueues.node(node)),
          Duration.ofSeconds(5), "start 'cloudedge worker --control' or 'cloudedge lab up'");
      for (String w : warnings) {
        err.println("warning: " + w);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    err.flush();
    return !warnings.isEmpty();
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
        RemediationResult res;
        try {
          res = c.client().newUntypedWorkflowStub(ex.getWorkflowId(), Optional.of(ex.getRunId()),
              Optional.empty()).getResult(RemediationResult.class);
        } catch (WorkflowFailedException e) {
          throw operatorError(e).<RuntimeException>map(IllegalArgumentException::new).orElse(e);
        }
        if (res.error() != null && !res.error().isEmpty()) {
          throw new IllegalArgumentException(res.error());
        }
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

  /**
   * The operator's error that ended a remediation (a wrong node or group, a broken config), if that
   * is what it failed with (runs from before the workflow returned it as {@code error}).
   */
  static Optional<String> operatorError(WorkflowFailedException e) {
    for (Throwable t = e.getCause(); t != null; t = t.getCause()) {
      if (t instanceof ApplicationFailure af) {
        return RemediationFailureType.of(af.getType()).filter(RemediationFailureType::operatorError)
            .map(x -> af.getOriginalMessage());
      }
    }
    return Optional.empty();
  }

  /** How long {@code start} waits for the node to diagnose the group: the pickup timeout plus the doctor. */
  static final Duration DIAGNOSIS_WAIT = RemediationOptions.NODE_PICKUP.plusSeconds(30);

  /**
   * Waits until the remediation is past its first diagnosis, so a wrong node or group is reported
   * by {@code start} itself: returns when the phase moved on or the workflow finished, throws
   * {@link IllegalArgumentException} with the operator's error when it failed with one.
   */
  static void awaitDiagnosis(TemporalConnection c, WorkflowExecution ex) {
    WorkflowStub stub = c.client().newUntypedWorkflowStub(ex.getWorkflowId(), Optional.of(ex.getRunId()), Optional.empty());
    RemediationWorkflow typed = c.client().newWorkflowStub(RemediationWorkflow.class, ex.getWorkflowId());
    long deadline = System.nanoTime() + DIAGNOSIS_WAIT.toNanos();
    while (System.nanoTime() < deadline) {
      try {
        RemediationResult res = stub.getResult(500, TimeUnit.MILLISECONDS, RemediationResult.class);
        if (res.error() != null && !res.error().isEmpty()) {
          throw new IllegalArgumentException(res.error());
        }
        return;
      } catch (TimeoutException e) {
        if (!typed.status().phase().equals("diagnosing")) {
          return;
        }
      } catch (WorkflowFailedException e) {
        throw operatorError(e).<RuntimeException>map(IllegalArgumentException::new).orElse(e);
      }
    }
  }

  /** {@code remediate start}: start and return once the node has diagnosed the group. */
  @Command(name = "start", mixinStandardHelpOptions = true,
      description = "Start a remediation; returns once the node has diagnosed the group (a wrong --node or --group exits 2).")
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
        // With no worker to diagnose, start says so and returns: the run waits for a worker.
        if (!warnUnpolled(spec.commandLine().getErr(), c, ex.getWorkflowId(), r.node())) {
          awaitDiagnosis(c, ex);
        }
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
  @Command(name = "status", mixinStandardHelpOptions = true,
      description = "Show a remediation's phase, pending approvals, decisions, refused signals and outcomes; --control shows the kill switch.")
  static final class Status implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin TemporalOptions temporal;
    @Mixin OutputOptions output;
    @Parameters(index = "0", arity = "0..1", paramLabel = "WORKFLOW_ID", description = "remediation/<node>/<group>/<runId>")
    String workflowId;

    @Option(names = "--control", description = "show the kill switch (remediation/control) and its last changes instead")
    boolean control;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      if (control == (workflowId != null)) {
        throw new IllegalArgumentException("remediate status needs a WORKFLOW_ID or --control (not both)");
      }
      try (TemporalConnection c = temporal.connect()) {
        if (control) {
          return printControl(out, c, temporal, output.format());
        }
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

  /**
   * Queries the kill switch. A query needs a worker on the control queue; without one the SDK's
   * bare service exception becomes a sentence naming what to start.
   *
   * @throws WorkflowNotFoundException when the switch was never used
   */
  static RemediationControlWorkflow.SwitchState readSwitch(TemporalConnection c) {
    try {
      return c.client().newWorkflowStub(RemediationControlWorkflow.class, RemediationControlWorkflow.WORKFLOW_ID).state();
    } catch (WorkflowNotFoundException e) {
      throw e;
    } catch (WorkflowException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      throw new IllegalStateException("cannot read the kill switch " + RemediationControlWorkflow.WORKFLOW_ID
          + ": no worker answered on task queue " + TaskQueues.CONTROL + " (is `cloudedge worker` running?): "
          + cause.getMessage(), e);
    }
  }

  /** The kill switch's state and changes; a switch never used is not frozen. */
  static int printControl(PrintWriter out, TemporalConnection c, TemporalOptions temporal, OutputFormat format) {
    RemediationControlWorkflow.SwitchState s;
    boolean started = true;
    try {
      s = readSwitch(c);
    } catch (WorkflowNotFoundException e) {
      s = RemediationControlWorkflow.SwitchState.initial();
      started = false;
    }
    if (format != OutputFormat.TABLE) {
      Printer.structured(out, format, s);
      return ExitCodes.OK;
    }
    if (!started) {
      out.println("remediation not frozen (the kill switch was never used)");
      out.flush();
      return ExitCodes.OK;
    }
    printWhere(out, temporal, c, RemediationControlWorkflow.WORKFLOW_ID, runIdOf(c, RemediationControlWorkflow.WORKFLOW_ID));
    out.println(switchLine(s));
    for (RemediationControlWorkflow.ChangeEntry e : s.history()) {
      out.println("  " + Instant.ofEpochMilli(e.atEpochMillis()) + " " + (e.frozen() ? "freeze" : "unfreeze") + " by "
          + e.by() + (e.reason().isEmpty() ? "" : ": " + e.reason()));
    }
    out.flush();
    return ExitCodes.OK;
  }

  static String switchLine(RemediationControlWorkflow.SwitchState s) {
    return "remediation " + (s.frozen() ? "FROZEN" : "not frozen") + " (by " + s.by() + " since "
        + Instant.ofEpochMilli(s.sinceEpochMillis()) + (s.reason().isEmpty() ? "" : ": " + s.reason()) + ")";
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
   * Sends a decision as the workflow's update: exit 0 when accepted, 2 with the workflow's reason
   * when refused (self-approval, second decision, too late, no usable endpoint, no such action).
   */
  static int decide(CommandSpec spec, TemporalOptions temporal, String workflowId,
      java.util.function.Function<RemediationWorkflow, Decision> send) {
    PrintWriter out = spec.commandLine().getOut();
    try (TemporalConnection c = temporal.connect()) {
      RemediationWorkflow wf = byId(c, workflowId);
      printWhere(out, temporal, c, workflowId, runIdOf(c, workflowId));
      return DecisionUpdate.send(spec, () -> {
        Decision d = send.apply(wf);
        return d.key() + " " + d.decision() + " by " + d.by();
      }, "no running remediation workflow " + workflowId + " (it may have finished: the decision window is closed)");
    }
  }

  /** {@code remediate approve}. */
  @Command(name = "approve", mixinStandardHelpOptions = true, description = "Approve a pending action (update): prints accepted, or the refusal reason and exits 2.")
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
      return decide(spec, temporal, workflowId, wf -> wf.submitApproval(a));
    }
  }

  /** {@code remediate reject}. */
  @Command(name = "reject", mixinStandardHelpOptions = true, description = "Reject a pending action (update): prints accepted, or the refusal reason and exits 2.")
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
      return decide(spec, temporal, workflowId, wf -> wf.submitRejection(r));
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
      RemediationControlWorkflow.SwitchState s = readSwitch(c);
      printWhere(out, temporal, c, ex.getWorkflowId(), ex.getRunId());
      out.println(switchLine(s));
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
