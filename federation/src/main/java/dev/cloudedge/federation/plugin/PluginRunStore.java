package dev.cloudedge.federation.plugin;

import dev.cloudedge.federation.event.GoTime;
import dev.cloudedge.federation.store.FederationStore;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** The {@code plugin_runs} journal (reference §1.14): one row per plugin invocation. */
public final class PluginRunStore {
  private final FederationStore store;

  public PluginRunStore(FederationStore store) {
    this.store = Objects.requireNonNull(store, "store");
  }

  /** Inserts a {@code running} row and returns its id. */
  public long start(String plugin, String triggerType, String triggerTopic, Instant now) {
    return store.withConnection(c -> {
      try (PreparedStatement ps = c.prepareStatement(
          "INSERT INTO plugin_runs(plugin, trigger_type, trigger_topic, started_at, status) VALUES (?, ?, ?, ?, 'running')")) {
        ps.setString(1, plugin);
        ps.setString(2, triggerType);
        ps.setString(3, triggerTopic);
        ps.setString(4, GoTime.format(now));
        ps.executeUpdate();
        // The store connects without driver-generated keys; the insert ran on this connection, under its lock.
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT last_insert_rowid()")) {
          rs.next();
          return rs.getLong(1);
        }
      }
    });
  }

  /** Completes a row with the outcome; {@code error} overrides the outcome's own error when non-empty. */
  public void complete(long id, String status, PluginOutcome outcome, String error, Instant now) {
    String err = error == null || error.isEmpty() ? (outcome == null ? "" : outcome.error()) : error;
    store.update("UPDATE plugin_runs SET status = ?, completed_at = ?, exit_code = ?, stdout_digest = ?, stderr = ?, "
            + "error = ? WHERE id = ?",
        status, GoTime.format(now), outcome == null ? null : outcome.exitCode(),
        outcome == null || outcome.stdoutDigest().isEmpty() ? null : outcome.stdoutDigest(),
        outcome == null || outcome.stderr().isEmpty() ? null : outcome.stderr(),
        err.isEmpty() ? null : err, id);
  }

  /** Rows, newest first; {@code plugin} empty means all. */
  public List<PluginRun> list(String plugin, int limit) {
    StringBuilder sql = new StringBuilder("SELECT id, plugin, trigger_type, trigger_topic, started_at, completed_at, "
        + "exit_code, status, stdout_digest, stderr, error FROM plugin_runs");
    List<Object> args = new ArrayList<>();
    if (plugin != null && !plugin.isEmpty()) {
      sql.append(" WHERE plugin = ?");
      args.add(plugin);
    }
    sql.append(" ORDER BY id DESC LIMIT ?");
    args.add(limit);
    return store.query(sql.toString(), args, rs -> {
      int ec = rs.getInt(7);
      Integer exit = rs.wasNull() ? null : ec;
      return new PluginRun(rs.getLong(1), rs.getString(2), rs.getString(3), nz(rs.getString(4)), rs.getString(5),
          nz(rs.getString(6)), exit, rs.getString(8), nz(rs.getString(9)), nz(rs.getString(10)),
          nz(rs.getString(11)));
    });
  }

  private static String nz(String s) {
    return s == null ? "" : s;
  }
}
