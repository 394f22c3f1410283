package dev.cloudedge.federation.transport;

import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerKeepAliveHandler;
import io.netty.handler.timeout.IdleStateHandler;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * The receiver pipeline: idle timeout, HTTP/1.1 codec with keep-alive, a per-request read
 * deadline, the 1 MiB aggregator (413 above), then the routes.
 */
public final class ReceiverInitializer extends ChannelInitializer<SocketChannel> {
  private final ReceiverState state;
  private final Duration idleTimeout;
  private final Duration readTimeout;
  private final java.util.function.Consumer<io.netty.channel.Channel> onConnection;

  /**
   * @param idleTimeout a connection that sends nothing for this long is closed
   * @param readTimeout a request must arrive completely within this long of its first byte
   * @param onConnection called for every accepted connection (the server tracks them for shutdown)
   */
  public ReceiverInitializer(ReceiverState state, Duration idleTimeout, Duration readTimeout,
      java.util.function.Consumer<io.netty.channel.Channel> onConnection) {
    this.state = Objects.requireNonNull(state, "state");
    this.idleTimeout = Objects.requireNonNull(idleTimeout, "idleTimeout");
    this.readTimeout = Objects.requireNonNull(readTimeout, "readTimeout");
    this.onConnection = Objects.requireNonNull(onConnection, "onConnection");
  }

  @Override
  protected void initChannel(SocketChannel ch) {
    onConnection.accept(ch);
    ChannelPipeline p = ch.pipeline();
    RequestDeadlineHandler deadline = new RequestDeadlineHandler(readTimeout);
    p.addLast("idle", new IdleStateHandler(idleTimeout.toMillis(), 0, 0, TimeUnit.MILLISECONDS));
    p.addLast("deadline", deadline);
    p.addLast("codec", new HttpServerCodec());
    p.addLast("keepAlive", new HttpServerKeepAliveHandler());
    p.addLast("requestComplete", new RequestDeadlineHandler.Completion(deadline));
    p.addLast("aggregator", new BodyLimitAggregator(state));
    p.addLast("handler", new ReceiverHandler(state));
  }
}
