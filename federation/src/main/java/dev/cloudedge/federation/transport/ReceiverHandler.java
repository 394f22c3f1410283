package dev.cloudedge.federation.transport;

import dev.cloudedge.federation.event.EventCodec;
import dev.cloudedge.federation.event.EventDecodeException;
import dev.cloudedge.federation.event.EventValidationException;
import dev.cloudedge.federation.event.FederationEvent;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
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
 * store write leaves the event loop through the {@link EventSink}.
 *
 * <p>HTTP/1.1 pipelining: the stores of a connection's pipelined requests run concurrently (they
 * join the same group commit, in request order), while the answers leave in request order, each
 * in its {@link Slot}. A status read waits until every earlier request of its connection has been
 * answered, so it sees their effects as a serial server's would. At most {@link #MAX_PIPELINED}
 * answers of one connection are outstanding; past that the connection stops reading until the
 * oldest has been written.
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

  /** Answers of one connection outstanding at most; past it the connection stops reading. */
  static final int MAX_PIPELINED = 128;

  /** One request's place in the connection's answer order; touched on the event loop only. */
  private static final class Slot {
    /** The answer, once known. */
    FullHttpResponse response;
    /** The connection closes after this answer. */
    boolean close;
    /** A store is counted in {@link ReceiverState#inFlight} until its answer is written. */
    boolean store;
    /** Work that may start only when every earlier answer is written (a status read); run once. */
    Runnable atHead;
    /** The connection ended or closed before this answer: it is released, not written. */
    boolean dropped;
  }

  private final java.util.ArrayDeque<Slot> slots = new java.util.ArrayDeque<>();
  /** An answer that closes the connection was queued: later requests get none. */
  private boolean closing;

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
    if (closing) {
      return;
    }
    Slot slot = new Slot();
    slots.add(slot);
    if (!HttpUtil.isKeepAlive(req) || req.decoderResult().isFailure()) {
      // This answer closes the connection (Connection: close, or a request that cannot be
      // served): requests pipelined after it are read no more and get no answer, as from Go's server.
      closing = true;
      ctx.channel().config().setAutoRead(false);
    } else if (slots.size() >= MAX_PIPELINED) {
      ctx.channel().config().setAutoRead(false);
    }
    dispatch(ctx, req, slot);
  }

  /** Fills {@code slot} with its answer and writes every answer that is now next in order; on the event loop. */
  private void answer(ChannelHandlerContext ctx, Slot slot, FullHttpResponse r, boolean close) {
    if (slot.dropped) {
      r.release();
      if (slot.store) {
        state.inFlight.decrementAndGet();
      }
      return;
    }
    slot.response = r;
    slot.close = close;
    writeReady(ctx);
  }

  private void writeReady(ChannelHandlerContext ctx) {
    boolean wrote = false;
    Slot head;
    while ((head = slots.peek()) != null) {
      if (head.response == null) {
        Runnable start = head.atHead;
        if (start != null) {
          head.atHead = null;
          start.run();
          continue;
        }
        break;
      }
      slots.poll();
      ChannelFuture written = ctx.write(head.response);
      head.response = null;
      wrote = true;
      if (head.store) {
        written.addListener(f -> state.inFlight.decrementAndGet());
      }
      if (head.close) {
        written.addListener(ChannelFutureListener.CLOSE);
        closing = true;
        dropAll();
        break;
      }
    }
    if (wrote) {
      ctx.flush();
    }
    if (!closing && slots.size() < MAX_PIPELINED && !ctx.channel().config().isAutoRead()) {
      ctx.channel().config().setAutoRead(true);
    }
  }

  /** Marks every outstanding slot dropped: answers still computing are released when they arrive. */
  private void dropAll() {
    Slot s;
    while ((s = slots.poll()) != null) {
      s.dropped = true;
      s.atHead = null;
      if (s.response != null) {
        s.response.release();
        s.response = null;
        if (s.store) {
          state.inFlight.decrementAndGet();
        }
      }
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    closing = true;
    dropAll();
    super.channelInactive(ctx);
  }

  private void dispatch(ChannelHandlerContext ctx, FullHttpRequest req, Slot slot) {
    if (req.decoderResult().cause() instanceof BodyLimitAggregator.ReceiverBusy) {
      // Did not fit in the body budget: the sender's outbox retries it like any failed push.
      refused(ctx, slot, HttpResponseStatus.SERVICE_UNAVAILABLE, "receiver busy", "receiver_busy");
      return;
    }
    if (req.decoderResult().cause() instanceof BodyLimitAggregator.BodyTooLarge) {
      refused(ctx, slot, HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, "body too large", "body_too_large");
      return;
    }
    if (req.decoderResult().cause() instanceof ReceiverCodec.MalformedRequest bad) {
      malformed(ctx, slot, bad);
      return;
    }
    String path = path(req.uri());
    if (path.equals(STATUS_PATH)) {
      status(ctx, req, slot);
    } else if (path.equals(EVENTS_PATH)) {
      events(ctx, req, slot);
    } else {
      send(ctx, req, slot, text(HttpResponseStatus.NOT_FOUND, "404 page not found"));
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

  private void events(ChannelHandlerContext ctx, FullHttpRequest req, Slot slot) {
    ReceiverSettings s = state.settings();
    if (!HttpMethod.POST.equals(req.method())) {
      FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.METHOD_NOT_ALLOWED);
      r.headers().set(HttpHeaderNames.CONTENT_LENGTH, 0);
      send(ctx, req, slot, r);
      return;
    }
    if (req.decoderResult().isFailure()) {
      reject(ctx, req, slot, HttpResponseStatus.BAD_REQUEST, "read body", "read_body");
      return;
    }
    long ts;
    try {
      ts = parseTimestamp(req.headers().get(TIMESTAMP_HEADER));
    } catch (NumberFormatException e) {
      reject(ctx, req, slot, HttpResponseStatus.BAD_REQUEST, "bad timestamp", "bad_timestamp");
      return;
    }
    long windowSeconds = s.replayWindow().getSeconds();
    if (!s.replayWindow().isZero() && !s.replayWindow().isNegative()) {
      long now = state.clock().instant().getEpochSecond();
      if (stale(now, ts, windowSeconds)) {
        reject(ctx, req, slot, HttpResponseStatus.FORBIDDEN, "stale timestamp", "stale_timestamp");
        return;
      }
    }
    byte[] body = ByteBufUtil.getBytes(req.content());
    if (!dev.cloudedge.federation.security.Hmac.verify(s.keys().accepted(), ts, body,
        req.headers().get(SIGNATURE_HEADER))) {
      reject(ctx, req, slot, HttpResponseStatus.UNAUTHORIZED, "bad signature", "bad_signature");
      return;
    }
    FederationEvent ev;
    try {
      ev = EventCodec.decode(body);
    } catch (EventDecodeException e) {
      reject(ctx, req, slot, HttpResponseStatus.BAD_REQUEST, "bad event body", "bad_body");
      return;
    }
    try {
      ev = ev.normalizedAndValid();
    } catch (EventValidationException e) {
      reject(ctx, req, slot, HttpResponseStatus.BAD_REQUEST, "invalid event: " + e.getMessage(), "validation");
      return;
    }
    if (!ev.group().equals(s.group())) {
      reject(ctx, req, slot, HttpResponseStatus.BAD_REQUEST,
          "invalid event: group \"" + ev.group() + "\" is not this receiver's group \"" + s.group() + "\"",
          "validation");
      return;
    }
    store(ctx, req, slot, ev);
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

  private void store(ChannelHandlerContext ctx, FullHttpRequest req, Slot slot, FederationEvent ev) {
    boolean keepAlive = HttpUtil.isKeepAlive(req);
    HttpVersion version = req.protocolVersion();
    state.inFlight.incrementAndGet();
    slot.store = true;
    CompletableFuture<Boolean> f;
    try {
      f = state.sink().store(ev);
    } catch (RuntimeException e) {
      f = CompletableFuture.failedFuture(e);
    }
    String id = ev.id();
    // The answer is built on the event loop: the store's writer thread only hands it over.
    f.whenComplete((dup, err) -> onLoop(ctx, () -> {
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
      reply(ctx, slot, r, version, keepAlive);
    }, () -> state.inFlight.decrementAndGet()));
  }

  /**
   * Runs {@code task} on the connection's event loop (at once when already there); {@code
   * onRejected} when the loop is shutting down, and the connection with it.
   */
  private static void onLoop(ChannelHandlerContext ctx, Runnable task, Runnable onRejected) {
    if (ctx.executor().inEventLoop()) {
      task.run();
      return;
    }
    try {
      ctx.executor().execute(task);
    } catch (java.util.concurrent.RejectedExecutionException e) {
      onRejected.run();
    }
  }

  private static String rootMessage(Throwable t) {
    Throwable c = t;
    while (c.getCause() != null && c instanceof java.util.concurrent.CompletionException) {
      c = c.getCause();
    }
    return c.getMessage();
  }

  /** Counts the stored rows off the event loop once every earlier request of the connection is answered. */
  private void status(ChannelHandlerContext ctx, FullHttpRequest req, Slot slot) {
    boolean keepAlive = HttpUtil.isKeepAlive(req);
    HttpVersion version = req.protocolVersion();
    ReceiverSettings s = state.settings();
    slot.atHead = () -> CompletableFuture.supplyAsync(() -> state.storedEvents().getAsLong(), state.blocking())
        .whenComplete((stored, err) -> onLoop(ctx, () -> {
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
          reply(ctx, slot, r, version, keepAlive);
        }, () -> { }));
    writeReady(ctx);
  }

  /**
   * A request head that could not be parsed: Go's answer (status, {@code text/plain} body without a
   * newline, {@code Connection: close}), then the connection closes; its remaining input was
   * discarded by the codec. Counted as reject reason {@code malformed_request}.
   */
  private void malformed(ChannelHandlerContext ctx, Slot slot, ReceiverCodec.MalformedRequest bad) {
    state.reject("malformed_request");
    LOG.debug("receiver connection {}: {}", ctx.channel().remoteAddress(), bad.getMessage());
    ByteBuf buf = Unpooled.copiedBuffer(bad.body(), StandardCharsets.UTF_8);
    FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, bad.status(), buf);
    r.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
    r.headers().set(HttpHeaderNames.CONTENT_LENGTH, buf.readableBytes());
    r.headers().set(HttpHeaderNames.CONNECTION, "close");
    answer(ctx, slot, r, true);
  }

  /**
   * A request the body aggregator refused before reading its body ({@link BodyLimitAggregator}):
   * answered {@code status} with {@code Connection: close}, counted as reject reason {@code reason}.
   */
  private void refused(ChannelHandlerContext ctx, Slot slot, HttpResponseStatus status, String message,
      String reason) {
    state.reject(reason);
    FullHttpResponse r = text(status, message);
    r.headers().set(HttpHeaderNames.CONNECTION, "close");
    answer(ctx, slot, r, true);
  }

  private void reject(ChannelHandlerContext ctx, FullHttpRequest req, Slot slot, HttpResponseStatus status,
      String body, String reason) {
    state.reject(reason);
    send(ctx, req, slot, text(status, body));
  }

  private void send(ChannelHandlerContext ctx, FullHttpRequest req, Slot slot, FullHttpResponse r) {
    reply(ctx, slot, r, req.protocolVersion(), HttpUtil.isKeepAlive(req) && !req.decoderResult().isFailure());
  }

  /** Answers in the request's HTTP version; without keep-alive the connection closes after it. */
  private void reply(ChannelHandlerContext ctx, Slot slot, FullHttpResponse r, HttpVersion version,
      boolean keepAlive) {
    r.setProtocolVersion(version);
    HttpUtil.setKeepAlive(r, keepAlive);
    answer(ctx, slot, r, !keepAlive);
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
    if (evt instanceof IdleStateEvent && slots.isEmpty()) {
      // A silent client loses its connection; a connection waiting for our own answers (a store
      // write, a status count) is not idle on the client's account.
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
