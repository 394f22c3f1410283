package dev.cloudedge.workflows.qualification;

import java.util.List;

/**
 * A scenario's progress.
 *
 * @param scenario the scenario name
 * @param cycle the cycle
 * @param step the step running now
 * @param result {@code running}, {@code pass} or {@code fail}
 * @param faults faults registered so far with their rollback state
 * @param deadlineAt UTC time at which the scenario's deadline expires
 */
public record ScenarioProgress(
    String scenario, int cycle, String step, String result, List<FaultRecord> faults, String deadlineAt) {}
