package dev.cloudedge.federation.transport;

import dev.cloudedge.federation.event.EventCodec;
import dev.cloudedge.federation.event.EventDecodeException;
import dev.cloudedge.federation.event.EventValidationException;
import dev.cloudedge.federation.event.FederationEvent;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.timeout.IdleStateEvent;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The receiver's routes (reference §2.5, §2.6): {@code POST /v1/events} with routerd's check order,
 * codes, bodies and reject reasons; {@code /v1/status}; {@code 404 page not found} elsewhere. The
 * store write leaves the event loop through the {@link EventSink}; the connection stops reading
 * until the answer is written, so pipelined requests are answered in order.
 */
public final class ReceiverHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
  private static final Logger LOG = LoggerFactory.getLogger(ReceiverHandler.class);

  /** The timestamp header. */
  public static final String TIMESTAMP_HEADER = "X-Routerd-Timestamp";
  /** The signature header. */
  public static final String SIGNATURE_HEADER = "X-Routerd-Signature";
  /** The events path. */
  public static final String EVENTS_PATH = "/v1/events";
  /** The status path. */
  public static final String STATUS_PATH = "/v1/status";

  /** Store errors log at most one line per 10 s (each is counted as reject reason store_error). */
  private static final dev.cloudedge.federation.log.LogThrottle STORE_ERRORS =
      new dev.cloudedge.federation.log.LogThrottle(java.time.Duration.ofSeconds(10), java.time.Clock.systemUTC());

  private final ReceiverState state;

  public ReceiverHandler(ReceiverState state) {
    this.state = Objects.requireNonNull(state, "state");
  }

  /**
   * HTTP/1.1 pipelining: answers leave in request order. While the answer to an earlier request
   * is computed off the event loop (a store, a status count), later requests already decoded from
   * the same read wait here, retained, and run when that answer has been written.
   */
  private final java.util.ArrayDeque<FullHttpRequest> queued = new java.util.ArrayDeque<>();
  private boolean awaiting;

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
    if (awaiting) {
      queued.add(req.retain());
      return;
    }
    dispatch(ctx, req);
  }

  /** Runs queued requests until one goes asynchronous again; on the event loop. */
  private void drain(ChannelHandlerContext ctx) {
    awaiting = false;
    while (!awaiting && !queued.isEmpty() && ctx.channel().isActive()) {
      FullHttpRequest next = queued.poll();
      try {
        dispatch(ctx, next);
      } finally {
        next.release();
      }
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    FullHttpRequest r;
    while ((r = queued.poll()) != null) {
      r.release();
    }
    super.channelInactive(ctx);
  }

  private void dispatch(ChannelHandlerContext ctx, FullHttpRequest req) {
    if (req.decoderResult().cause() instanceof BodyLimitAggregator.ReceiverBusy) {
      busy(ctx);
      return;
    }
    if (req.decoderResult().cause() instanceof ReceiverCodec.MalformedRequest bad) {
      malformed(ctx, bad);
      return;
    }
    String path = path(req.uri());
    if (path.equals(STATUS_PATH)) {
      status(ctx, req);
    } else if (path.equals(EVENTS_PATH)) {
      events(ctx, req);
    } else {
      send(ctx, req, text(HttpResponseStatus.NOT_FOUND, "404 page not found"));
    }
  }

  private static String path(String uri) {
    int q = uri.indexOf('?');
    String p = q >= 0 ? uri.substring(0, q) : uri;
    // An absolute-form request target (proxy style) still routes on its path.
    if (p.startsWith("http://") || p.startsWith("https://")) {
      int slash = p.indexOf('/', p.indexOf("://") + 3);
      p = slash >= 0 ? p.substring(slash) : "/";
    }
    return p;
  }

  private void events(ChannelHandlerContext ctx, FullHttpRequest req) {
    ReceiverSettings s = state.settings();
    if (!HttpMethod.POST.equals(req.method())) {
      FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.METHOD_NOT_ALLOWED);
      r.headers().set(HttpHeaderNames.CONTENT_LENGTH, 0);
      send(ctx, req, r);
      return;
    }
    if (req.decoderResult().isFailure()) {
      reject(ctx, req, HttpResponseStatus.BAD_REQUEST, "read body", "read_body");
      return;
    }
    long ts;
    try {
      ts = parseTimestamp(req.headers().get(TIMESTAMP_HEADER));
    } catch (NumberFormatException e) {
      reject(ctx, req, HttpResponseStatus.BAD_REQUEST, "bad timestamp", "bad_timestamp");
      return;
    }
    long windowSeconds = s.replayWindow().getSeconds();
    if (!s.replayWindow().isZero() && !s.replayWindow().isNegative()) {
      long now = state.clock().instant().getEpochSecond();
      if (stale(now, ts, windowSeconds)) {
        reject(ctx, req, HttpResponseStatus.FORBIDDEN, "stale timestamp", "stale_timestamp");
        return;
      }
    }
    byte[] body = ByteBufUtil.getBytes(req.content());
    if (!dev.cloudedge.federation.security.Hmac.verify(s.keys().accepted(), ts, body,
        req.headers().get(SIGNATURE_HEADER))) {
      reject(ctx, req, HttpResponseStatus.UNAUTHORIZED, "bad signature", "bad_signature");
      return;
    }
    FederationEvent ev;
    try {
      ev = EventCodec.decode(body);
    } catch (EventDecodeException e) {
      reject(ctx, req, HttpResponseStatus.BAD_REQUEST, "bad event body", "bad_body");
      return;
    }
    try {
      ev = ev.normalizedAndValid();
    } catch (EventValidationException e) {
      reject(ctx, req, HttpResponseStatus.BAD_REQUEST, "invalid event: " + e.getMessage(), "validation");
      return;
    }
    if (!ev.group().equals(s.group())) {
      reject(ctx, req, HttpResponseStatus.BAD_REQUEST,
          "invalid event: group \"" + ev.group() + "\" is not this receiver's group \"" + s.group() + "\"",
          "validation");
      return;
    }
    store(ctx, req, ev);
  }

  /** Go's {@code strconv.ParseInt(s, 10, 64)}: optional sign, decimal digits, leading zeros allowed. */
  static long parseTimestamp(String header) {
    if (header == null || header.isEmpty()) {
      throw new NumberFormatException("missing");
    }
    for (int i = 0; i < header.length(); i++) {
      char c = header.charAt(i);
      boolean sign = i == 0 && (c == '+' || c == '-') && header.length() > 1;
      if (!sign && (c < '0' || c > '9')) {
        throw new NumberFormatException("not base 10");
      }
    }
    return Long.parseLong(header);
  }

  /** {@code |now - ts| > window}, where an overflowing difference is stale. */
  static boolean stale(long now, long ts, long windowSeconds) {
    try {
      long skew = Math.abs(Math.subtractExact(now, ts));
      return skew < 0 || skew > windowSeconds;
    } catch (ArithmeticException e) {
      return true;
    }
  }

  private void store(ChannelHandlerContext ctx, FullHttpRequest req, FederationEvent ev) {
    boolean keepAlive = HttpUtil.isKeepAlive(req);
    HttpVersion version = req.protocolVersion();
    state.inFlight.incrementAndGet();
    awaiting = true;
    ctx.channel().config().setAutoRead(false);
    CompletableFuture<Boolean> f;
    try {
      f = state.sink().store(ev);
    } catch (RuntimeException e) {
      f = CompletableFuture.failedFuture(e);
    }
    String id = ev.id();
    f.whenComplete((dup, err) -> {
      FullHttpResponse r;
      if (err != null) {
        long held = STORE_ERRORS.admit();
        if (held >= 0) {
          LOG.warn("receiver {}: store error for a pushed event: {}{}", state.settings().group(), rootMessage(err),
              held > 0 ? " (" + held + " more since the last such line)" : "");
        }
        state.reject("store_error");
        r = text(HttpResponseStatus.INTERNAL_SERVER_ERROR, "store error");
      } else {
        if (dup) {
          state.duplicate.incrementAndGet();
          state.metrics().duplicate(state.settings().group());
        } else {
          state.received.incrementAndGet();
          state.metrics().accepted(state.settings().group());
        }
        r = json(HttpResponseStatus.OK, "{\"accepted\":true,\"duplicate\":" + dup + ",\"id\":" + jsonString(id) + "}");
      }
      r.setProtocolVersion(version);
      HttpUtil.setKeepAlive(r, keepAlive);
      ctx.writeAndFlush(r).addListener((ChannelFutureListener) cf -> {
        state.inFlight.decrementAndGet();
        if (!keepAlive) {
          cf.channel().close();
        } else {
          cf.channel().config().setAutoRead(true);
          drain(ctx);
        }
      });
    });
  }

  private static String rootMessage(Throwable t) {
    Throwable c = t;
    while (c.getCause() != null && c instanceof java.util.concurrent.CompletionException) {
      c = c.getCause();
    }
    return c.getMessage();
  }

  private void status(ChannelHandlerContext ctx, FullHttpRequest req) {
    boolean keepAlive = HttpUtil.isKeepAlive(req);
    HttpVersion version = req.protocolVersion();
    awaiting = true;
    ctx.channel().config().setAutoRead(false);
    ReceiverSettings s = state.settings();
    CompletableFuture.supplyAsync(() -> state.storedEvents().getAsLong(), state.blocking())
        .whenComplete((stored, err) -> {
          FullHttpResponse r;
          if (err != null) {
            LOG.warn("receiver {}: status count failed: {}", s.group(), rootMessage(err));
            r = text(HttpResponseStatus.INTERNAL_SERVER_ERROR, "store error");
          } else {
            r = json(HttpResponseStatus.OK, "{\"node\":" + jsonString(s.nodeName())
                + ",\"group\":" + jsonString(s.group())
                + ",\"received\":" + state.received()
                + ",\"duplicate\":" + state.duplicates()
                + ",\"rejected\":" + state.rejected()
                + ",\"storedEvents\":" + stored
                + ",\"replayWindowSeconds\":" + s.replayWindow().getSeconds() + "}");
          }
          r.setProtocolVersion(version);
          HttpUtil.setKeepAlive(r, keepAlive);
          ctx.writeAndFlush(r).addListener((ChannelFutureListener) cf -> {
            if (!keepAlive) {
              cf.channel().close();
            } else {
              cf.channel().config().setAutoRead(true);
              drain(ctx);
            }
          });
        });
  }

  /**
   * A request head that could not be parsed: Go's answer (status, {@code text/plain} body without a
   * newline, {@code Connection: close}), then the connection closes; its remaining input was
   * discarded by the codec. Counted as reject reason {@code malformed_request}.
   */
  private void malformed(ChannelHandlerContext ctx, ReceiverCodec.MalformedRequest bad) {
    state.reject("malformed_request");
    LOG.debug("receiver connection {}: {}", ctx.channel().remoteAddress(), bad.getMessage());
    ByteBuf buf = Unpooled.copiedBuffer(bad.body(), StandardCharsets.UTF_8);
    FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, bad.status(), buf);
    r.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
    r.headers().set(HttpHeaderNames.CONTENT_LENGTH, buf.readableBytes());
    r.headers().set(HttpHeaderNames.CONNECTION, "close");
    ctx.writeAndFlush(r).addListener(ChannelFutureListener.CLOSE);
  }

  /**
   * A request whose body did not fit in the receiver's body budget ({@link BodyLimitAggregator}):
   * {@code 503}, {@code Connection: close}, counted as reject reason {@code receiver_busy}. The
   * sender's outbox retries it like any failed push.
   */
  private void busy(ChannelHandlerContext ctx) {
    state.reject("receiver_busy");
    FullHttpResponse r = text(HttpResponseStatus.SERVICE_UNAVAILABLE, "receiver busy");
    r.headers().set(HttpHeaderNames.CONNECTION, "close");
    ctx.writeAndFlush(r).addListener(ChannelFutureListener.CLOSE);
  }

  private void reject(ChannelHandlerContext ctx, FullHttpRequest req, HttpResponseStatus status, String body,
      String reason) {
    state.reject(reason);
    send(ctx, req, text(status, body));
  }

  private static void send(ChannelHandlerContext ctx, FullHttpRequest req, FullHttpResponse r) {
    boolean keepAlive = HttpUtil.isKeepAlive(req) && !req.decoderResult().isFailure();
    r.setProtocolVersion(req.protocolVersion());
    HttpUtil.setKeepAlive(r, keepAlive);
    if (keepAlive) {
      ctx.writeAndFlush(r);
    } else {
      ctx.writeAndFlush(r).addListener(ChannelFutureListener.CLOSE);
    }
  }

  /** A Go {@code http.Error} response: text/plain, nosniff, the message plus a newline. */
  static FullHttpResponse text(HttpResponseStatus status, String message) {
    ByteBuf buf = Unpooled.copiedBuffer(message + "\n", StandardCharsets.UTF_8);
    FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, buf);
    r.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
    r.headers().set("X-Content-Type-Options", "nosniff");
    r.headers().set(HttpHeaderNames.CONTENT_LENGTH, buf.readableBytes());
    return r;
  }

  private static FullHttpResponse json(HttpResponseStatus status, String json) {
    ByteBuf buf = Unpooled.copiedBuffer(json + "\n", StandardCharsets.UTF_8);
    FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, buf);
    r.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json");
    r.headers().set(HttpHeaderNames.CONTENT_LENGTH, buf.readableBytes());
    return r;
  }

  /** A JSON string as Go's encoder writes it (routerd answers through {@code json.NewEncoder}). */
  static String jsonString(String s) {
    return dev.cloudedge.federation.event.GoJson.quote(s);
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
    if (evt instanceof IdleStateEvent && ctx.channel().config().isAutoRead()) {
      // A silent client loses its connection; a connection waiting for our own store write
      // (reading paused) is not idle on the client's account.
      ctx.close();
      return;
    }
    super.userEventTriggered(ctx, evt);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    LOG.debug("receiver connection {} failed: {}", ctx.channel().remoteAddress(), cause.toString());
    ctx.close();
  }
}
