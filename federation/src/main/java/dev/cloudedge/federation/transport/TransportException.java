package dev.cloudedge.federation.transport;

/** A listener could not be started; the message names the address. */
public final class TransportException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public TransportException(String message, Throwable cause) {
    super(message, cause);
  }
}
