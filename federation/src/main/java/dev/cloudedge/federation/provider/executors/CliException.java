package dev.cloudedge.federation.provider.executors;

/** A cloud CLI call failed; the message is the reference's {@code <tool> <argv>: <err>: <stderr>} text. */
public final class CliException extends Exception {
  private static final long serialVersionUID = 1L;

  private final boolean timedOut;

  public CliException(String message, boolean timedOut) {
    super(message);
    this.timedOut = timedOut;
  }

  /** Whether the per-call timeout killed the CLI. */
  public boolean timedOut() {
    return timedOut;
  }
}
