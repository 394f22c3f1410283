package dev.cloudedge.federation.delivery;

import com.sun.net.httpserver.HttpServer;
import dev.cloudedge.federation.security.Hmac;
import dev.cloudedge.federation.security.Secret;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A peer on 127.0.0.1 that answers with scripted statuses (then {@code fallback}) and records
 * every request, checking its signature like a receiver would. It stands in for a misbehaving
 * remote node; the happy path is tested against the real receiver.
 */
public final class ScriptedPeer implements AutoCloseable {
  /** One request as received. */
  public record Request(String timestamp, String signature, String contentType, byte[] body, boolean signatureValid) {}

  private final HttpServer server;
  private final ConcurrentLinkedDeque<Integer> script = new ConcurrentLinkedDeque<>();
  private volatile int fallback = 200;
  public final List<Request> requests = new CopyOnWriteArrayList<>();
  public final AtomicInteger posts = new AtomicInteger();

  public ScriptedPeer(Secret key) throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
    server.createContext("/", ex -> {
      byte[] body = ex.getRequestBody().readAllBytes();
      String ts = ex.getRequestHeaders().getFirst("X-Routerd-Timestamp");
      String sig = ex.getRequestHeaders().getFirst("X-Routerd-Signature");
      boolean valid = ts != null && Hmac.verify(List.of(key), Long.parseLong(ts), body, sig);
      requests.add(new Request(ts, sig, ex.getRequestHeaders().getFirst("Content-Type"), body, valid));
      posts.incrementAndGet();
      Integer s = script.poll();
      int status = s == null ? fallback : s;
      byte[] reply = "{}\n".getBytes();
      ex.sendResponseHeaders(status, reply.length);
      ex.getResponseBody().write(reply);
      ex.close();
    });
    server.setExecutor(java.util.concurrent.Executors.newFixedThreadPool(4));
    server.start();
  }

  /** Answers the next requests with these statuses, in order. */
  public ScriptedPeer then(int... statuses) {
    for (int s : statuses) {
      script.add(s);
    }
    return this;
  }

  /** The status after the script runs out. */
  public ScriptedPeer otherwise(int status) {
    fallback = status;
    return this;
  }

  public String endpoint() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
