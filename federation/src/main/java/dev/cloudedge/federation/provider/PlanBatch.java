package dev.cloudedge.federation.provider;

import dev.cloudedge.federation.plan.ActionPlan;
import java.time.Instant;
import java.util.List;

/**
 * Plans from one source (a DynamicConfigPart, a plan file) offered to the journal import.
 *
 * @param source the part source or file the plans came from
 * @param expiresAt when the source expires ({@code null}: never); expired sources are ignored entirely
 * @param plans the plans, in order
 */
public record PlanBatch(String source, Instant expiresAt, List<ActionPlan> plans) {
  public PlanBatch {
    source = source == null ? "" : source;
    plans = plans == null ? List.of() : List.copyOf(plans);
  }
}
