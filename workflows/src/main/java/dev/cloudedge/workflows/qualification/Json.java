package dev.cloudedge.workflows.qualification;

import java.util.List;
import java.util.Map;

/**
 * JSON text for evidence values built inside workflow code, where no I/O library belongs. Values are
 * passed to the evidence activity as JSON text so key order and types (string vs integer) are
 * exactly what the schema declares.
 */
public final class Json {
  private Json() {}

  /** A JSON string. */
  public static String str(String s) {
    if (s == null) {
      return "null";
    }
    StringBuilder b = new StringBuilder(s.length() + 2).append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        default -> {
          if (c < 0x20) {
            b.append(String.format("\\u%04x", (int) c));
          } else {
            b.append(c);
          }
        }
      }
    }
    return b.append('"').toString();
  }

  /** A JSON integer. */
  public static String num(long n) {
    return Long.toString(n);
  }

  /** A JSON boolean. */
  public static String bool(boolean v) {
    return Boolean.toString(v);
  }

  /** A JSON array of already-encoded values. */
  public static String array(List<String> encoded) {
    return "[" + String.join(",", encoded) + "]";
  }

  /** A JSON object of already-encoded values, in map order. */
  public static String object(Map<String, String> encoded) {
    StringBuilder b = new StringBuilder("{");
    boolean first = true;
    for (Map.Entry<String, String> e : encoded.entrySet()) {
      if (!first) {
        b.append(',');
      }
      first = false;
      b.append(str(e.getKey())).append(':').append(e.getValue());
    }
    return b.append('}').toString();
  }
}
