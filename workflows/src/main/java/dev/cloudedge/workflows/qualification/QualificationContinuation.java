package dev.cloudedge.workflows.qualification;

import dev.cloudedge.workflows.qualification.EvidenceActivities.RunSetupResult;
import dev.cloudedge.workflows.qualification.NodeActivities.NodeFacts;
import java.util.List;

/**
 * What a qualification carries into the run it continues as: where to go on, the totals so far and
 * the facts its preflight established, so the new run neither repeats the setup nor holds the old
 * history.
 *
 * @param nextCycle the first cycle the new run executes
 * @param pass scenarios passed before
 * @param fail scenarios failed before
 * @param skip scenarios skipped before (under {@code --allow-skip})
 * @param kept the outcomes carried on: every failure (at most {@link #MAX_KEPT}) and the latest ones
 * @param setup the evidence setup of the first run
 * @param sender the sender's preflight facts
 */
public record QualificationContinuation(
    int nextCycle, int pass, int fail, int skip, List<ScenarioOutcome> kept, RunSetupResult setup, NodeFacts sender) {
  /** Outcomes carried across a continue-as-new at most, so the payload stays small. */
  public static final int MAX_KEPT = 200;
}
