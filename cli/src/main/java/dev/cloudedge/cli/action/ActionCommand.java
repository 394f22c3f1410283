package dev.cloudedge.cli.action;

import dev.cloudedge.cli.ExitCodes;
import dev.cloudedge.cli.options.ConfigOptions;
import dev.cloudedge.cli.options.StateFileOptions;
import dev.cloudedge.cli.output.OutputOptions;
import dev.cloudedge.cli.output.Printer;
import dev.cloudedge.federation.config.FederationConfig;
import dev.cloudedge.federation.event.GoTime;
import dev.cloudedge.federation.provider.ActionEngine;
import dev.cloudedge.federation.provider.ActionException;
import dev.cloudedge.federation.provider.ActionJournal;
import dev.cloudedge.federation.provider.ActionRecord;
import dev.cloudedge.federation.provider.ActionStatus;
import dev.cloudedge.federation.provider.ImportResult;
import dev.cloudedge.federation.provider.JournalStateException;
import dev.cloudedge.federation.provider.PlanBatch;
import dev.cloudedge.federation.provider.PlanSources;
import dev.cloudedge.federation.provider.ProviderActionPolicy;
import dev.cloudedge.federation.store.FederationStore;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code cloudedge action}: the provider action journal (reference §4.13) — import plans by
 * idempotency key, list and show rows, approve or reject, execute (dry-run preview or live) and
 * roll back, all gated by the config's ProviderActionPolicy. These commands run the engine in
 * this process.
 */
@Command(name = "action", mixinStandardHelpOptions = true,
    description = "Provider actions: dry-run plans, and the journal: import, list, show, approve, reject, execute, journal, rollback, recover.",
    subcommands = {ActionCommand.Import.class, ActionCommand.ListCmd.class, ActionCommand.Show.class,
        ActionCommand.Approve.class, ActionCommand.Reject.class, ActionCommand.Execute.class,
        ActionCommand.Journal.class, ActionCommand.Rollback.class, ActionCommand.Recover.class,
        ActionPlansCommand.class,
        dev.cloudedge.cli.remediate.ActionWorkflowCommand.class})
