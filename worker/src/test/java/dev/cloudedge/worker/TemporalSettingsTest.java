package dev.cloudedge.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TemporalSettingsTest {

  @Test
  void environmentThenFlagsAndTheSecretNeverPrinted() {
    TemporalSettings env = TemporalSettings.fromEnvironment(Map.of(
        "TEMPORAL_ADDRESS", "temporal.example:7233", "TEMPORAL_NAMESPACE", "qual", "TEMPORAL_API_KEY", "s3cr3t"));
    assertEquals("temporal.example:7233", env.target());
    assertEquals("qual", env.namespace());
    assertTrue(env.tls(), "an API key implies TLS");
    assertFalse(env.toString().contains("s3cr3t"));
    TemporalSettings flags = env.override("127.0.0.1:7233", "default", null, null, null, false, null);
    assertEquals("127.0.0.1:7233", flags.target());
    assertEquals("default", flags.namespace());
    assertFalse(flags.tls());
    TemporalSettings none = TemporalSettings.fromEnvironment(Map.of());
    assertFalse(none.hasAddress());
    assertEquals(TemporalSettings.DEV_ADDRESS, none.target());
    assertEquals("default", none.namespace());
  }

  @Test
  void halfAClientPairAndBadAddressesAreUserErrors() {
    TemporalSettings s = TemporalSettings.fromEnvironment(Map.of("TEMPORAL_TLS_CERT", "/nonexistent/c.pem",
        "TEMPORAL_ADDRESS", "no port"));
    String p = String.join("; ", s.problems());
    assertTrue(p.contains("needs both TEMPORAL_TLS_CERT and TEMPORAL_TLS_KEY"), p);
    assertTrue(p.contains("/nonexistent/c.pem is not readable"), p);
    assertTrue(p.contains("must be host:port"), p);
    assertTrue(TemporalSettings.fromEnvironment(Map.of("TEMPORAL_ADDRESS", "[::1]:7233")).problems().isEmpty());
    assertEquals(Path.of("/x"), s.override(null, null, null, Path.of("/x"), null, null, null).tlsKey());
    TemporalSettings unix = TemporalSettings.fromEnvironment(Map.of("TEMPORAL_ADDRESS", "unix:///run/cloudedge-lab/a.sock"));
    assertTrue(unix.problems().isEmpty(), unix.problems().toString());
    assertEquals(Path.of("/run/cloudedge-lab/a.sock"), unix.unixSocket());
    assertTrue(String.join("; ", TemporalSettings.fromEnvironment(Map.of("TEMPORAL_ADDRESS", "unix:relative.sock")).problems())
        .contains("must be unix:///absolute/path"));
    assertTrue(String.join("; ", TemporalSettings.fromEnvironment(Map.of("TEMPORAL_ADDRESS", "unix:///a.sock", "TEMPORAL_TLS", "true"))
        .problems()).contains("plaintext"));
  }
}
