package dev.cloudedge.federation.transport;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.LastHttpContent;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Closes a connection whose request is not fully received within the read timeout, so a client
 * that trickles a body byte by byte (staying under the idle timeout) cannot hold a connection.
 */
public final class RequestDeadlineHandler extends ChannelDuplexHandler {
  private final Duration readTimeout;
  private ScheduledFuture<?> deadline;

  public RequestDeadlineHandler(Duration readTimeout) {
    this.readTimeout = readTimeout;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
    if (msg instanceof HttpRequest && deadline == null) {
      deadline = ctx.executor().schedule(() -> {
        ctx.close();
      }, readTimeout.toMillis(), TimeUnit.MILLISECONDS);
    }
    if (msg instanceof LastHttpContent) {
      cancel();
    }
    super.channelRead(ctx, msg);
  }

  private void cancel() {
    if (deadline != null) {
      deadline.cancel(false);
      deadline = null;
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    cancel();
    super.channelInactive(ctx);
  }
}
