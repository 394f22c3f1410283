package dev.cloudedge.federation.doctor;

import dev.cloudedge.federation.store.DeliverySummary;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.sqlite.SQLiteConfig;

/**
 * The doctor's read-only view of a SQLite state file. It opens the file with
 * {@code SQLITE_OPEN_READONLY} and {@code query_only}, so even a bug cannot write, and reads every
 * query of one report inside one read transaction (one consistent snapshot); tables that do
 * not exist yet (a fresh or foreign database) read as empty, and a routerd database without the
 * {@code event_expires_at} column reads it as NULL.
 */
final class SqliteDoctorState implements DoctorState {
  private final Path path;
  private final Connection conn;
  private final boolean hasEvents;
  private final boolean hasDeliveries;
  private final boolean hasRuns;
  private final String eventExpiresAt;

  private SqliteDoctorState(Path path, Connection conn, Set<String> tables, boolean hasEventExpiresAt) {
    this.path = path;
    this.conn = conn;
    this.hasEvents = tables.contains("federation_events");
    this.hasDeliveries = tables.contains("event_deliveries");
    this.hasRuns = tables.contains("event_subscription_runs");
    this.eventExpiresAt = hasEventExpiresAt ? "d.event_expires_at" : "NULL";
  }

  static DoctorState openFor(Path stateFile) throws DoctorInputException {
    Objects.requireNonNull(stateFile, "stateFile");
    String name = stateFile.toString();
    if (name.isEmpty() || name.endsWith(".json")) {
      return new Unsupported();
    }
    if (!Files.exists(stateFile)) {
      return new Empty();
    }
    if (Files.isDirectory(stateFile)) {
      throw new DoctorInputException("open state file " + stateFile + ": is a directory, not a SQLite database");
    }
    if (!Files.isReadable(stateFile)) {
      throw new DoctorInputException("open state file " + stateFile + ": permission denied");
    }
    SQLiteConfig cfg = new SQLiteConfig();
    cfg.setReadOnly(true);
    cfg.setBusyTimeout(5000);
    Connection c = null;
    try {
      c = cfg.createConnection("jdbc:sqlite:" + stateFile.toAbsolutePath());
      try (Statement s = c.createStatement()) {
        s.execute("PRAGMA query_only = 1");
      }
      // One read transaction for the whole report: every query sees the same snapshot even while the
      // daemon keeps writing (WAL readers are isolated from later commits).
      c.setAutoCommit(false);
      Set<String> tables = new HashSet<>();
      try (Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("SELECT name FROM sqlite_master WHERE type = 'table'")) {
        while (rs.next()) {
          tables.add(rs.getString(1));
        }
      }
      boolean hasCol = false;
      if (tables.contains("event_deliveries")) {
        try (Statement s = c.createStatement();
            ResultSet rs = s.executeQuery("PRAGMA table_info(event_deliveries)")) {
          while (rs.next()) {
            hasCol |= "event_expires_at".equalsIgnoreCase(rs.getString("name"));
          }
        }
      }
      return new SqliteDoctorState(stateFile, c, tables, hasCol);
    } catch (SQLException e) {
      if (c != null) {
        try {
          c.close();
        } catch (SQLException ignored) {
          // The open failure is the error worth reporting.
        }
      }
      throw new DoctorInputException("open state file " + stateFile + ": " + describe(e), e);
    }
  }

  private static String describe(SQLException e) {
    String m = String.valueOf(e.getMessage());
    if (m.contains("SQLITE_NOTADB") || m.contains("not a database")) {
      return "file is not a SQLite database";
    }
    if (m.contains("SQLITE_CORRUPT") || m.contains("malformed")) {
      return "database is corrupt";
    }
    if (m.contains("SQLITE_CANTOPEN")) {
      return "cannot open the file";
    }
    return m;
  }

  private RuntimeException failure(SQLException e) {
    return new IllegalStateException("state file " + path + ": " + describe(e), e);
  }

  /** The underlying connection; tests use it to prove it refuses writes. */
  Connection connectionForTest() {
    return conn;
  }

  @Override
  public boolean supportsDeliverySummary() {
    return true;
  }

