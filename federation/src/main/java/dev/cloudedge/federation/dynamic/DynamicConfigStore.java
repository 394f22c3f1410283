package dev.cloudedge.federation.dynamic;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import dev.cloudedge.federation.event.GoTime;
import dev.cloudedge.federation.plan.ActionPlan;
import dev.cloudedge.federation.plugin.PluginJson;
import dev.cloudedge.federation.plugin.PluginResult;
import dev.cloudedge.federation.store.FederationStore;
import dev.cloudedge.federation.store.StoreException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The {@code dynamic_config_parts} table: one row per {@code (source, generation)}; storing the
 * same key again overwrites it, so re-running the same batch never duplicates a part.
 */
public final class DynamicConfigStore {
  private static final TypeReference<List<PluginResult.ResourceEntry>> RESOURCES = new TypeReference<>() {};
  private static final TypeReference<List<PluginResult.Directive>> DIRECTIVES = new TypeReference<>() {};
  private static final TypeReference<List<ActionPlan>> PLANS = new TypeReference<>() {};

  private final FederationStore store;

  public DynamicConfigStore(FederationStore store) {
    this.store = Objects.requireNonNull(store, "store");
  }

  /** Inserts or overwrites the part (status {@code active}). */
  public void upsert(DynamicConfigPart p, Instant now) {
    String resources;
    String directives;
    String plans;
    try {
      resources = PluginJson.MAPPER.writeValueAsString(p.resources());
      directives = PluginJson.MAPPER.writeValueAsString(p.directives());
      plans = p.actionPlans().isEmpty() ? null : PluginJson.MAPPER.writeValueAsString(p.actionPlans());
    } catch (JsonProcessingException e) {
      throw new StoreException("encode dynamic config part " + p.name() + ": " + e.getOriginalMessage(), e);
    }
    String ts = GoTime.format(now);
    store.update("INSERT INTO dynamic_config_parts(source, generation, observed_at, expires_at, digest, resources_json, "
            + "directives_json, actionplans_json, status, error, created_at, updated_at) "
            + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'active', NULL, ?, ?) "
            + "ON CONFLICT(source, generation) DO UPDATE SET observed_at = excluded.observed_at, "
            + "expires_at = excluded.expires_at, digest = excluded.digest, resources_json = excluded.resources_json, "
            + "directives_json = excluded.directives_json, actionplans_json = excluded.actionplans_json, "
            + "status = 'active', error = NULL, updated_at = excluded.updated_at",
        p.source(), p.generation(), GoTime.format(p.observedAt()), GoTime.format(p.expiresAt()), p.digest(),
        resources, directives, plans, ts, ts);
  }

  /**
   * Parts in insertion order; expired ones (now ≥ expiresAt) are left out unless asked for, and
   * then carry status {@code expired}.
   */
  public List<DynamicConfigPart> list(boolean includeExpired, Instant now) {
    List<DynamicConfigPart> all = store.query("SELECT source, generation, observed_at, expires_at, digest, "
        + "resources_json, directives_json, actionplans_json, status FROM dynamic_config_parts ORDER BY id",
        List.of(), rs -> {
          try {
            String plans = rs.getString(8);
            return new DynamicConfigPart(
                DynamicParts.partName(rs.getString(1), rs.getLong(2)), rs.getString(1), rs.getLong(2),
                GoTime.parse(rs.getString(3)), GoTime.parse(rs.getString(4)), rs.getString(5),
                PluginJson.MAPPER.readValue(rs.getString(6), RESOURCES),
                PluginJson.MAPPER.readValue(rs.getString(7), DIRECTIVES),
                plans == null ? List.of() : PluginJson.MAPPER.readValue(plans, PLANS), rs.getString(9));
          } catch (JsonProcessingException e) {
            throw new StoreException("dynamic config part " + rs.getString(1) + " is not readable: "
                + e.getOriginalMessage(), e);
          }
        });
    List<DynamicConfigPart> out = new ArrayList<>();
    for (DynamicConfigPart p : all) {
      if (p.isExpired(now)) {
        if (includeExpired) {
          out.add(p.withStatus("expired"));
        }
      } else {
        out.add(p);
      }
    }
    return out;
  }

  /** Number of rows, expired included. */
  public long count() {
    return store.query("SELECT COUNT(*) FROM dynamic_config_parts", List.of(), rs -> rs.getLong(1)).get(0);
  }
}
