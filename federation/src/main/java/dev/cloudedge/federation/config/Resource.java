package dev.cloudedge.federation.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.util.Objects;

/**
 * One configuration resource as written (apiVersion, kind, metadata.name, spec), before any
 * Kind-specific decoding. Keeping the raw spec lets the doctor see a resource that validation
 * would reject.
 *
 * @param apiVersion the resource's apiVersion as written
 * @param kind the resource's kind
 * @param name {@code metadata.name}, or empty when missing
 * @param spec the raw spec ({@link MissingNode} when absent)
 * @param origin where it came from: {@code <file>#<document>[/resources[<i>]]}
 */
public record Resource(String apiVersion, String kind, String name, JsonNode spec, String origin) {
  public Resource {
    apiVersion = apiVersion == null ? "" : apiVersion;
    kind = kind == null ? "" : kind;
    name = name == null ? "" : name;
    spec = spec == null ? MissingNode.getInstance() : spec;
    origin = Objects.requireNonNullElse(origin, "");
  }

  /** The reference's resource id: {@code <apiVersion>/<kind>/<metadata.name>}. */
  public String id() {
    return apiVersion + "/" + kind + "/" + name;
  }

  /**
   * Decodes the spec into a Kind's spec record.
   *
   * @throws SpecDecodeException prefixed {@code <id> spec: } when a field has the wrong type
   */
  public <T> T decodeSpec(Class<T> type) throws SpecDecodeException {
    try {
      JsonNode node = spec.isMissingNode() || spec.isNull() ? Yaml.MAPPER.createObjectNode() : spec;
      return Yaml.MAPPER.treeToValue(node, type);
    } catch (com.fasterxml.jackson.core.JsonProcessingException | IllegalArgumentException e) {
      String msg = e instanceof com.fasterxml.jackson.core.JsonProcessingException jpe
          ? jpe.getOriginalMessage() : e.getMessage();
      throw new SpecDecodeException(id() + " spec: " + msg, e);
    }
  }
}
