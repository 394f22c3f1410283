package dev.cloudedge.devserver;

import dev.cloudedge.worker.EmbeddedTemporal;
import dev.cloudedge.worker.LoopbackGrpcProxy;
import dev.cloudedge.workflows.qualification.QualificationSearchAttributes;
import io.temporal.api.enums.v1.IndexedValueType;
import io.temporal.api.operatorservice.v1.AddSearchAttributesRequest;
import io.temporal.serviceclient.OperatorServiceStubs;
import io.temporal.serviceclient.OperatorServiceStubsOptions;
import io.temporal.testserver.TestServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.Map;

/**
 * The embedded Temporal: the SDK's in-memory test server bound to a port, in real time (time
 * skipping locked), with our custom search attributes registered. No install, no download; state
 * lives in memory and ends with the process. Node code reaches it through {@link EmbeddedTemporal}
 * ({@link DevServerProvider}), so only this module depends on the test server.
 */
public final class DevServer implements EmbeddedTemporal {
  private final TestServer.InProcessTestServer server;
  private final LoopbackGrpcProxy listener;
  private final int port;

  private DevServer(TestServer.InProcessTestServer server, LoopbackGrpcProxy listener) {
    this.server = server;
    this.listener = listener;
    this.port = listener.port();
  }

  /**
   * Starts the server on {@code 127.0.0.1:port} only and registers the search attributes. The
   * in-memory server runs in process; a gRPC listener on loopback forwards to it (the test server's
   * own port-bound mode would listen on every interface).
   *
   * @throws IllegalArgumentException when the port is taken
   */
  public static DevServer start(int port) {
    try (ServerSocket probe = new ServerSocket()) {
      probe.bind(new InetSocketAddress("127.0.0.1", port));
    } catch (IOException e) {
      throw new IllegalArgumentException("port " + port + " is in use: is another Temporal server running? ("
          + e.getMessage() + ")", e);
    }
    // lockTimeSkipping=true: the test server then runs in real time, like a dev server.
    TestServer.InProcessTestServer s = TestServer.createServer(true);
    LoopbackGrpcProxy listener;
    try {
      listener = LoopbackGrpcProxy.start(new InetSocketAddress("127.0.0.1", port), s.getChannel());
    } catch (IOException e) {
      s.close();
      throw new IllegalArgumentException("cannot listen on 127.0.0.1:" + port + ": " + e.getMessage(), e);
    }
    DevServer dev = new DevServer(s, listener);
    dev.registerSearchAttributes();
    return dev;
  }

  private void registerSearchAttributes() {
    OperatorServiceStubs op = OperatorServiceStubs.newServiceStubs(
        OperatorServiceStubsOptions.newBuilder().setTarget(address()).validateAndBuildWithDefaults());
    try {
      AddSearchAttributesRequest.Builder req = AddSearchAttributesRequest.newBuilder().setNamespace("default");
      for (Map.Entry<String, IndexedValueType> e : QualificationSearchAttributes.definitions().entrySet()) {
        req.putSearchAttributes(e.getKey(), e.getValue());
      }
      op.blockingStub().addSearchAttributes(req.build());
    } finally {
      op.shutdownNow();
    }
  }

  /** {@code 127.0.0.1:<port>}. */
  @Override
  public String address() {
    return "127.0.0.1:" + port;
  }

  @Override
  public void close() {
    listener.close();
    server.close();
  }
}
