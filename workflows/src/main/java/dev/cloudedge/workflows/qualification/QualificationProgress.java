package dev.cloudedge.workflows.qualification;

import java.util.List;

/**
 * A qualification run's progress, for {@code qualify status} and the UI.
 *
 * @param runId the run id
 * @param phase {@code setup}, {@code running}, {@code finishing}, {@code done}
 * @param cycle the current cycle (0 before the first)
 * @param cycles the number of cycles
 * @param scenario the current scenario, empty between scenarios
 * @param completedScenarios scenarios finished so far
 * @param totalScenarios scenarios to run in total
 * @param passed scenarios passed so far
 * @param failed scenarios failed so far
 * @param detail what the run is doing now
 * @param verdict the verdict once known, empty before
 * @param recentOutcomes the last finished scenarios (newest last)
 */
public record QualificationProgress(
    String runId,
    String phase,
    int cycle,
    int cycles,
    String scenario,
    int completedScenarios,
    int totalScenarios,
    int passed,
    int failed,
    String detail,
    String verdict,
    List<String> recentOutcomes) {}
