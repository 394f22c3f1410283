package dev.cloudedge.workflows.qualification;

/** The overall verdict of a qualification run and the exit code the harness returns for it. */
public enum Verdict {
  /** Every requested scenario passed in every cycle and every evidence gate held. */
  PASS(0),
  /** At least one scenario failed, an evidence gate failed, or the run was cancelled. */
  FAIL(1),
  /** The run could not start: invalid parameters, topology, preflight, or the topology is busy. */
  SETUP_ERROR(2),
  /** Observation or provenance is incomplete: evidence missing, or the build could not be identified. */
  INCOMPLETE(3);

  private final int exitCode;

  Verdict(int exitCode) {
    this.exitCode = exitCode;
  }

  /** The process exit code for this verdict. */
  public int exitCode() {
    return exitCode;
  }

  /** The lower-case name used in evidence ({@code pass}, {@code fail}, ...). */
  public String wireName() {
    return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
  }
}
