package dev.cloudedge.cli.remediate;

import dev.cloudedge.worker.TemporalConnection;
import dev.cloudedge.worker.TemporalSettings;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * Where Temporal is: the worker's settings ({@code TEMPORAL_ADDRESS}, {@code TEMPORAL_NAMESPACE},
 * {@code TEMPORAL_TLS*}, {@code TEMPORAL_API_KEY}) with flags overriding them, and the Temporal UI
 * base URL for the links the commands print ({@code TEMPORAL_UI_URL}, default the dev server's).
 */
public final class TemporalOptions {
  /** The UI of {@code temporal server start-dev}. */
  public static final String DEFAULT_UI = "http://localhost:8233";

  @Option(names = "--address", paramLabel = "HOST:PORT", description = "Temporal frontend (default $TEMPORAL_ADDRESS, else ${DEFAULT-VALUE})",
      defaultValue = "")
  String address;

  @Option(names = "--namespace", paramLabel = "NS", description = "Temporal namespace (default $TEMPORAL_NAMESPACE, else default)")
  String namespace;

  @Option(names = "--tls-cert", paramLabel = "PEM", description = "mTLS client certificate")
  Path tlsCert;

  @Option(names = "--tls-key", paramLabel = "PEM", description = "mTLS client key (PKCS8)")
  Path tlsKey;

  @Option(names = "--tls-ca", paramLabel = "PEM", description = "CA bundle for the server certificate")
  Path tlsCa;

  @Option(names = "--ui-url", paramLabel = "URL", description = "Temporal UI base URL (default $TEMPORAL_UI_URL, else " + DEFAULT_UI + ")")
  String uiUrl;

  /** The settings: environment, then flags. */
  public TemporalSettings settings(Map<String, String> env) {
    return TemporalSettings.fromEnvironment(env).override(address.isBlank() ? null : address.trim(), namespace,
        tlsCert, tlsKey, tlsCa, null, null);
  }

  /** Connects (checking the server answers). */
  public TemporalConnection connect() {
    return TemporalConnection.connect(settings(System.getenv()));
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
