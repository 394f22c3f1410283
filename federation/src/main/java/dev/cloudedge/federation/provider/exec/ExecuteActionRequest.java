package dev.cloudedge.federation.provider.exec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.Map;
import java.util.TreeMap;

/**
 * The executor protocol request written to an executor's stdin (reference §4.8).
 *
 * @param apiVersion {@code provideraction.routerd.net/v1alpha1}
 * @param kind {@code ExecuteActionRequest}
 * @param spec what to do
 */
@JsonPropertyOrder({"apiVersion", "kind", "spec"})
public record ExecuteActionRequest(String apiVersion, String kind, Spec spec) {
  /** The protocol apiVersion. */
  public static final String API_VERSION = "provideraction.routerd.net/v1alpha1";

  public ExecuteActionRequest {
    apiVersion = apiVersion == null ? "" : apiVersion;
    kind = kind == null ? "" : kind;
    spec = spec == null ? new Spec(null, null, null, null, null, null, null, null) : spec;
  }

  /** A request with the protocol apiVersion and kind. */
  public static ExecuteActionRequest of(Spec spec) {
    return new ExecuteActionRequest(API_VERSION, "ExecuteActionRequest", spec);
  }

  /**
   * The request spec.
   *
   * @param action the verb
   * @param provider aws, azure, oci or gcp
   * @param providerRef the CloudProviderProfile name (omitted when empty)
   * @param target target keys (omitted when empty)
   * @param parameters parameters (omitted when empty)
   * @param mode {@code dry-run} or {@code execute}
   * @param idempotencyKey the journal key ({@code <key>:undo} for a rollback)
   * @param context always {@code {}} from the engine
   */
  @JsonPropertyOrder({"action", "provider", "providerRef", "target", "parameters", "mode", "idempotencyKey", "context"})
  public record Spec(
      String action,
      String provider,
      @JsonInclude(JsonInclude.Include.NON_EMPTY) String providerRef,
      @JsonInclude(JsonInclude.Include.NON_EMPTY) Map<String, String> target,
      @JsonInclude(JsonInclude.Include.NON_EMPTY) Map<String, String> parameters,
      String mode,
      String idempotencyKey,
      @JsonInclude(JsonInclude.Include.ALWAYS) Map<String, Object> context) {
    public Spec {
      action = action == null ? "" : action;
      provider = provider == null ? "" : provider;
      providerRef = providerRef == null ? "" : providerRef;
      target = target == null ? Map.of() : new TreeMap<>(target);
      parameters = parameters == null ? Map.of() : new TreeMap<>(parameters);
      mode = mode == null ? "" : mode;
      idempotencyKey = idempotencyKey == null ? "" : idempotencyKey;
      context = context == null ? Map.of() : new TreeMap<>(context);
    }

    /** A target value, or empty. */
    public String t(String key) {
      return target.getOrDefault(key, "").trim();
    }

    /** A parameter value, or empty. */
    public String p(String key) {
      return parameters.getOrDefault(key, "").trim();
    }
  }
}
