package dev.cloudedge.federation.metrics;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.exporter.otlp.http.metrics.OtlpHttpMetricExporter;
import io.opentelemetry.exporter.otlp.metrics.OtlpGrpcMetricExporter;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.SdkMeterProviderBuilder;
import io.opentelemetry.sdk.metrics.export.MetricExporter;
import io.opentelemetry.sdk.metrics.export.PeriodicMetricReader;
import io.opentelemetry.sdk.resources.Resource;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * One node's OpenTelemetry meter provider: always a {@link PrometheusTextReader} for
 * {@code GET /metrics}, plus an OTLP periodic exporter when the standard environment asks for it
 * (an {@code OTEL_EXPORTER_OTLP_*ENDPOINT} is set and {@code OTEL_METRICS_EXPORTER} is not
 * {@code none}, as routerd decides). Each runtime owns its provider, so two nodes in one JVM (tests,
 * the lab) keep separate counts.
 */
public final class Telemetry implements AutoCloseable {
  private static final String[] ENDPOINT_VARS = {
    "OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_LOGS_ENDPOINT",
    "OTEL_EXPORTER_OTLP_METRICS_ENDPOINT", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"
  };

  private final SdkMeterProvider provider;
  private final PrometheusTextReader prometheus;
  private final EventdMetrics metrics;
  private final boolean otlp;

  private Telemetry(SdkMeterProvider provider, PrometheusTextReader prometheus, boolean otlp) {
    this.provider = provider;
    this.prometheus = prometheus;
    this.metrics = new EventdMetrics(provider);
    prometheus.zeroHistograms(metrics::zeroHistograms);
    this.otlp = otlp;
  }

  /** Telemetry configured from the process environment. */
  public static Telemetry fromEnvironment(String serviceVersion) {
    return create(System.getenv(), serviceVersion);
  }

  /** Telemetry with the Prometheus reader only (tests, embedded runtimes). */
  public static Telemetry local() {
    return create(Map.of(), "");
  }

  /**
   * Telemetry configured from {@code env}.
   *
   * @throws IllegalArgumentException naming the variable when an OTLP setting is malformed
   */
  public static Telemetry create(Map<String, String> env, String serviceVersion) {
    Objects.requireNonNull(env, "env");
    PrometheusTextReader prom = new PrometheusTextReader();
    SdkMeterProviderBuilder b = SdkMeterProvider.builder()
        .setResource(Resource.getDefault().merge(Resource.create(resourceAttributes(env, serviceVersion))))
        .registerMetricReader(prom);
    boolean otlp = otlpRequested(env);
    if (otlp) {
      b.registerMetricReader(PeriodicMetricReader.builder(exporter(env)).setInterval(interval(env)).build());
    }
    return new Telemetry(b.build(), prom, otlp);
  }

  static boolean otlpRequested(Map<String, String> env) {
    if ("none".equalsIgnoreCase(env.getOrDefault("OTEL_METRICS_EXPORTER", "").trim())) {
      return false;
    }
    for (String v : ENDPOINT_VARS) {
      if (!env.getOrDefault(v, "").isBlank()) {
        return true;
      }
    }
    return false;
  }

  private static MetricExporter exporter(Map<String, String> env) {
    String protocol = first(env, "OTEL_EXPORTER_OTLP_METRICS_PROTOCOL", "OTEL_EXPORTER_OTLP_PROTOCOL");
    protocol = protocol.isEmpty() ? "grpc" : protocol.toLowerCase(Locale.ROOT);
    String signal = env.getOrDefault("OTEL_EXPORTER_OTLP_METRICS_ENDPOINT", "").trim();
    String base = env.getOrDefault("OTEL_EXPORTER_OTLP_ENDPOINT", "").trim();
    String headers = first(env, "OTEL_EXPORTER_OTLP_METRICS_HEADERS", "OTEL_EXPORTER_OTLP_HEADERS");
    switch (protocol) {
      case "grpc" -> {
        var eb = OtlpGrpcMetricExporter.builder();
        String ep = !signal.isEmpty() ? signal : base;
        if (!ep.isEmpty()) {
          eb.setEndpoint(withScheme(ep, "OTEL_EXPORTER_OTLP_ENDPOINT"));
        }
        parseHeaders(headers).forEach(eb::addHeader);
        return eb.build();
      }
      case "http/protobuf" -> {
        var eb = OtlpHttpMetricExporter.builder();
        if (!signal.isEmpty()) {
          eb.setEndpoint(withScheme(signal, "OTEL_EXPORTER_OTLP_METRICS_ENDPOINT"));
        } else if (!base.isEmpty()) {
          String b = withScheme(base, "OTEL_EXPORTER_OTLP_ENDPOINT");
          eb.setEndpoint((b.endsWith("/") ? b.substring(0, b.length() - 1) : b) + "/v1/metrics");
        }
        parseHeaders(headers).forEach(eb::addHeader);
        return eb.build();
      }
      default -> throw new IllegalArgumentException(
          "OTEL_EXPORTER_OTLP_PROTOCOL \"" + protocol + "\" is not supported (use grpc or http/protobuf)");
    }
  }

