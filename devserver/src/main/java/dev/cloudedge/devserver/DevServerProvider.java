package dev.cloudedge.devserver;

import dev.cloudedge.worker.EmbeddedTemporal;

/** {@link EmbeddedTemporal#start(int)}'s implementation, registered in {@code META-INF/services}. */
public final class DevServerProvider implements EmbeddedTemporal.Provider {
  /** For {@link java.util.ServiceLoader}. */
  public DevServerProvider() {}

  @Override
  public EmbeddedTemporal start(int port) {
    return DevServer.start(port);
  }
}
