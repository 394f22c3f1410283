package dev.cloudedge.federation.doctor;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Objects;

/**
 * The result of {@code doctor federation} (reference §2.8). Serializes to routerd's keys in
 * routerd's order; {@code federation} and {@code remediationPlan} are omitted when absent.
 *
 * @param summary counts of all checks and the overall status
 * @param checks every check in report order
 * @param federation the federation summary block
 * @param remediationPlan the plan, only when asked for
 */
@JsonPropertyOrder({"summary", "checks", "federation", "remediationPlan"})
public record DoctorReport(
    ReportSummary summary,
    List<Check> checks,
    @JsonInclude(JsonInclude.Include.NON_NULL) FederationSummary federation,
    @JsonInclude(JsonInclude.Include.NON_NULL) RemediationPlan remediationPlan) {

  private static final ObjectMapper TREE = JsonMapper.builder().build();
  private static final ObjectMapper YAML = YAMLMapper.builder()
      .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
      .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
      // A string such as a violation's "actual": "1" must stay a string for YAML readers.
      .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
      .build();

  public DoctorReport {
    Objects.requireNonNull(summary, "summary");
    checks = List.copyOf(checks);
  }

  /** Whether any check failed: the CLI then exits 1. */
  @JsonIgnore
  public boolean failed() {
    return summary.fail() > 0;
  }

  /** The report as a JSON tree with the contract's keys and order. */
  public JsonNode toTree() {
    return TREE.valueToTree(this);
  }

  /** The report exactly as {@code -o json} prints it (Go style: 2-space indent, HTML-escaped, trailing newline). */
  public String toJson() {
    return GoJson.indent(toTree());
  }

  /** The report as {@code -o yaml} prints it: the same keys as JSON. */
  public String toYaml() {
    try {
      return YAML.writeValueAsString(toTree());
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The report as the {@code -o table} text (reference §2.9). */
  public String toTable() {
    return DoctorTable.render(this);
  }
}
