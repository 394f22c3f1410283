package dev.cloudedge.federation.store;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Versioned, re-runnable schema migrations. Table and column names are routerd's (reference §4.2),
 * so a routerd state file's federation tables read the same, and other routerd tables are left
 * alone. Each migration is idempotent ({@code IF NOT EXISTS}, column checks); applied versions are
 * recorded in {@code cloudedge_schema_migrations}. Append new migrations; never edit a shipped one.
 */
final class Schema {
  /** One migration step. */
  record Migration(int version, String description, Step step) {}

  @FunctionalInterface
  interface Step {
    void apply(Connection c) throws SQLException;
  }

  static final List<Migration> MIGRATIONS = List.of(
      new Migration(1, "routerd federation tables", c -> exec(c,
          """
          CREATE TABLE IF NOT EXISTS federation_events (
            id TEXT PRIMARY KEY,
            group_name TEXT NOT NULL,
            source_node TEXT,
            type TEXT NOT NULL,
            subject TEXT,
            dedupe_key TEXT,
            payload TEXT,
            observed_at INTEGER,
            expires_at INTEGER,
            recorded_at INTEGER
          )""",
          "CREATE INDEX IF NOT EXISTS federation_events_group ON federation_events(group_name, observed_at)",
          """
          CREATE TABLE IF NOT EXISTS event_deliveries (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            event_id TEXT NOT NULL,
            peer TEXT NOT NULL,
            status TEXT NOT NULL,
            attempts INTEGER NOT NULL DEFAULT 0,
            last_attempt_at INTEGER,
            last_error TEXT,
            delivered_at INTEGER,
            UNIQUE(event_id, peer)
          )""",
          "CREATE INDEX IF NOT EXISTS event_deliveries_peer ON event_deliveries(peer, status)")),
      new Migration(2, "routerd event_deliveries.event_expires_at", c ->
          addColumn(c, "event_deliveries", "event_expires_at", "INTEGER")),
      new Migration(3, "routerd subscription runs and provider action journal", c -> exec(c,
          """
          CREATE TABLE IF NOT EXISTS event_subscription_runs (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            subscription TEXT NOT NULL,
            event_id TEXT NOT NULL,
            event_group TEXT NOT NULL,
            plugin TEXT NOT NULL,
            status TEXT NOT NULL,
            attempts INTEGER NOT NULL DEFAULT 0,
            started_at TEXT NOT NULL,
            completed_at TEXT,
            dynamic_source TEXT,
            dynamic_generation INTEGER,
            error TEXT,
            UNIQUE(subscription, event_id)
          )""",
          "CREATE INDEX IF NOT EXISTS event_subscription_runs_sub ON event_subscription_runs(subscription, status)",
          """
          CREATE TABLE IF NOT EXISTS action_executions (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            idempotency_key TEXT NOT NULL UNIQUE,
            source TEXT,
            provider TEXT NOT NULL,
            provider_ref TEXT,
            action TEXT NOT NULL,
            target_json TEXT,
            parameters_json TEXT,
            undo_json TEXT,
            risk_level TEXT,
            status TEXT NOT NULL,
            approved_by TEXT,
            approved_at TEXT,
            executed_at TEXT,
            result_message TEXT,
            error TEXT,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
          )""",
          "CREATE INDEX IF NOT EXISTS action_executions_status ON action_executions(status, id)")),
      new Migration(4, "routerd action_executions.observed_json", c ->
          addColumn(c, "action_executions", "observed_json", "TEXT")),
      new Migration(5, "CloudEdge across-tick delivery backoff", c -> {
        addColumn(c, "event_deliveries", "failures", "INTEGER NOT NULL DEFAULT 0");
        addColumn(c, "event_deliveries", "next_attempt_at_ms", "INTEGER");
      }),
      new Migration(6, "routerd plugin_runs", c -> exec(c,
          """
          CREATE TABLE IF NOT EXISTS plugin_runs (
            id INTEGER PRIMARY KEY,
            plugin TEXT NOT NULL,
            trigger_type TEXT NOT NULL,
            trigger_topic TEXT,
            started_at TEXT NOT NULL,
            completed_at TEXT,
            exit_code INTEGER,
            status TEXT NOT NULL,
            stdout_digest TEXT,
            stderr TEXT,
            error TEXT
          )""")),
      new Migration(7, "routerd dynamic_config_parts", c -> exec(c,
          """
          CREATE TABLE IF NOT EXISTS dynamic_config_parts (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            source TEXT NOT NULL,
            generation INTEGER NOT NULL,
            observed_at TEXT NOT NULL,
            expires_at TEXT NOT NULL,
            digest TEXT NOT NULL,
            resources_json TEXT NOT NULL,
            directives_json TEXT NOT NULL,
            actionplans_json TEXT,
            status TEXT NOT NULL,
            error TEXT,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            UNIQUE(source, generation)
          )""")),
      // 8-9: provider action execution (issue 6). Extra journal columns carry the operator's
      // rejection and the attempt marker that makes a crash between the cloud call and the
      // journal write recoverable without a second mutation; routerd ignores unknown columns.
      new Migration(8, "CloudEdge action_executions attempt marker and rejection", c -> {
        addColumn(c, "action_executions", "attempts", "INTEGER NOT NULL DEFAULT 0");
        addColumn(c, "action_executions", "attempt_id", "TEXT");
        addColumn(c, "action_executions", "call_started_at", "TEXT");
        addColumn(c, "action_executions", "pre_observed_json", "TEXT");
        addColumn(c, "action_executions", "rejected_by", "TEXT");
        addColumn(c, "action_executions", "rejected_at", "TEXT");
        addColumn(c, "action_executions", "reject_reason", "TEXT");
      }),
      new Migration(9, "CloudEdge action_audit trail", c -> exec(c,
          """
          CREATE TABLE IF NOT EXISTS action_audit (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            action_id INTEGER,
            idempotency_key TEXT,
            event TEXT NOT NULL,
            actor TEXT,
            detail TEXT,
            at TEXT NOT NULL
          )""",
          "CREATE INDEX IF NOT EXISTS action_audit_action ON action_audit(action_id, id)")),
      new Migration(10, "CloudEdge remediation rate limit", c -> exec(c,
          """
          CREATE TABLE IF NOT EXISTS remediation_rate_limit (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            action TEXT NOT NULL,
            group_name TEXT NOT NULL,
            peer TEXT NOT NULL,
            idempotency_key TEXT NOT NULL UNIQUE,
            workflow_id TEXT NOT NULL,
            executed_at INTEGER NOT NULL
          )""",
          "CREATE INDEX IF NOT EXISTS remediation_rate_limit_key ON remediation_rate_limit(action, group_name, peer, executed_at)")),
      // The outbox's incremental pass reads the rows written since its last pass (a re-record sets
      // recorded_at as routerd's upsert does), not every event of the group.
      new Migration(11, "CloudEdge federation_events recorded_at index", c -> exec(c,
          "CREATE INDEX IF NOT EXISTS federation_events_recorded ON federation_events(recorded_at)")));

