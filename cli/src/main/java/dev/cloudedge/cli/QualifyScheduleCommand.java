package dev.cloudedge.cli;

import dev.cloudedge.cli.options.TemporalOptions;
import dev.cloudedge.cli.output.OutputFormat;
import dev.cloudedge.cli.output.OutputOptions;
import dev.cloudedge.cli.output.Printer;
import dev.cloudedge.federation.config.GoDuration;
import dev.cloudedge.worker.QualificationSchedules;
import dev.cloudedge.worker.TemporalConnection;
import dev.cloudedge.workflows.qualification.QualificationRequest;
import dev.cloudedge.workflows.qualification.ScenarioTimings;
import dev.cloudedge.workflows.qualification.schedule.QualificationSchedule;
import dev.cloudedge.workflows.qualification.schedule.ScheduleSpec;
import dev.cloudedge.workflows.qualification.schedule.ScheduleStatus;
import dev.cloudedge.workflows.qualification.schedule.ScheduledRun;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code cloudedge qualify schedule}: qualifications that run on a schedule (e.g. nightly). */
@Command(name = "schedule", mixinStandardHelpOptions = true,
    description = {"Run a qualification on a schedule (e.g. nightly); each run gets its own run id and evidence directory.",
        "The control worker ('cloudedge worker --control' or 'cloudedge lab up') starts the runs; see docs/qualification.md."},
    subcommands = {QualifyScheduleCommand.Create.class, QualifyScheduleCommand.ListSchedules.class,
        QualifyScheduleCommand.Show.class, QualifyScheduleCommand.Trigger.class, QualifyScheduleCommand.Delete.class})
