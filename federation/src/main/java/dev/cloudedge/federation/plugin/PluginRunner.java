package dev.cloudedge.federation.plugin;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.cloudedge.federation.config.GoDuration;
import dev.cloudedge.federation.event.GoText;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * Runs a plugin as a child process with routerd's exec protocol (subscription reference §1.9):
 * the executable alone as argv (never a shell), the request JSON on stdin, a clean environment
 * ({@code PATH} plus {@code spec.env}, nothing inherited, so no credential of this process reaches
 * a plugin), stdout and stderr captured up to their limits, killed at its timeout.
 */
public final class PluginRunner {
  /** stdout capture limit. */
  public static final int STDOUT_LIMIT = 4 << 20;
  /** stderr capture limit. */
  public static final int STDERR_LIMIT = 64 << 10;
  /** How much stderr an outcome keeps. */
  public static final int KEPT_STDERR = 8192;
  /** PATH when this process has none. */
  public static final String DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

  private final String path;

  /** A runner that gives plugins this process's PATH (or the default). */
  public PluginRunner() {
    this(System.getenv("PATH"));
  }

  /** A runner that gives plugins {@code path} as PATH (blank means the default). */
  public PluginRunner(String path) {
    this.path = path == null || path.isBlank() ? DEFAULT_PATH : path;
  }

  /**
   * Checks that an executable exists, is a regular file and has an execute bit.
   *
   * @throws PluginException with routerd's texts
   */
  public static Path validateExecutable(String executable) throws PluginException {
    String exe = GoText.trimSpace(executable == null ? "" : executable);
    if (exe.isEmpty()) {
      throw new PluginException(PluginException.Failure.NOT_EXECUTABLE, "plugin executable is required");
    }
    Path p = Path.of(exe);
    PosixFileAttributes a;
    try {
      a = Files.readAttributes(p, PosixFileAttributes.class);
    } catch (NoSuchFileException e) {
      throw new PluginException(PluginException.Failure.NOT_EXECUTABLE,
          "plugin executable \"" + exe + "\" is not accessible: stat " + exe + ": no such file or directory");
    } catch (IOException | UnsupportedOperationException e) {
      throw new PluginException(PluginException.Failure.NOT_EXECUTABLE,
          "plugin executable \"" + exe + "\" is not accessible: stat " + exe + ": " + e.getMessage());
    }
    if (!a.isRegularFile()) {
      throw new PluginException(PluginException.Failure.NOT_EXECUTABLE,
          "plugin executable \"" + exe + "\" is not a regular file");
    }
    Set<PosixFilePermission> perms = a.permissions();
    if (!perms.contains(PosixFilePermission.OWNER_EXECUTE) && !perms.contains(PosixFilePermission.GROUP_EXECUTE)
        && !perms.contains(PosixFilePermission.OTHERS_EXECUTE)) {
      throw new PluginException(PluginException.Failure.NOT_EXECUTABLE,
          "plugin executable \"" + exe + "\" is not executable");
    }
    return p;
  }

  /**
   * The child's whole environment: PATH plus {@code spec.env} (keys trimmed, blank keys and keys
   * with {@code =} dropped; {@code spec.env.PATH} wins), sorted by key.
   */
  public Map<String, String> environment(PluginKind.PluginSpec spec) {
    TreeMap<String, String> env = new TreeMap<>();
    env.put("PATH", path);
    for (Map.Entry<String, String> e : spec.env().entrySet()) {
      String k = GoText.trimSpace(e.getKey());
      if (k.isEmpty() || k.contains("=")) {
        continue;
      }
      env.put(k, e.getValue() == null ? "" : e.getValue());
    }
    return env;
  }

