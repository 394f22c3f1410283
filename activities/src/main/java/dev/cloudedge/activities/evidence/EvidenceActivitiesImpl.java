package dev.cloudedge.activities.evidence;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cloudedge.workflows.qualification.EvidenceActivities;
import dev.cloudedge.workflows.qualification.NodeActivities;
import dev.cloudedge.workflows.qualification.NodeActivities.NodeFacts;
import dev.cloudedge.workflows.qualification.QualificationFailureType;
import dev.cloudedge.workflows.qualification.QualificationRequest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Writes and checks the evidence directory on the control worker's host: {@code provenance.json},
 * {@code run-metadata.json}, {@code cycle-NNN/<scenario>.json}, {@code manifest.json} and {@code
 * report.md}. Every write is atomic and keyed by (run, cycle, scenario), so retries are harmless.
 */
public final class EvidenceActivitiesImpl implements EvidenceActivities {
  private static final Pattern HEX64 = Pattern.compile("^[0-9a-f]{64}$");
  private static final Pattern CYCLE_DIR = Pattern.compile("^cycle-(\\d{3})$");

  private final Path artifact;
  private final String namespace;
  private final EvidenceSchema schema = EvidenceSchema.shipped();

  /**
   * @param artifact the artifact running this worker (the CLI jar, or a classes directory in tests)
   * @param namespace the Temporal namespace, recorded in provenance
   */
  public EvidenceActivitiesImpl(Path artifact, String namespace) {
    this.artifact = artifact;
    this.namespace = Objects.requireNonNull(namespace, "namespace");
  }

  @Override
  public RunSetupResult prepareRun(RunSetup setup) {
    QualificationRequest req = setup.request();
    Path dir = Path.of(req.evidenceDir());
    try {
      Files.createDirectories(dir);
      Path meta = dir.resolve("run-metadata.json");
      if (Files.exists(meta)) {
        String other = EvidenceFiles.JSON.readTree(meta.toFile()).path("runId").asText("");
        if (!other.equals(req.runId())) {
          throw QualificationFailureType.EVIDENCE_DIR.failure("evidence directory " + dir + " already holds run '"
              + other + "'; use an empty directory per run");
        }
      } else {
        try (Stream<Path> s = Files.list(dir)) {
          if (s.anyMatch(p -> CYCLE_DIR.matcher(p.getFileName().toString()).matches())) {
            throw QualificationFailureType.EVIDENCE_DIR.failure("evidence directory " + dir
                + " holds cycle directories of another run; use an empty directory per run");
          }
        }
      }
      String sha = EvidenceFiles.artifactSha256(artifact);
      List<String> problems = new ArrayList<>();
      if (req.commit().isBlank() || "unknown".equals(req.commit())) {
        problems.add("commit unknown");
      }
      if (!HEX64.matcher(sha).matches()) {
        problems.add("artifact sha256 unknown");
      }
      for (NodeFacts n : List.of(setup.sender(), setup.receiver())) {
        if (!HEX64.matcher(n.configDigest()).matches()) {
          problems.add(n.nodeName() + " configDigest unknown");
        }
        if (!HEX64.matcher(n.artifactSha256()).matches()) {
          problems.add(n.nodeName() + " runtime sha256 unknown");
        }
      }
      ObjectNode prov = EvidenceFiles.JSON.createObjectNode();
      prov.put("prHeadCommit", shortCommit(req.commit()));
      prov.put("fullCommit", req.commit());
      ObjectNode build = prov.putObject("build");
      build.put("artifact", artifact == null ? "unknown" : artifact.getFileName().toString());
      build.put("sha256", sha);
      build.put("javaVersion", Runtime.version().toString());
      ObjectNode temporal = prov.putObject("temporal");
      temporal.put("namespace", namespace);
      temporal.put("workflowId", setup.workflowId());
      temporal.put("runId", setup.temporalRunId());
      ObjectNode topo = prov.putObject("topology");
      topo.put("id", req.topology().id());
      topo.put("kind", req.topology().kind());
      prov.set("sender", node(setup.sender(), null));
      prov.set("receiver", node(setup.receiver(), req.topology().receiverEndpoint()));
      prov.put("complete", problems.isEmpty());
      ArrayNode pa = prov.putArray("incomplete");
      problems.forEach(pa::add);
      EvidenceFiles.writeAtomically(dir.resolve("provenance.json"), EvidenceFiles.pretty(prov));
      if (!Files.exists(meta)) {
        ObjectNode m = EvidenceFiles.JSON.createObjectNode();
        m.put("runId", req.runId());
        m.put("commit", req.commit());
        m.put("startedAt", setup.startedAt());
        ObjectNode params = m.putObject("parameters");
        params.put("cycles", req.cycles());
        params.put("durationPerScenario", req.durationSeconds());
        ArrayNode sc = params.putArray("scenarios");
        req.scenarios().forEach(sc::add);
        params.put("allowSkip", req.allowSkip());
        m.putObject("topology").put("id", req.topology().id()).put("kind", req.topology().kind());
        m.putObject("temporal").put("workflowId", setup.workflowId()).put("runId", setup.temporalRunId());
        m.putArray("cycles");
        EvidenceFiles.writeAtomically(meta, EvidenceFiles.pretty(m));
      }
      return new RunSetupResult(sha, problems.isEmpty(), problems);
    } catch (IOException e) {
      throw QualificationFailureType.EVIDENCE_DIR.failure("cannot write evidence directory " + dir + ": " + e.getMessage());
    }
  }

