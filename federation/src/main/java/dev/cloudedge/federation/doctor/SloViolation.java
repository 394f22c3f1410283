package dev.cloudedge.federation.doctor;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * One informational SLO violation (reference §2.7); it changes no check, summary, exit code or plan.
 *
 * @param check the related check name, e.g. {@code cloudedge/peer-a delivery lag}
 * @param threshold the threshold crossed, e.g. {@code lagWarnSeconds=10}
 * @param actual the measured value, e.g. {@code 15s}
 * @param severity {@code warn} or {@code fail}
 */
@JsonPropertyOrder({"check", "threshold", "actual", "severity"})
public record SloViolation(String check, String threshold, String actual, CheckStatus severity) {}
