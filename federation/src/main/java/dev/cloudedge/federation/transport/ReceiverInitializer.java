package dev.cloudedge.federation.transport;

import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpServerKeepAliveHandler;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.netty.handler.timeout.IdleStateHandler;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * The receiver pipeline: idle timeout, HTTP/1.1 codec (malformed heads answered 400/414/431, see
 * {@link ReceiverCodec}) with keep-alive, a per-request read deadline, the 1 MiB aggregator (413 above), then the routes.
 */
public final class ReceiverInitializer extends ChannelInitializer<SocketChannel> {
  private final ReceiverState state;
  private final Duration idleTimeout;
  private final Duration readTimeout;
  private final java.util.function.Predicate<io.netty.channel.Channel> onConnection;

  /**
   * @param idleTimeout a connection that sends nothing for this long is closed
   * @param readTimeout a request must arrive completely within this long of its first byte
   * @param onConnection called for every accepted connection (the server tracks them for shutdown);
   *     {@code false} when the connection is one too many: it is answered 503 and closed
   */
  public ReceiverInitializer(ReceiverState state, Duration idleTimeout, Duration readTimeout,
      java.util.function.Predicate<io.netty.channel.Channel> onConnection) {
    this.state = Objects.requireNonNull(state, "state");
    this.idleTimeout = Objects.requireNonNull(idleTimeout, "idleTimeout");
    this.readTimeout = Objects.requireNonNull(readTimeout, "readTimeout");
    this.onConnection = Objects.requireNonNull(onConnection, "onConnection");
  }

  @Override
  protected void initChannel(SocketChannel ch) {
    if (!onConnection.test(ch)) {
      state.reject("too_many_connections");
      io.netty.handler.codec.http.FullHttpResponse r = ReceiverHandler.text(
          io.netty.handler.codec.http.HttpResponseStatus.SERVICE_UNAVAILABLE, "too many connections");
      r.headers().set(io.netty.handler.codec.http.HttpHeaderNames.CONNECTION, "close");
      ch.pipeline().addLast(new io.netty.handler.codec.http.HttpResponseEncoder());
      ch.writeAndFlush(r).addListener(io.netty.channel.ChannelFutureListener.CLOSE);
      return;
    }
    ChannelPipeline p = ch.pipeline();
    RequestDeadlineHandler deadline = new RequestDeadlineHandler(readTimeout);
    // Answers written by store completions outside a read are flushed together, one write per
    // batch of answers instead of one per answer.
    p.addLast("flush", new FlushConsolidationHandler(FlushConsolidationHandler.DEFAULT_EXPLICIT_FLUSH_AFTER_FLUSHES, true));
    p.addLast("idle", new IdleStateHandler(idleTimeout.toMillis(), 0, 0, TimeUnit.MILLISECONDS));
    p.addLast("deadline", deadline);
    p.addLast("codec", new ReceiverCodec());
    p.addLast("keepAlive", new HttpServerKeepAliveHandler());
    p.addLast("requestComplete", new RequestDeadlineHandler.Completion(deadline));
    p.addLast("aggregator", new BodyLimitAggregator(state));
    p.addLast("handler", new ReceiverHandler(state));
  }
}
