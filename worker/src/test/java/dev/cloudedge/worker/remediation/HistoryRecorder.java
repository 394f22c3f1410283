package dev.cloudedge.worker.remediation;

import io.temporal.client.WorkflowClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Records the history of a workflow a test just ran, for {@link RemediationReplayTest} to replay
 * later. Off unless the system property {@code cloudedge.writeHistory} names a directory (run the
 * tests with {@code -Dcloudedge.writeHistory=$PWD/worker/src/test/resources}); see CONTRIBUTING.md
 * for when a history may be recorded. An existing file is never overwritten.
 */
final class HistoryRecorder {
  /** The system property naming the directory histories are written to. */
  static final String PROPERTY = "cloudedge.writeHistory";

  private HistoryRecorder() {}

  /** Writes {@code workflowId}'s history as {@code file} when recording is on; otherwise does nothing. */
  static void record(WorkflowClient client, String workflowId, String file) throws IOException {
    String dir = System.getProperty(PROPERTY);
    if (dir == null || dir.isBlank()) {
      return;
    }
    Path out = Path.of(dir, file);
    if (Files.exists(out)) {
      // A checked-in history is the proof that runs recorded with that code still replay; replacing
      // it would hide the very incompatibility it guards against.
      System.err.println("HistoryRecorder: kept " + out + ": a checked-in history is never regenerated"
          + " (CONTRIBUTING.md); delete it only together with the code path it covers");
      return;
    }
    Files.writeString(out, client.fetchHistory(workflowId).toJson(true), StandardCharsets.UTF_8);
  }
}
