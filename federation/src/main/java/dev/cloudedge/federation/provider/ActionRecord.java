package dev.cloudedge.federation.provider;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import dev.cloudedge.federation.event.GoTime;
import java.io.IOException;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;

/**
 * One row of the {@code action_executions} journal (reference §4.3). The JSON form is routerd's
 * record JSON (optional strings omitted when empty, times always present with Go's zero time),
 * followed by CloudEdge's additions: the rejection, the attempt count and the pre-call
 * observation. No credential is ever stored here.
 *
 * @param id journal id
 * @param idempotencyKey the plan's key; unique
 * @param source where the plan came from
 * @param provider aws, azure, oci or gcp
 * @param providerRef the CloudProviderProfile name
 * @param action the verb
 * @param targetJson JSON object of the plan target, or empty
 * @param parametersJson JSON object of the plan parameters, or empty
 * @param undoJson JSON of the plan undo, or empty
 * @param riskLevel low, medium, high or empty
 * @param status one of {@link ActionStatus#ALL}
 * @param approvedBy who approved, or empty
 * @param approvedAt when, or {@code null}
 * @param executedAt when the terminal result was recorded, or {@code null}
 * @param resultMessage the executor's message
 * @param error the executor's error
 * @param observed the executor's observed map of the last terminal result
 * @param createdAt row creation
 * @param updatedAt last change
 * @param rejectedBy who rejected, or empty
 * @param rejectedAt when, or {@code null}
 * @param rejectReason why, or empty
 * @param attempts how many times the row was claimed for a live run
 * @param callStartedAt when a live cloud call was last launched ({@code null} if never): the crash marker
 * @param preObserved what a read-only observation saw before the first live call (priors for undo)
 */
@JsonPropertyOrder({"id", "idempotencyKey", "source", "provider", "providerRef", "action", "targetJSON",
    "parametersJSON", "undoJSON", "riskLevel", "status", "approvedBy", "approvedAt", "executedAt", "resultMessage",
    "error", "observed", "createdAt", "updatedAt", "rejectedBy", "rejectedAt", "rejectReason", "attempts",
    "callStartedAt", "preObserved"})
public record ActionRecord(
    long id,
    String idempotencyKey,
    @JsonInclude(JsonInclude.Include.NON_EMPTY) String source,
    String provider,
    @JsonInclude(JsonInclude.Include.NON_EMPTY) String providerRef,
    String action,
    @JsonProperty("targetJSON") @JsonInclude(JsonInclude.Include.NON_EMPTY) String targetJson,
    @JsonProperty("parametersJSON") @JsonInclude(JsonInclude.Include.NON_EMPTY) String parametersJson,
    @JsonProperty("undoJSON") @JsonInclude(JsonInclude.Include.NON_EMPTY) String undoJson,
    @JsonInclude(JsonInclude.Include.NON_EMPTY) String riskLevel,
    String status,
    @JsonInclude(JsonInclude.Include.NON_EMPTY) String approvedBy,
    @JsonSerialize(using = GoTimeJson.class) @JsonInclude(JsonInclude.Include.ALWAYS) Instant approvedAt,
    @JsonSerialize(using = GoTimeJson.class) @JsonInclude(JsonInclude.Include.ALWAYS) Instant executedAt,
    @JsonInclude(JsonInclude.Include.NON_EMPTY) String resultMessage,
    @JsonInclude(JsonInclude.Include.NON_EMPTY) String error,
    @JsonInclude(JsonInclude.Include.NON_EMPTY) Map<String, String> observed,
    @JsonSerialize(using = GoTimeJson.class) @JsonInclude(JsonInclude.Include.ALWAYS) Instant createdAt,
    @JsonSerialize(using = GoTimeJson.class) @JsonInclude(JsonInclude.Include.ALWAYS) Instant updatedAt,
    @JsonInclude(JsonInclude.Include.NON_EMPTY) String rejectedBy,
    @JsonSerialize(using = GoTimeJson.class) @JsonInclude(JsonInclude.Include.NON_NULL) Instant rejectedAt,
    @JsonInclude(JsonInclude.Include.NON_EMPTY) String rejectReason,
    int attempts,
    @JsonSerialize(using = GoTimeJson.class) @JsonInclude(JsonInclude.Include.NON_NULL) Instant callStartedAt,
    @JsonInclude(JsonInclude.Include.NON_EMPTY) Map<String, String> preObserved) {

  public ActionRecord {
    idempotencyKey = nz(idempotencyKey);
    source = nz(source);
    provider = nz(provider);
    providerRef = nz(providerRef);
    action = nz(action);
    targetJson = nz(targetJson);
    parametersJson = nz(parametersJson);
    undoJson = nz(undoJson);
    riskLevel = nz(riskLevel);
    status = nz(status);
    approvedBy = nz(approvedBy);
    resultMessage = nz(resultMessage);
    error = nz(error);
    observed = observed == null ? Map.of() : new TreeMap<>(observed);
    rejectedBy = nz(rejectedBy);
    rejectReason = nz(rejectReason);
    preObserved = preObserved == null ? Map.of() : new TreeMap<>(preObserved);
  }

  private static String nz(String s) {
    return s == null ? "" : s;
  }

  /** The decoded target map (empty when none). */
  @JsonIgnore
  public Map<String, String> target() {
    return JsonMaps.decode(targetJson);
  }

  /** The decoded parameters map (empty when none). */
  @JsonIgnore
  public Map<String, String> parameters() {
    return JsonMaps.decode(parametersJson);
  }

  /** {@code target.address}, or empty. */
  @JsonIgnore
  public String targetAddress() {
    return target().getOrDefault("address", "");
  }

  /** Go-style time JSON: RFC3339Nano UTC, zero time for {@code null}. */
  public static final class GoTimeJson extends JsonSerializer<Instant> {
    @Override
    public void serialize(Instant value, JsonGenerator gen, SerializerProvider serializers) throws IOException {
      gen.writeString(GoTime.format(value));
    }

    @Override
    public boolean isEmpty(SerializerProvider provider, Instant value) {
      return false;
    }
  }
}