  private static String withScheme(String endpoint, String var) {
    String e = endpoint.contains("://") ? endpoint : "http://" + endpoint;
    try {
      java.net.URI u = java.net.URI.create(e);
      if (u.getHost() == null) {
        throw new IllegalArgumentException(var + " \"" + endpoint + "\" has no host");
      }
      return e;
    } catch (IllegalArgumentException ex) {
      throw new IllegalArgumentException(var + " \"" + endpoint + "\" is not a URL: " + ex.getMessage(), ex);
    }
  }

  private static Map<String, String> parseHeaders(String spec) {
    Map<String, String> out = new java.util.LinkedHashMap<>();
    for (String part : spec.split(",")) {
      int eq = part.indexOf('=');
      if (eq > 0) {
        out.put(part.substring(0, eq).trim(), java.net.URLDecoder.decode(part.substring(eq + 1).trim(),
            java.nio.charset.StandardCharsets.UTF_8));
      }
    }
    return out;
  }

  private static Duration interval(Map<String, String> env) {
    String ms = env.getOrDefault("OTEL_METRIC_EXPORT_INTERVAL", "").trim();
    if (ms.isEmpty()) {
      return Duration.ofSeconds(30);
    }
    try {
      long v = Long.parseLong(ms);
      return v > 0 ? Duration.ofMillis(v) : Duration.ofSeconds(30);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("OTEL_METRIC_EXPORT_INTERVAL \"" + ms + "\" must be milliseconds", e);
    }
  }

  private static String first(Map<String, String> env, String a, String b) {
    String v = env.getOrDefault(a, "").trim();
    return v.isEmpty() ? env.getOrDefault(b, "").trim() : v;
  }

  private static Attributes resourceAttributes(Map<String, String> env, String version) {
    AttributesBuilder a = Attributes.builder();
    String host = hostName();
    a.put("service.name", env.getOrDefault("OTEL_SERVICE_NAME", "").isBlank()
        ? "cloudedge-eventd" : env.get("OTEL_SERVICE_NAME").trim());
    a.put("service.version", version == null ? "" : version);
    a.put("os.type", System.getProperty("os.name", "").toLowerCase(Locale.ROOT));
    a.put("host.name", host);
    String ns = env.getOrDefault("OTEL_SERVICE_NAMESPACE", "").trim();
    if (!ns.isEmpty()) {
      a.put("service.namespace", ns);
    }
    for (Map.Entry<String, String> e : parseHeaders(env.getOrDefault("OTEL_RESOURCE_ATTRIBUTES", "")).entrySet()) {
      a.put(e.getKey(), e.getValue());
    }
    return a.build();
  }

  private static String hostName() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (java.io.IOException e) {
      return "localhost";
    }
  }

  /** The eventd instruments. */
  public EventdMetrics metrics() {
    return metrics;
  }

  /** The Prometheus reader behind {@code GET /metrics}. */
  public PrometheusTextReader prometheus() {
    return prometheus;
  }

  /** Whether an OTLP exporter is active. */
  public boolean otlpEnabled() {
    return otlp;
  }

  /** Flushes the OTLP exporter (if any) and shuts the provider down. */
  @Override
  public void close() {
    provider.shutdown().join(10, TimeUnit.SECONDS);
  }
}
