package dev.cloudedge.workflows.qualification;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Test-only evidence activities: keeps every file in memory, parsed, so tests can assert on keys. */
final class RecordingEvidence implements EvidenceActivities {
  private static final ObjectMapper JSON = new ObjectMapper()
      .setSerializationInclusion(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL);
  final Map<String, ObjectNode> files = new ConcurrentHashMap<>();
  final List<CycleRecord> cycles = new ArrayList<>();
  volatile RunFinish finished;
  volatile RunSetup setup;

  @Override
  public RunSetupResult prepareRun(RunSetup s) {
    setup = s;
    return new RunSetupResult("c".repeat(64), true, List.of());
  }

  @Override
  public EvidenceWriteResult writeScenario(ScenarioEvidence e) {
    ObjectNode o = JSON.createObjectNode();
    try {
      for (EvidenceField f : e.fields()) {
        JsonNode v = JSON.readTree(f.json());
        o.set(f.key(), v);
      }
    } catch (Exception ex) {
      throw new IllegalStateException("invalid evidence JSON: " + ex.getMessage(), ex);
    }
    String path = String.format("cycle-%03d/%s.json", e.cycle(), e.scenario());
    files.put(path, o);
    return new EvidenceWriteResult(path, Integer.toHexString(o.toString().hashCode()), List.of(), List.of());
  }

  @Override
  public EvidenceWriteResult writeScenarioRecord(ScenarioRecord r) {
    ObjectNode o = JSON.createObjectNode();
    o.put("runId", r.runId());
    o.put("commit", r.commit());
    o.put("cycle", r.cycle());
    o.put("scenario", r.scenario());
    o.put("result", r.result());
    if (!r.reason().isEmpty()) {
      o.put("reason", r.reason());
    }
    o.put("startedAt", r.startedAt());
    o.put("endedAt", r.endedAt());
    if (r.details() != null) {
      JSON.valueToTree(r.details()).fields().forEachRemaining(e -> {
        if (!e.getKey().equals(ScenarioDetails.TYPE_KEY)) {
          o.set(e.getKey(), e.getValue());
        }
      });
    }
    o.set("faults", JSON.valueToTree(r.faults()));
    o.put("deadlineSeconds", r.deadlineSeconds());
    o.put("elapsedSeconds", r.elapsedSeconds());
    String path = String.format("cycle-%03d/%s.json", r.cycle(), r.scenario());
    files.put(path, o);
    return new EvidenceWriteResult(path, Integer.toHexString(o.toString().hashCode()), List.of(), List.of());
  }

  @Override
  public synchronized void recordCycle(CycleRecord c) {
    cycles.add(c);
  }

  @Override
  public RunFinishResult finishRun(RunFinish f) {
    finished = f;
    List<String> missing = new ArrayList<>();
    for (int c = 1; c <= f.request().cycles() && !f.cancelled(); c++) {
      for (String s : f.request().scenarios()) {
        String p = String.format("cycle-%03d/%s.json", c, s);
        if (!files.containsKey(p)) {
          missing.add(p);
        }
      }
    }
    return new RunFinishResult(List.of(), missing, "report.md");
  }
}
