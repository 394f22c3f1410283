package dev.cloudedge.activities.evidence;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cloudedge.workflows.qualification.QualificationRequest;
import java.util.List;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class EvidenceReportTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static ObjectNode run(int cycle, String scenario) {
    ObjectNode d = JSON.createObjectNode();
    d.put("cycle", cycle);
    d.put("scenario", scenario);
    d.put("result", "pass");
    return d;
  }

  @Test
  void scenarioRowsFollowCyclesThenTheCanonicalOrderNotFileNames() {
    TreeMap<String, ObjectNode> files = new TreeMap<>();
    for (int c = 1; c <= 2; c++) {
      for (String s : List.of("config-fault", "healthy", "multi-group", "partition")) {
        files.put(String.format("cycle-%03d/%s.json", c, s), run(c, s));
      }
    }
    QualificationRequest req = new QualificationRequest("20261127T000000Z-federation-qual", "c", "e", 2, 60,
        List.of("healthy", "partition", "config-fault", "multi-group"), false, null, null);
    String md = EvidenceReport.render(req, JSON.createObjectNode(), JSON.createObjectNode(), files,
        JSON.createObjectNode());
    int[] at = new int[8];
    int i = 0;
    for (int c = 1; c <= 2; c++) {
      for (String s : List.of("healthy", "partition", "config-fault", "multi-group")) {
        at[i++] = md.indexOf("| " + c + " | " + s + " |");
      }
    }
    for (int k = 1; k < at.length; k++) {
      assertTrue(at[k - 1] >= 0 && at[k] > at[k - 1], "row " + k + " out of order in:\n" + md);
    }
    assertTrue(md.contains("Before (first scenario, `healthy`)"), md);
    assertTrue(md.contains("After (last scenario, `multi-group`)"), md);
  }
}
