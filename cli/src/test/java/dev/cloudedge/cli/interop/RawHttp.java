package dev.cloudedge.cli.interop;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * HTTP/1.1 on plain loopback sockets, byte for byte: a client that sends exactly the bytes it is
 * given (bodies no HTTP library would send, a BOM, invalid UTF-8), and a capture peer that
 * records every push it receives and answers 200.
 */
final class RawHttp {
  private RawHttp() {}

  /** A response: status, lower-cased headers, raw body. */
  record Reply(int status, Map<String, String> headers, byte[] body) {
    String text() {
      return new String(body, StandardCharsets.UTF_8);
    }

    /** What the comparison looks at: status, content type and body, as one readable line. */
    String summary() {
      return status + " [" + headers.getOrDefault("content-type", "-") + "] ["
          + headers.getOrDefault("x-content-type-options", "-") + "] " + printable(text());
    }
  }

  /** A received request: method, path, lower-cased headers, raw body. */
  record Request(String method, String path, Map<String, String> headers, byte[] body) {}

  /** {@code s} with control, separator, replacement and lone surrogate characters shown as {@code {U+XXXX}}. */
  static String printable(String s) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xA0) || c == '\uFFFD' || Character.isSurrogate(c)
          || c == '\u2028' || c == '\u2029') {
        sb.append(String.format("{U+%04X}", (int) c));
      } else {
        sb.append(c);
      }
    }
    return sb.toString();
  }

  /**
   * Sends one request with {@code Connection: close} and reads the answer to EOF. The request head
   * and body are written as given; a {@code Content-Length} header is added unless {@code headers}
   * has one.
   */
  static Reply send(int port, String method, String target, Map<String, String> headers, byte[] body)
      throws IOException {
    ByteArrayOutputStream req = new ByteArrayOutputStream();
    StringBuilder head = new StringBuilder(method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\n");
    headers.forEach((k, v) -> head.append(k).append(": ").append(v).append("\r\n"));
    if (headers.keySet().stream().noneMatch(k -> k.equalsIgnoreCase("content-length"))) {
      head.append("Content-Length: ").append(body.length).append("\r\n");
    }
    head.append("Connection: close\r\n\r\n");
    req.writeBytes(head.toString().getBytes(StandardCharsets.ISO_8859_1));
    req.writeBytes(body);
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
      s.setSoTimeout(15_000);
      OutputStream out = s.getOutputStream();
      InputStream in = s.getInputStream();
      try {
        out.write(req.toByteArray());
        out.flush();
      } catch (SocketException e) {
        // A server may answer and close before it has read everything (a 413); its answer is
        // still waiting to be read.
      }
      ByteArrayOutputStream resp = new ByteArrayOutputStream();
      byte[] buf = new byte[8192];
      try {
        int n;
        while ((n = in.read(buf)) > 0) {
          resp.write(buf, 0, n);
          Reply r = parse(resp.toByteArray());
          if (r != null) {
            return r;
          }
        }
      } catch (SocketException e) {
        Reply r = parse(resp.toByteArray());
        if (r != null) {
          return r;
        }
        throw e;
      }
      Reply r = parse(resp.toByteArray());
      if (r == null) {
        throw new IOException("incomplete response: " + resp.toString(StandardCharsets.ISO_8859_1));
      }
      return r;
    }
  }

  /** A complete response in {@code b}, or null while more is needed. */
  private static Reply parse(byte[] b) {
    String s = new String(b, StandardCharsets.ISO_8859_1);
    int end = s.indexOf("\r\n\r\n");
    if (end < 0) {
      return null;
    }
    String[] lines = s.substring(0, end).split("\r\n");
    Map<String, String> headers = new TreeMap<>();
    for (int i = 1; i < lines.length; i++) {
      int c = lines[i].indexOf(':');
      headers.put(lines[i].substring(0, c).trim().toLowerCase(Locale.ROOT), lines[i].substring(c + 1).trim());
    }
    int len = Integer.parseInt(headers.getOrDefault("content-length", "0"));
    if (b.length < end + 4 + len) {
      return null;
    }
    byte[] body = java.util.Arrays.copyOfRange(b, end + 4, end + 4 + len);
    return new Reply(Integer.parseInt(lines[0].split(" ")[1]), headers, body);
  }

  /** A peer on 127.0.0.1 that records every request and answers {@code 200} with an empty body. */
  static final class CapturePeer implements AutoCloseable {
    private final ServerSocket server;
    private final List<Request> requests = Collections.synchronizedList(new ArrayList<>());
    private final List<Socket> open = Collections.synchronizedList(new ArrayList<>());
    private final Thread acceptor;

    CapturePeer() throws IOException {
      server = new ServerSocket();
      server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      acceptor = new Thread(this::acceptLoop, "capture-peer");
      acceptor.setDaemon(true);
      acceptor.start();
    }

    int port() {
      return server.getLocalPort();
    }

    List<Request> requests() {
      synchronized (requests) {
        return List.copyOf(requests);
      }
    }

    private void acceptLoop() {
      while (!server.isClosed()) {
        try {
          Socket s = server.accept();
          open.add(s);
          Thread t = new Thread(() -> serve(s), "capture-conn");
          t.setDaemon(true);
          t.start();
        } catch (IOException e) {
          return;
        }
      }
    }

    /** Keep-alive: one request after another on the connection, each read by its Content-Length. */
    private void serve(Socket s) {
      try (s) {
        InputStream in = s.getInputStream();
        OutputStream out = s.getOutputStream();
        while (true) {
          ByteArrayOutputStream head = new ByteArrayOutputStream();
          int c;
          int state = 0;
          while (state < 4 && (c = in.read()) >= 0) {
            head.write(c);
            state = (c == '\r' && (state == 0 || state == 2)) || (c == '\n' && (state == 1 || state == 3))
                ? state + 1 : (c == '\r' ? 1 : 0);
          }
          if (state < 4) {
            return;
          }
          String[] lines = head.toString(StandardCharsets.ISO_8859_1).split("\r\n");
          Map<String, String> headers = new TreeMap<>();
          for (int i = 1; i < lines.length; i++) {
            int k = lines[i].indexOf(':');
            if (k > 0) {
              headers.put(lines[i].substring(0, k).trim().toLowerCase(Locale.ROOT), lines[i].substring(k + 1).trim());
            }
          }
          int len = Integer.parseInt(headers.getOrDefault("content-length", "0"));
          byte[] body = in.readNBytes(len);
          String[] first = lines[0].split(" ");
          requests.add(new Request(first[0], first[1], headers, body));
          out.write("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
          out.flush();
        }
      } catch (IOException e) {
        // The pusher closed the connection.
      }
    }

    @Override
    public void close() throws IOException {
      server.close();
      synchronized (open) {
        for (Socket s : open) {
          s.close();
        }
      }
    }
  }
}
