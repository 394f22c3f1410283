package dev.cloudedge.federation.provider;

import dev.cloudedge.federation.event.GoTime;
import dev.cloudedge.federation.store.FederationStore;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The {@code action_executions} journal (reference §4.3) on the federation state store: routerd's
 * store operations with their exact semantics and texts, plus CloudEdge's rejection, attempt
 * marker (written before a live cloud call) and audit trail ({@code action_audit}). Times are
 * stored as RFC3339Nano UTC text, as routerd writes them, and compared as instants, never as
 * strings.
 */
public final class ActionJournal {
  /** What an import did with one plan. */
  public enum ImportOutcome {
    /** A new row was inserted. */
    INSERTED,
    /** A {@code failed} or {@code skipped} row was requeued to {@code pending} (same id). */
    REQUEUED,
    /** A row in any other status existed; nothing changed. */
    DUPLICATE;

    /** routerd's {@code inserted} flag. */
    public boolean inserted() {
      return this != DUPLICATE;
    }
  }

  /**
   * A successful claim of a row for a live run.
   *
   * @param record the row, now {@code running}
   * @param attemptId the fencing token of this attempt
   * @param interruptedBefore whether an earlier attempt launched a cloud call and never recorded a result
   */
  public record Claim(ActionRecord record, String attemptId, boolean interruptedBefore) {}

  /**
   * One audit entry.
   *
   * @param id entry id
   * @param actionId journal id
   * @param idempotencyKey the row's key
   * @param event what happened (imported, approved, rejected, denied, claimed, call-started, result, ...)
   * @param actor who did it (operator name, {@code policy:auto-approve}, {@code engine})
   * @param detail the message
   * @param at when
   */
  public record AuditEntry(long id, long actionId, String idempotencyKey, String event, String actor, String detail,
      @com.fasterxml.jackson.databind.annotation.JsonSerialize(using = ActionRecord.GoTimeJson.class) Instant at) {}

  private static final String COLUMNS = "id, idempotency_key, source, provider, provider_ref, action, target_json, "
      + "parameters_json, undo_json, risk_level, status, approved_by, approved_at, executed_at, result_message, "
      + "error, observed_json, created_at, updated_at, rejected_by, rejected_at, reject_reason, attempts, "
      + "call_started_at, pre_observed_json";

  private final FederationStore store;

  /** A journal on an open store (the schema is migrated by the store). */
  public ActionJournal(FederationStore store) {
    this.store = Objects.requireNonNull(store, "store");
  }

  /** The underlying store. */
  public FederationStore store() {
    return store;
  }

  private static String t(Instant i) {
    return i == null ? null : GoTime.format(i);
  }

  private static String nn(String s) {
    return s == null || s.isEmpty() ? null : s;
  }

