package dev.cloudedge.federation.doctor;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;

/**
 * Canonical JSON for digests and byte comparisons: object keys sorted by code point, no
 * whitespace, UTF-8, minimal string escaping (quote, backslash and control characters only),
 * integers in plain decimal. The same value always yields the same bytes, whatever the order in
 * which it was built, so {@code sha256:} over it is a stable identity evidence can record.
 */
public final class CanonicalJson {
  private static final ObjectMapper MAPPER = JsonMapper.builder().build();

  private CanonicalJson() {}

  /** The canonical bytes of a Jackson-serializable value (records, lists, maps, trees). */
  public static byte[] bytes(Object value) {
    JsonNode tree = value instanceof JsonNode n ? n : MAPPER.valueToTree(value);
    StringBuilder sb = new StringBuilder();
    write(sb, tree);
    return sb.toString().getBytes(StandardCharsets.UTF_8);
  }

  /** The canonical text of a value. */
  public static String string(Object value) {
    return new String(bytes(value), StandardCharsets.UTF_8);
  }

  /** {@code sha256:} followed by the lowercase hex SHA-256 of the canonical bytes. */
  public static String sha256(Object value) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(bytes(value));
      return "sha256:" + HexFormat.of().formatHex(d);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by every Java platform", e);
    }
  }

  private static void write(StringBuilder sb, JsonNode n) {
    if (n == null || n.isNull() || n.isMissingNode()) {
      sb.append("null");
    } else if (n.isObject()) {
      List<String> keys = new ArrayList<>();
      Iterator<String> it = n.fieldNames();
      it.forEachRemaining(keys::add);
      keys.sort(GoStrings.ORDER);
      sb.append('{');
      for (int i = 0; i < keys.size(); i++) {
        if (i > 0) {
          sb.append(',');
        }
        GoJson.quote(sb, keys.get(i), false);
        sb.append(':');
        write(sb, n.get(keys.get(i)));
      }
      sb.append('}');
    } else if (n.isArray()) {
      sb.append('[');
      boolean first = true;
      for (JsonNode v : n) {
        if (!first) {
          sb.append(',');
        }
        first = false;
        write(sb, v);
      }
      sb.append(']');
    } else if (n.isTextual()) {
      GoJson.quote(sb, n.textValue(), false);
    } else if (n.isIntegralNumber()) {
      sb.append(n.bigIntegerValue().toString());
    } else if (n.isNumber()) {
      BigDecimal d = n.decimalValue().stripTrailingZeros();
      sb.append(d.scale() <= 0 ? d.toBigIntegerExact().toString() : d.toPlainString());
    } else {
      sb.append(n.asText());
    }
  }
}
