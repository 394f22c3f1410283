package dev.cloudedge.federation.doctor;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Objects;

/**
 * The plan-only remediation document (reference §3): sorted, deduplicated typed actions. Building
 * it never executes or writes anything.
 *
 * @param generatedAt the doctor clock, {@code yyyy-MM-dd'T'HH:mm:ss'Z'}
 * @param actions the actions, never {@code null} ({@code []} when healthy)
 */
@JsonPropertyOrder({"generatedAt", "actions"})
public record RemediationPlan(String generatedAt, List<RemediationAction> actions) {
  private static final DateTimeFormatter STAMP =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss'Z'").withZone(ZoneOffset.UTC);

  public RemediationPlan {
    Objects.requireNonNull(generatedAt, "generatedAt");
    actions = List.copyOf(actions);
  }

  /** Formats the doctor clock as {@code generatedAt}: UTC, whole seconds, literal {@code Z}. */
  public static String stamp(Instant now) {
    return STAMP.format(now);
  }

  /** The canonical JSON bytes of {@code actions} (sorted keys, no whitespace). */
  @JsonIgnore
  public byte[] canonicalActions() {
    return CanonicalJson.bytes(actions);
  }

  /**
   * {@code sha256:<hex>} of the canonical {@code actions} array. It does not cover
   * {@code generatedAt}, so the same findings give the same digest at any time.
   */
  @JsonIgnore
  public String digest() {
    return CanonicalJson.sha256(actions);
  }
}
