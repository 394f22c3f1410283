package dev.cloudedge.federation.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Loads multi-document YAML manifests into a {@link FederationConfig}. A document is either one
 * resource or a routerd {@code Router} (apiVersion {@code routerd.net/v1alpha1}) whose resources
 * sit under {@code spec.resources}, so an existing routerd config can be used as is. Loading never
 * validates; {@link ConfigValidator} does.
 */
public final class ConfigLoader {
  /** The apiVersion of a routerd top-level Router document. */
  public static final String ROUTER_API_VERSION = "routerd.net/v1alpha1";

  private ConfigLoader() {}

  /** Loads every file in order. */
  public static FederationConfig load(List<Path> files) throws ConfigException {
    Objects.requireNonNull(files, "files");
    if (files.isEmpty()) {
      throw new ConfigException("no config file given (use --config FILE)");
    }
    List<Resource> out = new ArrayList<>();
    for (Path f : files) {
      out.addAll(loadFile(f));
    }
    return new FederationConfig(List.copyOf(files), out);
  }

  /** Loads one file's resources. */
  public static List<Resource> loadFile(Path file) throws ConfigException {
    String text;
    try {
      text = Files.readString(file);
    } catch (NoSuchFileException e) {
      throw new ConfigException("config file " + file + " does not exist", e);
    } catch (IOException e) {
      throw new ConfigException("cannot read config file " + file + ": " + e.getMessage(), e);
    }
    return parse(text, file.toString());
  }

  /** Parses manifest text; {@code origin} names it in errors. */
  public static List<Resource> parse(String text, String origin) throws ConfigException {
    List<Resource> out = new ArrayList<>();
    int doc = 0;
    try (JsonParser p = Yaml.MAPPER.getFactory().createParser(text);
        MappingIterator<JsonNode> it = Yaml.MAPPER.readValues(p, JsonNode.class)) {
      while (it.hasNextValue()) {
        doc++;
        JsonNode node = it.nextValue();
        if (node == null || node.isNull() || node.isMissingNode()) {
          continue;
        }
        String where = origin + " document " + doc;
        if (!node.isObject()) {
          throw new ConfigException(where + ": expected a mapping with apiVersion and kind");
        }
        String kind = node.path("kind").asText("");
        String apiVersion = node.path("apiVersion").asText("");
        if ("Router".equals(kind) && ROUTER_API_VERSION.equals(apiVersion)) {
          JsonNode list = node.path("spec").path("resources");
          if (!list.isMissingNode() && !list.isNull() && !list.isArray()) {
            throw new ConfigException(where + ": spec.resources must be a list");
          }
          int i = 0;
          for (JsonNode r : list) {
            out.add(toResource(r, where + ROUTER_RESOURCES + i + "]"));
            i++;
          }
        } else {
          out.add(toResource(node, where));
        }
      }
    } catch (IOException | RuntimeException e) {
      if (e.getCause() instanceof ConfigException ce) {
        throw ce;
      }
      String msg = e instanceof com.fasterxml.jackson.core.JsonProcessingException jpe
          ? jpe.getOriginalMessage() : e.getMessage();
      String at = "";
      if (e instanceof com.fasterxml.jackson.core.JsonProcessingException jpe && jpe.getLocation() != null
          && jpe.getLocation().getLineNr() > 0) {
        at = " at line " + jpe.getLocation().getLineNr() + ", column " + jpe.getLocation().getColumnNr();
      }
      msg = oneLine(String.valueOf(msg));
      throw new ConfigException(origin + " document " + Math.max(doc, 1) + ": invalid YAML" + at + ": " + msg, e);
    }
    return out;
  }

  /**
   * SnakeYAML messages span several lines: the problem, then an indented {@code in 'reader', line
   * N} mark and a source snippet. An operator-facing error stays on one line and keeps the problem
   * text; the location is reported separately.
   */
  private static String oneLine(String msg) {
    StringBuilder sb = new StringBuilder();
    for (String line : msg.split("\\R")) {
      if (line.isBlank() || Character.isWhitespace(line.charAt(0))) {
        continue;
      }
      if (sb.length() > 0) {
        sb.append("; ");
      }
      sb.append(line.strip());
    }
    return sb.length() == 0 ? msg.strip() : sb.toString();
  }

  /** Whether the resource was listed under a routerd {@code Router} document's {@code spec.resources}. */
  static boolean inRouterDocument(Resource r) {
    return r.origin().contains(ROUTER_RESOURCES);
  }

  private static final String ROUTER_RESOURCES = " spec.resources[";

  private static Resource toResource(JsonNode r, String where) throws ConfigException {
    if (!r.isObject()) {
      throw new ConfigException(where + ": expected a mapping with apiVersion and kind");
    }
    String kind = r.path("kind").asText("");
    if (kind.isBlank()) {
      throw new ConfigException(where + ": kind is required");
    }
    return new Resource(
        r.path("apiVersion").asText(""),
        kind,
        r.path("metadata").path("name").asText(""),
        r.path("spec"),
        where);
  }
}
