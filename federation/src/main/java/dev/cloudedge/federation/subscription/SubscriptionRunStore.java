package dev.cloudedge.federation.subscription;

import dev.cloudedge.federation.event.GoTime;
import dev.cloudedge.federation.store.FederationStore;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/** The {@code event_subscription_runs} table: starts, results and the eligibility view. */
public final class SubscriptionRunStore {
  /** The statuses a row can have. */
  public static final Set<String> STATUSES = Set.of(SubscriptionRun.PENDING, SubscriptionRun.SUCCEEDED,
      SubscriptionRun.FAILED);

  private static final String COLUMNS = "id, subscription, event_id, event_group, plugin, status, attempts, "
      + "started_at, completed_at, dynamic_source, dynamic_generation, error";

  private final FederationStore store;

  public SubscriptionRunStore(FederationStore store) {
    this.store = Objects.requireNonNull(store, "store");
  }

  /**
   * Records the start of an attempt: a new pair is inserted {@code pending} with attempts 1; an
   * existing row that has not succeeded goes back to {@code pending} with attempts + 1; a
   * succeeded row is never touched.
   */
  public void upsertStart(String subscription, String eventId, String group, String plugin, Instant now) {
    if (subscription == null || subscription.isBlank()) {
      throw new IllegalArgumentException("subscription is required");
    }
    if (eventId == null || eventId.isBlank()) {
      throw new IllegalArgumentException("event id is required");
    }
    store.update("INSERT INTO event_subscription_runs(subscription, event_id, event_group, plugin, status, attempts, "
            + "started_at) VALUES (?, ?, ?, ?, 'pending', 1, ?) "
            + "ON CONFLICT(subscription, event_id) DO UPDATE SET status = 'pending', attempts = attempts + 1, "
            + "started_at = excluded.started_at, plugin = excluded.plugin "
            + "WHERE event_subscription_runs.status <> 'succeeded'",
        subscription, eventId, group, plugin, GoTime.format(now));
  }

  /** Records a result; empty source, zero generation and empty error are stored as NULL. */
  public void markResult(String subscription, String eventId, String status, String dynamicSource,
      long dynamicGeneration, String error, Instant now) {
    store.update("UPDATE event_subscription_runs SET status = ?, completed_at = ?, dynamic_source = ?, "
            + "dynamic_generation = ?, error = ? WHERE subscription = ? AND event_id = ?",
        status, GoTime.format(now), dynamicSource == null || dynamicSource.isEmpty() ? null : dynamicSource,
        dynamicGeneration == 0 ? null : dynamicGeneration, error == null || error.isEmpty() ? null : error,
        subscription, eventId);
  }

  /** The row of one pair. */
  public Optional<SubscriptionRun> get(String subscription, String eventId) {
    List<SubscriptionRun> l = store.query("SELECT " + COLUMNS + " FROM event_subscription_runs "
        + "WHERE subscription = ? AND event_id = ?", List.of(subscription, eventId), SubscriptionRunStore::read);
    return l.isEmpty() ? Optional.empty() : Optional.of(l.get(0));
  }

  /** Every row of a subscription, by event id. */
  public Map<String, SubscriptionRun> byEvent(String subscription) {
    Map<String, SubscriptionRun> m = new HashMap<>();
    for (SubscriptionRun r : list(subscription, "")) {
      m.put(r.eventId(), r);
    }
    return m;
  }

  /**
   * The rows of a subscription for events still stored in {@code group}, by event id: what an
   * eligibility check needs, without reading rows of events pruned long ago.
   */
  public Map<String, SubscriptionRun> byEventInGroup(String subscription, String group) {
    Map<String, SubscriptionRun> m = new HashMap<>();
    for (SubscriptionRun r : store.query("SELECT " + COLUMNS + " FROM event_subscription_runs WHERE subscription = ? "
        + "AND event_id IN (SELECT id FROM federation_events WHERE group_name = ?)", List.of(subscription, group),
        SubscriptionRunStore::read)) {
      m.put(r.eventId(), r);
    }
    return m;
  }

  /** Rows ordered by id; empty filters mean all. */
  public List<SubscriptionRun> list(String subscription, String status) {
    StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + " FROM event_subscription_runs WHERE 1=1");
    List<Object> args = new ArrayList<>();
    if (subscription != null && !subscription.isEmpty()) {
      sql.append(" AND subscription = ?");
      args.add(subscription);
    }
    if (status != null && !status.isEmpty()) {
      sql.append(" AND status = ?");
      args.add(status);
    }
    sql.append(" ORDER BY id");
    return store.query(sql.toString(), args, SubscriptionRunStore::read);
  }

  private static SubscriptionRun read(java.sql.ResultSet rs) throws java.sql.SQLException {
    long gen = rs.getLong(11);
    Long generation = rs.wasNull() ? null : gen;
    return new SubscriptionRun(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
        rs.getString(6), rs.getInt(7), rs.getString(8), nz(rs.getString(9)), nz(rs.getString(10)), generation,
        nz(rs.getString(12)));
  }

  private static String nz(String s) {
    return s == null ? "" : s;
  }
}