  private static Instant parseTime(String s) {
    if (s == null || s.isBlank()) {
      return null;
    }
    try {
      return GoTime.parse(s);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private static Map<String, String> map(String json) {
    try {
      return JsonMaps.decode(json);
    } catch (IllegalArgumentException e) {
      return Map.of();
    }
  }

  static ActionRecord row(ResultSet rs) throws SQLException {
    return new ActionRecord(rs.getLong("id"), rs.getString("idempotency_key"), rs.getString("source"),
        rs.getString("provider"), rs.getString("provider_ref"), rs.getString("action"), rs.getString("target_json"),
        rs.getString("parameters_json"), rs.getString("undo_json"), rs.getString("risk_level"),
        rs.getString("status"), rs.getString("approved_by"), parseTime(rs.getString("approved_at")),
        parseTime(rs.getString("executed_at")), rs.getString("result_message"), rs.getString("error"),
        map(rs.getString("observed_json")), parseTime(rs.getString("created_at")),
        parseTime(rs.getString("updated_at")), rs.getString("rejected_by"), parseTime(rs.getString("rejected_at")),
        rs.getString("reject_reason"), rs.getInt("attempts"), parseTime(rs.getString("call_started_at")),
        map(rs.getString("pre_observed_json")));
  }

  // ------------------------------------------------------------------ reads

  /** One row by id. */
  public Optional<ActionRecord> get(long id) {
    return store.query("SELECT " + COLUMNS + " FROM action_executions WHERE id = ?", List.of(id),
        ActionJournal::row).stream().findFirst();
  }

  /** One row by idempotency key. */
  public Optional<ActionRecord> getByKey(String key) {
    return store.query("SELECT " + COLUMNS + " FROM action_executions WHERE idempotency_key = ?", List.of(key),
        ActionJournal::row).stream().findFirst();
  }

  /** Rows newest first, filtered by status and provider when non-empty (routerd's {@code ListActions}). */
  public List<ActionRecord> list(String status, String provider) {
    StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + " FROM action_executions WHERE 1=1");
    List<Object> args = new ArrayList<>();
    if (status != null && !status.isEmpty()) {
      sql.append(" AND status = ?");
      args.add(status);
    }
    if (provider != null && !provider.isEmpty()) {
      sql.append(" AND provider = ?");
      args.add(provider);
    }
    sql.append(" ORDER BY id DESC");
    return store.query(sql.toString(), args, ActionJournal::row);
  }

  /** The audit trail of one action, oldest first; {@code actionId} 0 lists every entry. */
  public List<AuditEntry> audit(long actionId) {
    String sql = "SELECT id, action_id, idempotency_key, event, actor, detail, at FROM action_audit"
        + (actionId > 0 ? " WHERE action_id = ?" : "") + " ORDER BY id";
    return store.query(sql, actionId > 0 ? List.of(actionId) : List.of(), rs -> new AuditEntry(rs.getLong(1),
        rs.getLong(2), nz(rs.getString(3)), rs.getString(4), nz(rs.getString(5)), nz(rs.getString(6)),
        parseTime(rs.getString(7))));
  }

  private static String nz(String s) {
    return s == null ? "" : s;
  }

  /** Appends an audit entry (refusals included: nothing an operator or the policy decided goes unrecorded). */
  public void recordAudit(long actionId, String key, String event, String actor, String detail, Instant now) {
    store.update("INSERT INTO action_audit(action_id, idempotency_key, event, actor, detail, at) VALUES (?,?,?,?,?,?)",
        actionId, nn(key), event, nn(actor), nn(detail), t(now));
  }

  // ------------------------------------------------------------------ routerd operations

  /**
   * routerd's {@code ImportAction}: inserts a pending row, or requeues a {@code failed}/{@code skipped}
   * row with the same key to {@code pending} (same id; approval, result and observation cleared).
   *
   * @throws IllegalArgumentException {@code action import requires idempotencyKey|provider|action}
   */
  public ImportOutcome importAction(ActionRecord rec, Instant now) {
    if (rec.idempotencyKey().isBlank()) {
      throw new IllegalArgumentException("action import requires idempotencyKey");
    }
    if (rec.provider().isBlank()) {
      throw new IllegalArgumentException("action import requires provider");
    }
    if (rec.action().isBlank()) {
      throw new IllegalArgumentException("action import requires action");
    }
    String ts = t(now);
    return store.inTransaction(c -> {
      String existing = null;
      long id = 0;
      try (PreparedStatement ps = c.prepareStatement(
          "SELECT id, status FROM action_executions WHERE idempotency_key = ?")) {
        ps.setString(1, rec.idempotencyKey());
        try (ResultSet rs = ps.executeQuery()) {
          if (rs.next()) {
            id = rs.getLong(1);
            existing = rs.getString(2);
          }
        }
      }
      if (existing == null) {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO action_executions(idempotency_key, source, "
            + "provider, provider_ref, action, target_json, parameters_json, undo_json, risk_level, status, "
            + "created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)")) {
          Object[] a = {rec.idempotencyKey(), nn(rec.source()), rec.provider(), nn(rec.providerRef()), rec.action(),
              nn(rec.targetJson()), nn(rec.parametersJson()), nn(rec.undoJson()), nn(rec.riskLevel()),
              ActionStatus.PENDING, ts, ts};
          for (int i = 0; i < a.length; i++) {
            ps.setString(i + 1, (String) a[i]);
          }
          ps.executeUpdate();
        }
        audit(c, lastId(c), rec.idempotencyKey(), "imported", "engine", "inserted from " + rec.source(), ts);
        return ImportOutcome.INSERTED;
      }
      if (!existing.equals(ActionStatus.FAILED) && !existing.equals(ActionStatus.SKIPPED)) {
        return ImportOutcome.DUPLICATE;
      }
      try (PreparedStatement ps = c.prepareStatement("UPDATE action_executions SET source=?, provider=?, "
          + "provider_ref=?, action=?, target_json=?, parameters_json=?, undo_json=?, risk_level=?, status=?, "
          + "approved_by=NULL, approved_at=NULL, executed_at=NULL, result_message=NULL, error=NULL, "
          + "observed_json=NULL, call_started_at=NULL, pre_observed_json=NULL, attempt_id=NULL, updated_at=? "
          + "WHERE id=? AND status IN ('failed','skipped')")) {
        Object[] a = {nn(rec.source()), rec.provider(), nn(rec.providerRef()), rec.action(), nn(rec.targetJson()),
            nn(rec.parametersJson()), nn(rec.undoJson()), nn(rec.riskLevel()), ActionStatus.PENDING, ts};
        for (int i = 0; i < a.length; i++) {
          ps.setString(i + 1, (String) a[i]);
        }
        ps.setLong(a.length + 1, id);
        ps.executeUpdate();
      }
      audit(c, id, rec.idempotencyKey(), "requeued", "engine", "re-imported while " + existing, ts);
      return ImportOutcome.REQUEUED;
    });
  }

