package dev.cloudedge.federation.store;

import dev.cloudedge.federation.event.EventCodec;
import dev.cloudedge.federation.event.EventDecodeException;
import dev.cloudedge.federation.event.FederationEvent;
import dev.cloudedge.federation.event.GoTime;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The SQLite state store (reference §4): one connection, WAL, the routerd federation tables, the
 * forward-only upsert with SQLite's {@code MAX()} NULL rule, and the queries the CLI, outbox and
 * doctor use. All access is serialized on one lock, as routerd's is. Every time column of the
 * events and deliveries tables is unix seconds, UTC.
 */
public final class FederationStore implements AutoCloseable {
  /** How hard SQLite works to keep a commit across a power loss. */
  public enum Durability {
    /** {@code synchronous=FULL}: every commit is fsynced before it returns (the default). */
    FULL,
    /** {@code synchronous=NORMAL}: survives a process crash, may lose the last commits on power loss. */
    NORMAL
  }

  private static final String OBSERVED = FederationEvent.OBSERVED_IPV4_TYPE;

  private final Path path;
  private final Connection conn;
  private final boolean readOnly;
  private final ReentrantLock lock = new ReentrantLock();

  private FederationStore(Path path, Connection conn, boolean readOnly) {
    this.path = path;
    this.conn = conn;
    this.readOnly = readOnly;
  }

  /** How long a writer waits for another process's write lock before it reports the store busy. */
  public static final int BUSY_TIMEOUT_MILLIS = 10_000;

  /** Opens (creating when missing) the state file with full durability. */
  public static FederationStore open(Path path) {
    return open(path, Durability.FULL);
  }

  /**
   * Opens (creating when missing) the state file, sets routerd's pragmas and migrates the schema.
   *
   * @throws StoreException naming the file when it cannot be created, is not a SQLite database, or
   *     is not writable
   */
  public static FederationStore open(Path path, Durability durability) {
    return open(path, durability, new ArrayList<>());
  }

  private static FederationStore open(Path path, Durability durability, List<Schema.Migration> applied) {
    Objects.requireNonNull(path, "path");
    Path abs = path.toAbsolutePath();
    try {
      if (abs.getParent() != null) {
        Files.createDirectories(abs.getParent());
      }
    } catch (IOException e) {
      throw new StoreException("open state store " + path + ": cannot create directory " + abs.getParent()
          + ": " + e.getMessage(), e);
    }
    if (Files.exists(abs) && !Files.isWritable(abs)) {
      throw new StoreException("open state store " + path + ": file is not writable");
    }
    Connection c = null;
    try {
      // Every transaction takes the write lock when it begins (BEGIN IMMEDIATE) and waits for it
      // up to the busy timeout: a deferred one that read first would fail at once with
      // SQLITE_BUSY(_SNAPSHOT) when another process (eventd, emit, an observer) committed meanwhile.
      org.sqlite.SQLiteConfig config = new org.sqlite.SQLiteConfig();
      config.setTransactionMode(org.sqlite.SQLiteConfig.TransactionMode.IMMEDIATE);
      config.setBusyTimeout(BUSY_TIMEOUT_MILLIS);
      // Without this the driver prepares and runs "SELECT last_insert_rowid()" after every insert,
      // about a third of a batch insert's cost; the one caller that needs a row id asks for it.
      config.setGetGeneratedKeys(false);
      c = DriverManager.getConnection("jdbc:sqlite:" + abs, config.toProperties());
      try (Statement s = c.createStatement()) {
        s.execute("PRAGMA busy_timeout = " + BUSY_TIMEOUT_MILLIS);
        try (ResultSet rs = s.executeQuery("PRAGMA journal_mode = WAL")) {
          rs.next();
        }
        s.execute("PRAGMA wal_autocheckpoint = 4096");
        s.execute("PRAGMA journal_size_limit = 67108864");
        s.execute("PRAGMA synchronous = " + durability.name());
        // PASSIVE, not TRUNCATE: a TRUNCATE checkpoint blocks new writers while it waits for the
        // others, so every CLI command opened beside a running eventd stalled its 200s.
        try (ResultSet rs = s.executeQuery("PRAGMA wal_checkpoint(PASSIVE)")) {
          rs.next();
        }
      }
      // Replaces SQLite's own busy wait (set above for the open and the checkpoint): see PollingBusyHandler.
      org.sqlite.BusyHandler.setHandler(c, new PollingBusyHandler(BUSY_TIMEOUT_MILLIS));
      applied.addAll(Schema.migrate(c));
      return new FederationStore(path, c, false);
    } catch (SQLException e) {
      closeQuietly(c);
      throw new StoreException("open state store " + path + ": " + describe(e), e);
    }
  }

