package dev.cloudedge.activities.evidence;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A JSON Schema (draft-07) validator for the keywords our evidence schema uses: {@code type},
 * {@code required}, {@code properties}, {@code additionalProperties} (boolean), {@code items},
 * {@code enum}, {@code const}, {@code minLength}, {@code minimum}, {@code pattern}, {@code format:
 * date-time} and {@code if}/{@code then}/{@code else}. A schema using any other validation keyword
 * is rejected when loaded, so a later schema change cannot be silently ignored.
 */
public final class EvidenceSchema {
  /** The classpath copy of {@code scripts/cloudedge-federation-evidence-schema.json}. */
  public static final String RESOURCE = "cloudedge-federation-evidence-schema.json";

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Set<String> ANNOTATIONS = Set.of("$schema", "$id", "title", "description");
  private static final Set<String> SUPPORTED = Set.of("type", "required", "properties", "additionalProperties",
      "items", "enum", "const", "minLength", "minimum", "pattern", "format", "if", "then", "else");

  private final JsonNode schema;

  private EvidenceSchema(JsonNode schema) {
    this.schema = schema;
    checkKeywords(schema, "#");
  }

  /** The schema shipped with this build. */
  public static EvidenceSchema shipped() {
    try (InputStream in = EvidenceSchema.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("evidence schema resource " + RESOURCE + " missing from the build");
      }
      return new EvidenceSchema(JSON.readTree(in));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the evidence schema: " + e.getMessage(), e);
    }
  }

  /** A schema from its JSON text. */
  public static EvidenceSchema of(String json) {
    try {
      return new EvidenceSchema(JSON.readTree(json));
    } catch (IOException e) {
      throw new IllegalArgumentException("evidence schema is not JSON: " + e.getMessage(), e);
    }
  }

  private static void checkKeywords(JsonNode s, String at) {
    if (!s.isObject()) {
      throw new IllegalArgumentException("schema at " + at + " is not an object");
    }
    for (Iterator<String> it = s.fieldNames(); it.hasNext(); ) {
      String k = it.next();
      if (!ANNOTATIONS.contains(k) && !SUPPORTED.contains(k)) {
        throw new IllegalArgumentException("schema keyword '" + k + "' at " + at + " is not supported by the validator");
      }
    }
    if (s.has("format") && !"date-time".equals(s.get("format").asText())) {
      throw new IllegalArgumentException("schema format '" + s.get("format").asText() + "' at " + at + " is not supported");
    }
    if (s.has("properties")) {
      s.get("properties").fields().forEachRemaining(e -> checkKeywords(e.getValue(), at + "/properties/" + e.getKey()));
    }
    for (String sub : List.of("items", "if", "then", "else")) {
      if (s.has(sub)) {
        checkKeywords(s.get(sub), at + "/" + sub);
      }
    }
  }

  /** Every violation of {@code document}, as {@code <json-pointer>: <problem>}; empty when valid. */
  public List<String> validate(JsonNode document) {
    Objects.requireNonNull(document, "document");
    List<String> errors = new ArrayList<>();
    validate(schema, document, "", errors);
    return errors;
  }

  private static void validate(JsonNode s, JsonNode v, String at, List<String> errors) {
    String where = at.isEmpty() ? "/" : at;
    if (s.has("type") && !typeMatches(s.get("type"), v)) {
      errors.add(where + ": " + describe(v) + " is not of type " + s.get("type"));
      return;
    }
    if (s.has("const") && !s.get("const").equals(v)) {
      errors.add(where + ": must be " + s.get("const"));
    }
    if (s.has("enum")) {
      boolean found = false;
      for (JsonNode e : s.get("enum")) {
        found |= e.equals(v);
      }
      if (!found) {
        errors.add(where + ": " + v + " is not one of " + s.get("enum"));
      }
    }
    if (v.isTextual()) {
      if (s.has("minLength") && v.asText().codePointCount(0, v.asText().length()) < s.get("minLength").asInt()) {
        errors.add(where + ": shorter than " + s.get("minLength").asInt());
      }
      if (s.has("pattern") && !Pattern.compile(s.get("pattern").asText()).matcher(v.asText()).find()) {
        errors.add(where + ": does not match " + s.get("pattern").asText());
      }
      if (s.has("format") && !isDateTime(v.asText())) {
        errors.add(where + ": " + v + " is not a date-time");
      }
    }
    if (v.isNumber() && s.has("minimum") && v.decimalValue().compareTo(s.get("minimum").decimalValue()) < 0) {
      errors.add(where + ": " + v + " is less than " + s.get("minimum"));
    }
    if (v.isObject()) {
      if (s.has("required")) {
        for (JsonNode r : s.get("required")) {
          if (!v.has(r.asText())) {
            errors.add(where + ": required key '" + r.asText() + "' is missing");
          }
        }
      }
      JsonNode props = s.path("properties");
      for (Iterator<Map.Entry<String, JsonNode>> it = v.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        if (props.has(e.getKey())) {
          validate(props.get(e.getKey()), e.getValue(), at + "/" + e.getKey(), errors);
        } else if (s.has("additionalProperties") && !s.get("additionalProperties").asBoolean(true)) {
          errors.add(where + ": key '" + e.getKey() + "' is not allowed");
        }
      }
    }
    if (v.isArray() && s.has("items")) {
      for (int i = 0; i < v.size(); i++) {
        validate(s.get("items"), v.get(i), at + "/" + i, errors);
      }
    }
    if (s.has("if")) {
      List<String> probe = new ArrayList<>();
      validate(s.get("if"), v, at, probe);
      JsonNode branch = probe.isEmpty() ? s.get("then") : s.get("else");
      if (branch != null) {
        validate(branch, v, at, errors);
      }
    }
  }

  private static boolean typeMatches(JsonNode type, JsonNode v) {
    if (type.isArray()) {
      for (JsonNode t : type) {
        if (typeMatches(t, v)) {
          return true;
        }
      }
      return false;
    }
    return switch (type.asText()) {
      case "object" -> v.isObject();
      case "array" -> v.isArray();
      case "string" -> v.isTextual();
      case "integer" -> v.isIntegralNumber() || (v.isNumber() && v.decimalValue().stripTrailingZeros().scale() <= 0);
      case "number" -> v.isNumber();
      case "boolean" -> v.isBoolean();
      case "null" -> v.isNull();
      default -> throw new IllegalArgumentException("unknown schema type " + type.asText());
    };
  }

  private static boolean isDateTime(String s) {
    try {
      OffsetDateTime.parse(s);
      return true;
    } catch (DateTimeParseException e) {
      return false;
    }
  }

  private static String describe(JsonNode v) {
    String text = v.toString();
    return text.length() > 60 ? text.substring(0, 57) + "..." : text;
  }
}