  private static String shortCommit(String commit) {
    return commit.matches("^[0-9a-f]{40}$") ? commit.substring(0, 8) : commit;
  }

  private static ObjectNode node(NodeFacts n, String endpoint) {
    ObjectNode o = EvidenceFiles.JSON.createObjectNode();
    o.put("hostname", n.hostname());
    o.put("nodeName", n.nodeName());
    if (endpoint != null) {
      o.put("endpoint", endpoint);
    }
    o.putObject("runtime").put("version", n.runtimeVersion()).put("sha256", n.artifactSha256());
    o.put("configDigest", n.configDigest());
    o.put("eventdUnit", n.runtimeUnit());
    ArrayNode g = o.putArray("groups");
    n.groups().forEach(g::add);
    return o;
  }

  @Override
  public EvidenceWriteResult writeScenario(ScenarioEvidence evidence) {
    Path dir = Path.of(evidence.evidenceDir());
    String rel = String.format("cycle-%03d/%s.json", evidence.cycle(), evidence.scenario());
    if (!evidence.scenario().matches("^[a-z-]+$")) {
      throw QualificationFailureType.INVALID_REQUEST.failure("scenario name '" + evidence.scenario() + "' is not a file stem");
    }
    ObjectNode doc = EvidenceFiles.JSON.createObjectNode();
    for (EvidenceField f : evidence.fields()) {
      try {
        doc.set(f.key(), EvidenceFiles.JSON.readTree(f.json()));
      } catch (IOException e) {
        throw QualificationFailureType.INVALID_REQUEST.failure(rel + ": value of '" + f.key() + "' is not JSON: " + e.getMessage());
      }
    }
    String text = EvidenceFiles.pretty(doc);
    try {
      EvidenceFiles.writeAtomically(dir.resolve(rel), text);
    } catch (IOException e) {
      throw QualificationFailureType.INFRA.failure("cannot write " + dir.resolve(rel) + ": " + e.getMessage());
    }
    return new EvidenceWriteResult(rel, EvidenceFiles.sha256(text.getBytes(StandardCharsets.UTF_8)),
        check(doc, evidence.cycle(), evidence.scenario()), SecretScan.scan(text));
  }

