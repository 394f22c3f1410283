package dev.cloudedge.devserver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cloudedge.worker.EmbeddedTemporal;
import io.temporal.api.workflowservice.v1.DescribeNamespaceRequest;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/** The embedded server answers on 127.0.0.1 and listens on no other address; node code finds it by ServiceLoader. */
class DevServerTest {
  private static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket()) {
      s.bind(new InetSocketAddress("127.0.0.1", 0));
      return s.getLocalPort();
    }
  }

  /** Local addresses of the listening TCP sockets on {@code port}, as the kernel reports them. */
  private static List<String> listeners(int port) throws Exception {
    String hexPort = String.format(Locale.ROOT, ":%04X", port);
    List<String> out = new ArrayList<>();
    for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
      Path p = Path.of(table);
      if (!Files.exists(p)) {
        continue;
      }
      for (String line : Files.readAllLines(p)) {
        String[] f = line.trim().split("\\s+");
        // f[1] local address:port, f[3] state; 0A is LISTEN.
        if (f.length > 3 && f[1].endsWith(hexPort) && f[3].equals("0A")) {
          out.add(f[1]);
        }
      }
    }
    return out;
  }

  @Test
  void listensOnLoopbackOnlyAndServesTemporal() throws Exception {
    int port = freePort();
    try (DevServer server = DevServer.start(port)) {
      List<String> l = listeners(port);
      // 127.0.0.1, as IPv4 or IPv4-mapped IPv6; a wildcard (all zeros) would be every interface.
      List<String> loopback = List.of("0100007F", "0000000000000000FFFF00000100007F");
      assertTrue(!l.isEmpty() && l.stream().allMatch(a -> loopback.contains(a.substring(0, a.indexOf(':')))),
          "listening sockets on port " + port + ": " + l);
      WorkflowServiceStubs stubs = WorkflowServiceStubs.newServiceStubs(
          WorkflowServiceStubsOptions.newBuilder().setTarget(server.address()).build());
      try {
        String name = stubs.blockingStub().describeNamespace(DescribeNamespaceRequest.newBuilder()
            .setNamespace("default").build()).getNamespaceInfo().getName();
        assertEquals("default", name);
      } finally {
        stubs.shutdownNow();
      }
    }
    assertTrue(listeners(port).isEmpty(), "still listening after close: " + listeners(port));
  }

  @Test
  void nodeCodeFindsItThroughTheServiceLoader() throws Exception {
    int port = freePort();
    try (EmbeddedTemporal server = EmbeddedTemporal.start(port)) {
      assertInstanceOf(DevServer.class, server);
      assertEquals("127.0.0.1:" + port, server.address());
    }
  }
}
