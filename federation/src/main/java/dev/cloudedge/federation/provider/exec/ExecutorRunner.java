package dev.cloudedge.federation.provider.exec;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.cloudedge.federation.config.GoDuration;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Launches an executor plugin with the executor protocol (reference §4.8): the request JSON on
 * stdin, no arguments, an environment of {@code PATH} plus the plugin's {@code spec.env} only (so
 * no credential in this process's environment reaches the executor), a timeout that kills the
 * process tree, 4 MiB / 64 KiB capture limits, and the result JSON on stdout. Refusals never start
 * a process.
 */
public final class ExecutorRunner {
  /** routerd's default executor timeout. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
  /** routerd's default PATH when the daemon has none. */
  public static final String DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
  /** How much stderr is kept in an outcome. */
  public static final int KEPT_STDERR = 8192;

  static final ObjectMapper JSON = new ObjectMapper()
      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);

  private final String path;

  /**
   * A runner whose children get {@code path} as their PATH.
   *
   * @param path this process's PATH, or blank for routerd's default
   */
  public ExecutorRunner(String path) {
    this.path = path == null || path.isBlank() ? DEFAULT_PATH : path;
  }

  /**
   * What one run produced besides the result.
   *
   * @param result the decoded result
   * @param stderr the first 8192 bytes of stderr
   * @param durationMs wall time
   */
  public record Outcome(ExecuteActionResult result, String stderr, long durationMs) {}

  /** The environment an executor gets: PATH plus {@code spec.env} (trimmed keys; blank or '=' keys dropped). */
  public Map<String, String> environment(ExecutorPlugin plugin) {
    Map<String, String> env = new TreeMap<>();
    env.put("PATH", path);
    plugin.env().forEach((k, v) -> {
      String key = k == null ? "" : k.trim();
      if (!key.isEmpty() && !key.contains("=")) {
        env.put(key, v == null ? "" : v);
      }
    });
    return env;
  }

  /**
   * Runs the executor.
   *
   * @param tick called about once a second while the executor runs (activity heartbeats); may be null
   * @throws ExecutorException with routerd's texts for every process-level failure
   * @throws InterruptedException when cancelled; the executor is killed
   */
  public Outcome run(ExecutorPlugin plugin, ExecuteActionRequest request, Runnable tick)
      throws ExecutorException, InterruptedException {
    if (!plugin.capabilities().contains(ExecutorPlugin.CAPABILITY)) {
      throw new ExecutorException(ExecutorException.Kind.REFUSED,
          "executor refused: plugin lacks capability \"" + ExecutorPlugin.CAPABILITY + "\"");
    }
    String mode = request.spec().mode();
    if (!mode.equals("dry-run") && !mode.equals("execute")) {
      throw new ExecutorException(ExecutorException.Kind.REFUSED,
          "executor refused: mode \"" + mode + "\" must be \"dry-run\" or \"execute\"");
    }
    String exe = validateExecutable(plugin.executable());
    Duration timeout = timeout(plugin.timeout());
    byte[] stdin;
    try {
      stdin = JSON.writeValueAsBytes(request);
    } catch (JsonProcessingException e) {
      throw new ExecutorException(ExecutorException.Kind.REFUSED, "encode executor request: " + e.getOriginalMessage());
    }
    ChildProcess.Result r;
    try {
      r = ChildProcess.run(List.of(exe), environment(plugin), stdin, timeout, ChildProcess.STDOUT_LIMIT,
          ChildProcess.STDERR_LIMIT, tick);
    } catch (IOException e) {
      throw new ExecutorException(ExecutorException.Kind.LAUNCH, "executor " + exe + " failed: " + e.getMessage());
    }
    String stderr = r.err();
    if (stderr.length() > KEPT_STDERR) {
      stderr = stderr.substring(0, KEPT_STDERR);
    }
    if (r.timedOut()) {
      throw new ExecutorException(ExecutorException.Kind.TIMEOUT,
          "executor " + exe + " timed out after " + GoDuration.format(timeout));
    }
    if (r.stdoutExceeded()) {
      throw new ExecutorException(ExecutorException.Kind.PROTOCOL,
          "executor " + exe + " protocol failure: stdout output exceeded " + ChildProcess.STDOUT_LIMIT + "-byte limit");
    }
    if (r.stderrExceeded()) {
      throw new ExecutorException(ExecutorException.Kind.PROTOCOL,
          "executor " + exe + " protocol failure: stderr output exceeded " + ChildProcess.STDERR_LIMIT + "-byte limit");
    }
    if (r.exitCode() != 0) {
      String tail = stderr.isBlank() ? "" : ": " + lastLine(stderr);
      throw new ExecutorException(ExecutorException.Kind.PROTOCOL,
          "executor " + exe + " failed: exit status " + r.exitCode() + tail);
    }
    ExecuteActionResult result;
    try {
      result = JSON.readValue(new String(r.stdout(), StandardCharsets.UTF_8), ExecuteActionResult.class);
    } catch (JsonProcessingException e) {
      throw new ExecutorException(ExecutorException.Kind.PROTOCOL,
          "decode executor " + exe + " stdout: " + e.getOriginalMessage());
    }
    if (result == null) {
      throw new ExecutorException(ExecutorException.Kind.PROTOCOL,
          "decode executor " + exe + " stdout: empty output");
    }
    String st = result.status().status();
    if (!Set.of(ExecuteActionResult.SUCCEEDED, ExecuteActionResult.FAILED, ExecuteActionResult.SKIPPED).contains(st)) {
      throw new ExecutorException(ExecutorException.Kind.PROTOCOL,
          "executor " + exe + " returned invalid status \"" + st + "\"");
    }
    return new Outcome(result, stderr, r.durationMs());
  }

  private static String lastLine(String s) {
    String t = s.strip();
    int nl = t.lastIndexOf('\n');
    return nl >= 0 ? t.substring(nl + 1) : t;
  }

  /** Validates the executable with routerd's plugin texts (reference §1.9). */
  static String validateExecutable(String executable) throws ExecutorException {
    String exe = executable == null ? "" : executable.trim();
    if (exe.isEmpty()) {
      throw new ExecutorException(ExecutorException.Kind.REFUSED, "plugin executable is required");
    }
    Path p = Path.of(exe);
    if (!Files.exists(p)) {
      throw new ExecutorException(ExecutorException.Kind.REFUSED,
          "plugin executable \"" + exe + "\" is not accessible: stat " + exe + ": no such file or directory");
    }
    if (!Files.isRegularFile(p)) {
      throw new ExecutorException(ExecutorException.Kind.REFUSED,
          "plugin executable \"" + exe + "\" is not a regular file");
    }
    try {
      Set<PosixFilePermission> perms = Files.getPosixFilePermissions(p, new LinkOption[0]);
      if (!perms.contains(PosixFilePermission.OWNER_EXECUTE) && !perms.contains(PosixFilePermission.GROUP_EXECUTE)
          && !perms.contains(PosixFilePermission.OTHERS_EXECUTE)) {
        throw new ExecutorException(ExecutorException.Kind.REFUSED, "plugin executable \"" + exe + "\" is not executable");
      }
    } catch (IOException | UnsupportedOperationException e) {
      if (!Files.isExecutable(p)) {
        throw new ExecutorException(ExecutorException.Kind.REFUSED, "plugin executable \"" + exe + "\" is not executable");
      }
    }
    return exe;
  }

  /** Parses the executor timeout with routerd's texts: blank is 30s. */
  static Duration timeout(String text) throws ExecutorException {
    if (text == null || text.isBlank()) {
      return DEFAULT_TIMEOUT;
    }
    Duration d;
    try {
      d = GoDuration.parse(text.trim());
    } catch (IllegalArgumentException e) {
      throw new ExecutorException(ExecutorException.Kind.REFUSED,
          "executor timeout must be a valid duration: " + e.getMessage());
    }
    if (d.isZero() || d.isNegative()) {
      throw new ExecutorException(ExecutorException.Kind.REFUSED, "executor timeout must be greater than 0");
    }
    return d;
  }
}
