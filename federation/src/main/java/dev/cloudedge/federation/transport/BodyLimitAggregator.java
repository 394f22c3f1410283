package dev.cloudedge.federation.transport;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;

/**
 * Aggregates a request up to {@link #MAX_BODY_BYTES} and answers a larger body with {@code 413}
 * (reason {@code body_too_large}) instead of routerd's silent truncation, then closes the
 * connection so the unread rest of the body is never parsed as a request.
 */
public final class BodyLimitAggregator extends HttpObjectAggregator {
  /** 1 MiB, routerd's read limit. */
  public static final int MAX_BODY_BYTES = 1 << 20;

  private final ReceiverState state;

  public BodyLimitAggregator(ReceiverState state) {
    super(MAX_BODY_BYTES);
    this.state = state;
  }

  @Override
  protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) {
    state.reject("body_too_large");
    FullHttpResponse r = ReceiverHandler.text(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, "body too large");
    HttpUtil.setKeepAlive(r, false);
    ctx.writeAndFlush(r).addListener(ChannelFutureListener.CLOSE);
  }
}
