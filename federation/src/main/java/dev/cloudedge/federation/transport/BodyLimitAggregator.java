package dev.cloudedge.federation.transport;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpMessage;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpUtil;

/**
 * Aggregates a request up to {@link #MAX_BODY_BYTES}; a larger body goes on as a {@link
 * BodyTooLarge} request, which the handler answers {@code 413} (reason {@code body_too_large})
 * instead of routerd's silent truncation, then closes the connection so the unread rest of the
 * body is never parsed as a request.
 *
 * <p>Before a body is read its size (its Content-Length, or 1 MiB without one) is reserved from
 * the receiver's body budget ({@link ReceiverState#defaultBodyBudget()}), shared by every
 * connection, and returned once the request is complete or the connection ends. A request that
 * does not fit goes on as a {@link ReceiverBusy} request, which the handler answers {@code 503} in
 * its turn among pipelined requests, and the rest of the connection's input is discarded: many
 * large bodies at once are refused instead of exhausting the heap.
 */
public final class BodyLimitAggregator extends HttpObjectAggregator {
  /** 1 MiB, routerd's read limit. */
  public static final int MAX_BODY_BYTES = 1 << 20;

  private final ReceiverState state;
  /** Budget bytes this connection holds for the request being aggregated. */
  private long reserved;
  /** After a refused request: everything else on the connection is dropped. */
  private boolean refusing;

  public BodyLimitAggregator(ReceiverState state) {
    super(MAX_BODY_BYTES);
    this.state = state;
  }

  /** The decoder result of a request refused for the body budget. */
  public static final class ReceiverBusy extends io.netty.handler.codec.DecoderException {
    private static final long serialVersionUID = 1L;

    ReceiverBusy() {
      super("receiver busy: too many request bodies in flight");
    }
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
    if (refusing) {
      io.netty.util.ReferenceCountUtil.release(msg);
      return;
    }
    if (msg instanceof HttpRequest req && !(msg instanceof FullHttpMessage)
        && req.decoderResult().isSuccess()) {
      long length = HttpUtil.getContentLength(req, -1L);
      // Over 1 MiB is answered 413 by the aggregator without reading it; chunked bodies may be up to 1 MiB.
      long want = HttpUtil.isTransferEncodingChunked(req) ? MAX_BODY_BYTES
          : length < 0 || length > MAX_BODY_BYTES ? 0 : length;
      if (want > 0 && !state.reserveBody(want)) {
        refuse(ctx, req, new ReceiverBusy());
        io.netty.util.ReferenceCountUtil.release(msg);
        return;
      }
      release();
      reserved = want;
    }
    super.channelRead(ctx, msg);
  }

  @Override
  protected void finishAggregation(FullHttpMessage aggregated) throws Exception {
    super.finishAggregation(aggregated);
    release();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    release();
    super.channelInactive(ctx);
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) throws Exception {
    release();
    super.handlerRemoved(ctx);
  }

  private void release() {
    if (reserved > 0) {
      state.releaseBody(reserved);
      reserved = 0;
    }
  }

  /** The decoder result of a request whose body is over {@link #MAX_BODY_BYTES}. */
  public static final class BodyTooLarge extends io.netty.handler.codec.DecoderException {
    private static final long serialVersionUID = 1L;

    BodyTooLarge() {
      super("body over " + MAX_BODY_BYTES + " bytes");
    }
  }

  /**
   * Passes the request on as a {@link BodyTooLarge} request, so the handler answers {@code 413} in
   * its turn among pipelined requests, and drops the rest of the connection's input.
   */
  @Override
  protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) {
    release();
    refuse(ctx, (HttpRequest) oversized, new BodyTooLarge());
  }

  /**
   * Passes {@code req}'s head on, without a body, as a request that failed with {@code why}, for
   * the handler to answer in its turn; everything after it on the connection is dropped.
   */
  private void refuse(ChannelHandlerContext ctx, HttpRequest req, io.netty.handler.codec.DecoderException why) {
    refusing = true;
    DefaultFullHttpRequest refused = new DefaultFullHttpRequest(req.protocolVersion(), req.method(), req.uri());
    refused.headers().set(req.headers());
    refused.headers().set(HttpHeaderNames.CONTENT_LENGTH, 0);
    refused.setDecoderResult(DecoderResult.failure(why));
    ctx.fireChannelRead(refused);
  }
}
