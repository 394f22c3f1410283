package dev.cloudedge.federation.transport;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Objects;

/**
 * One EventGroup's HTTP receiver bound to one address. Plain HTTP/1.1 with keep-alive; blocking
 * work never runs on the event loop. {@link #close(Duration)} stops accepting, lets requests in
 * flight finish (up to the grace period), then closes every connection.
 */
public final class ReceiverServer implements AutoCloseable {
  /** Default: a connection silent for this long is closed. */
  public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(60);
  /** Default: a request must arrive completely within this long. */
  public static final Duration DEFAULT_READ_TIMEOUT = Duration.ofSeconds(30);

  private final ReceiverState state;
  private final Channel serverChannel;
  private final ChannelGroup connections;
  private final InetSocketAddress address;

  private ReceiverServer(ReceiverState state, Channel serverChannel, ChannelGroup connections) {
    this.state = state;
    this.serverChannel = serverChannel;
    this.connections = connections;
    this.address = (InetSocketAddress) serverChannel.localAddress();
  }

  /**
   * Binds and starts accepting.
   *
   * @param group the event loops (shared by the runtime's receivers)
   * @throws TransportException naming the address when it cannot be bound (e.g. already in use)
   */
  public static ReceiverServer bind(EventLoopGroup group, InetSocketAddress address, ReceiverState state,
      Duration idleTimeout, Duration readTimeout) {
    return bind(group, address, state, idleTimeout, readTimeout, Integer.MAX_VALUE);
  }

  /**
   * Binds and starts accepting at most {@code maxConnections} open connections: one more is
   * answered {@code 503} and closed, counted as reject reason {@code too_many_connections}.
   *
   * @throws TransportException naming the address when it cannot be bound (e.g. already in use)
   */
  public static ReceiverServer bind(EventLoopGroup group, InetSocketAddress address, ReceiverState state,
      Duration idleTimeout, Duration readTimeout, int maxConnections) {
    if (maxConnections < 1) {
      throw new IllegalArgumentException("maxConnections must be at least 1, got " + maxConnections);
    }
    Objects.requireNonNull(address, "address");
    ChannelGroup connections = new DefaultChannelGroup("receiver-" + address, GlobalEventExecutor.INSTANCE);
    ServerBootstrap b = new ServerBootstrap()
        .group(group)
        .channel(NioServerSocketChannel.class)
        .option(ChannelOption.SO_BACKLOG, 1024)
        .childOption(ChannelOption.TCP_NODELAY, true)
        .childHandler(new ReceiverInitializer(state, idleTimeout, readTimeout, ch -> {
          if (connections.size() >= maxConnections) {
            return false;
          }
          connections.add(ch);
          return true;
        }));
    try {
      Channel ch = b.bind(address).syncUninterruptibly().channel();
      return new ReceiverServer(state, ch, connections);
    } catch (Exception e) {
      throw new TransportException("listen on " + hostPort(address) + ": " + describe(e), e);
    }
  }

  private static String describe(Throwable e) {
    if (e instanceof BindException) {
      String m = String.valueOf(e.getMessage()).toLowerCase(java.util.Locale.ROOT);
      if (m.contains("in use")) {
        return "address already in use";
      }
      if (m.contains("assign")) {
        return "cannot assign requested address";
      }
      if (m.contains("permission")) {
        return "permission denied";
      }
    }
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
  }

  /** {@code host:port} as an operator writes it ({@code [::1]:8787} for IPv6). */
  public static String hostPort(InetSocketAddress a) {
    String host = a.getHostString();
    return (host.contains(":") ? "[" + host + "]" : host) + ":" + a.getPort();
  }

  /** The bound address (the real port when 0 was asked). */
  public InetSocketAddress address() {
    return address;
  }

  /** The shared state (counters, settings). */
  public ReceiverState state() {
    return state;
  }

  /** Stops accepting, waits up to {@code grace} for requests in flight, then closes every connection. */
  public void close(Duration grace) {
    serverChannel.close().syncUninterruptibly();
    long deadline = System.nanoTime() + grace.toNanos();
    while (state.inFlight() > 0 && System.nanoTime() < deadline) {
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    connections.close().awaitUninterruptibly(grace.toMillis() + 1000);
  }

  @Override
  public void close() {
    close(Duration.ofSeconds(5));
  }
}