  private Schema() {}

  /** Applies every migration not yet recorded, each in its own transaction; returns those applied. */
  static List<Migration> migrate(Connection c) throws SQLException {
    List<Migration> applied = new ArrayList<>();
    exec(c, """
        CREATE TABLE IF NOT EXISTS cloudedge_schema_migrations (
          version INTEGER PRIMARY KEY,
          description TEXT NOT NULL,
          applied_at TEXT NOT NULL
        )""");
    for (Migration m : MIGRATIONS) {
      boolean done;
      try (Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("SELECT 1 FROM cloudedge_schema_migrations WHERE version = " + m.version())) {
        done = rs.next();
      }
      if (done) {
        continue;
      }
      boolean auto = c.getAutoCommit();
      c.setAutoCommit(false);
      try {
        m.step().apply(c);
        try (var ps = c.prepareStatement(
            "INSERT OR IGNORE INTO cloudedge_schema_migrations(version, description, applied_at) "
                + "VALUES (?, ?, strftime('%Y-%m-%dT%H:%M:%SZ','now'))")) {
          ps.setInt(1, m.version());
          ps.setString(2, m.description());
          ps.executeUpdate();
        }
        c.commit();
        applied.add(m);
      } catch (SQLException e) {
        c.rollback();
        throw new SQLException("schema migration " + m.version() + " (" + m.description() + "): " + e.getMessage(), e);
      } finally {
        c.setAutoCommit(auto);
      }
    }
    return applied;
  }

