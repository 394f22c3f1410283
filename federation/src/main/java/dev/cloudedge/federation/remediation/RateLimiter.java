package dev.cloudedge.federation.remediation;

import dev.cloudedge.federation.store.FederationStore;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * The durable rate limit of automatic remediation, per (action, group, peer) over a sliding window,
 * kept in the node's state database (table {@code remediation_rate_limit}, schema migration 10).
 *
 * <p>Why SQLite on the node and not a workflow: the limit guards the node's own eventd, it must hold
 * across remediation workflow runs, worker restarts and a Temporal history reset, and the grant is
 * taken in the same database (and the same lock) as the {@code action_executions} row it is
 * journaled with. A grant is keyed by the execution's idempotency key, so a retried activity gets
 * its earlier grant back instead of consuming a second slot.
 */
public final class RateLimiter {
  private final FederationStore store;

  /** A limiter over {@code store}'s database. */
  public RateLimiter(FederationStore store) {
    this.store = Objects.requireNonNull(store, "store");
  }

  /**
   * The outcome of {@link #acquire}.
   *
   * @param granted whether the execution may go ahead
   * @param used executions in the window, this one included when granted
   * @param limit the limit applied
   * @param nextAllowedAt when the oldest execution in the window leaves it (null when granted)
   * @param reason a sentence for the journal and the workflow result
   */
  public record Decision(boolean granted, int used, int limit, Instant nextAllowedAt, String reason) {}

  /**
   * Takes one slot for (action, group, peer) at {@code now}, unless {@code limit} slots are already
   * taken within {@code window} before {@code now}. Idempotent on {@code key}.
   */
  public Decision acquire(String action, String group, String peer, String key, String workflowId, Instant now,
      int limit, Duration window) {
    Objects.requireNonNull(key, "key");
    String p = peer == null ? "" : peer;
    long nowSec = now.getEpochSecond();
    long from = nowSec - window.getSeconds();
    String what = action + " for " + group + (p.isEmpty() ? "" : "/" + p);
    return store.inTransaction(c -> {
      try (PreparedStatement ps = c.prepareStatement(
          "SELECT executed_at FROM remediation_rate_limit WHERE idempotency_key = ?")) {
        ps.setString(1, key);
        try (ResultSet rs = ps.executeQuery()) {
          if (rs.next()) {
            return new Decision(true, count(c, action, group, p, from), limit, null,
                "granted earlier to " + key);
          }
        }
      }
      int used = count(c, action, group, p, from);
      if (used >= limit) {
        long oldest;
        try (PreparedStatement ps = c.prepareStatement("SELECT MIN(executed_at) FROM (SELECT executed_at FROM "
            + "remediation_rate_limit WHERE action=? AND group_name=? AND peer=? AND executed_at > ? "
            + "ORDER BY executed_at DESC LIMIT ?)")) {
          ps.setString(1, action);
          ps.setString(2, group);
          ps.setString(3, p);
          ps.setLong(4, from);
          ps.setInt(5, Math.max(limit, 1));
          try (ResultSet rs = ps.executeQuery()) {
            oldest = rs.next() ? rs.getLong(1) : nowSec;
          }
        }
        Instant next = Instant.ofEpochSecond(oldest + window.getSeconds());
        return new Decision(false, used, limit, next, "rate limit: " + used + " execution(s) of " + what
            + " in the last " + human(window) + " (limit " + limit + "); next allowed at " + next);
      }
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO remediation_rate_limit(action, group_name, peer, "
          + "idempotency_key, workflow_id, executed_at) VALUES (?,?,?,?,?,?)")) {
        ps.setString(1, action);
        ps.setString(2, group);
        ps.setString(3, p);
        ps.setString(4, key);
        ps.setString(5, workflowId == null ? "" : workflowId);
        ps.setLong(6, nowSec);
        ps.executeUpdate();
      }
      return new Decision(true, used + 1, limit, null,
          "rate limit: execution " + (used + 1) + " of " + limit + " of " + what + " in the last " + human(window));
    });
  }

  /** Grants recorded for (action, group, peer), newest first, as epoch seconds. */
  public List<Long> grants(String action, String group, String peer) {
    return store.query("SELECT executed_at FROM remediation_rate_limit WHERE action=? AND group_name=? AND peer=? "
        + "ORDER BY executed_at DESC, id DESC", List.of(action, group, peer == null ? "" : peer), rs -> rs.getLong(1));
  }

  private static int count(java.sql.Connection c, String action, String group, String peer, long from)
      throws java.sql.SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM remediation_rate_limit WHERE action=? "
        + "AND group_name=? AND peer=? AND executed_at > ?")) {
      ps.setString(1, action);
      ps.setString(2, group);
      ps.setString(3, peer);
      ps.setLong(4, from);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getInt(1) : 0;
      }
    }
  }

  private static String human(Duration d) {
    return d.toHours() > 0 && d.toMinutes() % 60 == 0 ? d.toHours() + "h" : d.toMinutes() + "m";
  }
}
