package dev.cloudedge.activities.evidence;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cloudedge.workflows.qualification.QualificationRequest;
import dev.cloudedge.workflows.qualification.Scenario;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.TreeMap;

/**
 * The filled Markdown evidence report, with the sections of routerd's evidence template: run
 * metadata, topology, scenario results, overall verdict, doctor snapshots, remediation plan, metrics
 * verification, evidence files and the security note.
 */
final class EvidenceReport {
  private EvidenceReport() {}

  private static int canonicalIndex(String scenario) {
    for (Scenario sc : Scenario.values()) {
      if (sc.wireName().equals(scenario)) {
        return sc.ordinal();
      }
    }
    return Integer.MAX_VALUE;
  }

  static String render(QualificationRequest req, JsonNode meta, JsonNode prov, TreeMap<String, ObjectNode> files,
      JsonNode manifest) {
    // Cycle by cycle, scenarios in canonical order (the file map is keyed by path, i.e. alphabetical).
    List<ObjectNode> runs = new ArrayList<>(files.values());
    runs.sort(Comparator.comparingInt((ObjectNode d) -> d.path("cycle").asInt())
        .thenComparingInt(d -> canonicalIndex(d.path("scenario").asText())));
    StringBuilder b = new StringBuilder();
    JsonNode summary = meta.path("summary");
    b.append("# CloudEdge Federation operational qualification — ").append(req.runId()).append("\n\n");
    b.append("## Run metadata\n\n| Field | Value |\n|---|---|\n");
    row(b, "Run id", req.runId());
    row(b, "Commit", prov.path("fullCommit").asText());
    row(b, "Date", meta.path("startedAt").asText() + " → " + meta.path("completedAt").asText());
    row(b, "Harness", "CloudEdge QualificationWorkflow (Temporal workflow `" + prov.path("temporal").path("workflowId").asText()
        + "`, run `" + prov.path("temporal").path("runId").asText() + "`, namespace `" + prov.path("temporal").path("namespace").asText() + "`)");
    row(b, "Build artifact", prov.path("build").path("artifact").asText() + " sha256 `" + prov.path("build").path("sha256").asText() + "`");
    row(b, "Cycles", String.valueOf(req.cycles()));
    row(b, "Duration per scenario", req.durationSeconds() + " s (enforced deadline)");
    row(b, "Scenarios", String.join(", ", req.scenarios()));
    row(b, "Allow skip", String.valueOf(req.allowSkip()));
    b.append("\n## Topology\n\n| Role | Host | Node | Provider | Config digest |\n|---|---|---|---|---|\n");
    for (String role : new String[] {"sender", "receiver"}) {
      JsonNode n = prov.path(role);
      b.append("| ").append(role).append(" | ").append(n.path("hostname").asText()).append(" | ")
          .append(n.path("nodeName").asText()).append(" | ").append(prov.path("topology").path("kind").asText())
          .append(" (").append(n.path("eventdUnit").asText()).append(") | `").append(n.path("configDigest").asText()).append("` |\n");
    }
    b.append("\nTopology id `").append(prov.path("topology").path("id").asText()).append("`; receiver endpoint `")
        .append(prov.path("receiver").path("endpoint").asText()).append("`.\n");
    b.append("\n## Scenario results\n\n| Cycle | Scenario | Result | Duration (s) | Notes |\n|---|---|---|---|---|\n");
    for (ObjectNode d : runs) {
      String notes = d.path("reason").asText("");
      StringBuilder faults = new StringBuilder();
      for (JsonNode f : d.path("faults")) {
        faults.append(faults.length() == 0 ? "" : "; ").append(f.path("kind").asText()).append(" on ")
            .append(f.path("node").asText()).append(": rollback ").append(f.path("rollbackRan").asBoolean() ? "ran" : "NOT run")
            .append(f.path("rollbackVerified").asBoolean() ? ", verified" : ", NOT verified");
      }
      if (faults.length() > 0) {
        notes = notes.isEmpty() ? faults.toString() : notes + " — " + faults;
      }
      b.append("| ").append(d.path("cycle").asInt()).append(" | ").append(d.path("scenario").asText()).append(" | ")
          .append(d.path("result").asText().toUpperCase(java.util.Locale.ROOT)).append(" | ")
          .append(d.path("elapsedSeconds").asText("")).append(" | ").append(notes.replace("|", "\\|")).append(" |\n");
    }
    b.append("\n## Overall verdict\n\n**").append(summary.path("verdict").asText().toUpperCase(java.util.Locale.ROOT))
        .append("** — ").append(summary.path("totalPass").asInt()).append(" pass, ")
        .append(summary.path("totalFail").asInt()).append(" fail, ").append(summary.path("totalSkip").asInt())
        .append(" skip. Release-qualifying (all 8 scenarios passed on real hosts, without --allow-skip): ")
        .append(summary.path("releaseQualifying").asBoolean() ? "yes" : "no").append(" — ")
        .append(summary.path("releaseQualifyingReason").asText("")).append(".\n");
    if (summary.path("gateFailures").size() > 0) {
      b.append("\nGate failures:\n\n");
      for (JsonNode g : summary.path("gateFailures")) {
        b.append("- `").append(g.asText()).append("`\n");
      }
    }
    ObjectNode first = runs.isEmpty() ? null : runs.get(0);
    ObjectNode last = runs.isEmpty() ? null : runs.get(runs.size() - 1);
    b.append("\n## Doctor snapshots\n\n");
    doctor(b, "Before (first scenario, `" + (first == null ? "" : first.path("scenario").asText()) + "`)",
        first == null ? null : firstOf(first, "doctorBefore", "doctorJson", "doctorAfter"));
    doctor(b, "After (last scenario, `" + (last == null ? "" : last.path("scenario").asText()) + "`)",
        last == null ? null : firstOf(last, "doctorAfter", "doctorJson", "doctorBefore"));
    b.append("\n## Remediation plan (plan-only)\n\n");
    ObjectNode healthy = null;
    for (ObjectNode d : runs) {
      if (d.path("scenario").asText().equals("healthy")) {
        healthy = d;
      }
    }
    if (healthy != null && healthy.has("remediationPlan")) {
      JsonNode actions = healthy.path("remediationPlan").path("remediationPlan").path("actions");
      b.append("Healthy state: ").append(actions.size()).append(" action(s); canonical digest `")
          .append(healthy.path("remediationPlanDigest").asText()).append("`; diff-stable: ")
          .append(healthy.path("diffStable").asText()).append(".\n");
    } else {
      b.append("No healthy-scenario plan in this run.\n");
    }
    for (ObjectNode d : runs) {
      JsonNode plan = d.path("faultRemediation").path("remediationPlan").path("actions");
      if (plan.isArray() && plan.size() > 0) {
        b.append("\nConfig-fault plan (cycle ").append(d.path("cycle").asInt()).append("):\n\n| Action | Group | Peer | Safe | Approval |\n|---|---|---|---|---|\n");
        for (JsonNode a : plan) {
          b.append("| ").append(a.path("action").asText()).append(" | ").append(a.path("targetGroup").asText()).append(" | ")
              .append(a.path("targetPeer").asText()).append(" | ").append(a.path("safe").asBoolean()).append(" | ")
              .append(a.path("requiresOperatorApproval").asBoolean()).append(" |\n");
        }
        break;
      }
    }
    b.append("\n## Metrics verification\n\nFrom each node's eventd metrics (`routerd_eventd_*`, summed over series), read by the "
        + "healthy scenario of each cycle and around the security probes. Counters restart with the runtime (restart scenario).\n\n"
        + "| Cycle | Metric | Expectation | Observed | OK |\n|---|---|---|---|---|\n");
    for (ObjectNode d : runs) {
      int c = d.path("cycle").asInt();
      if (d.path("scenario").asText().equals("healthy") && d.has("metrics")) {
        JsonNode sm = d.path("metrics").path("sender");
        JsonNode rm = d.path("metrics").path("receiver");
        long lagCount = sm.path("deliveryLagCount").asLong();
        long lagAvg = lagCount == 0 ? 0 : sm.path("deliveryLagSecondsSum").asLong() / lagCount;
        metric(b, c, "outbox_delivery_total (sender)", "> 0", sm.path("deliveryTotal").asLong(), sm.path("deliveryTotal").asLong() > 0);
        metric(b, c, "outbox_delivery_lag_seconds (sender, mean)", "within the SLO (lagWarnSeconds 30)", lagAvg, lagAvg < 30);
        metric(b, c, "outbox_repush_total (sender)", ">= 0", sm.path("repushTotal").asLong(), true);
        metric(b, c, "outbox_stale_ttl_delivery_total (sender)", ">= 0 (stale count 0 after recovery: ttl-refresh)",
            sm.path("staleTtlDeliveryTotal").asLong(), true);
        metric(b, c, "receiver_accepted_total (receiver)", "> 0", rm.path("acceptedTotal").asLong(), rm.path("acceptedTotal").asLong() > 0);
        metric(b, c, "receiver_duplicate_total (receiver)", ">= 0", rm.path("duplicateTotal").asLong(), true);
        b.append("| ").append(c).append(" | label cardinality | no event_id/subject/address/endpoint/secret labels | ")
            .append(d.path("cardinalityCheck").asText()).append(" | ").append(d.path("cardinalityCheck").asText().equals("pass") ? "yes" : "NO").append(" |\n");
      }
      if (d.path("scenario").asText().equals("security") && d.has("rejectDelta")) {
        metric(b, c, "receiver_reject_total increase (security)", ">= 3", d.path("rejectDelta").asLong(), d.path("rejectDelta").asLong() >= 3);
      }
    }
    b.append("\n## Evidence files\n\n| File | SHA-256 |\n|---|---|\n");
    for (JsonNode f : manifest.path("files")) {
      b.append("| `").append(f.path("path").asText()).append("` | `").append(f.path("sha256").asText()).append("` |\n");
    }
    b.append("\n## Security note\n\nNo secrets, keys or credentials are recorded: HMAC secrets stay on their node (the security "
        + "probes are signed by the sender's worker), config files are recorded only as SHA-256 digests of the file, "
        + "fault methods and key paths are not written, and every evidence file, `provenance.json` and "
        + "`run-metadata.json` passed the secret scan")
        .append(summary.path("gateFailures").toString().contains("secretScan") ? " **except those listed above**" : "")
        .append(". The config-fault scenario works on an in-memory overlay of the config; no copy is written.\n");
    return b.toString();
  }

