package dev.cloudedge.federation.security;

/** A secret file could not be used; the message names the file and never contains the secret. */
public final class SecretException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public SecretException(String message, Throwable cause) {
    super(message, cause);
  }
}
