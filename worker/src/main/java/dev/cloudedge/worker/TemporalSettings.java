package dev.cloudedge.worker;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * How to reach Temporal, the Temporal way: {@code TEMPORAL_ADDRESS}, {@code TEMPORAL_NAMESPACE},
 * {@code TEMPORAL_TLS_CERT} / {@code TEMPORAL_TLS_KEY} (mTLS client pair), {@code TEMPORAL_TLS_CA}
 * (server CA), {@code TEMPORAL_TLS} (TLS with the system trust store) and {@code TEMPORAL_API_KEY}
 * (Temporal Cloud; implies TLS). Flags override the environment. One immutable record per process.
 *
 * @param address {@code host:port}, or {@code unix:///absolute/path} for a frontend on a Unix domain
 *     socket (plaintext; what the netns lab's node workers use); empty means "none given" (the
 *     harness then runs embedded)
 * @param namespace the namespace, {@code default} when not given
 * @param tlsCert client certificate (PEM) for mTLS, or {@code null}
 * @param tlsKey client key (PKCS8 PEM) for mTLS, or {@code null}
 * @param tlsCa CA bundle (PEM) for the server certificate, or {@code null} for the system trust
 * @param tls whether to use TLS at all
 * @param apiKey the API key, or {@code null}; never printed
 */
public record TemporalSettings(
    String address, String namespace, Path tlsCert, Path tlsKey, Path tlsCa, boolean tls, String apiKey) {

  /** The embedded dev server's address. */
  public static final String DEV_ADDRESS = "127.0.0.1:7233";

  /** Settings from environment variables. */
  public static TemporalSettings fromEnvironment(Map<String, String> env) {
    String cert = blankToNull(env.get("TEMPORAL_TLS_CERT"));
    String key = blankToNull(env.get("TEMPORAL_TLS_KEY"));
    String ca = blankToNull(env.get("TEMPORAL_TLS_CA"));
    String apiKey = blankToNull(env.get("TEMPORAL_API_KEY"));
    boolean tls = "true".equalsIgnoreCase(env.getOrDefault("TEMPORAL_TLS", "")) || cert != null || ca != null || apiKey != null;
    return new TemporalSettings(
        env.getOrDefault("TEMPORAL_ADDRESS", "").trim(),
        blankToNull(env.get("TEMPORAL_NAMESPACE")) == null ? "default" : env.get("TEMPORAL_NAMESPACE").trim(),
        cert == null ? null : Path.of(cert), key == null ? null : Path.of(key), ca == null ? null : Path.of(ca), tls, apiKey);
  }

  /** These settings with non-null overrides (from flags) applied. */
  public TemporalSettings override(String address, String namespace, Path tlsCert, Path tlsKey, Path tlsCa, Boolean tls, String apiKey) {
    Path c = tlsCert != null ? tlsCert : this.tlsCert;
    Path k = tlsKey != null ? tlsKey : this.tlsKey;
    Path a = tlsCa != null ? tlsCa : this.tlsCa;
    String key = apiKey != null ? apiKey : this.apiKey;
    boolean useTls = tls != null ? tls : (this.tls || c != null || a != null || key != null);
    return new TemporalSettings(address != null ? address : this.address, namespace != null ? namespace : this.namespace,
        c, k, a, useTls, key);
  }

  /** Whether an address was given (otherwise the harness runs on the embedded server). */
  public boolean hasAddress() {
    return !address.isEmpty();
  }

  /** The address to dial: the given one, or the embedded dev server's. */
  public String target() {
    return hasAddress() ? address : DEV_ADDRESS;
  }

  /** The socket path of a {@code unix:///path} address, or {@code null} for a TCP address. */
  public Path unixSocket() {
    if (address.startsWith("unix:///") && address.length() > "unix:///".length()) {
      return Path.of(address.substring("unix://".length()));
    }
    return null;
  }

  /** Problems a user can fix (missing files, half a client pair); empty when usable. */
  public List<String> problems() {
    List<String> p = new ArrayList<>();
    if ((tlsCert == null) != (tlsKey == null)) {
      p.add("mTLS needs both TEMPORAL_TLS_CERT and TEMPORAL_TLS_KEY (--tls-cert and --tls-key)");
    }
    for (Path f : new Path[] {tlsCert, tlsKey, tlsCa}) {
      if (f != null && !Files.isReadable(f)) {
        p.add("TLS file " + f + " is not readable");
      }
    }
    if (unixSocket() != null) {
      if (tls) {
        p.add("TEMPORAL_ADDRESS " + address + " is a Unix socket: it is plaintext, TLS options do not apply to it");
      }
    } else if (hasAddress() && address.startsWith("unix:")) {
      p.add("TEMPORAL_ADDRESS unix socket must be unix:///absolute/path, got " + address);
    } else if (hasAddress() && !address.matches("^[^\\s:]+:\\d{1,5}$") && !address.matches("^\\[[0-9a-fA-F:]+]:\\d{1,5}$")) {
      p.add("TEMPORAL_ADDRESS must be host:port or unix:///path, got " + address);
    }
    return p;
  }

  @Override
  public String toString() {
    return "TemporalSettings[address=" + target() + ", namespace=" + namespace + ", tls=" + tls
        + (tlsCert != null ? ", mTLS" : "") + (apiKey != null ? ", apiKey=<set>" : "") + "]";
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s.trim();
  }
}
