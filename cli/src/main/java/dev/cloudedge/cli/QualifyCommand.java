package dev.cloudedge.cli;

import dev.cloudedge.cli.options.TemporalOptions;
import dev.cloudedge.cli.output.OutputOptions;
import dev.cloudedge.cli.output.Printer;
import dev.cloudedge.worker.EmbeddedLab;
import dev.cloudedge.worker.EmbeddedTemporal;
import dev.cloudedge.worker.QualificationService;
import dev.cloudedge.worker.TemporalConnection;
import dev.cloudedge.worker.TopologyFile;
import dev.cloudedge.worker.lab.LabLayout;
import dev.cloudedge.worker.lab.TcpProxy;
import dev.cloudedge.workflows.qualification.QualificationProgress;
import dev.cloudedge.workflows.qualification.QualificationRequest;
import dev.cloudedge.workflows.qualification.QualificationResult;
import dev.cloudedge.workflows.qualification.ScenarioTimings;
import dev.cloudedge.workflows.qualification.Topology;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
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

/** {@code cloudedge qualify}: the operational qualification as durable Temporal workflows. */
@Command(name = "qualify", mixinStandardHelpOptions = true,
    description = {"Run the 8-scenario federation qualification as Temporal workflows.",
        "Exit codes: 0 pass, 1 a scenario or evidence gate failed (or cancelled), 2 setup error, 3 incomplete."},
    subcommands = {QualifyCommand.Run.class, QualifyCommand.Start.class, QualifyCommand.Status.class,
        QualifyCommand.Watch.class, QualifyCommand.Cancel.class, QualifyScheduleCommand.class})
public final class QualifyCommand implements Callable<Integer> {
  /** How long {@code qualify start} waits for its run to take the topology lock. */
  static final java.time.Duration CONFIRM_WITHIN = java.time.Duration.ofSeconds(5);
  private static final DateTimeFormatter LOG_TIME = DateTimeFormatter.ofPattern("HH:mm:ss'Z'").withZone(ZoneOffset.UTC);

  @Override
  public Integer call() {
    throw new IllegalArgumentException("qualify requires a subcommand (run, start, status, watch, cancel, schedule)");
  }

  static TcpProxy.Mode cutMode(String s) {
    return switch (s.toLowerCase(java.util.Locale.ROOT)) {
      case "refuse" -> TcpProxy.Mode.REFUSE;
      case "drop" -> TcpProxy.Mode.DROP;
      default -> throw new IllegalArgumentException("--partition-mode must be refuse or drop, got " + s);
    };
  }

