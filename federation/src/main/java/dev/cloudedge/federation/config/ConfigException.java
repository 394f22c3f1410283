package dev.cloudedge.federation.config;

/** A config file that cannot be read or parsed at all; the message names the file (and document). */
public final class ConfigException extends Exception {
  private static final long serialVersionUID = 1L;

  public ConfigException(String message, Throwable cause) {
    super(message, cause);
  }

  public ConfigException(String message) {
    super(message);
  }
}
