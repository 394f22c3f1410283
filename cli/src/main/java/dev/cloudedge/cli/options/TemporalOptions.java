package dev.cloudedge.cli.options;

import dev.cloudedge.worker.TemporalConnection;
import dev.cloudedge.worker.TemporalSettings;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * Temporal connection flags shared by every command that talks to Temporal; each overrides its
 * environment variable ({@code TEMPORAL_ADDRESS}, {@code TEMPORAL_NAMESPACE}, {@code
 * TEMPORAL_TLS_CERT}, {@code TEMPORAL_TLS_KEY}, {@code TEMPORAL_TLS_CA}, {@code TEMPORAL_TLS},
 * {@code TEMPORAL_API_KEY}), plus the Temporal UI base URL for the links commands print.
 */
public final class TemporalOptions {
  /** The UI of {@code temporal server start-dev}. */
  public static final String DEFAULT_UI = "http://localhost:8233";

  @Option(names = "--address", paramLabel = "HOST:PORT",
      description = "Temporal frontend (env TEMPORAL_ADDRESS, default 127.0.0.1:7233).")
  String address;

  @Option(names = "--namespace", paramLabel = "NS",
      description = "Temporal namespace (env TEMPORAL_NAMESPACE, default 'default').")
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

  @Option(names = "--ui-url", paramLabel = "URL",
      description = "Temporal UI base URL for printed links (env TEMPORAL_UI_URL, default " + DEFAULT_UI + ").")
  String uiUrl;

  /** The process's settings: environment, then these flags. */
  public TemporalSettings settings() {
    String key = null;
    if (apiKeyFile != null) {
      try {
        key = Files.readString(apiKeyFile).trim();
      } catch (IOException e) {
        throw new IllegalArgumentException("cannot read --api-key-file " + apiKeyFile + ": " + e.getMessage(), e);
      }
      if (key.isEmpty()) {
        throw new IllegalArgumentException("--api-key-file " + apiKeyFile + " is empty");
      }
    }
    String addr = address == null || address.isBlank() ? null : address.trim();
    return TemporalSettings.fromEnvironment(System.getenv())
        .override(addr, namespace, tlsCert, tlsKey, tlsCa, tls, key);
  }

  /** Connects with {@link #settings()} (checking the server answers). */
  public TemporalConnection connect() {
    return TemporalConnection.connect(settings());
  }

  /** Whether a UI base URL was given ({@code --ui-url} or {@code TEMPORAL_UI_URL}). */
  public boolean uiConfigured() {
    return uiUrl != null || !System.getenv().getOrDefault("TEMPORAL_UI_URL", "").isBlank();
  }

  /**
   * The {@code ui:} line's value: the history page, unless the server is the embedded one and no UI
   * URL was given (it has no UI), in which case how to get one.
   */
  public String uiLine(TemporalConnection c, String workflowId, String runId) {
    if (!uiConfigured() && c.embeddedServer()) {
      return "none: the embedded server has no web UI (run a Temporal server with its UI, e.g. 'temporal server start-dev',"
          + " and point TEMPORAL_ADDRESS at it; docs/temporal-ui.md)";
    }
    return uiLink(c.settings(), workflowId, runId);
  }

  /** The UI page of a workflow run's history. */
  public String uiLink(TemporalSettings s, String workflowId, String runId) {
    String base = uiUrl != null ? uiUrl : System.getenv().getOrDefault("TEMPORAL_UI_URL", DEFAULT_UI);
    base = base.replaceAll("/+$", "");
    return base + "/namespaces/" + enc(s.namespace()) + "/workflows/" + enc(workflowId)
        + (runId == null || runId.isEmpty() ? "" : "/" + enc(runId)) + "/history";
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
