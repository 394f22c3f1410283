package dev.cloudedge.federation.config;

/** A resource spec whose fields do not decode into its Kind; the message starts with the resource id. */
public final class SpecDecodeException extends Exception {
  private static final long serialVersionUID = 1L;

  public SpecDecodeException(String message, Throwable cause) {
    super(message, cause);
  }
}