public final class QualifyScheduleCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    throw new IllegalArgumentException("qualify schedule requires a subcommand (create, list, show, trigger, delete)");
  }

  /** When: exactly one of {@code --cron} and {@code --every}. */
  static final class When {
    @Option(names = "--cron", paramLabel = "EXPR", description = "Five-field cron expression in UTC, e.g. \"0 2 * * *\" (nightly at 02:00 UTC), or @hourly, @daily, @weekly, @monthly.")
    String cron;

    @Option(names = "--every", paramLabel = "DURATION", description = "A fixed interval (Go duration, at least 1m, e.g. 6h), aligned to the Unix epoch in UTC.")
    String every;

    ScheduleSpec spec() {
      if (cron != null) {
        return new ScheduleSpec(cron, 0);
      }
      Duration d;
      try {
        d = GoDuration.parse(every);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("--every: " + e.getMessage());
      }
      return new ScheduleSpec(null, d.getSeconds());
    }
  }

  /** {@code cloudedge qualify schedule create NAME}. */
  @Command(name = "create", mixinStandardHelpOptions = true,
      description = {"Create a schedule: at each fire the control worker starts a qualification with the flags given here,",
          "run id from the fire time and evidence in EVIDENCE_DIR/<run id>. A fire while the previous run is going is skipped."})
  public static final class Create implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin HarnessOptions harness;
    @Mixin TemporalOptions temporal;

    @Parameters(paramLabel = "NAME", description = "The schedule's name (lowercase letters, digits, dashes).")
    String name;

    @ArgGroup(exclusive = true, multiplicity = "1")
    When when;

    @ArgGroup(exclusive = true, multiplicity = "1")
    QualifyCommand.TopologySource source;

    @Override
    public Integer call() throws Exception {
      if (harness.runId != null) {
        throw new IllegalArgumentException("--run-id does not apply to a schedule: each run's id is its fire time");
      }
      // A run id of the right shape so the template's other flags are checked the way a run's are.
      harness.runId = dev.cloudedge.worker.QualificationService.newRunId(Instant.now());
      QualificationRequest template = QualifyCommand.request(harness, source.resolve(),
          source.lab != null ? ScenarioTimings.lab() : ScenarioTimings.defaults());
      QualificationSchedule schedule = new QualificationSchedule(name, when.spec(), template, 0, null);
      PrintWriter out = spec.commandLine().getOut();
      try (TemporalConnection conn = TemporalConnection.connect(temporal.settings())) {
        List<String> warnings = new QualificationSchedules(conn.client()).create(schedule, Duration.ofSeconds(5));
        ScheduleSpec s = schedule.spec();
        out.println("schedule " + name + " created: " + s.describe() + ", first run at "
            + Instant.ofEpochMilli(s.nextAfter(System.currentTimeMillis())) + "; evidence in "
            + template.evidenceDir() + "/<run id>");
        out.flush();
        for (String w : warnings) {
          QualifyCommand.log(spec.commandLine().getErr(), "warning: " + w);
        }
        return ExitCodes.OK;
      }
    }
  }

  /** {@code cloudedge qualify schedule list}. */
  @Command(name = "list", mixinStandardHelpOptions = true, description = "List the schedules with their next fire and latest run.")
  public static final class ListSchedules implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin TemporalOptions temporal;
    @Mixin OutputOptions output;

    @Override
    public Integer call() {
      try (TemporalConnection conn = TemporalConnection.connect(temporal.settings())) {
        List<QualificationSchedules.Listed> all = new QualificationSchedules(conn.client()).list();
        PrintWriter out = spec.commandLine().getOut();
        if (output.format() != OutputFormat.TABLE) {
          Printer.structured(out, output.format(), all);
        } else {
          List<String[]> rows = new ArrayList<>();
          rows.add(new String[] {"NAME", "SPEC", "TOPOLOGY", "NEXT", "RUNS", "SKIPPED", "LAST", "LAST_OUTCOME"});
          for (QualificationSchedules.Listed l : all) {
            ScheduleStatus s = l.status();
            ScheduledRun last = s == null || s.recent().isEmpty() ? null : s.recent().get(s.recent().size() - 1);
            rows.add(new String[] {l.name(), l.spec(), l.topology(), s == null ? "?" : s.nextFire(),
                s == null ? "?" : String.valueOf(s.fires()), s == null ? "?" : String.valueOf(s.skipped()),
                last == null ? "-" : (last.runId().isEmpty() ? last.firedAt() : last.runId()),
                s == null ? l.problem() : last == null ? "-" : last.outcome()});
          }
          Printer.table(out, rows);
        }
        out.flush();
        return ExitCodes.OK;
      }
    }
  }

  /** {@code cloudedge qualify schedule show NAME}. */
  @Command(name = "show", mixinStandardHelpOptions = true, description = "Show one schedule and its latest fires.")
  public static final class Show implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin TemporalOptions temporal;
    @Mixin OutputOptions output;

    @Parameters(paramLabel = "NAME")
    String name;

    @Override
    public Integer call() {
      try (TemporalConnection conn = TemporalConnection.connect(temporal.settings())) {
        QualificationSchedules.Listed l = new QualificationSchedules(conn.client()).show(name);
        PrintWriter out = spec.commandLine().getOut();
        if (output.format() != OutputFormat.TABLE) {
          Printer.structured(out, output.format(), l);
          out.flush();
          return ExitCodes.OK;
        }
        ScheduleStatus s = l.status();
        out.println("schedule " + l.name() + ": " + l.spec() + ", topology " + l.topology() + ", evidence in "
            + l.evidenceRoot() + "/<run id>");
        if (s == null) {
          out.println(l.problem());
          out.flush();
          return ExitCodes.OK;
        }
        out.println("created " + s.createdAt() + "; next fire " + s.nextFire() + "; " + s.fires() + " run(s), " + s.skipped()
            + " skipped" + (s.running().isEmpty() ? "" : "; running " + s.running()));
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"FIRED", "TRIGGER", "RUN", "OUTCOME", "REASON"});
        for (ScheduledRun r : s.recent()) {
          rows.add(new String[] {r.firedAt(), r.trigger(), r.runId().isEmpty() ? "-" : r.runId(), r.outcome(),
              r.reason().isEmpty() ? "-" : r.reason()});
        }
        Printer.table(out, rows);
        out.flush();
        return ExitCodes.OK;
      }
    }
  }

  /** {@code cloudedge qualify schedule trigger NAME}. */
  @Command(name = "trigger", mixinStandardHelpOptions = true,
      description = "Fire a schedule now (skipped, and counted, while its previous run is going).")
  public static final class Trigger implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin TemporalOptions temporal;

    @Parameters(paramLabel = "NAME")
    String name;

    @Override
    public Integer call() {
      try (TemporalConnection conn = TemporalConnection.connect(temporal.settings())) {
        new QualificationSchedules(conn.client()).trigger(name);
        spec.commandLine().getOut().println("trigger sent to schedule " + name
            + "; 'cloudedge qualify schedule show " + name + "' shows the run it starts");
        spec.commandLine().getOut().flush();
        return ExitCodes.OK;
      }
    }
  }

  /** {@code cloudedge qualify schedule delete NAME}. */
  @Command(name = "delete", mixinStandardHelpOptions = true,
      description = "Delete a schedule at once (no worker needed). A run it started that is still going finishes on its own.")
  public static final class Delete implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin TemporalOptions temporal;

    @Parameters(paramLabel = "NAME")
    String name;

    @Override
    public Integer call() {
      try (TemporalConnection conn = TemporalConnection.connect(temporal.settings())) {
        String running = new QualificationSchedules(conn.client()).delete(name);
        spec.commandLine().getOut().println("schedule " + name + " deleted"
            + (running.isEmpty() ? "" : "; run " + running + " is still going and finishes on its own ('cloudedge qualify cancel "
                + running + "' stops it)"));
        spec.commandLine().getOut().flush();
        return ExitCodes.OK;
      }
    }
  }
}
