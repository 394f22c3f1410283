package dev.cloudedge.worker;

import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.serviceclient.SimpleSslContextBuilder;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;

/** A connection to Temporal built from {@link TemporalSettings}. */
public final class TemporalConnection implements AutoCloseable {
  private final TemporalSettings settings;
  private final WorkflowServiceStubs stubs;
  private final WorkflowClient client;
  private final UnixChannel unix;

  private TemporalConnection(TemporalSettings settings, WorkflowServiceStubs stubs, UnixChannel unix) {
    this.settings = settings;
    this.stubs = stubs;
    this.unix = unix;
    this.client = WorkflowClient.newInstance(stubs, WorkflowClientOptions.newBuilder().setNamespace(settings.namespace()).build());
  }

  /**
   * Connects and checks the server answers within 10 s.
   *
   * @throws IllegalArgumentException when the settings are unusable or the server does not answer
   */
  public static TemporalConnection connect(TemporalSettings settings) {
    if (!settings.problems().isEmpty()) {
      throw new IllegalArgumentException(String.join("; ", settings.problems()));
    }
    WorkflowServiceStubsOptions.Builder b = WorkflowServiceStubsOptions.newBuilder();
    UnixChannel unix = null;
    if (settings.unixSocket() != null) {
      unix = UnixChannel.open(settings.unixSocket());
      b.setChannel(unix.channel());
    } else {
      b.setTarget(settings.target());
    }
    try {
      if (settings.tls()) {
        SimpleSslContextBuilder ssl;
        if (settings.tlsCert() != null) {
          try (InputStream cert = Files.newInputStream(settings.tlsCert()); InputStream key = Files.newInputStream(settings.tlsKey())) {
            ssl = SimpleSslContextBuilder.forPKCS8(cert, key);
          }
        } else {
          ssl = SimpleSslContextBuilder.noKeyOrCertChain();
        }
        if (settings.tlsCa() != null) {
          ssl.setTrustManager(TrustStores.fromPem(settings.tlsCa()));
        }
        b.setSslContext(ssl.build());
      }
    } catch (IOException | java.security.GeneralSecurityException e) {
      throw new IllegalArgumentException("cannot set up TLS for " + settings.target() + ": " + e.getMessage(), e);
    }
    if (settings.apiKey() != null) {
      String key = settings.apiKey();
      b.addApiKey(() -> key);
    }
    WorkflowServiceStubs stubs = WorkflowServiceStubs.newServiceStubs(b.build());
    try {
      stubs.healthCheck();
    } catch (RuntimeException e) {
      stubs.shutdownNow();
      if (unix != null) {
        unix.close();
      }
      throw new IllegalArgumentException("Temporal at " + settings.target() + " is not reachable: "
          + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().split("\n")[0]), e);
    }
    return new TemporalConnection(settings, stubs, unix);
  }

  /** The settings used. */
  public TemporalSettings settings() {
    return settings;
  }

  /** The workflow client for the namespace. */
  public WorkflowClient client() {
    return client;
  }

  /**
   * Whether the server is Temporal's Java test server (what {@code server start-dev}, {@code lab up}
   * and the harness embed): it reports no server version, and it has no web UI.
   */
  public boolean embeddedServer() {
    return stubs.blockingStub().getSystemInfo(io.temporal.api.workflowservice.v1.GetSystemInfoRequest.getDefaultInstance())
        .getServerVersion().isBlank();
  }

  /** The service stubs. */
  public WorkflowServiceStubs stubs() {
    return stubs;
  }

  @Override
  public void close() {
    stubs.shutdown();
    stubs.awaitTermination(5, java.util.concurrent.TimeUnit.SECONDS);
    if (unix != null) {
      unix.close();
    }
  }

  /** A plaintext channel over a Unix domain socket (grpc-netty-shaded's epoll transport). */
  private record UnixChannel(io.grpc.ManagedChannel channel,
      io.grpc.netty.shaded.io.netty.channel.EventLoopGroup group) implements AutoCloseable {
    static UnixChannel open(java.nio.file.Path socket) {
      var group = new io.grpc.netty.shaded.io.netty.channel.epoll.EpollEventLoopGroup(2);
      io.grpc.ManagedChannel ch = io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder
          .forAddress(new io.grpc.netty.shaded.io.netty.channel.unix.DomainSocketAddress(socket.toString()))
          .channelType(io.grpc.netty.shaded.io.netty.channel.epoll.EpollDomainSocketChannel.class)
          .eventLoopGroup(group)
          .usePlaintext()
          // As the SDK sets on the channels it builds itself: histories can be large.
          .maxInboundMessageSize(128 * 1024 * 1024)
          .build();
      return new UnixChannel(ch, group);
    }

    @Override
    public void close() {
      channel.shutdownNow();
      try {
        channel.awaitTermination(5, java.util.concurrent.TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS);
    }
  }
}
