package dev.cloudedge.federation.provider.exec;

/** An executor could not be run or did not speak the protocol (a process-level error, reference §4.8). */
public final class ExecutorException extends Exception {
  private static final long serialVersionUID = 1L;

  /** Why the executor failed, for retry decisions. */
  public enum Kind {
    /** Refused before a process started (capability, mode, executable, timeout): never retry. */
    REFUSED,
    /** The process ran past its timeout and was killed: the call may have happened. */
    TIMEOUT,
    /** Output limit, non-zero exit, undecodable stdout or invalid status. */
    PROTOCOL,
    /** The process could not be started or the run was interrupted. */
    LAUNCH
  }

  private final Kind kind;

  public ExecutorException(Kind kind, String message) {
    super(message);
    this.kind = kind;
  }

  /** Why it failed. */
  public Kind kind() {
    return kind;
  }
}
