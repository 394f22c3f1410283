package dev.cloudedge.federation.doctor;

import com.fasterxml.jackson.annotation.JsonValue;

/** Auto-execution readiness of a remediation action (reference §4.1). */
public enum Readiness {
  /** Safe and idempotent: may be run by a remediation workflow when policy allows, under a rate limit. */
  READY("ready"),
  /** Diagnostic only: collects information, never mutates; never auto-executed as a fix. */
  INSPECT_ONLY("inspect-only"),
  /** Needs operator judgment or a config change: only ever runs after an explicit approval. */
  NOT_READY("not-ready");

  private final String wire;

  Readiness(String wire) {
    this.wire = wire;
  }

  /** The readiness as written in docs and evidence. */
  @JsonValue
  public String wire() {
    return wire;
  }
}
