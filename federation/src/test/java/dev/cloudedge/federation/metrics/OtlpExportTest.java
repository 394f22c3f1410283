package dev.cloudedge.federation.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.grpc.InsecureServerCredentials;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * OTLP export as a collector sees it: a real listener on 127.0.0.1 (the JDK's HTTP server for
 * http/protobuf, a grpc-java server for the default grpc) receives the node's metrics. The final
 * export on {@link Telemetry#close()} makes each run deterministic, without waiting for a period.
 */
class OtlpExportTest {
  private static final String SERVICE = "opentelemetry.proto.collector.metrics.v1.MetricsService";

  private record Request(String path, Map<String, List<String>> headers, byte[] body) {
    String text() {
      // Protobuf strings are their UTF-8 bytes: names and attribute values can be found as text.
      return new String(body, StandardCharsets.ISO_8859_1);
    }
  }

  @Test
  void httpProtobufReachesAnHttpListenerOnLoopback() throws Exception {
    List<Request> seen = new CopyOnWriteArrayList<>();
    HttpServer http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    http.createContext("/", ex -> {
      seen.add(new Request(ex.getRequestURI().getPath(), Map.copyOf(ex.getRequestHeaders()),
          ex.getRequestBody().readAllBytes()));
      ex.getResponseHeaders().add("Content-Type", "application/x-protobuf");
      ex.sendResponseHeaders(200, -1);
      ex.close();
    });
    http.start();
    try {
      String endpoint = "http://127.0.0.1:" + http.getAddress().getPort();
      try (Telemetry t = Telemetry.create(Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", endpoint,
          "OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf", "OTEL_EXPORTER_OTLP_HEADERS", "x-tenant=edge%20one",
          "OTEL_SERVICE_NAME", "otlp-http-probe"), "test")) {
        assertTrue(t.otlpEnabled());
        t.metrics().accepted("g-http");
      }
    } finally {
      http.stop(0);
    }
    assertEquals(1, seen.size(), "one export on close: " + seen);
    Request r = seen.get(0);
    assertEquals("/v1/metrics", r.path());
    assertEquals(List.of("application/x-protobuf"), header(r, "Content-Type"));
    assertEquals(List.of("edge one"), header(r, "X-tenant"));
    assertTrue(r.text().contains(EventdMetrics.ACCEPTED_TOTAL) && r.text().contains("g-http"), r.text());
    assertTrue(r.text().contains("otlp-http-probe"), "the resource's service.name: " + r.text());
  }

  @Test
  void grpcIsTheDefaultAndReachesAGrpcListenerOnLoopbackRetryingUnavailable() throws Exception {
    List<Request> seen = new CopyOnWriteArrayList<>();
    AtomicInteger calls = new AtomicInteger();
    Server grpc = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0), InsecureServerCredentials.create())
        .addService(exportService((headers, body) -> {
          List<String> tenant = new java.util.ArrayList<>();
          Iterable<String> values = headers.getAll(Metadata.Key.of("x-tenant", Metadata.ASCII_STRING_MARSHALLER));
          if (values != null) {
            values.forEach(tenant::add);
          }
          seen.add(new Request(SERVICE + "/Export", Map.of("x-tenant", tenant), body));
          // The first attempt is refused as a busy collector would: the exporter's retry policy applies.
          return calls.incrementAndGet() == 1 ? Status.UNAVAILABLE.withDescription("busy") : Status.OK;
        }))
        .build().start();
    try {
      // No protocol variable: grpc, as docs/metrics.md and routerd have it.
      try (Telemetry t = Telemetry.create(Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", "127.0.0.1:" + grpc.getPort(),
          "OTEL_EXPORTER_OTLP_HEADERS", "x-tenant=edge", "OTEL_SERVICE_NAME", "otlp-grpc-probe"), "test")) {
        assertTrue(t.otlpEnabled());
        t.metrics().accepted("g-grpc");
      }
    } finally {
      grpc.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
    assertEquals(2, seen.size(), "refused once, then delivered: " + seen);
    for (Request r : seen) {
      assertEquals(List.of("edge"), r.headers().get("x-tenant"));
      assertTrue(r.text().contains(EventdMetrics.ACCEPTED_TOTAL) && r.text().contains("g-grpc"), r.text());
      assertTrue(r.text().contains("otlp-grpc-probe"), r.text());
    }
  }

  @Test
  void noOkHttpOnTheClassPath() {
    // The node ships without OkHttp, Okio and Kotlin; the exporters above ran on the JDK and grpc-java.
    for (String c : List.of("okhttp3.OkHttpClient", "okio.Buffer", "kotlin.Unit",
        "io.opentelemetry.exporter.sender.okhttp.internal.OkHttpGrpcSenderProvider")) {
      assertThrows(ClassNotFoundException.class, () -> Class.forName(c), c);
    }
    assertFalse(GrpcJavaSender.serviceConfig(SERVICE + "/Export",
        io.opentelemetry.sdk.common.export.RetryPolicy.getDefault()).isEmpty());
  }

  private static List<String> header(Request r, String name) {
    return r.headers().entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
        .map(Map.Entry::getValue).findFirst().orElse(List.of());
  }

  private interface Collector {
    Status export(Metadata headers, byte[] body);
  }

  /** A MetricsService/Export that hands each request to {@code collector} and answers an empty response. */
  private static ServerServiceDefinition exportService(Collector collector) {
    MethodDescriptor.Marshaller<byte[]> bytes = new MethodDescriptor.Marshaller<>() {
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
    };
    MethodDescriptor<byte[], byte[]> export = MethodDescriptor.<byte[], byte[]>newBuilder()
        .setType(MethodDescriptor.MethodType.UNARY).setFullMethodName(SERVICE + "/Export")
        .setRequestMarshaller(bytes).setResponseMarshaller(bytes).build();
    ServerCallHandler<byte[], byte[]> handler = (call, headers) -> {
      call.request(1);
      return new ServerCall.Listener<>() {
        private byte[] body = new byte[0];

        @Override
        public void onMessage(byte[] message) {
          body = message;
        }

        @Override
        public void onHalfClose() {
          Status s = collector.export(headers, body);
          if (s.isOk()) {
            call.sendHeaders(new Metadata());
            call.sendMessage(new byte[0]);
          }
          call.close(s, new Metadata());
        }
      };
    };
    return ServerServiceDefinition.builder(SERVICE).addMethod(export, handler).build();
  }
}
