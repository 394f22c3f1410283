package dev.cloudedge.federation.doctor;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.Objects;

/**
 * One suggested remediation (reference §3.2). The JSON keys are routerd's; readiness is derived
 * from the action type and is not part of the JSON contract.
 *
 * @param action the typed action
 * @param reason the originating check's detail, verbatim
 * @param targetPeer the peer, omitted when empty
 * @param targetGroup the EventGroup, omitted when empty
 * @param targetResource {@code EventSubscription/<name>} for subscription actions, omitted when empty
 * @param safe whether the action is idempotent and retryable without risk
 * @param requiresOperatorApproval whether a human must approve it first
 */
@JsonPropertyOrder({"action", "reason", "targetPeer", "targetGroup", "targetResource", "safe",
    "requiresOperatorApproval"})
public record RemediationAction(
    RemediationActionType action,
    String reason,
    @JsonInclude(JsonInclude.Include.NON_EMPTY) String targetPeer,
    @JsonInclude(JsonInclude.Include.NON_EMPTY) String targetGroup,
    @JsonInclude(JsonInclude.Include.NON_EMPTY) String targetResource,
    boolean safe,
    boolean requiresOperatorApproval) {

  public RemediationAction {
    Objects.requireNonNull(action, "action");
    reason = reason == null ? "" : reason;
    targetPeer = targetPeer == null ? "" : targetPeer;
    targetGroup = targetGroup == null ? "" : targetGroup;
    targetResource = targetResource == null ? "" : targetResource;
  }

  /** An action of {@code type} with that type's safe/approval flags. */
  public static RemediationAction of(RemediationActionType type, String reason, String group, String peer,
      String resource) {
    return new RemediationAction(type, reason, peer, group, resource, type.safe(), type.requiresOperatorApproval());
  }

  /** The auto-execution readiness of this action (reference §4.1). */
  @JsonIgnore
  public Readiness readiness() {
    return action.readiness();
  }

  /** The dedup key: (action, group, peer, resource). */
  @JsonIgnore
  public String dedupKey() {
    return action.wire() + "\u0000" + targetGroup + "\u0000" + targetPeer + "\u0000" + targetResource;
  }
}