  static QualificationRequest request(HarnessOptions h, Topology topology, ScenarioTimings timings) {
    String runId = h.runId != null ? h.runId : QualificationService.newRunId(Instant.now());
    QualificationRequest req = new QualificationRequest(runId, h.commitOrHead(), h.evidenceDir.toAbsolutePath().toString(),
        h.cycles, h.duration, h.scenarioList(), h.allowSkip, topology, timings);
    List<String> problems = new ArrayList<>(req.problems());
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(String.join("; ", problems));
    }
    return req;
  }

  static void log(PrintWriter err, String msg) {
    err.println("[" + LOG_TIME.format(Instant.now()) + "] " + msg);
    err.flush();
  }

  static int watch(QualificationService svc, String runId, PrintWriter out, PrintWriter err) throws InterruptedException {
    // Progress is the command's output (stdout); stderr keeps warnings and logs.
    QualificationResult r = svc.watch(runId, p -> log(out, progressLine(p)), 2000);
    out.println("run " + r.runId() + ": " + r.verdict().wireName() + " (exit " + r.exitCode() + ") — " + r.reason());
    if (!r.evidenceDir().isEmpty() && r.verdict() != dev.cloudedge.workflows.qualification.Verdict.SETUP_ERROR) {
      out.println("evidence: " + r.evidenceDir() + " (report.md, run-metadata.json, provenance.json, manifest.json)");
    }
    for (String g : r.gateFailures()) {
      out.println("gate failure: " + g);
    }
    out.flush();
    return r.exitCode();
  }

  static String progressLine(QualificationProgress p) {
    String last = p.recentOutcomes().isEmpty() ? "" : " | last: " + p.recentOutcomes().get(p.recentOutcomes().size() - 1);
    return String.format("%s %d/%d scenarios (%d pass, %d fail): %s%s", p.phase(), p.completedScenarios(), p.totalScenarios(),
        p.passed(), p.failed(), p.detail(), last);
  }

  /** Where the topology comes from. */
  static final class TopologySource {
    @Option(names = "--topology", paramLabel = "FILE", description = "Real hosts: topology file (see docs/qualification.md).")
    Path topology;

    @Option(names = "--lab", paramLabel = "DIR", description = "The lab started by 'cloudedge lab up --dir DIR'.")
    Path lab;

    Topology resolve() {
      if (topology != null) {
        return TopologyFile.load(topology).topology();
      }
      if (dev.cloudedge.worker.lab.NetnsLab.isNetnsLab(lab)) {
        return dev.cloudedge.worker.lab.NetnsLab.topologyOf(lab);
      }
      if (!Files.exists(lab.resolve("lab.properties"))) {
        throw new IllegalArgumentException("no lab in " + lab + ": start it with 'cloudedge lab up --dir " + lab + "'");
      }
      try {
        return LabLayout.prepare(lab).topology();
      } catch (java.io.IOException e) {
        throw new IllegalArgumentException("lab " + lab + ": " + e.getMessage());
      }
    }
  }

  /** {@code cloudedge qualify run}: everything embedded in this process. */
  @Command(name = "run", mixinStandardHelpOptions = true,
      description = {"Run a qualification on the embedded lab in this process: Temporal (embedded unless TEMPORAL_ADDRESS "
          + "is set), the two lab nodes with their proxy, the workers and the workflow. Shows progress and exits with the verdict."})
  public static final class Run implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin HarnessOptions harness;
    @Mixin TemporalOptions temporal;

    @Option(names = "--lab-dir", paramLabel = "DIR", description = "Lab directory, kept after the run (default: <tmpdir>/cloudedge-lab-<run-id>, removed when the run ends; it holds the lab's secrets, keep it out of evidence).")
    Path labDir;

    @Option(names = "--partition-mode", paramLabel = "MODE", defaultValue = "refuse", description = "refuse or drop (default ${DEFAULT-VALUE}).")
    String partitionMode;

    @Option(names = "--lab-kind", paramLabel = "KIND", defaultValue = "loopback",
        description = "loopback (both nodes in this JVM, a TCP proxy between them) or netns (each node its own process in "
            + "its own network namespace; faults by nftables, chmod and SIGKILL; needs root, ip and nft). Default ${DEFAULT-VALUE}.")
    String labKind;

    @Override
    public Integer call() throws Exception {
      PrintWriter err = spec.commandLine().getErr();
      TcpProxy.Mode mode = cutMode(partitionMode);
      EmbeddedLab.Kind kind = LabCommand.labKind(labKind);
      if (kind == EmbeddedLab.Kind.NETNS) {
        // Before anything is validated further or created: one line saying what this machine lacks.
        String missing = dev.cloudedge.worker.lab.NetnsLab.missingPrerequisites(System.getenv());
        if (missing != null) {
          throw new IllegalArgumentException(missing);
        }
      }
      // Validate the flags before anything is started or created (no evidence directory on a setup error).
      QualificationRequest probe = request(harness, flagCheckTopology(), ScenarioTimings.lab());
      if (!temporal.settings().hasAddress()) {
        EmbeddedTemporal.requireInstalled();
      }
      Path dir = labDir != null ? labDir
          : Path.of(System.getProperty("java.io.tmpdir"), "cloudedge-lab-" + probe.runId());
      log(spec.commandLine().getOut(), "starting the embedded " + kind.name().toLowerCase(java.util.Locale.ROOT) + " lab in " + dir);
      // A lab directory of our own holds the run's group keys: it goes when the run ends (or the
      // process is interrupted); one given with --lab-dir is the operator's and stays.
      Thread cleanup = labDir != null ? null : new Thread(() -> WorkDirs.deleteTreeQuietly(dir), "lab-dir-cleanup");
      if (cleanup != null) {
        Runtime.getRuntime().addShutdownHook(cleanup);
      }
      try (EmbeddedLab lab = LabCommand.start(kind, temporal.settings(), 0, dir, mode, true, err)) {
        LabCommand.Up.print(err, lab, mode);
        QualificationRequest req = new QualificationRequest(probe.runId(), probe.commit(), probe.evidenceDir(), probe.cycles(),
            probe.durationSeconds(), probe.scenarios(), probe.allowSkip(), lab.topology(), ScenarioTimings.lab());
        QualificationService svc = new QualificationService(lab.connection().client());
        String id = svc.start(req);
        log(spec.commandLine().getOut(), "started " + id + " (run id " + req.runId() + ")");
        return watch(svc, req.runId(), spec.commandLine().getOut(), err);
      } finally {
        if (cleanup != null) {
          WorkDirs.deleteTreeQuietly(dir);
          try {
            Runtime.getRuntime().removeShutdownHook(cleanup);
          } catch (IllegalStateException shuttingDown) {
            // The hook is running or ran already.
          }
        }
      }
    }

    /** A lab topology that exists only so the harness flags can be checked before the lab starts. */
    private static Topology flagCheckTopology() {
      return new LabLayout(Path.of("/"), 1, 1, 1, 1).topology();
    }
  }

  /** {@code cloudedge qualify start}. */
  @Command(name = "start", mixinStandardHelpOptions = true,
      description = "Start a qualification on a Temporal cluster whose workers host the topology's nodes.")
  public static final class Start implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin HarnessOptions harness;
    @Mixin TemporalOptions temporal;

    @ArgGroup(exclusive = true, multiplicity = "1")
    TopologySource source;

    @Option(names = "--wait", description = "Watch the run until it ends and exit with its verdict.")
    boolean waitForResult;

    @Override
    public Integer call() throws Exception {
      QualificationRequest req = request(harness, source.resolve(),
          source.lab != null ? ScenarioTimings.lab() : ScenarioTimings.defaults());
      try (TemporalConnection conn = TemporalConnection.connect(temporal.settings())) {
        QualificationService svc = new QualificationService(conn.client());
        String id = svc.start(req);
        // Before returning: a run refused for a held lock is a setup error (exit 2), and a run
        // no worker will pick up is worth saying so now rather than after a silent wait.
        List<String> warnings = svc.confirmStart(req, CONFIRM_WITHIN);
        spec.commandLine().getOut().println(req.runId());
        spec.commandLine().getOut().flush();
        log(spec.commandLine().getErr(), "started " + id + " on " + conn.settings().target());
        for (String w : warnings) {
          log(spec.commandLine().getErr(), "warning: " + w);
        }
        if (!waitForResult) {
          return ExitCodes.OK;
        }
        return watch(svc, req.runId(), spec.commandLine().getOut(), spec.commandLine().getErr());
      }
    }
  }

  /** {@code cloudedge qualify status RUN_ID}. */
  @Command(name = "status", mixinStandardHelpOptions = true, description = "Show a run's progress (a workflow query).")
  public static final class Status implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin TemporalOptions temporal;
    @Mixin OutputOptions output;

    @Parameters(paramLabel = "RUN_ID")
    String runId;

    @Override
    public Integer call() {
      try (TemporalConnection conn = TemporalConnection.connect(temporal.settings())) {
        QualificationProgress p = new QualificationService(conn.client()).status(runId);
        PrintWriter out = spec.commandLine().getOut();
        if (output.format() == dev.cloudedge.cli.output.OutputFormat.TABLE) {
          List<String[]> rows = new ArrayList<>();
          rows.add(new String[] {"RUN", "PHASE", "CYCLE", "SCENARIO", "DONE", "PASS", "FAIL", "VERDICT", "DETAIL"});
          rows.add(new String[] {p.runId(), p.phase(), p.cycle() + "/" + p.cycles(), p.scenario(),
              p.completedScenarios() + "/" + p.totalScenarios(), String.valueOf(p.passed()), String.valueOf(p.failed()),
              p.verdict(), p.detail()});
          Printer.table(out, rows);
        } else {
          Printer.structured(out, output.format(), p);
        }
        out.flush();
        return ExitCodes.OK;
      }
    }
  }

  /** {@code cloudedge qualify watch RUN_ID}. */
  @Command(name = "watch", mixinStandardHelpOptions = true,
      description = "Reattach to a run (e.g. after the harness was killed), show progress and exit with its verdict.")
  public static final class Watch implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin TemporalOptions temporal;

    @Parameters(paramLabel = "RUN_ID")
    String runId;

    @Override
    public Integer call() throws InterruptedException {
      try (TemporalConnection conn = TemporalConnection.connect(temporal.settings())) {
        return watch(new QualificationService(conn.client()), runId, spec.commandLine().getOut(), spec.commandLine().getErr());
      }
    }
  }

  /** {@code cloudedge qualify cancel RUN_ID}. */
  @Command(name = "cancel", mixinStandardHelpOptions = true,
      description = "Cancel a run: the running scenario rolls back its faults, verifies it, and writes its evidence.")
  public static final class Cancel implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin TemporalOptions temporal;

    @Parameters(paramLabel = "RUN_ID")
    String runId;

    @Override
    public Integer call() {
      try (TemporalConnection conn = TemporalConnection.connect(temporal.settings())) {
        new QualificationService(conn.client()).cancel(runId);
        spec.commandLine().getOut().println("cancel requested for " + runId);
        spec.commandLine().getOut().flush();
        return ExitCodes.OK;
      }
    }
  }
}