public final class ActionCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getErr());
    throw new IllegalArgumentException("action requires subcommand");
  }

  static PrintWriter out(CommandSpec spec) {
    return spec.commandLine().getOut();
  }

  /** Engine refusals: one line on stderr, exit 1 (routerd exits 1 for every action error). */
  static int refused(CommandSpec spec, RuntimeException e) {
    spec.commandLine().getErr().println("cloudedge: " + e.getMessage());
    spec.commandLine().getErr().flush();
    return ExitCodes.FAILED;
  }

  static final List<Printer.Column<ActionRecord>> COLUMNS = List.of(
      new Printer.Column<>("ID", r -> Long.toString(r.id())),
      new Printer.Column<>("IDEMPOTENCY_KEY", ActionRecord::idempotencyKey),
      new Printer.Column<>("PROVIDER", ActionRecord::provider),
      new Printer.Column<>("ACTION", ActionRecord::action),
      new Printer.Column<>("STATUS", ActionRecord::status),
      new Printer.Column<>("LIFECYCLE", r -> ActionStatus.lifecycle(r.status())),
      new Printer.Column<>("TARGET", ActionRecord::targetAddress),
      new Printer.Column<>("APPROVED_BY", ActionRecord::approvedBy));

  /** {@code action import}. */
  @Command(name = "import", mixinStandardHelpOptions = true,
      description = "Import action plans into the journal by idempotencyKey (from dynamic config parts and --plans files).")
  static final class Import implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin StateFileOptions state;

    @Option(names = "--plans", paramLabel = "FILE", arity = "1..*",
        description = "Plan files: a list of plans, a PluginResult or a DynamicConfigPart (JSON or YAML).")
    List<Path> plans = new ArrayList<>();

    @Override
    public Integer call() {
      List<PlanBatch> batches = new ArrayList<>();
      for (Path p : plans) {
        batches.add(PlanSources.fromFile(p));
      }
      try (FederationStore store = state.open()) {
        batches.addAll(0, PlanSources.fromDynamicParts(store));
        ImportResult r = ActionContext.journalEngine(spec, store).importPlans(batches);
        PrintWriter out = out(spec);
        out.println(r.summary());
        for (String n : r.notes()) {
          spec.commandLine().getErr().println("cloudedge: skipped " + n);
        }
        out.flush();
        spec.commandLine().getErr().flush();
      }
      return ExitCodes.OK;
    }
  }

  /** {@code action list}. */
  @Command(name = "list", mixinStandardHelpOptions = true, description = "List journal rows, newest first.")
  static final class ListCmd implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin StateFileOptions state;
    @Mixin OutputOptions output;

    @Option(names = "--status", paramLabel = "S", description = "Only rows in this status.")
    String status = "";

    @Option(names = "--provider", paramLabel = "P", description = "Only rows of this provider.")
    String provider = "";

    @Override
    public Integer call() {
      try (FederationStore store = state.openReadOnly()) {
        Printer.rows(out(spec), output.format(), new ActionJournal(store).list(status, provider), COLUMNS);
      }
      return ExitCodes.OK;
    }
  }

  /** {@code action journal}. */
  @Command(name = "journal", mixinStandardHelpOptions = true,
      description = "The whole journal (list without filters); --audit prints the audit trail instead.")
  static final class Journal implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin StateFileOptions state;
    @Mixin OutputOptions output;

    @Option(names = "--audit", description = "Print the audit trail (every import, decision, refusal, claim and result).")
    boolean audit;

    @Option(names = "--id", paramLabel = "ID", description = "With --audit: only this action's entries.")
    long auditId;

    @Override
    public Integer call() {
      try (FederationStore store = state.openReadOnly()) {
        ActionJournal j = new ActionJournal(store);
        if (audit) {
          Printer.rows(out(spec), output.format(), j.audit(auditId), List.of(
              new Printer.Column<ActionJournal.AuditEntry>("ID", e -> Long.toString(e.id())),
              new Printer.Column<>("ACTION_ID", e -> Long.toString(e.actionId())),
              new Printer.Column<>("EVENT", ActionJournal.AuditEntry::event),
              new Printer.Column<>("ACTOR", ActionJournal.AuditEntry::actor),
              new Printer.Column<>("AT", e -> GoTime.formatSecondsOrDash(e.at())),
              new Printer.Column<>("DETAIL", ActionJournal.AuditEntry::detail)));
        } else {
          Printer.rows(out(spec), output.format(), j.list("", ""), COLUMNS);
        }
      }
      return ExitCodes.OK;
    }
  }

  /** {@code action show}. */
  @Command(name = "show", mixinStandardHelpOptions = true, description = "Show one journal row.")
  static final class Show implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin StateFileOptions state;
    @Mixin OutputOptions output;

    @Parameters(paramLabel = "ID", description = "Journal id.")
    String id;

    @Override
    public Integer call() {
      long n = ActionContext.id(id);
      try (FederationStore store = state.openReadOnly()) {
        ActionRecord r = new ActionJournal(store).get(n).orElse(null);
        if (r == null) {
          return refused(spec, new IllegalStateException("action " + n + " not found"));
        }
        if (output.format() != dev.cloudedge.cli.output.OutputFormat.TABLE) {
          Printer.structured(out(spec), output.format(), r);
          return ExitCodes.OK;
        }
        List<String[]> rows = new ArrayList<>();
        add(rows, "ID:", Long.toString(r.id()));
        add(rows, "Idempotency Key:", r.idempotencyKey());
        add(rows, "Source:", r.source());
        add(rows, "Provider:", r.provider());
        add(rows, "Provider Ref:", r.providerRef());
        add(rows, "Action:", r.action());
        add(rows, "Risk Level:", r.riskLevel());
        add(rows, "Status:", r.status());
        add(rows, "Target:", r.targetJson());
        add(rows, "Parameters:", r.parametersJson());
        add(rows, "Undo:", r.undoJson());
        add(rows, "Approved By:", r.approvedBy());
        add(rows, "Approved At:", time(r.approvedAt()));
        add(rows, "Executed At:", time(r.executedAt()));
        add(rows, "Result Message:", r.resultMessage());
        add(rows, "Error:", r.error());
        add(rows, "Created At:", time(r.createdAt()));
        add(rows, "Updated At:", time(r.updatedAt()));
        if (!r.rejectedBy().isEmpty()) {
          add(rows, "Rejected By:", r.rejectedBy());
          add(rows, "Rejected At:", time(r.rejectedAt()));
          add(rows, "Reject Reason:", r.rejectReason());
        }
        add(rows, "Attempts:", Integer.toString(r.attempts()));
        if (!r.observed().isEmpty()) {
          add(rows, "Observed:", dev.cloudedge.federation.provider.JsonMaps.encode(r.observed()));
        }
        Printer.table(out(spec), rows);
      }
      return ExitCodes.OK;
    }

    private static String time(Instant t) {
      return t == null ? "-" : GoTime.format(t.truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
    }

    private static void add(List<String[]> rows, String k, String v) {
      rows.add(new String[] {k, v == null || v.isEmpty() ? "-" : v});
    }
  }

  /** {@code action approve}. */
  @Command(name = "approve", mixinStandardHelpOptions = true, description = "Approve a pending action.")
  static final class Approve implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin StateFileOptions state;

    @Parameters(paramLabel = "ID", description = "Journal id.")
    String id;

    @Option(names = "--by", paramLabel = "NAME", description = "Approver identity (default: operator).")
    String by = "operator";

    @Override
    public Integer call() {
      long n = ActionContext.id(id);
      if (by.isBlank()) {
        throw new IllegalArgumentException("--by must not be empty");
      }
      try (FederationStore store = state.openExisting()) {
        ActionRecord r = ActionContext.journalEngine(spec, store).approve(n, by.trim());
        out(spec).println("action " + n + " approved by " + r.approvedBy() + " (status now " + r.status() + ")");
        out(spec).flush();
        return ExitCodes.OK;
      } catch (JournalStateException | ActionException e) {
        return refused(spec, e);
      }
    }
  }

  /** {@code action reject} (CloudEdge addition). */
  @Command(name = "reject", mixinStandardHelpOptions = true,
      description = "Reject a pending or approved action: it will never run, and re-import keeps it rejected.")
  static final class Reject implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin StateFileOptions state;

    @Parameters(paramLabel = "ID", description = "Journal id.")
    String id;

    @Option(names = "--by", paramLabel = "NAME", description = "Who rejects (default: operator).")
    String by = "operator";

    @Option(names = "--reason", paramLabel = "TEXT", description = "Why (kept in the journal and the audit trail).")
    String reason = "";

    @Override
    public Integer call() {
      long n = ActionContext.id(id);
      if (by.isBlank()) {
        throw new IllegalArgumentException("--by must not be empty");
      }
      try (FederationStore store = state.openExisting()) {
        ActionRecord r = ActionContext.journalEngine(spec, store).reject(n, by.trim(), reason);
        out(spec).println("action " + n + " rejected by " + r.rejectedBy() + " (status now " + r.status() + ")");
        out(spec).flush();
        return ExitCodes.OK;
      } catch (JournalStateException | ActionException e) {
        return refused(spec, e);
      }
    }
  }

  /** The explicit mode flags of execute and rollback. */
  static final class Mode {
    @Option(names = "--dry-run", description = "Preview only: the executor runs read-only; the journal is unchanged.")
    boolean dryRun;

    @Option(names = "--approved", description = "Live: the row must be approved (or the policy auto-approves).")
    boolean approved;

    /** Refuses a missing or doubled mode before any work (routerd's texts). */
    void require(String command) {
      if (!dryRun && !approved) {
        throw new IllegalArgumentException("action " + command
            + " requires an explicit mode: pass --dry-run (preview) or --approved (live " + command + ")");
      }
      if (dryRun && approved) {
        throw new IllegalArgumentException("specify only one of --dry-run or --approved");
      }
    }
  }

  /** {@code action execute}. */
  @Command(name = "execute", mixinStandardHelpOptions = true,
      description = "Execute an action through its provider executor: --dry-run (preview) or --approved (live).")
  static final class Execute implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin StateFileOptions state;
    @Mixin ConfigOptions config;
    @Mixin ActionContext ctx;
    @Mixin Mode mode;

    @Parameters(paramLabel = "ID", description = "Journal id.")
    String id;

    @Override
    public Integer call() throws InterruptedException {
      long n = ActionContext.id(id);
      mode.require("execute");
      FederationConfig cfg = ActionContext.validated(config.load());
      ProviderActionPolicy policy = ProviderActionPolicy.from(cfg);
      try (FederationStore store = state.openExisting()) {
        ActionEngine engine = ActionContext.engine(spec, store, cfg, ctx.pluginsDir());
        PrintWriter out = out(spec);
        if (mode.dryRun) {
          ActionEngine.Preview p = engine.dryRunPreview(n, policy);
          out.println("action " + n + " dry-run: " + p.status() + (p.message().isEmpty() ? "" : " (" + p.message() + ")"));
          out.println("(preview only — journal lifecycle unchanged; approval not consumed)");
        } else {
          ActionEngine.ExecuteOutcome o = engine.execute(n, "execute", policy);
          ActionRecord r = o.record();
          if (!o.launched()) {
            // Succeeded is terminal and running belongs to another caller: nothing was run now.
            out.println("action " + n + " not executed: already " + r.status()
                + (r.status().equals(dev.cloudedge.federation.provider.ActionStatus.SUCCEEDED)
                    ? " at " + (r.executedAt() == null ? "-" : GoTime.format(r.executedAt().truncatedTo(
                        java.time.temporal.ChronoUnit.SECONDS))) + "; an action runs once (rollback undoes it)"
                    : "; another execution holds it"));
          } else {
            out.println("action " + n + " executed: status now " + r.status()
                + (r.resultMessage().isEmpty() ? "" : " (" + r.resultMessage() + ")"));
          }
        }
        out.flush();
        return ExitCodes.OK;
      } catch (ActionException | JournalStateException e) {
        return refused(spec, e);
      }
    }
  }

  /** {@code action rollback}. */
  @Command(name = "rollback", mixinStandardHelpOptions = true,
      description = "Undo a succeeded action (restore-prior rules): --dry-run (preview) or --approved (live).")
  static final class Rollback implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin StateFileOptions state;
    @Mixin ConfigOptions config;
    @Mixin ActionContext ctx;
    @Mixin Mode mode;

    @Parameters(paramLabel = "ID", description = "Journal id.")
    String id;

    @Override
    public Integer call() throws InterruptedException {
      long n = ActionContext.id(id);
      mode.require("rollback");
      FederationConfig cfg = ActionContext.validated(config.load());
      ProviderActionPolicy policy = ProviderActionPolicy.from(cfg);
      try (FederationStore store = state.openExisting()) {
        ActionEngine engine = ActionContext.engine(spec, store, cfg, ctx.pluginsDir());
        PrintWriter out = out(spec);
        if (mode.dryRun) {
          ActionEngine.Preview p = engine.rollbackPreview(n, policy);
          out.println("action " + n + " rollback dry-run: " + p.status()
              + (p.message().isEmpty() ? "" : " (" + p.message() + ")"));
          out.println("(preview only — journal lifecycle unchanged)");
        } else {
          ActionRecord r = engine.rollback(n, policy);
          out.println("action " + n + " rolled back: status now " + r.status());
        }
        out.flush();
        return ExitCodes.OK;
      } catch (ActionException | JournalStateException e) {
        return refused(spec, e);
      }
    }
  }

  /** {@code action recover}. */
  @Command(name = "recover", mixinStandardHelpOptions = true,
      description = "Requeue running rows idle for more than 2m (left by a crash) to approved; the next execute "
          + "observes the cloud before acting.")
  static final class Recover implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin StateFileOptions state;

    @Override
    public Integer call() {
      try (FederationStore store = state.openExisting()) {
        List<Long> ids = ActionContext.journalEngine(spec, store).recoverStaleRunning();
        out(spec).println("requeued " + ids.size() + " stale running action(s)" + (ids.isEmpty() ? "" : ": " + ids));
        out(spec).flush();
      }
      return ExitCodes.OK;
    }
  }
}
