package dev.cloudedge.federation.provider;

/**
 * An engine operation was refused or failed, with routerd's text and a reason a caller (CLI exit
 * code, Temporal activity retry policy) can act on.
 */
public final class ActionException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Why an operation did not complete. */
  public enum Reason {
    /** Bad input (mode, id): never retry. */
    INVALID_REQUEST,
    /** No such journal row: never retry. */
    NOT_FOUND,
    /** The policy refused: never retry. */
    POLICY_DENIED,
    /** The row needs an approval first: wait for one, do not retry blindly. */
    NOT_APPROVED,
    /** The row is in a state that forbids the operation (rolled back, rejected, ...): never retry. */
    INVALID_STATE,
    /** No executor could be resolved: a configuration error, never retry. */
    NO_EXECUTOR,
    /** The executor process failed or spoke no protocol: the row is journaled failed. */
    EXECUTOR_FAILED,
    /** A transient failure (timeout, throttling, 5xx); the row was put back to approved for a retry. */
    TRANSIENT,
    /** The undo did not succeed; the row stays succeeded. */
    ROLLBACK_FAILED
  }

  private final Reason reason;

  public ActionException(Reason reason, String message) {
    super(message);
    this.reason = reason;
  }

  /** Why. */
  public Reason reason() {
    return reason;
  }

  /** Whether retrying the same call later can succeed without anyone changing anything. */
  public boolean retryable() {
    return reason == Reason.TRANSIENT;
  }
}
