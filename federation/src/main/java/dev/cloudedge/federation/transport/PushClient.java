package dev.cloudedge.federation.transport;

import dev.cloudedge.federation.security.Hmac;
import dev.cloudedge.federation.security.Secret;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.channels.ClosedChannelException;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;

/**
 * Pushes one signed event per request (reference §3.2) over HTTP/1.1 with pooled keep-alive
 * connections (the JDK client reuses idle connections per peer). Each call is a single attempt;
 * the outbox owns retry and backoff. Any 2xx is success; anything else is an error with routerd's
 * text ({@code peer returned HTTP <code>}, or {@code Post "<url>": <cause>} for transport failures).
 */
public final class PushClient {
  /** routerd's per-attempt client timeout. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

  /**
   * One attempt's outcome.
   *
   * @param status the HTTP status, or 0 when no response arrived
   * @param error empty on success, otherwise routerd's error text
   */
  public record Result(int status, String error) {
    /** Whether the peer answered 2xx. */
    public boolean ok() {
      return status >= 200 && status < 300;
    }
  }

  private final HttpClient http;
  private final Clock clock;
  private final Duration timeout;

  /**
   * @param clock stamps {@code X-Routerd-Timestamp} on every attempt
   * @param timeout the whole attempt, response included
   * @param executor runs the JDK client's callbacks
   */
  public PushClient(Clock clock, Duration timeout, Executor executor) {
    this.clock = Objects.requireNonNull(clock, "clock");
    this.timeout = Objects.requireNonNull(timeout, "timeout");
    this.http = HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(timeout.compareTo(Duration.ofSeconds(10)) < 0 ? timeout : Duration.ofSeconds(10))
        .followRedirects(HttpClient.Redirect.NEVER)
        .executor(Objects.requireNonNull(executor, "executor"))
        .build();
  }

  /** {@code TrimRight(endpoint, "/") + "/v1/events"}: the endpoint is a base URL. */
  public static String eventsUrl(String endpoint) {
    int end = endpoint.length();
    while (end > 0 && endpoint.charAt(end - 1) == '/') {
      end--;
    }
    return endpoint.substring(0, end) + ReceiverHandler.EVENTS_PATH;
  }

  /** POSTs {@code body} once, signed with {@code key} at the current second; never completes exceptionally. */
  public CompletableFuture<Result> push(String endpoint, byte[] body, Secret key) {
    String url = eventsUrl(endpoint);
    HttpRequest req;
    try {
      long ts = clock.instant().getEpochSecond();
      req = HttpRequest.newBuilder(URI.create(url))
          .timeout(timeout)
          .header("Content-Type", "application/json")
          .header(ReceiverHandler.TIMESTAMP_HEADER, Long.toString(ts))
          .header(ReceiverHandler.SIGNATURE_HEADER, Hmac.sign(key, ts, body))
          .POST(HttpRequest.BodyPublishers.ofByteArray(body))
          .build();
    } catch (IllegalArgumentException e) {
      return CompletableFuture.completedFuture(new Result(0, "parse \"" + url + "\": " + e.getMessage()));
    }
    try {
      return http.sendAsync(req, HttpResponse.BodyHandlers.discarding())
          .handle((resp, err) -> {
            if (err != null) {
              return new Result(0, "Post \"" + url + "\": " + describe(err, req.uri()));
            }
            int code = resp.statusCode();
            return code >= 200 && code < 300 ? new Result(code, "") : new Result(code, "peer returned HTTP " + code);
          });
    } catch (RuntimeException e) {
      return CompletableFuture.completedFuture(new Result(0, "Post \"" + url + "\": " + describe(e, req.uri())));
    }
  }

  static String describe(Throwable err, URI uri) {
    Throwable t = err;
    while ((t instanceof CompletionException || t.getClass() == IOException.class) && t.getCause() != null) {
      t = t.getCause();
    }
    String hostPort = uri.getHost() + ":" + (uri.getPort() > 0 ? uri.getPort() : "https".equals(uri.getScheme()) ? 443 : 80);
    if (t instanceof ConnectException) {
      return "dial tcp " + hostPort + ": connect: connection refused";
    }
    if (t instanceof HttpTimeoutException) {
      return "context deadline exceeded (Client.Timeout exceeded while awaiting headers)";
    }
    if (t instanceof ClosedChannelException) {
      return "connection closed by peer";
    }
    String m = t.getMessage();
    return m == null || m.isBlank() ? t.getClass().getSimpleName() : m;
  }
}
