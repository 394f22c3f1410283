package dev.cloudedge.federation.provider;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.cloudedge.federation.plan.ActionPlan;
import dev.cloudedge.federation.plan.ActionPlans;
import dev.cloudedge.federation.provider.exec.ExecuteActionRequest;
import dev.cloudedge.federation.provider.exec.ExecuteActionResult;
import dev.cloudedge.federation.provider.exec.ExecutorException;
import dev.cloudedge.federation.provider.exec.ExecutorPlugin;
import dev.cloudedge.federation.provider.exec.ExecutorRunner;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The provider action engine (reference §4.5): import, approve, reject, execute, dry-run preview,
 * rollback and stale-running recovery over the {@link ActionJournal}, with routerd's order of
 * checks and texts. Policy and approval denials never change a row and never launch an executor.
 *
 * <p>Crash safety: before a live call the engine (1) claims the row ({@code approved → running},
 * with a fencing attempt id), (2) runs the executor read-only ({@code dry-run}) and stores what it
 * saw as the pre-call observation (the first one is kept for good), and (3) durably writes the
 * call marker. If the process dies after the cloud call but before the result is journaled, the
 * row is left {@code running} with the marker; recovery requeues it to {@code approved}, and the
 * next attempt observes first: when the executor reports the effect already present
 * ({@code observed.effectPresent=true}) the row is marked succeeded without a second mutation,
 * and in every case the priors of the first observation are kept for the undo.
 */
public final class ActionEngine {
  /** routerd's {@code DefaultStaleRunningTimeout}. */
  public static final Duration DEFAULT_STALE_RUNNING_TIMEOUT = Duration.ofMinutes(2);
  /** Observed key our executors set in dry-run when the action's effect is already in place. */
  public static final String EFFECT_PRESENT = "effectPresent";
  /** Observed key set by executors on failures: {@code authorization}, {@code transient}, ... */
  public static final String FAILURE_CLASS = "failureClass";

  private final ActionJournal journal;
  private final ExecutorResolver resolver;
  private final ExecutorRunner runner;
  private final Clock clock;
  private final Duration staleRunningTimeout;

  /**
   * @param staleRunningTimeout how long a {@code running} row may go without an update before recovery requeues it
   */
  public ActionEngine(ActionJournal journal, ExecutorResolver resolver, ExecutorRunner runner, Clock clock,
      Duration staleRunningTimeout) {
    this.journal = Objects.requireNonNull(journal, "journal");
    this.resolver = Objects.requireNonNull(resolver, "resolver");
    this.runner = Objects.requireNonNull(runner, "runner");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.staleRunningTimeout = staleRunningTimeout == null || staleRunningTimeout.isZero()
        ? DEFAULT_STALE_RUNNING_TIMEOUT : staleRunningTimeout;
  }

  /** The journal this engine works on. */
  public ActionJournal journal() {
    return journal;
  }

  /**
   * Options of a live execution.
   *
   * @param requeueTransient when true (Temporal activities), a transient failure (executor timeout,
   *     failureClass {@code transient}) puts the row back to {@code approved} and throws a retryable
   *     {@link ActionException} instead of journaling {@code failed}
   * @param tick called about once a second while an executor runs (activity heartbeats); may be null
   */
  public record ExecuteOptions(boolean requeueTransient, Runnable tick) {
    /** routerd's behaviour: every failure is journaled. */
    public static final ExecuteOptions DEFAULT = new ExecuteOptions(false, null);
  }

  /**
   * What {@link #execute} did.
   *
   * @param record the row after the operation
   * @param launched whether an executor ran for this call
   * @param recovered whether the result came from observing an effect left by an interrupted attempt
   */
  public record ExecuteOutcome(ActionRecord record, boolean launched, boolean recovered) {}

  /**
   * What a preview (dry-run) reported; nothing was journaled.
   *
   * @param status the executor's status
   * @param message its message
   * @param error its error
   * @param observed what it saw
   */
  public record Preview(String status, String message, String error, Map<String, String> observed) {}

  private Instant now() {
    return clock.instant();
  }

  // ------------------------------------------------------------------ import

