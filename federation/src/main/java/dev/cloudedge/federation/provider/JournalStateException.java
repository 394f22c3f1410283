package dev.cloudedge.federation.provider;

/** A journal transition was refused because the row is missing or in another state; never retryable. */
public final class JournalStateException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public JournalStateException(String message) {
    super(message);
  }
}
