package dev.cloudedge.federation.event;

/** A body that is not exactly one decodable event object (reference §1.1, reject reason {@code bad_body}). */
public final class EventDecodeException extends Exception {
  private static final long serialVersionUID = 1L;

  public EventDecodeException(String message, Throwable cause) {
    super(message, cause);
  }

  public EventDecodeException(String message) {
    super(message);
  }
}
