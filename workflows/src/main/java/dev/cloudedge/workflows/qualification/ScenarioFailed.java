package dev.cloudedge.workflows.qualification;

/**
 * An assertion of a scenario did not hold. Thrown inside the scenario body and turned into a {@code
 * fail} result with this message as the reason; it never leaves the workflow.
 */
final class ScenarioFailed extends RuntimeException {
  private static final long serialVersionUID = 1L;

  ScenarioFailed(String reason) {
    super(reason, null, false, false);
  }
}
