package dev.cloudedge.federation.doctor;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * The {@code slo} block. {@code groups} is {@code null} (JSON {@code null}, as routerd prints it)
 * when no group is known from config or state.
 *
 * @param groups per-group status in ascending name order, or {@code null}
 */
public record SloReport(@JsonInclude(JsonInclude.Include.ALWAYS) List<SloGroupStatus> groups) {
  public SloReport {
    groups = groups == null || groups.isEmpty() ? null : List.copyOf(groups);
  }
}