  /**
   * Opens an existing state file for reading only, for the commands that only read: SQLite opens it
   * {@code SQLITE_OPEN_READONLY} with {@code query_only}, sets no pragma that persists and runs no
   * migration, so the file's bytes and schema stay exactly as they were (a routerd file stays a
   * routerd file). Tables and columns that only a migration would add read as absent: an empty
   * table, a column holding its default (see {@link Schema#overlayMissing}). Any write through the
   * returned store fails.
   *
   * @throws StoreException naming the file when it does not exist, is a directory, is not a SQLite
   *     database or cannot be read
   */
  public static FederationStore openReadOnly(Path path) {
    Objects.requireNonNull(path, "path");
    Path abs = path.toAbsolutePath();
    if (!Files.exists(abs)) {
      throw new StoreException("open state store " + path + ": file does not exist");
    }
    if (Files.isDirectory(abs)) {
      throw new StoreException("open state store " + path + ": is a directory, not a SQLite database");
    }
    if (!Files.isReadable(abs)) {
      throw new StoreException("open state store " + path + ": permission denied");
    }
    Connection c = null;
    try {
      org.sqlite.SQLiteConfig config = new org.sqlite.SQLiteConfig();
      config.setReadOnly(true);
      config.setBusyTimeout(BUSY_TIMEOUT_MILLIS);
      c = DriverManager.getConnection("jdbc:sqlite:" + abs, config.toProperties());
      Schema.overlayMissing(c);
      try (Statement s = c.createStatement()) {
        s.execute("PRAGMA query_only = 1");
      }
      return new FederationStore(path, c, true);
    } catch (SQLException e) {
      closeQuietly(c);
      throw new StoreException("open state store " + path + ": " + describe(e), e);
    }
  }

  /**
   * What {@link #migrate(Path)} changed.
   *
   * @param applied the migrations applied, as {@code "<version> <description>"}, oldest first
   * @param addedTables tables the file did not have before
   * @param addedColumns columns added to tables the file had, as {@code table.column}
   * @param addedIndexes indexes the file did not have before
   * @param schemaVersion the schema version after the run
   */
  public record MigrationReport(List<String> applied, List<String> addedTables, List<String> addedColumns,
      List<String> addedIndexes, int schemaVersion) {
    public MigrationReport {
      applied = List.copyOf(applied);
      addedTables = List.copyOf(addedTables);
      addedColumns = List.copyOf(addedColumns);
      addedIndexes = List.copyOf(addedIndexes);
    }

    /** Whether the file was already up to date. */
    public boolean nothingToDo() {
      return applied.isEmpty() && addedTables.isEmpty() && addedColumns.isEmpty() && addedIndexes.isEmpty();
    }
  }

  /** The named indexes of the {@code main} database, in {@code sqlite_master} order. */
  private List<String> indexNames() {
    return query("SELECT name FROM main.sqlite_master WHERE type = 'index' AND name NOT LIKE 'sqlite_%'", List.of(),
        rs -> rs.getString(1));
  }

  /**
   * Migrates an existing state file explicitly (what eventd and writers do when they open it) and
   * reports what changed. A second run finds nothing to do.
   *
   * @throws StoreException naming the file when it does not exist or cannot be migrated
   */
  public static MigrationReport migrate(Path path) {
    Objects.requireNonNull(path, "path");
    if (!Files.isRegularFile(path.toAbsolutePath())) {
      throw new StoreException("migrate state store " + path + ": "
          + (Files.isDirectory(path) ? "is a directory, not a SQLite database" : "file does not exist"));
    }
    Map<String, Schema.Table> before;
    List<String> indexesBefore;
    try (FederationStore ro = openReadOnly(path)) {
      before = ro.withConnection(Schema::tables);
      indexesBefore = ro.indexNames();
    }
    List<Schema.Migration> migrations = new ArrayList<>();
    try (FederationStore rw = open(path, Durability.FULL, migrations)) {
      Map<String, Schema.Table> after = rw.withConnection(Schema::tables);
      List<String> applied = migrations.stream().map(m -> m.version() + " " + m.description()).toList();
      List<String> tables = new ArrayList<>();
      List<String> columns = new ArrayList<>();
      for (Map.Entry<String, Schema.Table> t : after.entrySet()) {
        Schema.Table old = before.get(t.getKey());
        if (old == null) {
          tables.add(t.getKey());
          continue;
        }
        for (Schema.Column col : t.getValue().columns()) {
          if (old.columns().stream().noneMatch(o -> o.name().equalsIgnoreCase(col.name()))) {
            columns.add(t.getKey() + "." + col.name());
          }
        }
      }
      List<String> indexes = new ArrayList<>(rw.indexNames());
      indexes.removeAll(indexesBefore);
      return new MigrationReport(applied, tables, columns, indexes, rw.schemaVersion());
    }
  }

  /**
   * Waits for another connection's write lock by retrying every millisecond, up to the busy
   * timeout. SQLite's default busy handler backs off to 100 ms between tries, so a writer that
   * commits and begins again at once (a batch emit, another daemon) takes the lock back before a
   * waiter's next try, and the waiter starves: eventd's 200s waited seconds behind an
   * {@code emit --file}. Polling every millisecond lets waiters in at the next gap.
   */
  private static final class PollingBusyHandler extends org.sqlite.BusyHandler {
    private final long timeoutNanos;
    private long waitingSince;

