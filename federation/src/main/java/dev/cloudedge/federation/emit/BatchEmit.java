package dev.cloudedge.federation.emit;

import dev.cloudedge.federation.config.FederationConfig;
import dev.cloudedge.federation.dynamic.SelfCaptureGuard;
import dev.cloudedge.federation.emit.EventLines.LineError;
import dev.cloudedge.federation.emit.EventLines.LineEvent;
import dev.cloudedge.federation.event.FederationEvent;
import dev.cloudedge.federation.store.FederationStore;
import dev.cloudedge.federation.store.StoreException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * Records parsed event lines in the state file in batched transactions (each one
 * {@code BEGIN IMMEDIATE}, waiting up to the store's busy timeout for another writer), after the
 * same self-capture loop guard a single emit runs.
 *
 * <p>Atomicity: every line is parsed and checked before the first row is written, so a bad line
 * never leaves the file half-stored. By default any bad line stores nothing; with
 * {@code skipInvalid} the valid lines are stored and the bad ones reported. A storage failure after
 * the checks (disk full, the write lock not obtained within the busy timeout) stops at a
 * transaction boundary: the batches before it are committed, the failing one and every later one
 * are not, and {@link PartialStoreException} says which lines were stored.
 */
public final class BatchEmit {
  /** The default number of events per transaction. */
  public static final int DEFAULT_BATCH_SIZE = 1000;
  /** The largest batch: longer write transactions would hold other writers past their busy timeout. */
  public static final int MAX_BATCH_SIZE = 10_000;

  /**
   * The pause between two transactions. Other writers of the file (eventd answering pushes) poll
   * for the write lock every millisecond; without a gap this loop would take the lock back at once
   * and hold them off for the whole file.
   */
  static final long PAUSE_BETWEEN_BATCHES_NANOS = 2_000_000L;

  private BatchEmit() {}

  /**
   * The outcome.
   *
   * @param lines lines read, blank ones included
   * @param stored events written (new ids plus duplicates)
   * @param duplicates events whose id already existed in their group (merged forward-only)
   * @param transactions write transactions committed
   * @param invalid the bad lines (non-empty only when they were skipped)
   */
  public record Result(long lines, long stored, long duplicates, long transactions, List<LineError> invalid) {
    public Result {
      invalid = List.copyOf(invalid);
    }
  }

  /** Some lines are invalid and {@code skipInvalid} was not given: nothing was stored. */
  public static final class InvalidLinesException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;
    private final transient List<LineError> errors;
    private final long lines;

    InvalidLinesException(List<LineError> errors, long lines) {
      super(errors.size() + " of " + lines + " lines are invalid; nothing was stored");
      this.errors = List.copyOf(errors);
      this.lines = lines;
    }

    /** Every bad line, in line order. */
    public List<LineError> errors() {
      return errors;
    }

    /** Lines read. */
    public long lines() {
      return lines;
    }
  }

  /** A storage failure after some batches committed; the message names the stored line range. */
  public static final class PartialStoreException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final long storedThroughLine;
    private final long stored;

    PartialStoreException(String message, long storedThroughLine, long stored, Throwable cause) {
      super(message, cause);
      this.storedThroughLine = storedThroughLine;
      this.stored = stored;
    }

    /** The last line whose event is stored (0: none). */
    public long storedThroughLine() {
      return storedThroughLine;
    }

    /** Events stored before the failure. */
    public long stored() {
      return stored;
    }
  }

  /**
   * Checks the loop guard for every parsed event, then records them.
   *
   * @param store the open state store
   * @param config the node's startup config for the loop guard, or {@code null}
   * @param parsed the parsed input
   * @param batchSize events per transaction, 1..{@value #MAX_BATCH_SIZE}
   * @param skipInvalid store the valid lines when some are bad
   * @param now the record time
   * @throws InvalidLinesException when a line is bad and {@code skipInvalid} is false (nothing stored)
   * @throws PartialStoreException when storing failed after at least one batch committed
   * @throws StoreException when the first batch failed (nothing stored)
   */
  public static Result record(FederationStore store, FederationConfig config, EventLines.Parsed parsed, int batchSize,
      boolean skipInvalid, Instant now) {
    Objects.requireNonNull(store, "store");
    Objects.requireNonNull(parsed, "parsed");
    Objects.requireNonNull(now, "now");
    if (batchSize < 1 || batchSize > MAX_BATCH_SIZE) {
      throw new IllegalArgumentException("batch size must be 1.." + MAX_BATCH_SIZE + ", got " + batchSize);
    }
    List<LineError> errors = new ArrayList<>(parsed.errors());
    List<LineEvent> good = new ArrayList<>(parsed.events().size());
    SelfCaptureGuard.Snapshot guard = SelfCaptureGuard.load(store, config, now);
    for (LineEvent le : parsed.events()) {
      try {
        guard.requireNotSelfCaptured(le.event());
        good.add(le);
      } catch (SelfCaptureGuard.SelfCaptureException e) {
        errors.add(new LineError(le.line(), e.getMessage()));
      }
    }
    errors.sort(Comparator.comparingLong(LineError::line));
    if (!errors.isEmpty() && !skipInvalid) {
      throw new InvalidLinesException(errors, parsed.lines());
    }
    long stored = 0;
    long duplicates = 0;
    long transactions = 0;
    long throughLine = 0;
    for (int from = 0; from < good.size(); from += batchSize) {
      if (from > 0) {
        java.util.concurrent.locks.LockSupport.parkNanos(PAUSE_BETWEEN_BATCHES_NANOS);
      }
      List<LineEvent> chunk = good.subList(from, Math.min(good.size(), from + batchSize));
      List<FederationEvent> events = new ArrayList<>(chunk.size());
      for (LineEvent le : chunk) {
        events.add(le.event());
      }
      List<Boolean> dup;
      try {
        dup = store.recordEvents(events, now);
      } catch (StoreException e) {
        if (stored == 0) {
          throw e;
        }
        throw new PartialStoreException("stored lines 1-" + throughLine + " (" + stored + " events in " + transactions
            + " transactions), then failed storing lines " + chunk.get(0).line() + "-" + chunk.get(chunk.size() - 1)
            .line() + ": " + e.getMessage() + "; lines after " + throughLine + " were not stored",
            throughLine, stored, e);
      }
      transactions++;
      stored += events.size();
      for (Boolean d : dup) {
        if (d) {
          duplicates++;
        }
      }
      throughLine = chunk.get(chunk.size() - 1).line();
    }
    return new Result(parsed.lines(), stored, duplicates, transactions, errors);
  }
}