  private static JsonNode firstOf(ObjectNode d, String... keys) {
    for (String k : keys) {
      if (d.has(k) && d.get(k).isObject()) {
        return d.get(k);
      }
    }
    return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
  }

  private static void doctor(StringBuilder b, String title, JsonNode d) {
    b.append("**").append(title).append("**: ");
    if (d == null || d.isMissingNode()) {
      b.append("not recorded.\n\n");
      return;
    }
    JsonNode s = d.path("summary");
    b.append("overall `").append(s.path("overall").asText()).append("` (").append(s.path("pass").asInt()).append(" pass, ")
        .append(s.path("warn").asInt()).append(" warn, ").append(s.path("fail").asInt()).append(" fail, ")
        .append(s.path("skip").asInt()).append(" skip)\n\n| Check | Status | Detail |\n|---|---|---|\n");
    for (JsonNode c : d.path("checks")) {
      b.append("| ").append(c.path("name").asText()).append(" | ").append(c.path("status").asText()).append(" | ")
          .append(c.path("detail").asText().replace("|", "\\|")).append(" |\n");
    }
    b.append('\n');
  }

  private static void metric(StringBuilder b, int cycle, String name, String expect, long value, boolean ok) {
    b.append("| ").append(cycle).append(" | ").append(name).append(" | ").append(expect).append(" | ").append(value)
        .append(" | ").append(ok ? "yes" : "NO").append(" |\n");
  }

  private static void row(StringBuilder b, String k, String v) {
    b.append("| ").append(k).append(" | ").append(v.replace("|", "\\|")).append(" |\n");
  }
}