  /** The journal record for a plan (routerd's {@code recordFromPlan}). */
  public static ActionRecord recordFromPlan(String source, ActionPlan plan) {
    String undo = "";
    if (plan.undo() != null) {
      try {
        undo = JsonMaps.JSON.writeValueAsString(plan.undo());
      } catch (JsonProcessingException e) {
        throw new IllegalStateException("encode undo: " + e.getOriginalMessage(), e);
      }
    }
    return new ActionRecord(0, plan.idempotencyKey(), source, plan.provider(), plan.providerRef(), plan.action(),
        JsonMaps.encode(plan.target()), JsonMaps.encode(plan.parameters()), undo, plan.riskLevel(),
        ActionStatus.PENDING, null, null, null, null, null, null, null, null, null, null, null, 0, null, null);
  }

  /**
   * Imports plans into the journal by idempotency key. Expired batches are ignored entirely; a plan
   * without an idempotencyKey, or one that fails {@link ActionPlans#validate}, is counted as skipped
   * and never journaled; a {@code failed}/{@code skipped} row is requeued; any other existing row is a
   * duplicate.
   */
  public ImportResult importPlans(List<PlanBatch> batches) {
    Instant now = now();
    int inserted = 0;
    int dup = 0;
    int skipped = 0;
    List<String> notes = new ArrayList<>();
    for (PlanBatch b : batches) {
      if (b.expiresAt() != null && !now.isBefore(b.expiresAt())) {
        continue;
      }
      for (ActionPlan p : b.plans()) {
        if (p.idempotencyKey().isBlank()) {
          skipped++;
          notes.add("plan " + ProviderActionPolicy.quote(p.name()) + " from " + b.source()
              + " has no idempotencyKey; not journaled");
          continue;
        }
        Optional<String> invalid = ActionPlans.validate(p);
        if (invalid.isPresent()) {
          skipped++;
          notes.add("plan " + ProviderActionPolicy.quote(p.name()) + " from " + b.source() + ": " + invalid.get());
          continue;
        }
        if (journal.importAction(recordFromPlan(b.source(), p), now).inserted()) {
          inserted++;
        } else {
          dup++;
        }
      }
    }
    return new ImportResult(inserted, dup, skipped, notes);
  }

  // ------------------------------------------------------------------ decisions

  /**
   * Approves a pending row.
   *
   * @throws JournalStateException {@code cannot approve action <id>: row missing or not in pending state}
   */
  public ActionRecord approve(long id, String by) {
    journal.approve(id, by, now());
    return load(id, "action " + id + " not found");
  }

  /**
   * Rejects a pending or approved row (CloudEdge addition): it will never run.
   *
   * @throws JournalStateException when the row is missing or in another state
   */
  public ActionRecord reject(long id, String by, String reason) {
    journal.reject(id, by, reason, now());
    return load(id, "action " + id + " not found");
  }

  private ActionRecord load(long id, String notFound) {
    return journal.get(id).orElseThrow(() -> new ActionException(ActionException.Reason.NOT_FOUND, notFound));
  }

  // ------------------------------------------------------------------ execute

  /** {@link #execute(long, String, ProviderActionPolicy, ExecuteOptions)} with routerd's options. */
  public ExecuteOutcome execute(long id, String mode, ProviderActionPolicy policy) throws InterruptedException {
    return execute(id, mode, policy, ExecuteOptions.DEFAULT);
  }

