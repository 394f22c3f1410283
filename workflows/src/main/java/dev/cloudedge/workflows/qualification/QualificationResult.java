package dev.cloudedge.workflows.qualification;

import java.util.List;

/**
 * The end of a qualification run.
 *
 * @param runId the run id
 * @param verdict the overall verdict
 * @param exitCode the harness exit code for the verdict
 * @param reason a one-line explanation of the verdict
 * @param totalPass scenarios passed
 * @param totalFail scenarios failed
 * @param gateFailures evidence gates that failed ({@code schema:...}, {@code secretScan:...}, ...)
 * @param evidenceDir the evidence directory
 */
public record QualificationResult(
    String runId,
    Verdict verdict,
    int exitCode,
    String reason,
    int totalPass,
    int totalFail,
    List<String> gateFailures,
    String evidenceDir) {}