  /** One column as {@code PRAGMA table_info} reports it: name and default expression (null: none). */
  record Column(String name, String defaultValue) {}

  /**
   * One table of a schema: its {@code CREATE TABLE} text and its columns in order.
   *
   * @param sql the table's statement as {@code sqlite_master} stores it
   * @param columns the table's columns, in table order
   */
  record Table(String sql, List<Column> columns) {}

  /** The tables of the {@code main} database, by name, in {@code sqlite_master} order. */
  static Map<String, Table> tables(Connection c) throws SQLException {
    Map<String, Table> out = new LinkedHashMap<>();
    List<String[]> names = new ArrayList<>();
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(
            "SELECT name, sql FROM main.sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")) {
      while (rs.next()) {
        names.add(new String[] {rs.getString(1), rs.getString(2)});
      }
    }
    for (String[] n : names) {
      List<Column> cols = new ArrayList<>();
      try (Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("PRAGMA main.table_info(" + quote(n[0]) + ")")) {
        while (rs.next()) {
          cols.add(new Column(rs.getString("name"), rs.getString("dflt_value")));
        }
      }
      out.put(n[0], new Table(n[1], List.copyOf(cols)));
    }
    return out;
  }

  /** The schema every migration produces, computed once on an in-memory database. */
  private static Map<String, Table> expected;

  static synchronized Map<String, Table> expected() throws SQLException {
    if (expected == null) {
      try (Connection mem = java.sql.DriverManager.getConnection("jdbc:sqlite::memory:")) {
        migrate(mem);
        expected = Map.copyOf(tables(mem));
      }
    }
    return expected;
  }

  /**
   * Lets a read-only connection query a state file that was never migrated (routerd's, or one
   * from an older CloudEdge) as if it had been, without writing a byte to it. A table the file
   * lacks gets an empty {@code TEMP} table of the same name; a table that lacks some of our columns
   * gets a {@code TEMP} view of the same name adding them with their default (NULL when none).
   * SQLite resolves an unqualified name in {@code temp} before {@code main}, so every query of the
   * stores reads through the overlay, and the temp database never touches the file.
   *
   * @return the overlaid names ({@code table} or {@code table.column}), empty for an up-to-date file
   */
  static List<String> overlayMissing(Connection c) throws SQLException {
    Map<String, Table> have = tables(c);
    List<String> overlaid = new ArrayList<>();
    for (Map.Entry<String, Table> want : expected().entrySet()) {
      String name = want.getKey();
      Table present = have.get(name);
      if (present == null) {
        String sql = want.getValue().sql();
        if (!sql.regionMatches(true, 0, "CREATE TABLE ", 0, 13)) {
          throw new SQLException("unexpected table definition for " + name + ": " + sql);
        }
        exec(c, "CREATE TEMP TABLE " + sql.substring(13));
        overlaid.add(name);
        continue;
      }
      StringBuilder extra = new StringBuilder();
      for (Column col : want.getValue().columns()) {
        boolean found = present.columns().stream().anyMatch(p -> p.name().equalsIgnoreCase(col.name()));
        if (!found) {
          extra.append(", ").append(col.defaultValue() == null ? "NULL" : col.defaultValue())
              .append(" AS ").append(quote(col.name()));
          overlaid.add(name + "." + col.name());
        }
      }
      if (extra.length() > 0) {
        exec(c, "CREATE TEMP VIEW " + quote(name) + " AS SELECT *" + extra + " FROM main." + quote(name));
      }
    }
    return overlaid;
  }

  private static String quote(String identifier) {
    return "\"" + identifier.replace("\"", "\"\"") + "\"";
  }

  /** The highest applied migration version. */
  static int currentVersion(Connection c) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT COALESCE(MAX(version), 0) FROM cloudedge_schema_migrations")) {
      return rs.next() ? rs.getInt(1) : 0;
    }
  }

  static void exec(Connection c, String... sql) throws SQLException {
    try (Statement s = c.createStatement()) {
      for (String q : sql) {
        s.execute(q);
      }
    }
  }

  static void addColumn(Connection c, String table, String column, String type) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("PRAGMA table_info(" + table + ")")) {
      while (rs.next()) {
        if (column.equalsIgnoreCase(rs.getString("name"))) {
          return;
        }
      }
    }
    exec(c, "ALTER TABLE " + table + " ADD COLUMN " + column + " " + type);
  }
}
