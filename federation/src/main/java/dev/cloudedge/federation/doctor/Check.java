package dev.cloudedge.federation.doctor;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.Objects;

/**
 * One doctor check (reference §2.3). {@code code}, {@code detail} and {@code remedy} are omitted
 * from JSON when absent or empty.
 *
 * @param area always {@code federation} for the checks this package produces
 * @param code the stable code, or {@code null} for an un-coded check
 * @param name the check name, e.g. {@code cloudedge/peer-a delivery lag}
 * @param status the outcome
 * @param detail what was found ({@code ""} when nothing to say)
 * @param remedy what to do ({@code ""} when nothing to do)
 */
@JsonPropertyOrder({"area", "code", "name", "status", "detail", "remedy"})
public record Check(
    String area,
    @JsonInclude(JsonInclude.Include.NON_NULL) CheckCode code,
    String name,
    CheckStatus status,
    @JsonInclude(JsonInclude.Include.NON_EMPTY) String detail,
    @JsonInclude(JsonInclude.Include.NON_EMPTY) String remedy) {

  /** The area of every federation check. */
  public static final String FEDERATION_AREA = "federation";

  public Check {
    Objects.requireNonNull(area, "area");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(status, "status");
    detail = detail == null ? "" : detail;
    remedy = remedy == null ? "" : remedy;
  }

  static Check of(CheckCode code, String name, CheckStatus status, String detail, String remedy) {
    return new Check(FEDERATION_AREA, code, name, status, detail, remedy);
  }
}
