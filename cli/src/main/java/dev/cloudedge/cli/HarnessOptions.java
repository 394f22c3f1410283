package dev.cloudedge.cli;

import dev.cloudedge.workflows.qualification.Scenario;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import picocli.CommandLine.Option;

/** The qualification harness flags, as routerd's harness names them. */
public final class HarnessOptions {
  @Option(names = "--evidence-dir", paramLabel = "DIR", required = true,
      description = "Where evidence is written (on the control worker's host). Required; use an empty directory per run.")
  Path evidenceDir;

  @Option(names = "--cycles", paramLabel = "N", defaultValue = "1", description = "Cycles to run, at least 1 (default ${DEFAULT-VALUE}).")
  int cycles;

  @Option(names = "--duration", paramLabel = "SECS", defaultValue = "300",
      description = "Hard deadline per scenario in seconds (default ${DEFAULT-VALUE}).")
  int duration;

  @Option(names = "--scenarios", paramLabel = "LIST", split = ",",
      description = "Scenarios in the order to run (default: all 8 in canonical order).")
  List<String> scenarios;

  @Option(names = "--allow-skip", description = "Metrics (OTel) checks optional (dev only, NOT for release).")
  boolean allowSkip;

  @Option(names = "--commit", paramLabel = "SHA", description = "Commit of the build under test (default: git rev-parse HEAD, with -dirty for a modified tree, else 'unknown').")
  String commit;

  @Option(names = "--run-id", paramLabel = "ID", description = "Run id, YYYYMMDDTHHMMSSZ-federation-qual, e.g. 20261201T020000Z-federation-qual (default: now).")
  String runId;

  /** The scenario list: as given (trimmed), or all 8. */
  List<String> scenarioList() {
    if (scenarios == null) {
      return Scenario.canonicalNames();
    }
    return Arrays.stream(String.join(",", scenarios).split(",", -1)).map(String::trim).filter(s -> !s.isEmpty()).toList();
  }

  /**
   * The commit: the flag, else HEAD of the git checkout this CLI was built in (whatever the current
   * directory), else of the current directory's checkout, else {@code unknown}.
   */
  String commitOrHead() {
    if (commit != null && !commit.isBlank()) {
      return commit.trim();
    }
    java.io.File repo = checkoutOfArtifact();
    try {
      Process p = new ProcessBuilder("git", "rev-parse", "HEAD").directory(repo).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).trim();
      if (p.waitFor() != 0 || !out.matches("^[0-9a-f]{40}$")) {
        return "unknown";
      }
      // A build from a modified tree is not the commit: say so in provenance.
      Process st = new ProcessBuilder("git", "status", "--porcelain", "--untracked-files=no").directory(repo)
          .redirectErrorStream(true).start();
      String changes = new String(st.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).trim();
      return st.waitFor() == 0 && changes.isEmpty() ? out : out + "-dirty";
    } catch (Exception e) {
      return "unknown";
    }
  }

  /** The git checkout holding the running jar or classes directory; {@code null} (the current directory) when none. */
  private static java.io.File checkoutOfArtifact() {
    Path self = dev.cloudedge.worker.Workers.selfArtifact();
    for (Path p = self; p != null; p = p.getParent()) {
      if (java.nio.file.Files.exists(p.resolve(".git"))) {
        return p.toFile();
      }
    }
    return null;
  }
}
