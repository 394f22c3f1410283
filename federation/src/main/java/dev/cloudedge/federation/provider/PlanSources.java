package dev.cloudedge.federation.provider;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import dev.cloudedge.federation.config.Yaml;
import dev.cloudedge.federation.event.GoTime;
import dev.cloudedge.federation.plan.ActionPlan;
import dev.cloudedge.federation.store.FederationStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Where plans to import come from: the {@code dynamic_config_parts} table that subscription runs
 * fill (routerd's source; read only when the table exists), and plan files (a JSON/YAML list of
 * plans, a PluginResult with {@code status.actionPlans}, or a DynamicConfigPart with
 * {@code spec.actionPlans}).
 */
public final class PlanSources {
  private static final TypeReference<List<ActionPlan>> PLANS = new TypeReference<>() {};

  private PlanSources() {}

  /** Plans of every part with plans; the import drops expired parts. Empty when the table does not exist. */
  public static List<PlanBatch> fromDynamicParts(FederationStore store) {
    boolean exists = !store.query("SELECT name FROM sqlite_master WHERE type='table' AND name='dynamic_config_parts'",
        List.of(), rs -> rs.getString(1)).isEmpty();
    if (!exists) {
      return List.of();
    }
    List<Object[]> rows = store.query("SELECT source, expires_at, actionplans_json FROM dynamic_config_parts "
        + "WHERE actionplans_json IS NOT NULL AND actionplans_json != '' ORDER BY source, generation",
        List.of(), rs -> new Object[] {rs.getString(1), rs.getObject(2), rs.getString(3)});
    List<PlanBatch> out = new ArrayList<>();
    for (Object[] r : rows) {
      String source = (String) r[0];
      try {
        List<ActionPlan> plans = Yaml.MAPPER.readValue((String) r[2], PLANS);
        out.add(new PlanBatch(source, time(r[1]), plans == null ? List.of() : plans));
      } catch (IOException e) {
        throw new IllegalArgumentException("dynamic_config_parts source " + source + ": actionplans_json does not decode: "
            + e.getMessage().lines().findFirst().orElse(""), e);
      }
    }
    return out;
  }

  private static Instant time(Object v) {
    if (v == null) {
      return null;
    }
    if (v instanceof Number n) {
      long x = n.longValue();
      return x <= 0 ? null : x > 100_000_000_000L ? Instant.ofEpochMilli(x) : Instant.ofEpochSecond(x);
    }
    String s = v.toString().trim();
    if (s.isEmpty()) {
      return null;
    }
    if (s.chars().allMatch(Character::isDigit)) {
      return time(Long.parseLong(s));
    }
    try {
      return GoTime.parse(s);
    } catch (IllegalArgumentException e) {
      // An unreadable expiry must not make plans immortal: treat it as already expired.
      return Instant.EPOCH.plusSeconds(1);
    }
  }

  /**
   * Plans from a file; the source is {@code file:<path>} and the file never expires.
   *
   * @throws IllegalArgumentException naming the file when it is missing or does not hold plans
   */
  public static PlanBatch fromFile(Path file) {
    JsonNode root;
    try {
      root = Yaml.MAPPER.readTree(Files.readString(file));
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException("plan file " + file + " does not exist", e);
    } catch (IOException e) {
      throw new IllegalArgumentException("plan file " + file + ": " + e.getMessage().lines().findFirst().orElse(""), e);
    }
    JsonNode list = root;
    if (root != null && root.isObject()) {
      for (JsonNode cand : List.of(root.path("actionPlans"), root.path("status").path("actionPlans"),
          root.path("spec").path("actionPlans"))) {
        if (cand.isArray()) {
          list = cand;
          break;
        }
      }
    }
    if (list == null || !list.isArray()) {
      throw new IllegalArgumentException("plan file " + file
          + ": expected a list of action plans, or an object with actionPlans, status.actionPlans or spec.actionPlans");
    }
    try {
      List<ActionPlan> plans = Yaml.MAPPER.treeToValue(list, Yaml.MAPPER.getTypeFactory()
          .constructCollectionType(List.class, ActionPlan.class));
      return new PlanBatch("file:" + file, null, plans);
    } catch (IOException e) {
      throw new IllegalArgumentException("plan file " + file + ": " + e.getMessage().lines().findFirst().orElse(""), e);
    }
  }
}
