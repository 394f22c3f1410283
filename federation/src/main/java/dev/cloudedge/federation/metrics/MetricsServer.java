package dev.cloudedge.federation.metrics;

import dev.cloudedge.federation.transport.ReceiverServer;
import dev.cloudedge.federation.transport.TransportException;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.timeout.IdleStateHandler;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/** The admin listener: {@code GET /metrics} for Prometheus scrapes. */
public final class MetricsServer implements AutoCloseable {
  private final Channel channel;

  private MetricsServer(Channel channel) {
    this.channel = channel;
  }

  /**
   * Binds the admin listener.
   *
   * @throws TransportException naming the address when it cannot be bound
   */
  public static MetricsServer bind(EventLoopGroup group, InetSocketAddress address, PrometheusTextReader reader) {
    ServerBootstrap b = new ServerBootstrap()
        .group(group)
        .channel(NioServerSocketChannel.class)
        .childHandler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            ch.pipeline()
                .addLast(new IdleStateHandler(60, 0, 0, TimeUnit.SECONDS) {
                  @Override
                  protected void channelIdle(io.netty.channel.ChannelHandlerContext ctx,
                      io.netty.handler.timeout.IdleStateEvent evt) {
                    ctx.close();
                  }
                })
                .addLast(new HttpServerCodec())
                .addLast(new HttpObjectAggregator(64 * 1024))
                .addLast(new MetricsHandler(reader));
          }
        });
    try {
      return new MetricsServer(b.bind(address).syncUninterruptibly().channel());
    } catch (Exception e) {
      String m = String.valueOf(e.getMessage()).toLowerCase(java.util.Locale.ROOT);
      throw new TransportException("admin listen on " + ReceiverServer.hostPort(address) + ": "
          + (m.contains("in use") ? "address already in use" : e.getMessage()), e);
    }
  }

  /** The bound address. */
  public InetSocketAddress address() {
    return (InetSocketAddress) channel.localAddress();
  }

  @Override
  public void close() {
    channel.close().syncUninterruptibly();
  }
}
