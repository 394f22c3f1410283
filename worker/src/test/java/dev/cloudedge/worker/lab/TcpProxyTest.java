package dev.cloudedge.worker.lab;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TcpProxyTest {

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket()) {
      s.bind(new InetSocketAddress("127.0.0.1", 0));
      return s.getLocalPort();
    }
  }

  /** An echo server on loopback. */
  private static ServerSocket echo() throws IOException {
    ServerSocket ss = new ServerSocket();
    ss.bind(new InetSocketAddress("127.0.0.1", 0));
    Thread t = new Thread(() -> {
      while (!ss.isClosed()) {
        try {
          Socket s = ss.accept();
          new Thread(() -> {
            try (s; InputStream in = s.getInputStream()) {
              in.transferTo(s.getOutputStream());
            } catch (IOException e) {
              // client gone
            }
          }).start();
        } catch (IOException e) {
          return;
        }
      }
    });
    t.setDaemon(true);
    t.start();
    return ss;
  }

  private static byte[] roundTrip(int port, byte[] msg) throws IOException {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
      s.setSoTimeout(1000);
      s.getOutputStream().write(msg);
      s.getOutputStream().flush();
      return s.getInputStream().readNBytes(msg.length);
    }
  }

  @Test
  void forwardsRefusesDropsAndPersistsItsMode(@TempDir Path tmp) throws Exception {
    try (ServerSocket upstream = echo()) {
      int port = freePort();
      Path state = tmp.resolve("proxy.state");
      byte[] hello = "hello".getBytes();
      try (TcpProxy p = new TcpProxy(port, new InetSocketAddress("127.0.0.1", upstream.getLocalPort()), state)) {
        assertArrayEquals(hello, roundTrip(port, hello));
        p.apply(TcpProxy.Mode.REFUSE, "t1");
        assertThrows(ConnectException.class, () -> roundTrip(port, hello));
        p.apply(TcpProxy.Mode.DROP, "t2");
        assertThrows(SocketTimeoutException.class, () -> roundTrip(port, hello));
        p.apply(TcpProxy.Mode.REFUSE, "t3");
      }
      // A new proxy (a restarted worker) comes back with the persisted cut.
      try (TcpProxy p = new TcpProxy(port, new InetSocketAddress("127.0.0.1", upstream.getLocalPort()), state)) {
        assertEquals(TcpProxy.Mode.REFUSE, p.mode());
        assertThrows(ConnectException.class, () -> roundTrip(port, hello));
        p.apply(TcpProxy.Mode.PASS, "t3");
        assertArrayEquals(hello, roundTrip(port, hello));
      }
    }
  }
}