  /**
   * routerd's {@code Execute}: checks mode, row, status, policy, approval, executor, claims the
   * row and runs the executor, journaling its result. An executor-reported failure is journaled and
   * returned (not thrown).
   *
   * @param mode {@code execute} (live) or {@code dry-run} (journals a terminal status, as routerd)
   * @throws ActionException with routerd's texts for refusals and process-level failures
   * @throws InterruptedException when cancelled while the executor runs (it is killed; the row stays
   *     {@code running} with its call marker, and recovery handles it)
   */
  public ExecuteOutcome execute(long id, String mode, ProviderActionPolicy policy, ExecuteOptions opts)
      throws InterruptedException {
    if (!"dry-run".equals(mode) && !"execute".equals(mode)) {
      throw new ActionException(ActionException.Reason.INVALID_REQUEST,
          "execute action " + id + ": mode \"" + mode + "\" must be \"dry-run\" or \"execute\"");
    }
    ActionRecord rec = load(id, "action " + id + " not found");
    switch (rec.status()) {
      case ActionStatus.SUCCEEDED, ActionStatus.RUNNING -> {
        return new ExecuteOutcome(rec, false, false);
      }
      case ActionStatus.ROLLED_BACK -> throw new ActionException(ActionException.Reason.INVALID_STATE,
          "execute action " + id + ": action was rolled back");
      case ActionStatus.REJECTED -> throw new ActionException(ActionException.Reason.INVALID_STATE,
          "execute action " + id + ": action was rejected");
      default -> {
        // pending / approved / failed / skipped continue to the gates.
      }
    }
    Optional<String> denied = policy.deny(rec.provider(), rec.providerRef(), rec.action(), rec.target(), mode);
    if (denied.isPresent()) {
      journal.recordAudit(id, rec.idempotencyKey(), "denied", "policy", denied.get(), now());
      throw new ActionException(ActionException.Reason.POLICY_DENIED,
          "policy gate denied action " + id + ": " + denied.get());
    }
    if (rec.status().equals(ActionStatus.PENDING)) {
      if (!policy.isAutoApprove()) {
        throw new ActionException(ActionException.Reason.NOT_APPROVED,
            "execute action " + id + ": action is pending and not approved (approval required)");
      }
      journal.approve(id, ProviderActionPolicy.AUTO_APPROVER, now());
    } else if (!rec.status().equals(ActionStatus.APPROVED)) {
      throw new ActionException(ActionException.Reason.INVALID_STATE,
          "execute action " + id + ": action in unexpected status \"" + rec.status() + "\"");
    }
    ExecutorPlugin plugin = resolve(rec.provider());
    Optional<ActionJournal.Claim> claimed = journal.begin(id, now());
    if (claimed.isEmpty()) {
      return new ExecuteOutcome(load(id, "action " + id + " not found"), false, false);
    }
    ActionJournal.Claim claim = claimed.get();
    rec = claim.record();
    Map<String, String> firstPriors = new TreeMap<>(rec.preObserved());

    if (mode.equals("execute")) {
      // Observe before acting: the priors for the undo are on record before any mutation, and an
      // attempt after an interruption learns whether the interrupted call already took effect.
      ExecutorRunner.Outcome obs;
      try {
        obs = runner.run(plugin, request(rec, rec.action(), rec.parameters(), "dry-run", rec.idempotencyKey()),
            opts.tick());
      } catch (InterruptedException | RuntimeException e) {
        // Stopped (cancelled, interrupted) before anything was changed: the row is free to run again.
        journal.releaseForRetry(id, claim.attemptId(), "stopped during pre-call observation: "
            + e.getClass().getSimpleName(), now());
        throw e;
      } catch (ExecutorException e) {
        return processFailure(rec, claim, "dry-run", e, opts, "pre-call observation ");
      }
      ExecuteActionResult.Status o = obs.result().status();
      if (o.status().equals(ExecuteActionResult.FAILED)) {
        if (opts.requeueTransient() && "transient".equals(o.observed().get(FAILURE_CLASS))) {
          journal.releaseForRetry(id, claim.attemptId(), "transient failure during pre-call observation: "
              + o.message(), now());
          throw new ActionException(ActionException.Reason.TRANSIENT, "execute action " + id
              + ": transient failure during pre-call observation: " + firstNonEmpty(o.error(), o.message()));
        }
        journal.markResult(id, claim.attemptId(), ExecuteActionResult.FAILED,
            "pre-call observation failed: " + o.message(), o.error(), o.observed(), now());
        return new ExecuteOutcome(load(id, ""), true, false);
      }
      journal.recordPreObservation(id, claim.attemptId(), o.observed(), now());
      if (firstPriors.isEmpty()) {
        firstPriors.putAll(o.observed());
      }
      if (claim.interruptedBefore() && "true".equals(o.observed().get(EFFECT_PRESENT))) {
        Map<String, String> observed = new TreeMap<>(o.observed());
        observed.remove(EFFECT_PRESENT);
        keepFirstPriors(observed, firstPriors);
        observed.put("recoveredAfterInterruptedAttempt", "true");
        journal.markResult(id, claim.attemptId(), ExecuteActionResult.SUCCEEDED,
            "effect already present after an interrupted attempt; not re-applied (" + o.message() + ")", "",
            observed, now());
        return new ExecuteOutcome(load(id, ""), true, true);
      }
      journal.markCallStarted(id, claim.attemptId(), now());
    }

    ExecutorRunner.Outcome out;
    try {
      out = runner.run(plugin, request(rec, rec.action(), rec.parameters(), mode, rec.idempotencyKey()), opts.tick());
    } catch (ExecutorException e) {
      return processFailure(rec, claim, mode, e, opts, "");
    }
    ExecuteActionResult.Status s = out.result().status();
    Map<String, String> observed = new TreeMap<>(s.observed());
    if (claim.interruptedBefore()) {
      keepFirstPriors(observed, firstPriors);
    }
    switch (s.status()) {
      case ExecuteActionResult.SUCCEEDED, ExecuteActionResult.SKIPPED ->
          journal.markResult(id, claim.attemptId(), s.status(), s.message(), "", observed, now());
      default -> {
        if (opts.requeueTransient() && "transient".equals(observed.get(FAILURE_CLASS))) {
          journal.releaseForRetry(id, claim.attemptId(), "transient failure: " + s.message(), now());
          throw new ActionException(ActionException.Reason.TRANSIENT,
              "execute action " + id + ": transient failure: " + firstNonEmpty(s.error(), s.message()));
        }
        journal.markResult(id, claim.attemptId(), ExecuteActionResult.FAILED, s.message(), s.error(), observed, now());
      }
    }
    return new ExecuteOutcome(load(id, ""), true, false);
  }