    PollingBusyHandler(int timeoutMillis) {
      this.timeoutNanos = java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
    }

    @Override
    protected int callback(int previousCalls) {
      long now = System.nanoTime();
      if (previousCalls == 0) {
        waitingSince = now;
      }
      if (now - waitingSince >= timeoutNanos) {
        return 0;
      }
      java.util.concurrent.locks.LockSupport.parkNanos(1_000_000L);
      return 1;
    }
  }

  private static String describe(SQLException e) {
    String m = String.valueOf(e.getMessage());
    if (m.contains("SQLITE_NOTADB") || m.contains("not a database")) {
      return "file is not a SQLite database (corrupt or another format)";
    }
    if (m.contains("SQLITE_READONLY") || m.contains("readonly")) {
      return "file is read-only";
    }
    if (m.contains("SQLITE_CANTOPEN")) {
      return "cannot open the file";
    }
    if (m.contains("SQLITE_CORRUPT") || m.contains("malformed")) {
      return "database is corrupt";
    }
    return m;
  }

  private static void closeQuietly(Connection c) {
    if (c != null) {
      try {
        c.close();
      } catch (SQLException ignored) {
        // Already failing; the original error is the one worth reporting.
      }
    }
  }

  /** Whether this store was opened with {@link #openReadOnly}. */
  public boolean readOnly() {
    return readOnly;
  }

  /** The state file this store was opened on. */
  public Path path() {
    return path;
  }

