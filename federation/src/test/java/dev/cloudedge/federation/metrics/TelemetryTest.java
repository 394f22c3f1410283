package dev.cloudedge.federation.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** When OTLP export is on, as routerd decides it. */
class TelemetryTest {
  @Test
  void otlpOnlyWhenAnEndpointIsSetAndMetricsAreNotOff() {
    assertFalse(Telemetry.otlpRequested(Map.of()));
    assertTrue(Telemetry.otlpRequested(Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:4317")));
    assertTrue(Telemetry.otlpRequested(Map.of("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "http://127.0.0.1:4317")));
    assertFalse(Telemetry.otlpRequested(Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:4317",
        "OTEL_METRICS_EXPORTER", "none")));
  }

  @Test
  void otlpExporterIsBuiltAndBadSettingsNameTheVariable() {
    try (Telemetry t = Telemetry.create(Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:4317",
        "OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf"), "test")) {
      assertTrue(t.otlpEnabled());
      t.metrics().accepted("g");
      assertTrue(t.prometheus().scrape().contains("routerd_eventd_receiver_accepted_total{group=\"g\"} 1"));
    }
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Telemetry.create(
        Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:4317", "OTEL_EXPORTER_OTLP_PROTOCOL", "carrier-pigeon"),
        "test"));
    assertEquals("OTEL_EXPORTER_OTLP_PROTOCOL \"carrier-pigeon\" is not supported (use grpc or http/protobuf)",
        e.getMessage());
  }
}
