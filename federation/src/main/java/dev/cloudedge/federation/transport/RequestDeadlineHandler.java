package dev.cloudedge.federation.transport;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.LastHttpContent;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Closes a connection whose request is not fully received within the read timeout, counted from
 * the request's first byte: a client that trickles its request line, headers or body byte by byte
 * (staying under the idle timeout) cannot hold a connection. It sits in front of the HTTP codec,
 * arming on the first bytes of each request; {@link Completion}, behind the codec, disarms it when
 * the request's last content has been decoded.
 */
public final class RequestDeadlineHandler extends ChannelDuplexHandler {
  private final Duration readTimeout;
  private ScheduledFuture<?> deadline;

  public RequestDeadlineHandler(Duration readTimeout) {
    this.readTimeout = readTimeout;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
    if (msg instanceof ByteBuf b && b.isReadable() && deadline == null) {
      deadline = ctx.executor().schedule(() -> {
        ctx.close();
      }, readTimeout.toMillis(), TimeUnit.MILLISECONDS);
    }
    super.channelRead(ctx, msg);
  }

  /** The request that armed the deadline is complete. */
  void requestComplete() {
    if (deadline != null) {
      deadline.cancel(false);
      deadline = null;
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    requestComplete();
    super.channelInactive(ctx);
  }

  /** Behind the codec: disarms the deadline when a request's last content arrives. */
  public static final class Completion extends ChannelDuplexHandler {
    private final RequestDeadlineHandler deadline;

    public Completion(RequestDeadlineHandler deadline) {
      this.deadline = deadline;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
      if (msg instanceof LastHttpContent) {
        deadline.requestComplete();
      }
      super.channelRead(ctx, msg);
    }
  }
}
