package dev.cloudedge.federation.eventd;

/** The runtime could not start or reload; the message names the file, address or resource at fault. */
public final class EventdException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public EventdException(String message, Throwable cause) {
    super(message, cause);
  }

  public EventdException(String message) {
    super(message);
  }
}
