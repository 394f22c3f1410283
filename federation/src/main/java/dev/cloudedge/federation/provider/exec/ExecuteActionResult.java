package dev.cloudedge.federation.provider.exec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.Map;
import java.util.TreeMap;

/**
 * The executor protocol result read from an executor's stdout (reference §4.8).
 *
 * @param apiVersion {@code provideraction.routerd.net/v1alpha1} (not checked on read, as routerd)
 * @param kind {@code ExecuteActionResult}
 * @param status the outcome
 */
@JsonPropertyOrder({"apiVersion", "kind", "status"})
public record ExecuteActionResult(String apiVersion, String kind, Status status) {
  public static final String SUCCEEDED = "succeeded";
  public static final String FAILED = "failed";
  public static final String SKIPPED = "skipped";

  public ExecuteActionResult {
    apiVersion = apiVersion == null ? "" : apiVersion;
    kind = kind == null ? "" : kind;
    status = status == null ? new Status(null, null, null, false, null) : status;
  }

  /** A result with the protocol apiVersion and kind. */
  public static ExecuteActionResult of(Status status) {
    return new ExecuteActionResult(ExecuteActionRequest.API_VERSION, "ExecuteActionResult", status);
  }

  /** Shorthand for a result. */
  public static ExecuteActionResult of(String status, String message, Map<String, String> observed, boolean undo,
      String error) {
    return of(new Status(status, message, observed, undo, error));
  }

  /**
   * The result status.
   *
   * @param status succeeded, failed or skipped
   * @param message what happened, e.g. {@code assigned 10.88.60.9 to eni-1}
   * @param observed what the executor saw (priors for undo, failure class)
   * @param undoAvailable whether the action can be undone
   * @param error the error text for a failure
   */
  @JsonPropertyOrder({"status", "message", "observed", "undoAvailable", "error"})
  public record Status(
      String status,
      @JsonInclude(JsonInclude.Include.NON_EMPTY) String message,
      @JsonInclude(JsonInclude.Include.NON_EMPTY) Map<String, String> observed,
      @JsonInclude(JsonInclude.Include.NON_DEFAULT) boolean undoAvailable,
      @JsonInclude(JsonInclude.Include.NON_EMPTY) String error) {
    public Status {
      status = status == null ? "" : status;
      message = message == null ? "" : message;
      observed = observed == null ? Map.of() : new TreeMap<>(observed);
      error = error == null ? "" : error;
    }
  }
}