  private static String firstNonEmpty(String a, String b) {
    return a == null || a.isEmpty() ? b : a;
  }

  /** The first observation's {@code prior*} keys win: a retry after an interruption sees the changed state. */
  private static void keepFirstPriors(Map<String, String> observed, Map<String, String> firstPriors) {
    firstPriors.forEach((k, v) -> {
      if (k.startsWith("prior")) {
        observed.put(k, v);
      }
    });
  }

  private ExecuteOutcome processFailure(ActionRecord rec, ActionJournal.Claim claim, String mode, ExecutorException e,
      ExecuteOptions opts, String what) {
    boolean transientKind = e.kind() == ExecutorException.Kind.TIMEOUT || e.kind() == ExecutorException.Kind.LAUNCH;
    if (opts.requeueTransient() && transientKind) {
      journal.releaseForRetry(rec.id(), claim.attemptId(), what + "executor invocation failed (mode=" + mode + "): "
          + e.getMessage(), now());
      throw new ActionException(ActionException.Reason.TRANSIENT, "execute action " + rec.id() + ": " + e.getMessage());
    }
    journal.markResult(rec.id(), claim.attemptId(), ExecuteActionResult.FAILED,
        what + "executor invocation failed (mode=" + mode + ")", e.getMessage(), Map.of(), now());
    throw new ActionException(ActionException.Reason.EXECUTOR_FAILED,
        "execute action " + rec.id() + ": " + e.getMessage());
  }

  private ExecutorPlugin resolve(String provider) {
    try {
      return resolver.resolve(provider);
    } catch (IllegalStateException e) {
      throw new ActionException(ActionException.Reason.NO_EXECUTOR,
          "resolve executor for provider \"" + provider + "\": " + e.getMessage());
    }
  }

  private static ExecuteActionRequest request(ActionRecord rec, String action, Map<String, String> parameters,
      String mode, String key) {
    return ExecuteActionRequest.of(new ExecuteActionRequest.Spec(action, rec.provider(), rec.providerRef(),
        rec.target(), parameters, mode, key, Map.of()));
  }

