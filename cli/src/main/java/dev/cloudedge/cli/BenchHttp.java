package dev.cloudedge.cli;

import dev.cloudedge.federation.transport.ReceiverHandler;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;

/** Raw HTTP/1.1 on a socket for the benches: requests written byte for byte, replies read one by one. */
final class BenchHttp {
  private BenchHttp() {}

  /** A signed {@code POST /v1/events} with a Content-Length body, as routerd's pusher sends it. */
  static byte[] post(byte[] body, long ts, String signature) {
    String head = "POST /v1/events HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        + ReceiverHandler.TIMESTAMP_HEADER + ": " + ts + "\r\n" + ReceiverHandler.SIGNATURE_HEADER + ": " + signature
        + "\r\nContent-Length: " + body.length + "\r\n\r\n";
    byte[] h = head.getBytes(StandardCharsets.US_ASCII);
    byte[] out = Arrays.copyOf(h, h.length + body.length);
    System.arraycopy(body, 0, out, h.length, body.length);
    return out;
  }

  /** Reads one HTTP/1.1 reply with a Content-Length body; returns {status, body}, or null at EOF. */
  static String[] readReply(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int matched = 0;
    while (matched < 4) {
      int b = in.read();
      if (b < 0) {
        return null;
      }
      head.write(b);
      matched = (b == "\r\n\r\n".charAt(matched)) ? matched + 1 : (b == '\r' ? 1 : 0);
    }
    String[] lines = head.toString(StandardCharsets.US_ASCII).split("\r\n");
    int length = 0;
    for (String l : lines) {
      if (l.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
        length = Integer.parseInt(l.substring(15).trim());
      }
    }
    byte[] body = in.readNBytes(length);
    return new String[] {lines[0].split(" ")[1], new String(body, StandardCharsets.UTF_8)};
  }
}
