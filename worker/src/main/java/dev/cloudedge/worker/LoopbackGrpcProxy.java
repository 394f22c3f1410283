package dev.cloudedge.worker;

import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.HandlerRegistry;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerMethodDefinition;
import io.grpc.Status;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * A gRPC front end on one address that forwards every call, byte for byte, to a channel: the
 * embedded Temporal (module devserver) gets a listener on 127.0.0.1 only (the test server's own
 * port-bound mode binds every interface, which would put an unauthenticated Temporal frontend on the
 * network), and the netns lab's node processes get a Unix socket. Calls, headers, messages, trailers
 * and cancellation pass through unchanged; streaming works both ways.
 */
public final class LoopbackGrpcProxy implements AutoCloseable {
  private final Server server;
  private final java.nio.file.Path socket;
  private final io.grpc.netty.shaded.io.netty.channel.EventLoopGroup group;

  private LoopbackGrpcProxy(Server server) {
    this(server, null, null);
  }

  private LoopbackGrpcProxy(Server server, java.nio.file.Path socket, io.grpc.netty.shaded.io.netty.channel.EventLoopGroup group) {
    this.server = server;
    this.socket = socket;
    this.group = group;
  }

  /**
   * Listens on the Unix domain socket {@code socket} (created 0600; the file is removed on close)
   * and forwards to {@code target}. Processes in other network namespaces reach it through the
   * file system, which network namespaces do not separate.
   */
  public static LoopbackGrpcProxy startUnix(java.nio.file.Path socket, ManagedChannel target) throws IOException {
    java.nio.file.Files.deleteIfExists(socket);
    var group = new io.grpc.netty.shaded.io.netty.channel.epoll.EpollEventLoopGroup(2);
    Server s;
    try {
      s = io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder
          .forAddress(new io.grpc.netty.shaded.io.netty.channel.unix.DomainSocketAddress(socket.toString()))
          .channelType(io.grpc.netty.shaded.io.netty.channel.epoll.EpollServerDomainSocketChannel.class)
          .bossEventLoopGroup(group)
          .workerEventLoopGroup(group)
          .fallbackHandlerRegistry(new Registry(target))
          .build()
          .start();
      java.nio.file.Files.setPosixFilePermissions(socket, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
    } catch (IOException | RuntimeException e) {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
      throw e;
    }
    return new LoopbackGrpcProxy(s, socket, group);
  }

  /** Listens on {@code address} and forwards to {@code target}. */
  public static LoopbackGrpcProxy start(InetSocketAddress address, ManagedChannel target) throws IOException {
    Server s = io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder.forAddress(address)
        .fallbackHandlerRegistry(new Registry(target))
        .build()
        .start();
    return new LoopbackGrpcProxy(s);
  }

  /** The bound port. */
  public int port() {
    return server.getPort();
  }

  @Override
  public void close() {
    server.shutdownNow();
    try {
      server.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (group != null) {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }
    if (socket != null) {
      try {
        java.nio.file.Files.deleteIfExists(socket);
      } catch (IOException e) {
        // The lab's cleanup removes its socket directory as well.
      }
    }
  }

  /** Messages as raw bytes: the proxy never decodes them. */
  private static final class Bytes implements MethodDescriptor.Marshaller<byte[]> {
    static final Bytes INSTANCE = new Bytes();

    @Override
    public InputStream stream(byte[] value) {
      return new ByteArrayInputStream(value);
    }

    @Override
    public byte[] parse(InputStream stream) {
      try {
        return stream.readAllBytes();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  /** Any method name maps to a forwarding handler. */
  private static final class Registry extends HandlerRegistry {
    private final ManagedChannel target;

    Registry(ManagedChannel target) {
      this.target = target;
    }

    @Override
    public ServerMethodDefinition<?, ?> lookupMethod(String methodName, String authority) {
      MethodDescriptor<byte[], byte[]> method = MethodDescriptor.<byte[], byte[]>newBuilder()
          .setType(MethodDescriptor.MethodType.UNKNOWN)
          .setFullMethodName(methodName)
          .setRequestMarshaller(Bytes.INSTANCE)
          .setResponseMarshaller(Bytes.INSTANCE)
          .build();
      return ServerMethodDefinition.create(method, new Forward(target, method));
    }
  }

  private static final class Forward implements ServerCallHandler<byte[], byte[]> {
    private final ManagedChannel target;
    private final MethodDescriptor<byte[], byte[]> method;

    Forward(ManagedChannel target, MethodDescriptor<byte[], byte[]> method) {
      this.target = target;
      this.method = method;
    }

    @Override
    public ServerCall.Listener<byte[]> startCall(ServerCall<byte[], byte[]> serverCall, Metadata headers) {
      // A call's two halves are driven from two listener threads; neither half is thread-safe,
      // so each is used under its own lock.
      ClientCall<byte[], byte[]> clientCall = target.newCall(method, CallOptions.DEFAULT);
      Object up = new Object();
      Object down = new Object();
      clientCall.start(new ClientCall.Listener<>() {
        @Override
        public void onHeaders(Metadata h) {
          synchronized (down) {
            serverCall.sendHeaders(h);
          }
        }

        @Override
        public void onMessage(byte[] message) {
          synchronized (down) {
            serverCall.sendMessage(message);
          }
          synchronized (up) {
            clientCall.request(1);
          }
        }

        @Override
        public void onClose(Status status, Metadata trailers) {
          synchronized (down) {
            serverCall.close(status, trailers);
          }
        }
      }, headers);
      synchronized (up) {
        clientCall.request(1);
      }
      synchronized (down) {
        serverCall.request(1);
      }
      return new ServerCall.Listener<>() {
        @Override
        public void onMessage(byte[] message) {
          synchronized (up) {
            clientCall.sendMessage(message);
          }
          synchronized (down) {
            serverCall.request(1);
          }
        }

        @Override
        public void onHalfClose() {
          synchronized (up) {
            clientCall.halfClose();
          }
        }

        @Override
        public void onCancel() {
          synchronized (up) {
            clientCall.cancel("the caller cancelled", null);
          }
        }
      };
    }
  }
}
