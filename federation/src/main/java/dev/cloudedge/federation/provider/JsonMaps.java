package dev.cloudedge.federation.provider;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.util.Map;
import java.util.TreeMap;

/** JSON helpers for the string maps the journal stores (target, parameters, observed). */
public final class JsonMaps {
  /** Compact JSON with sorted keys, as Go's encoding/json writes maps. */
  public static final ObjectMapper JSON = new ObjectMapper()
      .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  private static final TypeReference<TreeMap<String, String>> MAP = new TypeReference<>() {};

  private JsonMaps() {}

  /** Encodes a map, or returns empty for an empty map (stored as NULL). */
  public static String encode(Map<String, String> m) {
    if (m == null || m.isEmpty()) {
      return "";
    }
    try {
      return JSON.writeValueAsString(new TreeMap<>(m));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("encode map: " + e.getOriginalMessage(), e);
    }
  }

  /**
   * Decodes a JSON object of scalar values into strings (numbers and booleans keep their JSON
   * text), or an empty map for empty input.
   *
   * @throws IllegalArgumentException when the text is not a JSON object
   */
  public static Map<String, String> decode(String json) {
    if (json == null || json.isBlank()) {
      return new TreeMap<>();
    }
    try {
      JsonNode n = JSON.readTree(json);
      if (n == null || n.isNull()) {
        return new TreeMap<>();
      }
      if (!n.isObject()) {
        throw new IllegalArgumentException("expected a JSON object, got " + n.getNodeType().name().toLowerCase());
      }
      TreeMap<String, String> out = new TreeMap<>();
      n.fields().forEachRemaining(e -> out.put(e.getKey(),
          e.getValue().isTextual() ? e.getValue().asText() : e.getValue().isNull() ? "" : e.getValue().toString()));
      return out;
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(e.getOriginalMessage(), e);
    }
  }

  /** Reads JSON into a map type without throwing checked exceptions. */
  static TreeMap<String, String> read(String json) throws JsonProcessingException {
    return JSON.readValue(json, MAP);
  }
}
