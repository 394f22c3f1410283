package dev.cloudedge.federation.provider.executors;

import dev.cloudedge.federation.provider.exec.ExecuteActionResult;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/** Result builders and the classification rules shared by the bundled executors (reference §4.8). */
final class Results {
  /** Error texts from the toolchain, never from the cloud: not an authorization failure. */
  private static final List<String> TOOLCHAIN = List.of(
      "fork/exec", "executable file not found", "no such file or directory", "permission denied");
  /** Error texts of failures that a later retry can clear (CloudEdge addition). */
  private static final List<String> TRANSIENT = List.of(
      "timed out", "timeout", "throttl", "requestlimitexceeded", "too many requests", "rate exceeded",
      "service unavailable", "serviceunavailable", "unavailable", "internal server error", "internalerror",
      "internal error", "connection reset", "connection refused", "econnreset", "econnrefused",
      "could not connect to the endpoint", "temporary", "status code: 500", "status code: 502", "status code: 503",
      "status code: 504", "http 500", "http 502", "http 503", "http 504", "signal: killed");

  private Results() {}

  static ExecuteActionResult ok(String message, Map<String, String> observed, boolean undo) {
    return ExecuteActionResult.of(ExecuteActionResult.SUCCEEDED, message, observed, undo, "");
  }

  static ExecuteActionResult skipped(String message, Map<String, String> observed) {
    return ExecuteActionResult.of(ExecuteActionResult.SKIPPED, message, observed, false, "");
  }

  static ExecuteActionResult failed(String message, String error, Map<String, String> observed) {
    return ExecuteActionResult.of(ExecuteActionResult.FAILED, message, observed, false, error);
  }

  static ExecuteActionResult invalidMode(String mode) {
    return failed("invalid mode \"" + mode + "\" (want dry-run or execute)", "", Map.of());
  }

  static ExecuteActionResult unsupported(String action) {
    return failed("unsupported action \"" + action + "\"", "", Map.of());
  }

  static ExecuteActionResult missing(String action, String error) {
    return failed(action + ": missing target field", error, Map.of());
  }

  /**
   * A failed result for a CLI error, classified: {@code authorization} (with the permission hint,
   * never retried) when the text matches the provider's patterns and is not a toolchain error,
   * else {@code transient} when a retry can clear it.
   */
  static ExecuteActionResult cliFailure(String message, CliException e, String hint, List<String> authPatterns,
      Map<String, String> extra) {
    Map<String, String> observed = new TreeMap<>(extra);
    observed.putAll(classify(e.getMessage(), e.timedOut(), hint, authPatterns));
    return failed(message, e.getMessage(), observed);
  }

  static Map<String, String> classify(String error, boolean timedOut, String hint, List<String> authPatterns) {
    String t = error.toLowerCase(Locale.ROOT);
    Map<String, String> observed = new TreeMap<>();
    if (TOOLCHAIN.stream().anyMatch(t::contains)) {
      return observed;
    }
    if (authPatterns.stream().anyMatch(t::contains)) {
      observed.put("failureClass", "authorization");
      observed.put("permissionHint", hint);
    } else if (timedOut || TRANSIENT.stream().anyMatch(t::contains)) {
      observed.put("failureClass", "transient");
    }
    return observed;
  }

  /** {@code 10.88.60.9/32} → {@code 10.88.60.9}; anything else unchanged. */
  static String bareIp(String address) {
    String a = address.trim();
    int slash = a.indexOf('/');
    if (slash < 0) {
      return a;
    }
    String ip = a.substring(0, slash);
    return dev.cloudedge.federation.provider.Cidr.parseIp(ip).isPresent()
        && dev.cloudedge.federation.provider.Cidr.ipOfAddress(a).isPresent() ? ip : a;
  }

  /** {@code 1|true|yes|on}, case-insensitive. */
  static boolean truthy(String v) {
    return List.of("1", "true", "yes", "on").contains(v.trim().toLowerCase(Locale.ROOT));
  }

  static Map<String, String> obs(String... kv) {
    Map<String, String> m = new TreeMap<>();
    for (int i = 0; i + 1 < kv.length; i += 2) {
      m.put(kv[i], kv[i + 1]);
    }
    return m;
  }
}
