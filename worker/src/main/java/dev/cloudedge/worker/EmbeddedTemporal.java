package dev.cloudedge.worker;

import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;

/**
 * An in-memory Temporal server in this process, listening on {@code 127.0.0.1} only, with
 * CloudEdge's search attributes registered: what {@code server start-dev}, the lab and {@code
 * qualify run} use when no Temporal address is given.
 *
 * <p>The implementation is not part of the node: it lives in {@code cloudedge-devserver.jar} (module
 * {@code devserver}, with Temporal's test server) and is found at run time through {@link
 * ServiceLoader}, so a node that ships {@code cloudedge.jar} alone carries no test server. Without
 * that jar on the class path {@link #start(int)} throws {@link NotInstalledException}.
 */
public interface EmbeddedTemporal extends AutoCloseable {
  /** {@code 127.0.0.1:<port>}, the target for a Temporal client. */
  String address();

  /** Stops the server; its state is gone. */
  @Override
  void close();

  /**
   * Starts the embedded server on {@code 127.0.0.1:port}.
   *
   * @throws NotInstalledException when {@code cloudedge-devserver.jar} is not on the class path
   * @throws IllegalArgumentException when the port is taken
   */
  static EmbeddedTemporal start(int port) {
    return provider(EmbeddedTemporal.class.getClassLoader()).start(port);
  }

  /**
   * Checks, before anything else is started, that {@link #start(int)} can work.
   *
   * @throws NotInstalledException when {@code cloudedge-devserver.jar} is not on the class path
   */
  static void requireInstalled() {
    provider(EmbeddedTemporal.class.getClassLoader());
  }

  /**
   * The implementation {@code loader} can see.
   *
   * @throws NotInstalledException when there is none, or it cannot be loaded
   */
  static Provider provider(ClassLoader loader) {
    try {
      return ServiceLoader.load(Provider.class, loader).findFirst().orElseThrow(() -> new NotInstalledException(null));
    } catch (ServiceConfigurationError | LinkageError e) {
      // The dev-server jar is there but incomplete (a class of the test server missing).
      throw new NotInstalledException(e);
    }
  }

  /** Starts an {@link EmbeddedTemporal}; registered in {@code META-INF/services} by the devserver module. */
  interface Provider {
    /**
     * Starts the server on {@code 127.0.0.1:port}.
     *
     * @throws IllegalArgumentException when the port is taken
     */
    EmbeddedTemporal start(int port);
  }

  /** The embedded server was asked for and {@code cloudedge-devserver.jar} is not on the class path. */
  final class NotInstalledException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    /** What is missing and the two ways out, as one line. */
    public static final String MESSAGE = "the embedded Temporal server is not installed: build "
        + "devserver/target/cloudedge-devserver.jar (mvn -B -q package -DskipTests; bin/cloudedge puts it on the "
        + "class path) or give a Temporal server with --address HOST:PORT or TEMPORAL_ADDRESS";

    NotInstalledException(Throwable cause) {
      super(cause == null ? MESSAGE : MESSAGE + " (" + cause + ")", cause);
    }
  }
}
