package dev.cloudedge.cli;

import dev.cloudedge.worker.TemporalSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * Temporal connection flags; each overrides its environment variable ({@code TEMPORAL_ADDRESS},
 * {@code TEMPORAL_NAMESPACE}, {@code TEMPORAL_TLS_CERT}, {@code TEMPORAL_TLS_KEY}, {@code
 * TEMPORAL_TLS_CA}, {@code TEMPORAL_TLS}, {@code TEMPORAL_API_KEY}).
 */
public final class TemporalOptions {
  @Option(names = "--address", paramLabel = "HOST:PORT", description = "Temporal frontend (env TEMPORAL_ADDRESS).")
  String address;

  @Option(names = "--namespace", paramLabel = "NS", description = "Temporal namespace (env TEMPORAL_NAMESPACE, default 'default').")
  String namespace;

  @Option(names = "--tls-cert", paramLabel = "FILE", description = "mTLS client certificate, PEM (env TEMPORAL_TLS_CERT).")
  Path tlsCert;

  @Option(names = "--tls-key", paramLabel = "FILE", description = "mTLS client key, PKCS8 PEM (env TEMPORAL_TLS_KEY).")
  Path tlsKey;

  @Option(names = "--tls-ca", paramLabel = "FILE", description = "CA bundle for the server certificate (env TEMPORAL_TLS_CA).")
  Path tlsCa;

  @Option(names = "--tls", negatable = true, description = "Use TLS with the system trust store (env TEMPORAL_TLS=true).")
  Boolean tls;

  @Option(names = "--api-key-file", paramLabel = "FILE",
      description = "File holding a Temporal Cloud API key (env TEMPORAL_API_KEY); keeps the key out of the process list.")
  Path apiKeyFile;

  /** The process's settings: environment, then these flags. */
  public TemporalSettings settings() {
    String key = null;
    if (apiKeyFile != null) {
      try {
        key = Files.readString(apiKeyFile).trim();
      } catch (IOException e) {
        throw new IllegalArgumentException("cannot read --api-key-file " + apiKeyFile + ": " + e.getMessage());
      }
      if (key.isEmpty()) {
        throw new IllegalArgumentException("--api-key-file " + apiKeyFile + " is empty");
      }
    }
    return TemporalSettings.fromEnvironment(System.getenv()).override(address, namespace, tlsCert, tlsKey, tlsCa, tls, key);
  }
}
