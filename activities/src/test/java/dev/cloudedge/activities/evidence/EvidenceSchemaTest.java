package dev.cloudedge.activities.evidence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class EvidenceSchemaTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Path REFERENCE = Path.of("/work/shared/reference/routerd-evidence/cycle-001");
  private final EvidenceSchema schema = EvidenceSchema.shipped();

  @Test
  void shippedScriptCopyIsTheClasspathSchema() throws Exception {
    String scripts = Files.readString(Path.of("..", "scripts", EvidenceSchema.RESOURCE));
    String resource = new String(EvidenceSchema.class.getResourceAsStream(EvidenceSchema.RESOURCE).readAllBytes(),
        java.nio.charset.StandardCharsets.UTF_8);
    assertEquals(scripts, resource);
  }

  @Test
  void routerdEvidenceValidatesExceptIntegerStatusCodes() throws Exception {
    org.junit.jupiter.api.Assumptions.assumeTrue(Files.isDirectory(REFERENCE), "reference evidence not on this machine");
    for (String s : List.of("healthy", "partition", "ttl-refresh", "restart", "subscription", "config-fault", "multi-group")) {
      assertEquals(List.of(), schema.validate(JSON.readTree(REFERENCE.resolve(s + ".json").toFile())), s);
    }
    List<String> errors = schema.validate(JSON.readTree(REFERENCE.resolve("security.json").toFile()));
    assertEquals(3, errors.size(), errors.toString());
    assertTrue(errors.get(0).contains("is not of type \"string\""), errors.toString());
  }

  @Test
  void requiredConditionalEnumsAndFormatsAreChecked() {
    ObjectNode d = JSON.createObjectNode();
    d.put("runId", "20261127T050000Z-federation-qual").put("commit", "abc").put("cycle", 0)
        .put("scenario", "nope").put("result", "pass").put("startedAt", "yesterday");
    List<String> e = schema.validate(d);
    assertTrue(e.stream().anyMatch(x -> x.startsWith("/cycle") && x.contains("less than 1")), e.toString());
    assertTrue(e.stream().anyMatch(x -> x.startsWith("/scenario")), e.toString());
    assertTrue(e.stream().anyMatch(x -> x.contains("'endedAt' is missing")), e.toString());
    assertTrue(e.stream().anyMatch(x -> x.startsWith("/startedAt") && x.contains("date-time")), e.toString());
    d.put("result", "fail");
    assertTrue(schema.validate(d).stream().anyMatch(x -> x.contains("'reason' is missing")));
    d.putArray("faults").addObject().put("kind", "partition").put("node", "s").put("applied", true);
    assertTrue(schema.validate(d).stream().anyMatch(x -> x.contains("/faults/0") && x.contains("rollbackRan")));
  }

  @Test
  void unsupportedKeywordsAreRefused() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> EvidenceSchema.of("{\"type\":\"object\",\"properties\":{\"a\":{\"oneOf\":[]}}}"));
    assertTrue(e.getMessage().contains("oneOf"), e.getMessage());
  }

  @Test
  void secretScanFindsKeysButNotOrdinaryWords() throws Exception {
    assertFalse(SecretScan.scan("{\"detail\":\"associated dedupeKey monkey\"}").size() > 0);
    assertEquals(1, SecretScan.scan("ok\n-----BEGIN PRIVATE\n").stream().filter(h -> h.startsWith("line 2")).count() > 0 ? 1 : 0);
    assertFalse(SecretScan.scan("hmac_secret: x").isEmpty());
    assertFalse(SecretScan.scan("Authorization: Bearer abc").isEmpty());
    JsonNode real = JSON.readTree(Files.exists(REFERENCE) ? Files.readString(REFERENCE.resolve("partition.json")) : "{}");
    assertEquals(List.of(), SecretScan.scan(EvidenceFiles.pretty(real)));
  }
}