  /**
   * routerd's {@code DryRunPreview}: runs the executor in dry-run mode without touching the
   * journal (the approval is not consumed).
   */
  public Preview dryRunPreview(long id, ProviderActionPolicy policy) throws InterruptedException {
    ActionRecord rec = load(id, "action " + id + " not found");
    if (rec.status().equals(ActionStatus.ROLLED_BACK)) {
      throw new ActionException(ActionException.Reason.INVALID_STATE, "dry-run action " + id + ": action was rolled back");
    }
    if (rec.status().equals(ActionStatus.REJECTED)) {
      throw new ActionException(ActionException.Reason.INVALID_STATE, "dry-run action " + id + ": action was rejected");
    }
    Optional<String> denied = policy.deny(rec.provider(), rec.providerRef(), rec.action(), rec.target(), "dry-run");
    if (denied.isPresent()) {
      throw new ActionException(ActionException.Reason.POLICY_DENIED,
          "policy gate denied dry-run of action " + id + ": " + denied.get());
    }
    switch (rec.status()) {
      case ActionStatus.APPROVED, ActionStatus.SUCCEEDED, ActionStatus.FAILED, ActionStatus.SKIPPED -> { }
      case ActionStatus.PENDING -> {
        if (!policy.isAutoApprove()) {
          throw new ActionException(ActionException.Reason.NOT_APPROVED,
              "dry-run action " + id + ": action is pending and not approved (approval required)");
        }
      }
      default -> throw new ActionException(ActionException.Reason.INVALID_STATE,
          "dry-run action " + id + ": action in unexpected status \"" + rec.status() + "\"");
    }
    ExecutorPlugin plugin = resolve(rec.provider());
    try {
      ExecuteActionResult.Status s = runner.run(plugin,
          request(rec, rec.action(), rec.parameters(), "dry-run", rec.idempotencyKey()), null).result().status();
      return new Preview(s.status(), s.message(), s.error(), s.observed());
    } catch (ExecutorException e) {
      throw new ActionException(ActionException.Reason.EXECUTOR_FAILED, "dry-run action " + id + ": " + e.getMessage());
    }
  }

  // ------------------------------------------------------------------ rollback

  private record UndoPlan(ActionRecord record, String action, Map<String, String> parameters, ExecutorPlugin plugin) {}

  private UndoPlan undoPlan(long id, ProviderActionPolicy policy) {
    if (!policy.allowUndo()) {
      throw new ActionException(ActionException.Reason.POLICY_DENIED,
          "rollback action " + id + " refused: policy.allowUndo is false");
    }
    ActionRecord rec = load(id, "action " + id + " not found");
    if (!rec.status().equals(ActionStatus.SUCCEEDED)) {
      throw new ActionException(ActionException.Reason.INVALID_STATE,
          "rollback action " + id + " refused: action is " + rec.status() + ", not succeeded");
    }
    if (rec.undoJson().isBlank()) {
      throw new ActionException(ActionException.Reason.INVALID_STATE, "rollback action " + id + " refused: action has no undo");
    }
    ActionPlan.Undo undo;
    try {
      undo = JsonMaps.JSON.readValue(rec.undoJson(), ActionPlan.Undo.class);
    } catch (JsonProcessingException e) {
      throw new ActionException(ActionException.Reason.INVALID_STATE,
          "rollback action " + id + ": decode undo: " + e.getOriginalMessage());
    }
    if (undo == null || undo.action().isBlank()) {
      throw new ActionException(ActionException.Reason.INVALID_STATE, "rollback action " + id + " refused: undo has no action");
    }
    ExecutorPlugin plugin = resolve(rec.provider());
    // The full observed map (priors) is injected; the planned undo parameters win on collision.
    Map<String, String> params = new TreeMap<>(rec.observed());
    params.putAll(undo.parameters());
    return new UndoPlan(rec, undo.action(), params, plugin);
  }

  /**
   * routerd's {@code Rollback}: runs the plan's undo (restore-prior rules of §4.12) and marks the row
   * {@code rolledBack}. Only {@code allowUndo} is checked; a {@code skipped} undo is a failure.
   */
  public ActionRecord rollback(long id, ProviderActionPolicy policy) throws InterruptedException {
    return rollback(id, policy, null);
  }