  /** Runs the plugin once and reports the outcome; never throws for a plugin failure. */
  public PluginOutcome run(PluginKind.Plugin plugin, PluginRequest request) {
    String name = plugin.name();
    Path exe;
    Duration timeout;
    try {
      exe = validateExecutable(plugin.spec().executable());
      timeout = timeout(plugin.spec().timeout());
    } catch (PluginException e) {
      return new PluginOutcome(null, e, 0, "", "", null);
    }
    byte[] input;
    try {
      input = PluginJson.MAPPER.writeValueAsBytes(request);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
    ProcessBuilder pb = new ProcessBuilder(List.of(exe.toString()));
    pb.environment().clear();
    pb.environment().putAll(environment(plugin.spec()));
    long started = System.nanoTime();
    Process proc;
    try {
      proc = pb.start();
    } catch (IOException e) {
      return new PluginOutcome(null, new PluginException(PluginException.Failure.EXIT_STATUS,
          "plugin " + name + " failed: " + e.getMessage()), 0, "", "", null);
    }
    Capture out = new Capture(proc.getInputStream(), STDOUT_LIMIT, "plugin-" + name + "-stdout");
    Capture err = new Capture(proc.getErrorStream(), STDERR_LIMIT, "plugin-" + name + "-stderr");
    Thread writer = new Thread(() -> {
      try (OutputStream os = proc.getOutputStream()) {
        os.write(input);
      } catch (IOException ignored) {
        // The plugin may exit without reading its stdin; its exit status says what happened.
      }
    }, "plugin-" + name + "-stdin");
    writer.setDaemon(true);
    writer.start();
    boolean timedOut = false;
    boolean interrupted = false;
    try {
      if (!proc.waitFor(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
        timedOut = true;
        kill(proc);
        proc.waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      kill(proc);
      Thread.currentThread().interrupt();
      interrupted = true;
    }
    long durationMs = (System.nanoTime() - started) / 1_000_000;
    // A grandchild that escaped the kill may keep the pipes open: never wait long for the readers.
    long readerWait = timedOut || interrupted ? 200 : 2000;
    out.join(readerWait);
    err.join(readerWait);
    byte[] stdout = out.bytes();
    byte[] stderrBytes = err.bytes();
    String digest = sha256(stdout);
    String stderr = new String(stderrBytes, 0, Math.min(stderrBytes.length, KEPT_STDERR), StandardCharsets.UTF_8);
    Integer exit = timedOut || interrupted || proc.isAlive() ? null : proc.exitValue();
    PluginException failure = null;
    if (interrupted) {
      failure = new PluginException(PluginException.Failure.INTERRUPTED,
          "plugin " + name + " was stopped: the runtime is shutting down");
    } else if (timedOut) {
      failure = new PluginException(PluginException.Failure.TIMEOUT,
          "plugin " + name + " timed out after " + GoDuration.format(timeout));
    } else if (out.exceeded()) {
      failure = new PluginException(PluginException.Failure.OUTPUT_LIMIT,
          "plugin " + name + " protocol failure: stdout output exceeded " + STDOUT_LIMIT + "-byte limit");
    } else if (err.exceeded()) {
      failure = new PluginException(PluginException.Failure.OUTPUT_LIMIT,
          "plugin " + name + " protocol failure: stderr output exceeded " + STDERR_LIMIT + "-byte limit");
    } else if (exit == null || exit != 0) {
      failure = new PluginException(PluginException.Failure.EXIT_STATUS,
          "plugin " + name + " failed: exit status " + (exit == null ? "unknown" : exit));
    }
    if (failure != null) {
      return new PluginOutcome(null, failure, durationMs, digest, stderr, exit);
    }
    try {
      PluginResult result = PluginResultDecoder.decode(name, stdout);
      return new PluginOutcome(result, null, durationMs, digest, stderr, exit);
    } catch (PluginException e) {
      return new PluginOutcome(null, e, durationMs, digest, stderr, exit);
    }
  }

  private static void kill(Process p) {
    dev.cloudedge.federation.process.ProcessTree.kill(p);
  }

  /**
   * The effective timeout of a Plugin spec value: blank is 10 s.
   *
   * @throws PluginException {@code plugin timeout must be a valid duration: ...} or {@code ... greater than 0}
   */
  public static Duration timeout(String value) throws PluginException {
    if (GoText.isBlank(value)) {
      return PluginKind.DEFAULT_TIMEOUT;
    }
    Duration d;
    try {
      d = GoDuration.parse(GoText.trimSpace(value));
    } catch (IllegalArgumentException e) {
      throw new PluginException(PluginException.Failure.BAD_TIMEOUT,
          "plugin timeout must be a valid duration: " + e.getMessage());
    }
    if (d.isZero() || d.isNegative()) {
      throw new PluginException(PluginException.Failure.BAD_TIMEOUT, "plugin timeout must be greater than 0");
    }
    return d;
  }

  static String sha256(byte[] b) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by the Java platform", e);
    }
  }

  /** Reads a stream to its end on its own thread, keeping at most {@code limit} bytes. */
  private static final class Capture {
    private final ByteArrayOutputStream kept = new ByteArrayOutputStream();
    private final Thread thread;
    private volatile boolean exceeded;

    Capture(InputStream in, int limit, String threadName) {
      thread = new Thread(() -> {
        byte[] buf = new byte[16384];
        try (in) {
          int n;
          while ((n = in.read(buf)) >= 0) {
            synchronized (kept) {
              int room = limit - kept.size();
              if (n > room) {
                exceeded = true;
              }
              if (room > 0) {
                kept.write(buf, 0, Math.min(n, room));
              }
            }
          }
        } catch (IOException ignored) {
          // The pipe closes when the process is killed; what was read is kept.
        }
      }, threadName);
      thread.setDaemon(true);
      thread.start();
    }

    void join(long millis) {
      try {
        thread.join(millis);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    boolean exceeded() {
      return exceeded;
    }

    byte[] bytes() {
      synchronized (kept) {
        return kept.toByteArray();
      }
    }
  }
}