  private static long lastId(java.sql.Connection c) throws SQLException {
    try (var s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT last_insert_rowid()")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static void audit(java.sql.Connection c, long id, String key, String event, String actor, String detail,
      String ts) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(
        "INSERT INTO action_audit(action_id, idempotency_key, event, actor, detail, at) VALUES (?,?,?,?,?,?)")) {
      ps.setLong(1, id);
      ps.setString(2, key);
      ps.setString(3, event);
      ps.setString(4, actor);
      ps.setString(5, detail);
      ps.setString(6, ts);
      ps.executeUpdate();
    }
  }

  private String keyOf(long id) {
    return get(id).map(ActionRecord::idempotencyKey).orElse("");
  }

  /**
   * routerd's {@code ApproveAction}: {@code pending → approved}.
   *
   * @throws JournalStateException {@code cannot approve action <id>: row missing or not in pending state}
   */
  public void approve(long id, String by, Instant now) {
    int n = store.update("UPDATE action_executions SET status='approved', approved_by=?, approved_at=?, updated_at=? "
        + "WHERE id=? AND status='pending'", by, t(now), t(now), id);
    if (n == 0) {
      throw new JournalStateException("cannot approve action " + id + ": row missing or not in pending state");
    }
    recordAudit(id, keyOf(id), "approved", by, "", now);
  }

  /**
   * CloudEdge's rejection: {@code pending|approved → rejected}. A rejected row is never executed
   * and a re-import keeps it rejected.
   *
   * @throws JournalStateException {@code cannot reject action <id>: row missing or not in pending or approved state}
   */
  public void reject(long id, String by, String reason, Instant now) {
    int n = store.update("UPDATE action_executions SET status='rejected', rejected_by=?, rejected_at=?, "
        + "reject_reason=?, updated_at=? WHERE id=? AND status IN ('pending','approved')",
        by, t(now), nn(reason), t(now), id);
    if (n == 0) {
      throw new JournalStateException(
          "cannot reject action " + id + ": row missing or not in pending or approved state");
    }
    recordAudit(id, keyOf(id), "rejected", by, reason, now);
  }

  /**
   * routerd's {@code BeginActionExecution} CAS ({@code approved → running}), which also counts the
   * attempt and hands out a fencing token. Reports whether an earlier attempt launched a cloud call
   * without recording its result (a crash or lost worker between the call and the journal write).
   */
  public Optional<Claim> begin(long id, Instant now) {
    String attemptId = java.util.UUID.randomUUID().toString();
    return store.inTransaction(c -> {
      boolean interrupted;
      try (PreparedStatement ps = c.prepareStatement(
          "SELECT call_started_at FROM action_executions WHERE id=? AND status='approved'")) {
        ps.setLong(1, id);
        try (ResultSet rs = ps.executeQuery()) {
          if (!rs.next()) {
            return Optional.<Claim>empty();
          }
          interrupted = rs.getString(1) != null;
        }
      }
      try (PreparedStatement ps = c.prepareStatement("UPDATE action_executions SET status='running', "
          + "attempts=attempts+1, attempt_id=?, updated_at=? WHERE id=? AND status='approved'")) {
        ps.setString(1, attemptId);
        ps.setString(2, t(now));
        ps.setLong(3, id);
        if (ps.executeUpdate() == 0) {
          return Optional.<Claim>empty();
        }
      }
      ActionRecord rec;
      try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM action_executions WHERE id=?")) {
        ps.setLong(1, id);
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          rec = row(rs);
        }
      }
      audit(c, id, rec.idempotencyKey(), "claimed", "engine",
          "attempt " + rec.attempts() + (interrupted ? " (an earlier attempt was interrupted after its cloud call started)" : ""),
          t(now));
      return Optional.of(new Claim(rec, attemptId, interrupted));
    });
  }

  /**
   * Stores the read-only observation made before the first live call. The first one wins: a
   * later attempt after an interruption must not overwrite the true priors with a state the
   * interrupted call may already have changed.
   */
  public void recordPreObservation(long id, String attemptId, Map<String, String> observed, Instant now) {
    store.update("UPDATE action_executions SET pre_observed_json=?, updated_at=? WHERE id=? AND attempt_id=? "
        + "AND status='running' AND pre_observed_json IS NULL", nn(JsonMaps.encode(observed)), t(now), id, attemptId);
  }

  /**
   * Writes the crash marker just before a live cloud call is launched (and durably, before the
   * process starts): if no result follows, recovery knows the cloud may have changed.
   *
   * @throws JournalStateException when this attempt no longer owns the row
   */
  public void markCallStarted(long id, String attemptId, Instant now) {
    int n = store.update("UPDATE action_executions SET call_started_at=?, updated_at=? WHERE id=? AND attempt_id=? "
        + "AND status='running'", t(now), t(now), id, attemptId);
    if (n == 0) {
      throw new JournalStateException("cannot start action " + id + ": attempt " + attemptId + " no longer owns the row");
    }
    recordAudit(id, keyOf(id), "call-started", "engine", "attempt " + attemptId, now);
  }

  /**
   * routerd's {@code RequeueStaleRunningActions}: {@code running} rows last updated at or before
   * {@code cutoff} go back to {@code approved} with {@code requeued stale running action}. The crash
   * marker and the pre-call observation are kept, so the next attempt observes before it acts.
   *
   * @return the ids requeued
   */
  public List<Long> requeueStaleRunning(Instant cutoff, Instant now) {
    return store.inTransaction(c -> {
      List<long[]> stale = new ArrayList<>();
      List<String> keys = new ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement(
          "SELECT id, updated_at, idempotency_key FROM action_executions WHERE status='running'")) {
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            Instant u = parseTime(rs.getString(2));
            // Compared as instants: routerd's string compare breaks on varying fraction widths.
            if (u == null || !u.isAfter(cutoff)) {
              stale.add(new long[] {rs.getLong(1)});
              keys.add(rs.getString(3));
            }
          }
        }
      }
      List<Long> ids = new ArrayList<>();
      for (int i = 0; i < stale.size(); i++) {
        long id = stale.get(i)[0];
        try (PreparedStatement ps = c.prepareStatement("UPDATE action_executions SET status='approved', "
            + "result_message='requeued stale running action', error=NULL, executed_at=NULL, observed_json=NULL, "
            + "attempt_id=NULL, updated_at=? WHERE id=? AND status='running'")) {
          ps.setString(1, t(now));
          ps.setLong(2, id);
          if (ps.executeUpdate() > 0) {
            ids.add(id);
            audit(c, id, keys.get(i), "recovered", "engine", "requeued stale running action", t(now));
          }
        }
      }
      return ids;
    });
  }

  /**
   * routerd's {@code MarkActionResult}, fenced by the attempt that claimed the row when
   * {@code attemptId} is non-null (a slow attempt whose row was requeued and re-claimed cannot
   * overwrite the newer attempt's outcome).
   *
   * @throws IllegalArgumentException when the status is not succeeded, failed or skipped
   * @throws JournalStateException when the row is missing, not running/approved, or owned by another attempt
   */
  public void markResult(long id, String attemptId, String status, String message, String error,
      Map<String, String> observed, Instant executedAt) {
    if (!List.of(ActionStatus.SUCCEEDED, ActionStatus.FAILED, ActionStatus.SKIPPED).contains(status)) {
      throw new IllegalArgumentException(
          "action " + id + " result status \"" + status + "\" must be succeeded, failed, or skipped");
    }
    String sql = "UPDATE action_executions SET status=?, result_message=?, error=?, observed_json=?, executed_at=?, "
        + "updated_at=? WHERE id=? AND status IN ('running','approved')"
        + (attemptId != null ? " AND (attempt_id=? OR status='approved')" : "");
    int n = attemptId != null
        ? store.update(sql, status, nn(message), nn(error), nn(JsonMaps.encode(observed)), t(executedAt),
            t(executedAt), id, attemptId)
        : store.update(sql, status, nn(message), nn(error), nn(JsonMaps.encode(observed)), t(executedAt),
            t(executedAt), id);
    if (n == 0) {
      throw new JournalStateException("cannot record result for action " + id
          + ": row missing or not in running or approved state");
    }
    recordAudit(id, keyOf(id), "result", "engine", status + (message == null || message.isEmpty() ? "" : ": " + message)
        + (error == null || error.isEmpty() ? "" : " (error: " + error + ")"), executedAt);
  }

  /**
   * Puts a running row back to {@code approved} after a transient failure so a retry can claim it;
   * the crash marker is kept, so the retry observes before it acts.
   */
  public void releaseForRetry(long id, String attemptId, String message, Instant now) {
    int n = store.update("UPDATE action_executions SET status='approved', result_message=?, attempt_id=NULL, "
        + "updated_at=? WHERE id=? AND attempt_id=? AND status='running'", nn(message), t(now), id, attemptId);
    if (n == 0) {
      throw new JournalStateException("cannot release action " + id + ": attempt " + attemptId + " no longer owns the row");
    }
    recordAudit(id, keyOf(id), "released", "engine", message, now);
  }

  /** routerd's {@code MarkActionSkippedByIdempotencyKey}: {@code pending|approved → skipped}. */
  public boolean markSkippedByKey(String key, String message, Instant now) {
    int n = store.update("UPDATE action_executions SET status='skipped', result_message=?, executed_at=?, updated_at=? "
        + "WHERE idempotency_key=? AND status IN ('pending','approved')", nn(message), t(now), t(now), key);
    return n > 0;
  }

  /**
   * routerd's {@code MarkActionRolledBack}: {@code succeeded → rolledBack}.
   *
   * @throws JournalStateException {@code cannot roll back action <id>: row missing or not in succeeded state}
   */
  public void markRolledBack(long id, String message, Instant now) {
    int n = store.update("UPDATE action_executions SET status='rolledBack', result_message=?, updated_at=? "
        + "WHERE id=? AND status='succeeded'", nn(message), t(now), id);
    if (n == 0) {
      throw new JournalStateException("cannot roll back action " + id + ": row missing or not in succeeded state");
    }
    recordAudit(id, keyOf(id), "rolled-back", "engine", message, now);
  }
}