  /**
   * {@link #rollback(long, ProviderActionPolicy)} calling {@code tick} about once a second while
   * the undo's executor runs (activity heartbeats). When the tick throws (the activity was
   * cancelled) or the thread is interrupted, the executor is killed, {@code rollback-interrupted}
   * is audited, the row stays {@code succeeded} and the exception propagates.
   */
  public ActionRecord rollback(long id, ProviderActionPolicy policy, Runnable tick) throws InterruptedException {
    UndoPlan u;
    try {
      u = undoPlan(id, policy);
    } catch (ActionException e) {
      journal.recordAudit(id, "", "rollback-refused", "engine", e.getMessage(), now());
      throw e;
    }
    journal.recordAudit(id, u.record().idempotencyKey(), "rollback-started", "engine", "undo " + u.action(), now());
    ExecuteActionResult.Status s;
    try {
      s = runner.run(u.plugin(), request(u.record(), u.action(), u.parameters(), "execute",
          u.record().idempotencyKey() + ":undo"), tick).result().status();
    } catch (InterruptedException | RuntimeException e) {
      journal.recordAudit(id, u.record().idempotencyKey(), "rollback-interrupted", "engine",
          "undo " + u.action() + " stopped: " + e.getClass().getSimpleName(), now());
      throw e;
    } catch (ExecutorException e) {
      journal.recordAudit(id, u.record().idempotencyKey(), "rollback-failed", "engine", e.getMessage(), now());
      throw new ActionException(ActionException.Reason.ROLLBACK_FAILED,
          "rollback action " + id + ": executor failed: " + e.getMessage());
    }
    if (!s.status().equals(ExecuteActionResult.SUCCEEDED)) {
      String detail = s.error().isEmpty() ? s.message() : s.error();
      journal.recordAudit(id, u.record().idempotencyKey(), "rollback-failed", "engine", s.status() + ": " + detail, now());
      throw new ActionException(ActionException.Reason.ROLLBACK_FAILED,
          "rollback action " + id + ": executor reported \"" + s.status() + "\": " + detail);
    }
    journal.markRolledBack(id, s.message().isEmpty() ? "rolled back via undo " + u.action() : s.message(), now());
    return load(id, "");
  }

  /** routerd's {@code RollbackPreview}: the same refusals, the undo in dry-run, no journal change. */
  public Preview rollbackPreview(long id, ProviderActionPolicy policy) throws InterruptedException {
    UndoPlan u = undoPlan(id, policy);
    try {
      ExecuteActionResult.Status s = runner.run(u.plugin(), request(u.record(), u.action(), u.parameters(), "dry-run",
          u.record().idempotencyKey() + ":undo"), null).result().status();
      return new Preview(s.status(), s.message(), s.error(), s.observed());
    } catch (ExecutorException e) {
      throw new ActionException(ActionException.Reason.ROLLBACK_FAILED, "rollback action " + id + ": " + e.getMessage());
    }
  }

  // ------------------------------------------------------------------ recovery and the daemon pass

  /** routerd's {@code RecoverStaleRunningActions}: {@code running} rows idle past the timeout go back to approved. */
  public List<Long> recoverStaleRunning() {
    Instant now = now();
    return journal.requeueStaleRunning(now.minus(staleRunningTimeout), now);
  }

  /**
   * One pass of the daemon's auto-execution (reference §4.7): nothing unless the policy allows
   * unattended execution; then recover stale rows and execute the first {@code maxActionsPerRun}
   * pending/approved rows in id order. Errors of one row do not stop the others.
   *
   * @return the outcome (or error text) per executed id
   */
  public Map<Long, String> autoExecutePass(ProviderActionPolicy policy) throws InterruptedException {
    Map<Long, String> out = new TreeMap<>();
    if (policy.autoExecutionBlocker().isPresent()) {
      return out;
    }
    recoverStaleRunning();
    List<ActionRecord> rows = new ArrayList<>(journal.list("", ""));
    rows.sort(Comparator.comparingLong(ActionRecord::id));
    int n = 0;
    for (ActionRecord r : rows) {
      if (n >= policy.maxActionsPerRun()) {
        break;
      }
      if (!r.status().equals(ActionStatus.PENDING) && !r.status().equals(ActionStatus.APPROVED)) {
        continue;
      }
      n++;
      try {
        out.put(r.id(), execute(r.id(), "execute", policy).record().status());
      } catch (ActionException | JournalStateException e) {
        out.put(r.id(), "error: " + e.getMessage());
      }
    }
    return out;
  }
}