  @Override
  public List<DeliverySummary> deliverySummary(long nowUnix) {
    if (!hasEvents || !hasDeliveries) {
      return List.of();
    }
    String sql = """
        SELECT e.group_name, d.peer, COUNT(*),
          SUM(CASE WHEN d.status = 'delivered' THEN 1 ELSE 0 END),
          SUM(CASE WHEN d.status = 'delivered' AND %1$s > 0 AND e.expires_at > 0
                    AND e.expires_at > %1$s THEN 1 ELSE 0 END),
          SUM(CASE WHEN d.status = 'failed' THEN 1 ELSE 0 END),
          SUM(CASE WHEN d.status = 'pending' THEN 1 ELSE 0 END),
          MAX(CASE WHEN d.delivered_at > 0 AND e.observed_at > 0 THEN d.delivered_at - e.observed_at END),
          MIN(CASE WHEN e.expires_at > 0 THEN e.expires_at - ? END)
        FROM event_deliveries d JOIN federation_events e ON d.event_id = e.id
        WHERE (e.expires_at IS NULL OR e.expires_at = 0 OR e.expires_at >= ?)
        GROUP BY e.group_name, d.peer ORDER BY e.group_name, d.peer""".formatted(eventExpiresAt);
    try (PreparedStatement ps = conn.prepareStatement(sql)) {
      ps.setLong(1, nowUnix);
      ps.setLong(2, nowUnix);
      List<DeliverySummary> out = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(new DeliverySummary(rs.getString(1), rs.getString(2), rs.getLong(3), rs.getLong(4),
              rs.getLong(5), rs.getLong(6), rs.getLong(7), rs.getLong(8), rs.getLong(9)));
        }
      }
      return out;
    } catch (SQLException e) {
      throw failure(e);
    }
  }

  @Override
  public List<String> pendingDeliveryEventIds(String group, String peer) {
    return new ArrayList<>(deliveryIds(group, peer, "pending"));
  }

  @Override
  public Set<String> deliveryEventIds(String group, String peer) {
    return deliveryIds(group, peer, null);
  }

  private Set<String> deliveryIds(String group, String peer, String status) {
    if (!hasEvents || !hasDeliveries) {
      return Set.of();
    }
    String sql = "SELECT d.event_id FROM event_deliveries d JOIN federation_events e ON d.event_id = e.id"
        + " WHERE e.group_name = ? AND d.peer = ?" + (status == null ? "" : " AND d.status = ?")
        + " ORDER BY d.event_id, d.peer";
    try (PreparedStatement ps = conn.prepareStatement(sql)) {
      ps.setString(1, group);
      ps.setString(2, peer);
      if (status != null) {
        ps.setString(3, status);
      }
      Set<String> out = new LinkedHashSet<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(rs.getString(1));
        }
      }
      return out;
    } catch (SQLException e) {
      throw failure(e);
    }
  }

  @Override
  public List<ActiveEvent> activeEvents(String group, long nowUnix) {
    if (!hasEvents) {
      return List.of();
    }
    String sql = "SELECT id, source_node, expires_at FROM federation_events WHERE group_name = ?"
        + " AND (expires_at IS NULL OR expires_at = 0 OR expires_at >= ?) ORDER BY observed_at, id";
    try (PreparedStatement ps = conn.prepareStatement(sql)) {
      ps.setString(1, group);
      ps.setLong(2, nowUnix);
      List<ActiveEvent> out = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          long exp = rs.getLong(3);
          out.add(new ActiveEvent(rs.getString(1), rs.getString(2), exp > 0 ? Instant.ofEpochSecond(exp) : null));
        }
      }
      return out;
    } catch (SQLException e) {
      throw failure(e);
    }
  }

  @Override
  public List<SubscriptionRun> subscriptionRuns(String subscriptionKey) {
    if (!hasRuns) {
      return List.of();
    }
    try (PreparedStatement ps = conn.prepareStatement(
        "SELECT status, attempts FROM event_subscription_runs WHERE subscription = ? ORDER BY id")) {
      ps.setString(1, subscriptionKey);
      List<SubscriptionRun> out = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(new SubscriptionRun(rs.getString(1), rs.getLong(2)));
        }
      }
      return out;
    } catch (SQLException e) {
      throw failure(e);
    }
  }

  @Override
  public void close() {
    try {
      conn.rollback();
      conn.close();
    } catch (SQLException e) {
      // Read-only: nothing can be lost by a failed close.
    }
  }

  /** A state file that does not exist yet: an empty store, never created by the doctor. */
  static final class Empty implements DoctorState {
    @Override
    public boolean supportsDeliverySummary() {
      return true;
    }

    @Override
    public List<DeliverySummary> deliverySummary(long nowUnix) {
      return List.of();
    }

    @Override
    public List<String> pendingDeliveryEventIds(String group, String peer) {
      return List.of();
    }

    @Override
    public Set<String> deliveryEventIds(String group, String peer) {
      return Set.of();
    }

    @Override
    public List<ActiveEvent> activeEvents(String group, long nowUnix) {
      return List.of();
    }

    @Override
    public List<SubscriptionRun> subscriptionRuns(String subscriptionKey) {
      return List.of();
    }

    @Override
    public void close() {}
  }

  /** routerd's legacy JSON state file: no federation tables, so no delivery summary. */
  static final class Unsupported implements DoctorState {
    @Override
    public boolean supportsDeliverySummary() {
      return false;
    }

    private static UnsupportedOperationException unsupported() {
      return new UnsupportedOperationException("state backend does not support federation queries");
    }

    @Override
    public List<DeliverySummary> deliverySummary(long nowUnix) {
      throw unsupported();
    }

    @Override
    public List<String> pendingDeliveryEventIds(String group, String peer) {
      throw unsupported();
    }

    @Override
    public Set<String> deliveryEventIds(String group, String peer) {
      throw unsupported();
    }

    @Override
    public List<ActiveEvent> activeEvents(String group, long nowUnix) {
      throw unsupported();
    }

    @Override
    public List<SubscriptionRun> subscriptionRuns(String subscriptionKey) {
      throw unsupported();
    }

    @Override
    public void close() {}
  }
}
