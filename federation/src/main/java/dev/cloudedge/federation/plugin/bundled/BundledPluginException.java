package dev.cloudedge.federation.plugin.bundled;

/** A bundled plugin refused its request; the message is what it prints on stderr after its name. */
public final class BundledPluginException extends Exception {
  private static final long serialVersionUID = 1L;

  public BundledPluginException(String message) {
    super(message);
  }
}