  /**
   * Jackson for scenario records: doctor reports and subscription runs are written as the JSON the
   * node produced, not as their transport fields.
   */
  private static final com.fasterxml.jackson.databind.ObjectMapper RECORDS = EvidenceFiles.JSON.copy()
      .setSerializationInclusion(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
      .registerModule(new com.fasterxml.jackson.databind.module.SimpleModule()
          .addSerializer(NodeActivities.DoctorReport.class, new RawJson<>(NodeActivities.DoctorReport::json))
          .addSerializer(NodeActivities.SubscriptionRunRow.class, new RawJson<>(NodeActivities.SubscriptionRunRow::json)));

  /** Writes a value as the JSON text it carries. */
  private static final class RawJson<T> extends com.fasterxml.jackson.databind.ser.std.StdSerializer<T> {
    private final java.util.function.Function<T, String> text;

    @SuppressWarnings("unchecked")
    RawJson(java.util.function.Function<T, String> text) {
      super((Class<T>) (Class<?>) Object.class);
      this.text = text;
    }

    @Override
    public void serialize(T value, com.fasterxml.jackson.core.JsonGenerator g,
        com.fasterxml.jackson.databind.SerializerProvider p) throws IOException {
      g.writeTree(EvidenceFiles.JSON.readTree(text.apply(value)));
    }
  }

  @Override
  public EvidenceWriteResult writeScenarioRecord(ScenarioRecord r) {
    if (!r.scenario().matches("^[a-z-]+$")) {
      throw QualificationFailureType.INVALID_REQUEST.failure("scenario name '" + r.scenario() + "' is not a file stem");
    }
    ObjectNode doc = EvidenceFiles.JSON.createObjectNode();
    doc.put("runId", r.runId());
    doc.put("commit", r.commit());
    doc.put("cycle", r.cycle());
    doc.put("scenario", r.scenario());
    doc.put("result", r.result());
    if (!r.reason().isEmpty()) {
      doc.put("reason", r.reason());
    }
    doc.put("startedAt", r.startedAt());
    doc.put("endedAt", r.endedAt());
    if (r.details() != null) {
      JsonNode d = RECORDS.valueToTree(r.details());
      d.fields().forEachRemaining(e -> {
        if (!e.getKey().equals(dev.cloudedge.workflows.qualification.ScenarioDetails.TYPE_KEY)) {
          doc.set(e.getKey(), e.getValue());
        }
      });
    }
    doc.set("faults", RECORDS.valueToTree(r.faults()));
    doc.put("deadlineSeconds", r.deadlineSeconds());
    doc.put("elapsedSeconds", r.elapsedSeconds());
    String rel = String.format("cycle-%03d/%s.json", r.cycle(), r.scenario());
    String text = EvidenceFiles.pretty(doc);
    Path dir = Path.of(r.evidenceDir());
    try {
      EvidenceFiles.writeAtomically(dir.resolve(rel), text);
    } catch (IOException e) {
      throw QualificationFailureType.INFRA.failure("cannot write " + dir.resolve(rel) + ": " + e.getMessage());
    }
    return new EvidenceWriteResult(rel, EvidenceFiles.sha256(text.getBytes(StandardCharsets.UTF_8)),
        check(doc, r.cycle(), r.scenario()), SecretScan.scan(text));
  }

  /** Schema violations plus the layout rules the schema cannot express. */
  List<String> check(JsonNode doc, int cycle, String scenario) {
    List<String> errors = new ArrayList<>(schema.validate(doc));
    if (doc.path("cycle").asInt(-1) != cycle) {
      errors.add("/cycle: " + doc.path("cycle") + " does not match directory cycle-" + String.format("%03d", cycle));
    }
    if (!doc.path("scenario").asText("").equals(scenario)) {
      errors.add("/scenario: " + doc.path("scenario") + " does not match file " + scenario + ".json");
    }
    if (!QualificationRequest.RUN_ID.matcher(doc.path("runId").asText("")).matches()) {
      errors.add("/runId: " + doc.path("runId") + " is not a run id");
    }
    if ("pass".equals(doc.path("result").asText()) && doc.path("endedAt").asText("").compareTo(doc.path("startedAt").asText("")) < 0) {
      errors.add("/endedAt: before startedAt");
    }
    return errors;
  }

  @Override
  public synchronized void recordCycle(CycleRecord cycle) {
    Path meta = Path.of(cycle.evidenceDir(), "run-metadata.json");
    try {
      ObjectNode m = (ObjectNode) EvidenceFiles.JSON.readTree(meta.toFile());
      ArrayNode cycles = m.withArray("cycles");
      ArrayNode out = EvidenceFiles.JSON.createArrayNode();
      for (JsonNode c : cycles) {
        if (c.path("cycle").asInt() != cycle.cycle()) {
          out.add(c);
        }
      }
      ObjectNode c = out.addObject();
      c.put("cycle", cycle.cycle());
      c.put("pass", cycle.pass());
      c.put("fail", cycle.fail());
      c.put("skip", cycle.skip());
      c.put("startedAt", cycle.startedAt());
      c.put("completedAt", cycle.completedAt());
      m.set("cycles", out);
      EvidenceFiles.writeAtomically(meta, EvidenceFiles.pretty(m));
    } catch (IOException e) {
      throw QualificationFailureType.INFRA.failure("cannot update " + meta + ": " + e.getMessage());
    }
  }

  @Override
  public synchronized RunFinishResult finishRun(RunFinish finish) {
    QualificationRequest req = finish.request();
    Path dir = Path.of(req.evidenceDir());
    try {
      List<String> gates = new ArrayList<>();
      List<String> missing = new ArrayList<>();
      TreeMap<String, ObjectNode> files = new TreeMap<>();
      int pass = 0;
      int fail = 0;
      int skip = 0;
      for (int c = 1; c <= req.cycles(); c++) {
        for (String s : req.scenarios()) {
          String rel = String.format("cycle-%03d/%s.json", c, s);
          Path p = dir.resolve(rel);
          if (!Files.exists(p)) {
            if (!finish.cancelled()) {
              missing.add(rel);
            }
            continue;
          }
          String text = Files.readString(p);
          JsonNode doc;
          try {
            doc = EvidenceFiles.JSON.readTree(text);
          } catch (IOException e) {
            gates.add("schema:" + rel + ": not JSON");
            continue;
          }
          if (!doc.isObject()) {
            gates.add("schema:" + rel + ": not an object");
            continue;
          }
          files.put(rel, (ObjectNode) doc);
          for (String err : check(doc, c, s)) {
            gates.add("schema:" + rel + ": " + err);
          }
          if (!SecretScan.scan(text).isEmpty()) {
            gates.add("secretScan:" + rel);
          }
          switch (doc.path("result").asText()) {
            case "pass" -> pass++;
            case "skip" -> skip++;
            default -> fail++;
          }
        }
      }
      for (String top : List.of("provenance.json")) {
        if (!SecretScan.scan(Files.readString(dir.resolve(top))).isEmpty()) {
          gates.add("secretScan:" + top);
        }
      }
      for (String m : missing) {
        gates.add("missing:" + m);
      }
      boolean complete = missing.isEmpty() && !finish.cancelled();
      // A skip is a pass only under --allow-skip (the scenarios skip nothing without it).
      String verdict = finish.cancelled() || fail > 0 || (skip > 0 && !req.allowSkip())
          || gates.stream().anyMatch(g -> !g.startsWith("missing:"))
          ? "fail" : complete && pass + skip > 0 ? "pass" : "incomplete";
      Path meta = dir.resolve("run-metadata.json");
      ObjectNode m = (ObjectNode) EvidenceFiles.JSON.readTree(meta.toFile());
      m.put("completedAt", finish.completedAt());
      ObjectNode summary = m.putObject("summary");
      summary.put("overall", "pass".equals(verdict) ? "pass" : "fail");
      summary.put("verdict", verdict);
      summary.put("totalPass", pass);
      summary.put("totalFail", fail);
      summary.put("totalSkip", skip);
      List<String> notQualifying = new ArrayList<>(req.releaseQualifyingProblems());
      if (!"pass".equals(verdict)) {
        notQualifying.add("verdict is " + verdict);
      }
      if (skip > 0) {
        notQualifying.add(skip + " scenario(s) skipped");
      }
      summary.put("releaseQualifying", notQualifying.isEmpty());
      summary.put("releaseQualifyingReason", notQualifying.isEmpty()
          ? "all 8 scenarios passed on real hosts without --allow-skip" : String.join("; ", notQualifying));
      summary.put("cancelled", finish.cancelled());
      if (!finish.note().isEmpty()) {
        summary.put("note", finish.note());
      }
      ArrayNode gf = summary.putArray("gateFailures");
      gates.forEach(gf::add);
      String metaText = EvidenceFiles.pretty(m);
      if (!SecretScan.scan(metaText).isEmpty()) {
        gates.add("secretScan:run-metadata.json");
        gf.add("secretScan:run-metadata.json");
        summary.put("overall", "fail");
        summary.put("verdict", "fail");
        metaText = EvidenceFiles.pretty(m);
      }
      EvidenceFiles.writeAtomically(meta, metaText);
      ObjectNode manifest = EvidenceFiles.JSON.createObjectNode();
      manifest.put("runId", req.runId());
      ArrayNode list = manifest.putArray("files");
      try (Stream<Path> s = Files.walk(dir)) {
        for (Path p : s.filter(Files::isRegularFile).sorted().toList()) {
          String rel = dir.relativize(p).toString().replace('\\', '/');
          if (rel.equals("manifest.json") || rel.equals("report.md") || rel.startsWith(".")) {
            continue;
          }
          list.addObject().put("path", rel).put("sha256", EvidenceFiles.sha256(Files.readAllBytes(p)));
        }
      }
      EvidenceFiles.writeAtomically(dir.resolve("manifest.json"), EvidenceFiles.pretty(manifest));
      JsonNode prov = EvidenceFiles.JSON.readTree(dir.resolve("provenance.json").toFile());
      EvidenceFiles.writeAtomically(dir.resolve("report.md"),
          EvidenceReport.render(req, m, prov, files, manifest));
      return new RunFinishResult(gates, missing, "report.md");
    } catch (IOException e) {
      throw QualificationFailureType.INFRA.failure("cannot finish evidence in " + dir + ": " + e.getMessage());
    }
  }
}
