package dev.cloudedge.cli.doctor;

import dev.cloudedge.cli.ExitCodes;
import dev.cloudedge.cli.output.OutputOptions;
import dev.cloudedge.cli.options.CliSettings;
import dev.cloudedge.cli.options.ConfigOptions;
import dev.cloudedge.cli.options.StateFileOptions;
import dev.cloudedge.federation.config.FederationConfig;
import dev.cloudedge.federation.doctor.DoctorInputException;
import dev.cloudedge.federation.doctor.DoctorReport;
import dev.cloudedge.federation.doctor.FederationDoctor;
import java.io.PrintWriter;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code cloudedge doctor federation}: runs every federation check over the config and the state
 * database (read-only), optionally with the remediation plan. Exit 0 when nothing fails, 1 when any
 * check fails, 2 when the config or the database cannot be read.
 */
@Command(
    name = "federation",
    mixinStandardHelpOptions = true,
    description = "Run the federation checks (deliveries, lag, TTL, expected peers, subscription runs) against "
        + "the FederationSLO thresholds. Reads config and state only; never writes either. "
        + "Exit codes: 0 no failing check, 1 a check failed, 2 config or state file unreadable.")
public final class DoctorFederationCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin ConfigOptions config;

  @Mixin StateFileOptions state;

  @Mixin OutputOptions output;

  @Option(names = "--remediation-plan",
      description = "Add the deterministic remediation plan (plan only: nothing is executed). Its digest is"
          + " printed on stderr.")
  boolean remediationPlan;

  @Option(names = "--now", paramLabel = "TIME",
      description = "Evaluate as of this RFC 3339 instant instead of the current time (reproducible reports).")
  String now;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Instant at;
    try {
      at = now == null ? CliSettings.of(spec).clock().instant() : OffsetDateTime.parse(now).toInstant();
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException("invalid --now \"" + now + "\": want RFC 3339, e.g. 2026-07-21T08:00:00Z");
    }
    FederationConfig cfg = config.load();
    DoctorReport report;
    try {
      report = FederationDoctor.diagnose(cfg, state.path(), at, remediationPlan);
    } catch (DoctorInputException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
    switch (output.format()) {
      case JSON -> out.print(report.toJson());
      case YAML -> out.print(report.toYaml());
      case TABLE -> out.print(report.toTable());
    }
    out.flush();
    if (report.remediationPlan() != null) {
      err.println("remediation plan digest: " + report.remediationPlan().digest());
    }
    if (report.failed()) {
      err.println("cloudedge: doctor found failing checks");
    }
    err.flush();
    return report.failed() ? ExitCodes.FAILED : ExitCodes.OK;
  }
}
