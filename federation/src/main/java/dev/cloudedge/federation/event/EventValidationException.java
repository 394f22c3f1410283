package dev.cloudedge.federation.event;

/** An event that failed {@link FederationEvent#validate()}; the message is the reference text. */
public final class EventValidationException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  public EventValidationException(String message) {
    super(message);
  }
}
