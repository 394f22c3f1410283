package dev.cloudedge.federation.metrics;

import io.grpc.CallOptions;
import io.grpc.ChannelCredentials;
import io.grpc.ClientCall;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.TlsChannelCredentials;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.common.export.GrpcResponse;
import io.opentelemetry.sdk.common.export.GrpcSender;
import io.opentelemetry.sdk.common.export.GrpcSenderConfig;
import io.opentelemetry.sdk.common.export.GrpcStatusCode;
import io.opentelemetry.sdk.common.export.MessageWriter;
import io.opentelemetry.sdk.common.export.RetryPolicy;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * One OTLP gRPC endpoint on a grpc-java channel. Retries follow the exporter's {@link RetryPolicy}
 * through grpc-java's own retry (the status codes OTLP calls retryable); the call deadline is the
 * exporter's timeout.
 */
final class GrpcJavaSender implements GrpcSender {
  /** The codes the OTLP specification calls retryable, as the OkHttp sender retries them. */
  private static final List<String> RETRYABLE = List.of(
      "CANCELLED", "DEADLINE_EXCEEDED", "RESOURCE_EXHAUSTED", "ABORTED", "OUT_OF_RANGE", "UNAVAILABLE", "DATA_LOSS");

  private final ManagedChannel channel;
  private final MethodDescriptor<MessageWriter, byte[]> method;
  private final GrpcSenderConfig config;
  private final String compression;

  GrpcJavaSender(GrpcSenderConfig config) {
    this.config = config;
    URI endpoint = config.getEndpoint();
    boolean tls = "https".equalsIgnoreCase(endpoint.getScheme());
    if (config.getSslContext() != null && config.getTrustManager() == null) {
      throw new IllegalArgumentException("OTLP gRPC: a custom SSLContext without a trust manager is not supported");
    }
    ChannelCredentials credentials = !tls ? InsecureChannelCredentials.create()
        : config.getTrustManager() == null ? TlsChannelCredentials.create()
        : TlsChannelCredentials.newBuilder().trustManager(config.getTrustManager()).build();
    int port = endpoint.getPort() != -1 ? endpoint.getPort() : tls ? 443 : 80;
    ManagedChannelBuilder<?> b = Grpc.newChannelBuilderForAddress(endpoint.getHost(), port, credentials);
    String full = config.getFullMethodName();
    RetryPolicy retry = config.getRetryPolicy();
    if (retry != null && retry.getMaxAttempts() > 1) {
      b.defaultServiceConfig(serviceConfig(full, retry)).enableRetry();
    } else {
      b.disableRetry();
    }
    if (config.getMaxResponseBodySize() > 0 && config.getMaxResponseBodySize() <= Integer.MAX_VALUE) {
      b.maxInboundMessageSize((int) config.getMaxResponseBodySize());
    }
    this.channel = b.build();
    this.method = MethodDescriptor.<MessageWriter, byte[]>newBuilder()
        .setType(MethodDescriptor.MethodType.UNARY)
        .setFullMethodName(full)
        .setRequestMarshaller(new RequestMarshaller())
        .setResponseMarshaller(new ResponseMarshaller())
        .build();
    String encoding = config.getCompressor() == null ? null : config.getCompressor().getEncoding();
    if (encoding != null && !encoding.equals("gzip")) {
      throw new IllegalArgumentException("OTLP gRPC: compression " + encoding + " is not supported (use gzip or none)");
    }
    this.compression = encoding;
  }

  /** grpc-java's service config for the one method: its retry policy from the exporter's. */
  static Map<String, ?> serviceConfig(String fullMethodName, RetryPolicy retry) {
    int slash = fullMethodName.lastIndexOf('/');
    Map<String, ?> name = Map.of("service", fullMethodName.substring(0, slash), "method", fullMethodName.substring(slash + 1));
    Map<String, ?> policy = Map.of(
        // JSON numbers: grpc-java reads them as doubles; it caps attempts at 5 as the OTLP default is.
        "maxAttempts", (double) retry.getMaxAttempts(),
        "initialBackoff", seconds(retry.getInitialBackoff()),
        "maxBackoff", seconds(retry.getMaxBackoff()),
        "backoffMultiplier", retry.getBackoffMultiplier(),
        "retryableStatusCodes", RETRYABLE);
    return Map.of("methodConfig", List.of(Map.of("name", List.of(name), "retryPolicy", policy)));
  }

  private static String seconds(Duration d) {
    return BigDecimal.valueOf(d.toNanos(), 9).stripTrailingZeros().toPlainString() + "s";
  }

  @Override
  public void send(MessageWriter writer, Consumer<GrpcResponse> onResponse, Consumer<Throwable> onError) {
    CallOptions options = CallOptions.DEFAULT;
    if (config.getTimeout() != null && !config.getTimeout().isZero()) {
      options = options.withDeadlineAfter(config.getTimeout().toNanos(), TimeUnit.NANOSECONDS);
    }
    if (compression != null) {
      options = options.withCompression(compression);
    }
    Metadata headers = new Metadata();
    if (config.getHeadersSupplier() != null) {
      Map<String, List<String>> h = config.getHeadersSupplier().get();
      if (h != null) {
        h.forEach((k, values) -> values.forEach(v -> headers.put(Metadata.Key.of(k, Metadata.ASCII_STRING_MARSHALLER), v)));
      }
    }
    ClientCall<MessageWriter, byte[]> call = channel.newCall(method, options);
    call.start(new ClientCall.Listener<>() {
      private byte[] message = new byte[0];

      @Override
      public void onMessage(byte[] m) {
        message = m;
      }

      @Override
      public void onClose(Status status, Metadata trailers) {
        if (status.getCause() != null && status.getCode() == Status.Code.UNKNOWN) {
          onError.accept(status.getCause());
          return;
        }
        onResponse.accept(new Response(GrpcStatusCode.fromValue(status.getCode().value()),
            status.getDescription(), message));
      }
    }, headers);
    try {
      call.request(1);
      call.sendMessage(writer);
      call.halfClose();
    } catch (RuntimeException e) {
      call.cancel("OTLP request could not be sent", e);
      throw e;
    }
  }

  @Override
  public CompletableResultCode shutdown() {
    channel.shutdown();
    try {
      if (!channel.awaitTermination(5, TimeUnit.SECONDS)) {
        channel.shutdownNow();
      }
      return CompletableResultCode.ofSuccess();
    } catch (InterruptedException e) {
      channel.shutdownNow();
      Thread.currentThread().interrupt();
      return CompletableResultCode.ofFailure();
    }
  }

  private record Response(GrpcStatusCode code, String description, byte[] message) implements GrpcResponse {
    @Override
    public GrpcStatusCode getStatusCode() {
      return code;
    }

    @Override
    public String getStatusDescription() {
      return description;
    }

    @Override
    public byte[] getResponseMessage() {
      return message;
    }
  }

  /** The exporter's message as the request body; the client never parses a request. */
  private static final class RequestMarshaller implements MethodDescriptor.Marshaller<MessageWriter> {
    @Override
    public InputStream stream(MessageWriter value) {
      ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(value.getContentLength(), 32));
      try {
        value.writeMessage(out);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return new ByteArrayInputStream(out.toByteArray());
    }

    @Override
    public MessageWriter parse(InputStream stream) {
      throw new UnsupportedOperationException("an OTLP client does not parse requests");
    }
  }

  private static final class ResponseMarshaller implements MethodDescriptor.Marshaller<byte[]> {
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
}
