package dev.cloudedge.federation.dynamic;

/** A PluginResult cannot become a DynamicConfigPart; the message is routerd's text. */
public final class DynamicConfigException extends Exception {
  private static final long serialVersionUID = 1L;

  public DynamicConfigException(String message) {
    super(message);
  }
}