  /**
   * SQLite's {@code PRAGMA data_version} for this connection: it changes whenever another
   * connection (another process such as {@code cloudedge federation event emit}) commits to the
   * file, and never for this connection's own commits. Cheap enough to poll.
   */
  public long dataVersion() {
    return withConnection(c -> {
      try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("PRAGMA data_version")) {
        return rs.next() ? rs.getLong(1) : 0L;
      }
    });
  }

  /** The applied schema version. */
  public int schemaVersion() {
    return withConnection(Schema::currentVersion);
  }

  /** Work against the store's connection, under its lock. */
  @FunctionalInterface
  public interface SqlWork<T> {
    T run(Connection c) throws SQLException;
  }

  /** Runs {@code work} on the single connection under the store lock (auto-commit). */
  public <T> T withConnection(SqlWork<T> work) {
    lock.lock();
    try {
      return work.run(conn);
    } catch (SQLException e) {
      throw new StoreException("state store " + path + ": " + describe(e), e);
    } finally {
      lock.unlock();
    }
  }

  /**
   * Runs {@code work} in one transaction under the store lock; rolls back on any failure. Called
   * from inside another {@code inTransaction} on the same thread, it joins the outer transaction
   * (a nested commit would otherwise commit the outer work half-done).
   */
  public <T> T inTransaction(SqlWork<T> work) {
    lock.lock();
    try {
      if (lock.getHoldCount() > 1 && !conn.getAutoCommit()) {
        return work.run(conn);
      }
      conn.setAutoCommit(false);
      try {
        T out = work.run(conn);
        conn.commit();
        return out;
      } catch (SQLException | RuntimeException e) {
        conn.rollback();
        throw e;
      } finally {
        conn.setAutoCommit(true);
      }
    } catch (SQLException e) {
      throw new StoreException("state store " + path + ": " + describe(e), e);
    } finally {
      lock.unlock();
    }
  }

  // ------------------------------------------------------------------ events

  /**
   * Records one event (insert or forward-only upsert, reference §4.3) and returns whether its id
   * already existed in the same group.
   */
  public boolean recordEvent(FederationEvent ev, Instant now) {
    return recordEvents(List.of(ev), now).get(0);
  }

  /**
   * Records several events in one transaction (one fsync), returning for each whether its id
   * already existed in its group. Either all are stored or none.
   */
  public List<Boolean> recordEvents(List<FederationEvent> events, Instant now) {
    for (FederationEvent ev : events) {
      if (ev.id().isEmpty()) {
        throw new IllegalArgumentException("federation event id is required");
      }
      if (ev.group().isEmpty()) {
        throw new IllegalArgumentException("federation event group is required");
      }
      if (ev.type().isEmpty()) {
        throw new IllegalArgumentException("federation event type is required");
      }
    }
    long nowUnix = now.getEpochSecond();
    return inTransaction(c -> {
      List<Boolean> dup = new ArrayList<>(events.size());
      PreparedStatement[] compaction = new PreparedStatement[1];
      // New ids (the common case) cost one statement: the insert. Only an id that is already
      // there pays for reading its group and the forward-only merge.
      try (PreparedStatement insert = c.prepareStatement(
              """
              INSERT INTO federation_events
                (id, group_name, source_node, type, subject, dedupe_key, payload, observed_at, expires_at, recorded_at)
              VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
              ON CONFLICT(id) DO NOTHING""");
          PreparedStatement existing = c.prepareStatement("SELECT group_name FROM federation_events WHERE id = ?");
          PreparedStatement merge = c.prepareStatement(
              """
              UPDATE federation_events SET
                source_node = ?,
                observed_at = MAX(?, observed_at),
                expires_at = MAX(?, expires_at),
                recorded_at = ?
              WHERE id = ?""")) {
        for (FederationEvent ev : events) {
          long observed = GoTime.unixSeconds(ev.observedAt());
          long observedOrNow = observed == 0 ? nowUnix : observed;
          insert.setString(1, ev.id());
          insert.setString(2, ev.group());
          insert.setString(3, ev.sourceNode());
          insert.setString(4, ev.type());
          insert.setString(5, ev.subject());
          insert.setString(6, ev.dedupeKey().isEmpty() ? ev.id() : ev.dedupeKey());
          insert.setString(7, encodePayload(ev.payload()));
          insert.setLong(8, observedOrNow);
          if (ev.expiresAt() == null) {
            insert.setNull(9, Types.INTEGER);
          } else {
            insert.setLong(9, ev.expiresAt().getEpochSecond());
          }
          insert.setLong(10, nowUnix);
          if (insert.executeUpdate() == 1) {
            dup.add(false);
          } else {
            existing.setString(1, ev.id());
            try (ResultSet rs = existing.executeQuery()) {
              dup.add(rs.next() && ev.group().equals(rs.getString(1)));
            }
            // SQLite's MAX() with a NULL argument is NULL: a re-record without expiry removes it (§4.3).
            merge.setString(1, ev.sourceNode());
            merge.setLong(2, observedOrNow);
            if (ev.expiresAt() == null) {
              merge.setNull(3, Types.INTEGER);
            } else {
              merge.setLong(3, ev.expiresAt().getEpochSecond());
            }
            merge.setLong(4, nowUnix);
            merge.setString(5, ev.id());
            merge.executeUpdate();
          }
          compact(c, ev, compaction);
        }
      } finally {
        if (compaction[0] != null) {
          compaction[0].close();
        }
      }
      return dup;
    });
  }

  /** routerd's discovery compaction (reference §1.5): keep only the newest row per dedupe key. */
  private static void compact(Connection c, FederationEvent ev, PreparedStatement[] prepared) throws SQLException {
    String source = dev.cloudedge.federation.event.GoText.trimSpace(ev.payload().getOrDefault("source", ""));
    String dk = ev.dedupeKey().isEmpty() ? ev.id() : ev.dedupeKey();
    if (!OBSERVED.equals(ev.type()) || dk.isBlank()
        || !(source.equals("provider-discovery") || source.equals("onprem-l2-discovery"))) {
      return;
    }
    // Prepared once per transaction: a batch of discovery events would otherwise compile it per row.
    if (prepared[0] == null) {
      prepared[0] = c.prepareStatement(
          """
          DELETE FROM federation_events
          WHERE type = ? AND group_name = ? AND dedupe_key = ? AND id <> (
            SELECT id FROM federation_events WHERE type = ? AND group_name = ? AND dedupe_key = ?
            ORDER BY observed_at DESC, recorded_at DESC, id DESC LIMIT 1)""");
    }
    PreparedStatement ps = prepared[0];
    for (int base : new int[] {0, 3}) {
      ps.setString(base + 1, ev.type());
      ps.setString(base + 2, ev.group());
      ps.setString(base + 3, dk);
    }
    ps.executeUpdate();
  }

  private static String encodePayload(Map<String, String> payload) throws SQLException {
    if (payload.isEmpty()) {
      return "{}";
    }
    return EventCodec.encodePayload(payload);
  }

  private static Map<String, String> decodePayload(String text) throws SQLException {
    if (text == null || text.isEmpty() || text.equals("{}")) {
      return Map.of();
    }
    try {
      return EventCodec.decodePayload(text.getBytes(StandardCharsets.UTF_8));
    } catch (EventDecodeException e) {
      throw new SQLException("stored payload is not a JSON object of strings: " + e.getMessage(), e);
    }
  }

  private static final String EVENT_COLUMNS =
      "id, group_name, source_node, type, subject, dedupe_key, payload, observed_at, expires_at, recorded_at";

  private static EventRecord readEvent(ResultSet rs) throws SQLException {
    FederationEvent ev = new FederationEvent(
        rs.getString(1),
        rs.getString(2),
        rs.getString(3),
        rs.getString(4),
        rs.getString(5),
        rs.getString(6),
        decodePayload(rs.getString(7)),
        GoTime.fromUnixSeconds(rs.getLong(8)),
        GoTime.fromUnixSeconds(rs.getLong(9)));
    return new EventRecord(ev, GoTime.fromUnixSeconds(rs.getLong(10)));
  }

  /** Events of a group (every group when empty), ordered by observation time (reference §4.4). */
  public List<EventRecord> listEvents(String group, boolean includeExpired, long nowUnix) {
    StringBuilder sql = new StringBuilder("SELECT " + EVENT_COLUMNS + " FROM federation_events WHERE 1=1");
    List<Object> args = new ArrayList<>();
    filter(sql, args, " AND group_name = ?", group);
    if (!includeExpired) {
      sql.append(" AND (expires_at IS NULL OR expires_at = 0 OR expires_at >= ?)");
      args.add(nowUnix);
    }
    sql.append(" ORDER BY observed_at, id");
    return query(sql.toString(), args, FederationStore::readEvent);
  }

  /**
   * A peer as the outbox scan sees it: its node name and its filters (empty means all).
   *
   * @param nodeName the peer's node name (the {@code event_deliveries.peer} value)
   * @param types exact event types the peer takes
   * @param subjectPrefixes subject prefixes the peer takes
   */
  public record PeerFilter(String nodeName, List<String> types, List<String> subjectPrefixes) {
    public PeerFilter {
      Objects.requireNonNull(nodeName, "nodeName");
      types = List.copyOf(types);
      subjectPrefixes = List.copyOf(subjectPrefixes);
    }
  }

  /**
   * The outbox's scan (CloudEdge): events of {@code group} emitted by {@code sourceNode}, not
   * expired, that at least one of {@code peers} takes (its filters match) and still lacks as a
   * current {@code delivered} row (a delivered row whose stored expiry is older than the event's
   * is not current: a TTL refresh). Ordered by observation time. Unlike listing every event, this
   * reads only rows with work to do, so a pass stays cheap however many delivered or filtered-out
   * events the state file holds.
   */
  public List<EventRecord> listUndeliveredLocalEvents(String group, String sourceNode, List<PeerFilter> peers,
      long nowUnix) {
    return listUndeliveredLocalEvents(group, sourceNode, peers, nowUnix, null);
  }

  /**
   * Where the previous outbox pass left off: the rows written since then are the only new
   * candidates besides the pairs already pending or failed.
   *
   * @param maxRowid the largest event rowid the previous pass could see; a larger one is a new row
   * @param recordedSince a row re-recorded (a TTL refresh, whose rowid stays) at or after this unix
   *     second is looked at again
   */
  public record ScanMark(long maxRowid, long recordedSince) {}

  /** The mark for the next pass: the largest rowid now, and the newest {@code recorded_at} less {@code slackSeconds}. */
  public ScanMark scanMark(long slackSeconds) {
    List<ScanMark> l = query("SELECT COALESCE((SELECT MAX(rowid) FROM federation_events), 0),"
        + " COALESCE((SELECT MAX(recorded_at) FROM federation_events), 0)", List.of(),
        rs -> new ScanMark(rs.getLong(1), rs.getLong(2) - slackSeconds));
    return l.get(0);
  }

  /**
   * {@link #listUndeliveredLocalEvents(String, String, List, long)} narrowed to the events that can
   * have become candidates since {@code since} was taken: rows inserted after it, rows re-recorded
   * since its time, and events with a {@code pending} or {@code failed} row for one of {@code
   * peers}. A peer added to the config, or a pair whose row was never written, is found only by the
   * full scan ({@code since} null), which the outbox runs at start, after a config change or an
   * error, and periodically.
   */
  public List<EventRecord> listUndeliveredLocalEvents(String group, String sourceNode, List<PeerFilter> peers,
      long nowUnix, ScanMark since) {
    if (peers.isEmpty()) {
      return List.of();
    }
    List<Object> args = new ArrayList<>();
    StringBuilder sql = new StringBuilder("SELECT " + EVENT_COLUMNS + " FROM federation_events e WHERE ");
    if (since == null) {
      sql.append("e.group_name = ?");
      args.add(group);
    } else {
      // The candidates' rowids from three indexed searches; the unary + keeps SQLite off the group
      // index, which would visit every event of the group.
      sql.append("e.rowid IN (SELECT rowid FROM federation_events WHERE rowid > ?"
          + " UNION SELECT rowid FROM federation_events WHERE recorded_at >= ?"
          + " UNION SELECT x.rowid FROM event_deliveries d JOIN federation_events x ON x.id = d.event_id"
          + " WHERE d.peer IN (")
          .append(String.join(",", java.util.Collections.nCopies(peers.size(), "?")))
          .append(") AND d.status IN ('pending', 'failed')) AND +e.group_name = ?");
      args.add(since.maxRowid());
      args.add(since.recordedSince());
      for (PeerFilter p : peers) {
        args.add(p.nodeName());
      }
      args.add(group);
    }
    sql.append(" AND e.source_node = ? AND (e.expires_at IS NULL OR e.expires_at = 0 OR e.expires_at >= ?) AND (");
    args.add(sourceNode);
    args.add(nowUnix);
    for (int i = 0; i < peers.size(); i++) {
      PeerFilter p = peers.get(i);
      sql.append(i == 0 ? "(" : " OR (");
      if (!p.types().isEmpty()) {
        sql.append("e.type IN (").append(String.join(",", java.util.Collections.nCopies(p.types().size(), "?")))
            .append(") AND ");
        args.addAll(p.types());
      }
      if (!p.subjectPrefixes().isEmpty()) {
        sql.append("(");
        for (int j = 0; j < p.subjectPrefixes().size(); j++) {
          // substr, not LIKE: a plain, case-sensitive prefix without wildcards (reference §3.5).
          sql.append(j == 0 ? "" : " OR ").append("substr(COALESCE(e.subject, ''), 1, ?) = ?");
          String prefix = p.subjectPrefixes().get(j);
          args.add(prefix.codePointCount(0, prefix.length()));
          args.add(prefix);
        }
        sql.append(") AND ");
      }
      sql.append("NOT EXISTS (SELECT 1 FROM event_deliveries d WHERE d.event_id = e.id AND d.peer = ?"
          + " AND d.status = 'delivered'"
          + " AND NOT (COALESCE(e.expires_at, 0) > 0 AND COALESCE(d.event_expires_at, 0) < e.expires_at)))");
      args.add(p.nodeName());
    }
    sql.append(") ORDER BY e.observed_at, e.id");
    return query(sql.toString(), args, FederationStore::readEvent);
  }

  /** One event by id. */
  public Optional<EventRecord> getEvent(String id) {
    List<EventRecord> l = query("SELECT " + EVENT_COLUMNS + " FROM federation_events WHERE id = ?",
        List.of(id), FederationStore::readEvent);
    return l.isEmpty() ? Optional.empty() : Optional.of(l.get(0));
  }

  /** Rows of a group, expired included. */
  public long countEvents(String group) {
    List<Long> l = query("SELECT COUNT(*) FROM federation_events WHERE group_name = ?", List.of(group),
        rs -> rs.getLong(1));
    return l.get(0);
  }

  /**
   * Retention (reference §3.8): deletes the group's rows observed before {@code now - maxAge}
   * (strict), then all but the newest {@code maxEvents} by (observed_at, id); an empty group never
   * applies the count cap. Zero means unlimited. Delivery rows are kept.
   *
   * @return rows deleted
   */
  public int pruneEvents(String group, Duration maxAge, int maxEvents, Instant now) {
    return inTransaction(c -> {
      int deleted = 0;
      boolean hasGroup = group != null && !group.isEmpty();
      if (maxAge != null && maxAge.compareTo(Duration.ZERO) > 0) {
        long cutoff = now.minus(maxAge).getEpochSecond();
        String sql = "DELETE FROM federation_events WHERE observed_at < ?" + (hasGroup ? " AND group_name = ?" : "");
        try (PreparedStatement ps = c.prepareStatement(sql)) {
          ps.setLong(1, cutoff);
          if (hasGroup) {
            ps.setString(2, group);
          }
          deleted += ps.executeUpdate();
        }
      }
      if (maxEvents > 0 && hasGroup) {
        try (PreparedStatement ps = c.prepareStatement(
            """
            DELETE FROM federation_events WHERE group_name = ? AND id NOT IN (
              SELECT id FROM federation_events WHERE group_name = ?
              ORDER BY observed_at DESC, id DESC LIMIT ?)""")) {
          ps.setString(1, group);
          ps.setString(2, group);
          ps.setInt(3, maxEvents);
          deleted += ps.executeUpdate();
        }
      }
      return deleted;
    });
  }

  // ------------------------------------------------------------------ deliveries

  /** Creates the (event, peer) row as {@code pending} unless it exists; an existing row keeps its state. */
  public void enqueueDelivery(String eventId, String peer) {
    update("INSERT INTO event_deliveries(event_id, peer, status, attempts) VALUES (?, ?, 'pending', 0) "
        + "ON CONFLICT(event_id, peer) DO NOTHING", eventId, peer);
  }

  /** Marks a pair delivered (reference §3.4) and clears its backoff. */
  public void markDelivered(String eventId, String peer, int attempts, Instant deliveredAt, Instant eventExpiresAt,
      Instant now) {
    update(MARK_DELIVERED,
        attempts, now.getEpochSecond(), deliveredAt.getEpochSecond(),
        eventExpiresAt == null ? null : eventExpiresAt.getEpochSecond(), eventId, peer);
  }

  /** One pair for {@link #markDeliveredAll}. */
  public record DeliveredMark(String eventId, String peer, int attempts, Instant deliveredAt, Instant eventExpiresAt,
      Instant now) {}

  /**
   * {@link #markDelivered} for many pairs with one prepared statement: the sender marks every push
   * answered 200, and preparing the statement once per pair cost more than running it.
   */
  public void markDeliveredAll(List<DeliveredMark> marks) {
    if (marks.isEmpty()) {
      return;
    }
    withConnection(c -> {
      try (PreparedStatement ps = c.prepareStatement(MARK_DELIVERED)) {
        for (DeliveredMark m : marks) {
          bind(ps, new Object[] {m.attempts(), m.now().getEpochSecond(), m.deliveredAt().getEpochSecond(),
              m.eventExpiresAt() == null ? null : m.eventExpiresAt().getEpochSecond(), m.eventId(), m.peer()});
          ps.addBatch();
        }
        ps.executeBatch();
      }
      return null;
    });
  }

  private static final String MARK_DELIVERED = """
      UPDATE event_deliveries SET status = 'delivered', attempts = ?, last_attempt_at = ?, last_error = '',
        delivered_at = ?, event_expires_at = ?, failures = 0, next_attempt_at_ms = NULL
      WHERE event_id = ? AND peer = ?""";

  /**
   * Marks a pair failed (reference §3.4: {@code delivered_at} cleared, expiry still recorded),
   * counts the consecutive failure and records when the next pass may try it.
   */
  public void markFailed(String eventId, String peer, int attempts, String lastError, Instant eventExpiresAt,
      Instant now, Instant nextAttemptAt) {
    update("""
        UPDATE event_deliveries SET status = 'failed', attempts = ?, last_attempt_at = ?, last_error = ?,
          delivered_at = NULL, event_expires_at = ?, failures = failures + 1, next_attempt_at_ms = ?
        WHERE event_id = ? AND peer = ?""",
        attempts, now.getEpochSecond(), lastError,
        eventExpiresAt == null ? null : eventExpiresAt.getEpochSecond(),
        nextAttemptAt == null ? null : nextAttemptAt.toEpochMilli(), eventId, peer);
  }

  /** Clears the across-tick backoff of failed pairs so the next pass retries them now; returns rows touched. */
  public int resetBackoff(String group, String peer) {
    StringBuilder sql = new StringBuilder(
        "UPDATE event_deliveries SET next_attempt_at_ms = NULL WHERE status = 'failed'");
    List<Object> args = new ArrayList<>();
    filter(sql, args, " AND peer = ?", peer);
    filter(sql, args, " AND event_id IN (SELECT id FROM federation_events WHERE group_name = ?)", group);
    return update(sql.toString(), args.toArray());
  }

  private static final String DELIVERY_COLUMNS =
      "d.id, d.event_id, d.peer, d.status, d.attempts, d.last_attempt_at, d.last_error, d.delivered_at, "
          + "d.event_expires_at, d.failures, d.next_attempt_at_ms";

  private static DeliveryRecord readDelivery(ResultSet rs) throws SQLException {
    long next = rs.getLong(11);
    boolean nextNull = rs.wasNull();
    return new DeliveryRecord(
        rs.getLong(1),
        rs.getString(2),
        rs.getString(3),
        rs.getString(4),
        rs.getInt(5),
        GoTime.fromUnixSeconds(rs.getLong(6)),
        Objects.requireNonNullElse(rs.getString(7), ""),
        GoTime.fromUnixSeconds(rs.getLong(8)),
        GoTime.fromUnixSeconds(rs.getLong(9)),
        rs.getInt(10),
        nextNull ? null : Instant.ofEpochMilli(next));
  }

  /** Delivery rows by event and peer; an empty argument is a wildcard; ordered by row id. */
  public List<DeliveryRecord> listDeliveries(String eventId, String peer) {
    StringBuilder sql = new StringBuilder("SELECT " + DELIVERY_COLUMNS + " FROM event_deliveries d WHERE 1=1");
    List<Object> args = new ArrayList<>();
    filter(sql, args, " AND d.event_id = ?", eventId);
    filter(sql, args, " AND d.peer = ?", peer);
    sql.append(" ORDER BY d.id");
    return query(sql.toString(), args, FederationStore::readDelivery);
  }

  /**
   * The delivery rows of several events at once, by event id (events without rows are absent),
   * each list ordered by row id. A pass plans thousands of events; one query per event cost it
   * about as long as pushing them.
   */
  public Map<String, List<DeliveryRecord>> listDeliveriesOf(Collection<String> eventIds) {
    Map<String, List<DeliveryRecord>> out = new HashMap<>();
    List<String> ids = List.copyOf(eventIds);
    // Well under SQLite's default limit of 32,766 host parameters.
    int chunk = 500;
    for (int from = 0; from < ids.size(); from += chunk) {
      List<String> part = ids.subList(from, Math.min(ids.size(), from + chunk));
      String sql = "SELECT " + DELIVERY_COLUMNS + " FROM event_deliveries d WHERE d.event_id IN ("
          + String.join(",", java.util.Collections.nCopies(part.size(), "?")) + ") ORDER BY d.id";
      for (DeliveryRecord r : query(sql, part, FederationStore::readDelivery)) {
        out.computeIfAbsent(r.eventId(), k -> new ArrayList<>()).add(r);
      }
    }
    return out;
  }

  /**
   * Delivery rows filtered by group (joined to the events, so rows of pruned events drop out),
   * event, peer and status; ordered by event id, peer.
   */
  public List<DeliveryRecord> listDeliveriesFiltered(String group, String eventId, String peer, String status) {
    boolean hasGroup = group != null && !group.isEmpty();
    StringBuilder sql = new StringBuilder("SELECT " + DELIVERY_COLUMNS + " FROM event_deliveries d");
    List<Object> args = new ArrayList<>();
    if (hasGroup) {
      sql.append(" JOIN federation_events e ON d.event_id = e.id WHERE e.group_name = ?");
      args.add(group);
    } else {
      sql.append(" WHERE 1=1");
    }
    filter(sql, args, " AND d.event_id = ?", eventId);
    filter(sql, args, " AND d.peer = ?", peer);
    filter(sql, args, " AND d.status = ?", status);
    sql.append(" ORDER BY d.event_id, d.peer");
    return query(sql.toString(), args, FederationStore::readDelivery);
  }

  /** Delivery state per (group, peer) (reference §4.4), ordered by group, peer. */
  public List<DeliverySummary> deliverySummary(String group, String peer, String type, boolean includeExpired,
      long nowUnix) {
    StringBuilder sql = new StringBuilder(
        """
        SELECT e.group_name, d.peer, COUNT(*),
          SUM(CASE WHEN d.status = 'delivered' THEN 1 ELSE 0 END),
          SUM(CASE WHEN d.status = 'delivered' AND d.event_expires_at > 0 AND e.expires_at > 0
                    AND e.expires_at > d.event_expires_at THEN 1 ELSE 0 END),
          SUM(CASE WHEN d.status = 'failed' THEN 1 ELSE 0 END),
          SUM(CASE WHEN d.status = 'pending' THEN 1 ELSE 0 END),
          MAX(CASE WHEN d.delivered_at > 0 AND e.observed_at > 0 THEN d.delivered_at - e.observed_at END),
          MIN(CASE WHEN e.expires_at > 0 THEN e.expires_at - ? END)
        FROM event_deliveries d JOIN federation_events e ON d.event_id = e.id WHERE 1=1""");
    List<Object> args = new ArrayList<>();
    args.add(nowUnix);
    filter(sql, args, " AND e.group_name = ?", group);
    filter(sql, args, " AND d.peer = ?", peer);
    filter(sql, args, " AND e.type = ?", type);
    if (!includeExpired) {
      sql.append(" AND (e.expires_at IS NULL OR e.expires_at = 0 OR e.expires_at >= ?)");
      args.add(nowUnix);
    }
    sql.append(" GROUP BY e.group_name, d.peer ORDER BY e.group_name, d.peer");
    return query(sql.toString(), args, rs -> new DeliverySummary(
        rs.getString(1), rs.getString(2), rs.getLong(3), rs.getLong(4), rs.getLong(5), rs.getLong(6),
        rs.getLong(7), rs.getLong(8), rs.getLong(9)));
  }

  // ------------------------------------------------------------------ plumbing

  /** Maps one result row. */
  @FunctionalInterface
  public interface RowMapper<T> {
    T map(ResultSet rs) throws SQLException;
  }

  /** Runs a query with positional arguments under the store lock. */
  public <T> List<T> query(String sql, List<?> args, RowMapper<T> mapper) {
    return withConnection(c -> {
      try (PreparedStatement ps = c.prepareStatement(sql)) {
        bind(ps, args.toArray());
        try (ResultSet rs = ps.executeQuery()) {
          List<T> out = new ArrayList<>();
          while (rs.next()) {
            out.add(mapper.map(rs));
          }
          return out;
        }
      }
    });
  }

  /** Runs an update with positional arguments under the store lock; returns rows changed. */
  public int update(String sql, Object... args) {
    return withConnection(c -> {
      try (PreparedStatement ps = c.prepareStatement(sql)) {
        bind(ps, args);
        return ps.executeUpdate();
      }
    });
  }

  /** Appends {@code clause} (one {@code ?}) and its argument when {@code value} is non-empty; empty means any. */
  private static void filter(StringBuilder sql, List<Object> args, String clause, String value) {
    if (value != null && !value.isEmpty()) {
      sql.append(clause);
      args.add(value);
    }
  }

  private static void bind(PreparedStatement ps, Object[] args) throws SQLException {
    for (int i = 0; i < args.length; i++) {
      Object a = args[i];
      if (a == null) {
        ps.setNull(i + 1, Types.NULL);
      } else if (a instanceof Integer n) {
        ps.setInt(i + 1, n);
      } else if (a instanceof Long n) {
        ps.setLong(i + 1, n);
      } else {
        ps.setString(i + 1, a.toString());
      }
    }
  }

  @Override
  public void close() {
    lock.lock();
    try {
      if (!conn.isClosed()) {
        conn.close();
      }
    } catch (SQLException e) {
      throw new StoreException("close state store " + path + ": " + e.getMessage(), e);
    } finally {
      lock.unlock();
    }
  }
}
