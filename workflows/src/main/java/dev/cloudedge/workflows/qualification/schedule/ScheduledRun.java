package dev.cloudedge.workflows.qualification.schedule;

/**
 * One fire of a schedule.
 *
 * @param runId the qualification run it started ({@code qualify status RUN_ID}); empty when skipped
 * @param firedAt when it fired, ISO-8601 UTC
 * @param trigger {@code scheduled} or {@code manual} ({@code qualify schedule trigger})
 * @param outcome {@code running}, the run's verdict ({@code pass}, {@code fail}, {@code
 *     setup-error}, {@code incomplete}), {@code cancelled}, {@code failed} (the workflow failed or
 *     was terminated), {@code not-started} or {@code skipped} (the previous run was still going)
 * @param reason the run's one-line reason, or why it was skipped or not started
 * @param evidenceDir the run's own evidence directory; empty when skipped
 */
public record ScheduledRun(String runId, String firedAt, String trigger, String outcome, String reason, String evidenceDir) {

  /** This fire with its final outcome. */
  public ScheduledRun ended(String newOutcome, String newReason) {
    return new ScheduledRun(runId, firedAt, trigger, newOutcome, newReason, evidenceDir);
  }
}
