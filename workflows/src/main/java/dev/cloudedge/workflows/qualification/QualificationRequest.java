package dev.cloudedge.workflows.qualification;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Input of {@link QualificationWorkflow}: the harness flags plus the topology.
 *
 * @param runId the run id, {@code YYYYMMDDTHHMMSSZ-federation-qual}
 * @param commit the commit of the build under test ({@code --commit})
 * @param evidenceDir the evidence directory on the control worker's host ({@code --evidence-dir})
 * @param cycles how many cycles to run, at least 1 ({@code --cycles})
 * @param durationSeconds the per-scenario deadline in seconds ({@code --duration})
 * @param scenarios the scenarios to run, in the order given ({@code --scenarios})
 * @param allowSkip {@code --allow-skip}: metrics (OTel) checks are optional; recorded in run-metadata
 * @param topology the nodes under qualification
 * @param timings waits and poll intervals
 * @param historyEventLimit continue as new after the cycle in which the history reaches this many
 *     events (0: {@link #DEFAULT_HISTORY_EVENT_LIMIT}); the server's own suggestion also triggers it
 * @param continuation set on a run that continues an earlier one; {@code null} on a fresh run
 */
public record QualificationRequest(
    String runId,
    String commit,
    String evidenceDir,
    int cycles,
    int durationSeconds,
    List<String> scenarios,
    boolean allowSkip,
    Topology topology,
    ScenarioTimings timings,
    int historyEventLimit,
    QualificationContinuation continuation) {

  /** One cycle of 8 scenarios adds about 130 events; 10,000 keep a run far below Temporal's limits. */
  public static final int DEFAULT_HISTORY_EVENT_LIMIT = 10_000;

  /** A fresh run with the default history limit. */
  public QualificationRequest(String runId, String commit, String evidenceDir, int cycles, int durationSeconds,
      List<String> scenarios, boolean allowSkip, Topology topology, ScenarioTimings timings) {
    this(runId, commit, evidenceDir, cycles, durationSeconds, scenarios, allowSkip, topology, timings, 0, null);
  }

  /** The history limit in effect. */
  public int effectiveHistoryEventLimit() {
    return historyEventLimit > 0 ? historyEventLimit : DEFAULT_HISTORY_EVENT_LIMIT;
  }

  /** This request continued at {@code c}. */
  public QualificationRequest continuing(QualificationContinuation c) {
    return new QualificationRequest(runId, commit, evidenceDir, cycles, durationSeconds, scenarios, allowSkip, topology,
        timings, historyEventLimit, c);
  }

  /** The run-id format of the bash harness, kept for evidence compatibility. */
  public static final Pattern RUN_ID = Pattern.compile("^\\d{8}T\\d{6}Z-federation-qual$");

  /** Problems with this request, each naming the flag or field; empty when valid. */
  public List<String> problems() {
    List<String> p = new ArrayList<>();
    if (runId == null || !RUN_ID.matcher(runId).matches()) {
      p.add("run id must look like 20260618T100643Z-federation-qual, got " + runId);
    }
    if (commit == null || commit.isBlank()) {
      p.add("--commit must not be empty");
    }
    if (evidenceDir == null || evidenceDir.isBlank()) {
      p.add("--evidence-dir is required");
    }
    if (cycles < 1) {
      p.add("--cycles must be at least 1, got " + cycles);
    }
    if (durationSeconds < 1) {
      p.add("--duration must be at least 1 second, got " + durationSeconds);
    }
    if (scenarios == null || scenarios.isEmpty()) {
      p.add("--scenarios must name at least one scenario");
    } else {
      Set<String> seen = new HashSet<>();
      for (String s : scenarios) {
        try {
          Scenario.fromWireName(s);
        } catch (IllegalArgumentException e) {
          p.add(e.getMessage());
        }
        if (!seen.add(s)) {
          p.add("duplicate scenario: " + s);
        }
      }
    }
    if (topology == null) {
      p.add("topology is required");
    } else {
      p.addAll(topology.problems());
    }
    if (timings == null) {
      p.add("timings are required");
    }
    return p;
  }

  /**
   * Whether this run can qualify a release if every scenario passes: all 8 scenarios, on a
   * topology that is not the lab (a pair of real hosts), without {@code --allow-skip}.
   */
  public boolean releaseQualifying() {
    return releaseQualifyingProblems().isEmpty();
  }

  /** Why this run cannot qualify a release whatever its results; empty when it can. */
  public List<String> releaseQualifyingProblems() {
    List<String> p = new ArrayList<>();
    if (scenarios == null || !scenarios.equals(Scenario.canonicalNames())) {
      p.add("not all 8 scenarios in canonical order (--scenarios)");
    }
    if (topology == null || "lab".equals(topology.kind())) {
      p.add("runs on the lab, not on a pair of real hosts (--topology)");
    }
    if (allowSkip) {
      p.add("--allow-skip was given");
    }
    return p;
  }
}
