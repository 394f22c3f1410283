package dev.cloudedge.federation.doctor;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** The status of one doctor check; JSON prints it lower-case, the table upper-case. */
public enum CheckStatus {
  PASS,
  WARN,
  FAIL,
  SKIP;

  /** The JSON form: {@code pass}, {@code warn}, {@code fail}, {@code skip}. */
  @JsonValue
  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }
}
