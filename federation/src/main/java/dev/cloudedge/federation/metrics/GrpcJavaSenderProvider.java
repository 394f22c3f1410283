package dev.cloudedge.federation.metrics;

import io.opentelemetry.sdk.common.export.GrpcSender;
import io.opentelemetry.sdk.common.export.GrpcSenderConfig;
import io.opentelemetry.sdk.common.export.GrpcSenderProvider;

/**
 * The sender behind the OTLP gRPC exporter: grpc-java, which a node carries for Temporal anyway,
 * instead of OpenTelemetry's OkHttp sender (OkHttp, Okio and the Kotlin runtime). Found by the
 * exporter through {@code META-INF/services}.
 */
public final class GrpcJavaSenderProvider implements GrpcSenderProvider {
  /** For {@link java.util.ServiceLoader}. */
  public GrpcJavaSenderProvider() {}

  @Override
  public GrpcSender createSender(GrpcSenderConfig config) {
    return new GrpcJavaSender(config);
  }
}
