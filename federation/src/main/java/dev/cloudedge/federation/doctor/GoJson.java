package dev.cloudedge.federation.doctor;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.Map;

/**
 * Writes a JSON tree exactly as Go's {@code json.Encoder} with {@code SetIndent("", "  ")} does:
 * {@code "key": value}, 2-space indent, {@code []} and {@code {}} for empty containers, HTML
 * escaping of {@code <}, {@code >} and {@code &} (so byte-compatible with routerd's output), and a
 * trailing newline. Key order is the tree's.
 */
public final class GoJson {
  private GoJson() {}

  /** The indented document with a trailing newline. */
  public static String indent(JsonNode node) {
    StringBuilder sb = new StringBuilder();
    write(sb, node, 0);
    sb.append('\n');
    return sb.toString();
  }

  private static void newline(StringBuilder sb, int depth) {
    sb.append('\n');
    sb.append("  ".repeat(depth));
  }

  private static void write(StringBuilder sb, JsonNode n, int depth) {
    if (n == null || n.isNull() || n.isMissingNode()) {
      sb.append("null");
    } else if (n.isObject()) {
      if (n.isEmpty()) {
        sb.append("{}");
        return;
      }
      sb.append('{');
      Iterator<Map.Entry<String, JsonNode>> it = n.fields();
      boolean first = true;
      while (it.hasNext()) {
        Map.Entry<String, JsonNode> e = it.next();
        if (!first) {
          sb.append(',');
        }
        first = false;
        newline(sb, depth + 1);
        quote(sb, e.getKey(), true);
        sb.append(": ");
        write(sb, e.getValue(), depth + 1);
      }
      newline(sb, depth);
      sb.append('}');
    } else if (n.isArray()) {
      if (n.isEmpty()) {
        sb.append("[]");
        return;
      }
      sb.append('[');
      boolean first = true;
      for (JsonNode v : n) {
        if (!first) {
          sb.append(',');
        }
        first = false;
        newline(sb, depth + 1);
        write(sb, v, depth + 1);
      }
      newline(sb, depth);
      sb.append(']');
    } else if (n.isTextual()) {
      quote(sb, n.textValue(), true);
    } else {
      sb.append(n.asText());
    }
  }

  /**
   * Appends {@code s} as a JSON string. With {@code html}, escapes {@code < > &} as Go does;
   * U+2028/U+2029 are always escaped (Go does too).
   */
  static void quote(StringBuilder sb, String s, boolean html) {
    sb.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        case '\b' -> sb.append("\\b");
        case '\f' -> sb.append("\\f");
        case '\u2028', '\u2029' -> sb.append(String.format("\\u%04x", (int) c));
        default -> {
          if (c < 0x20 || (html && (c == '<' || c == '>' || c == '&'))) {
            sb.append(String.format("\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
        }
      }
    }
    sb.append('"');
  }
}
