package dev.cloudedge.federation.plan;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A provider action plan (subscription reference §3.1): what a planner proposes to do on a cloud
 * (assign a secondary IP, ensure forwarding). Inert data: nothing in the federation library acts
 * on it; execution is a separate, policy-gated path with its own journal.
 *
 * @param name unique plan name, e.g. {@code aws-assign-10-88-60-9-32}
 * @param provider {@code aws}, {@code azure}, {@code oci} or {@code gcp}
 * @param action one of {@link ActionPlans#ACTIONS}
 * @param target provider target keys (nicRef, address, region, ...)
 * @param providerRef the CloudProviderProfile name, or empty
 * @param mode empty or {@code dry-run} when emitted by a planner
 * @param description what the plan does, for an operator
 * @param riskLevel {@code low}, {@code medium}, {@code high} or empty
 * @param idempotencyKey the journal key; plans without one are never imported
 * @param parameters action parameters
 * @param preconditions checks an executor must see hold
 * @param expectedEffects what should be true afterwards
 * @param undo the inverse action, or {@code null}
 */
@JsonPropertyOrder({"name", "provider", "action", "target", "providerRef", "mode", "description", "riskLevel",
    "idempotencyKey", "parameters", "preconditions", "expectedEffects", "undo"})
public record ActionPlan(
    String name,
    String provider,
    String action,
    @JsonInclude(JsonInclude.Include.ALWAYS) Map<String, String> target,
    @JsonInclude(JsonInclude.Include.NON_EMPTY) String providerRef,
    @JsonInclude(JsonInclude.Include.NON_EMPTY) String mode,
    @JsonInclude(JsonInclude.Include.NON_EMPTY) String description,
    @JsonInclude(JsonInclude.Include.NON_EMPTY) String riskLevel,
    @JsonInclude(JsonInclude.Include.NON_EMPTY) String idempotencyKey,
    @JsonInclude(JsonInclude.Include.NON_EMPTY) Map<String, String> parameters,
    @JsonInclude(JsonInclude.Include.NON_EMPTY) List<Precondition> preconditions,
    @JsonInclude(JsonInclude.Include.NON_EMPTY) List<String> expectedEffects,
    @JsonInclude(JsonInclude.Include.NON_NULL) Undo undo) {

  public ActionPlan {
    name = nz(name);
    provider = nz(provider);
    action = nz(action);
    target = target == null ? null : new TreeMap<>(target);
    providerRef = nz(providerRef);
    mode = nz(mode);
    description = nz(description);
    riskLevel = nz(riskLevel);
    idempotencyKey = nz(idempotencyKey);
    parameters = parameters == null ? Map.of() : new TreeMap<>(parameters);
    preconditions = preconditions == null ? List.of() : List.copyOf(preconditions);
    expectedEffects = expectedEffects == null ? List.of() : List.copyOf(expectedEffects);
  }

  private static String nz(String s) {
    return s == null ? "" : s;
  }

  /** A target value, or empty. */
  public String targetValue(String key) {
    return target == null ? "" : target.getOrDefault(key, "");
  }

  /**
   * A precondition an executor must see hold.
   *
   * @param name what is checked
   * @param expect the expected value
   * @param detail free text
   * @param target keys of the resource checked
   */
  @JsonPropertyOrder({"name", "expect", "detail", "target"})
  public record Precondition(
      String name,
      @JsonInclude(JsonInclude.Include.NON_EMPTY) String expect,
      @JsonInclude(JsonInclude.Include.NON_EMPTY) String detail,
      @JsonInclude(JsonInclude.Include.NON_EMPTY) Map<String, String> target) {
    public Precondition {
      name = nz(name);
      expect = nz(expect);
      detail = nz(detail);
      target = target == null ? Map.of() : new TreeMap<>(target);
    }
  }

  /**
   * The inverse action of a plan.
   *
   * @param action the inverse action
   * @param parameters its target and parameters
   */
  @JsonPropertyOrder({"action", "parameters"})
  public record Undo(String action, @JsonInclude(JsonInclude.Include.NON_EMPTY) Map<String, String> parameters) {
    public Undo {
      action = nz(action);
      parameters = parameters == null ? Map.of() : new TreeMap<>(parameters);
    }
  }
}
