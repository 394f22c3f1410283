package dev.cloudedge.federation.provider.executors;

import dev.cloudedge.federation.config.GoDuration;
import dev.cloudedge.federation.provider.exec.ChildProcess;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * Runs a cloud CLI as a child process (argv only, never a shell) with the executor's own
 * environment (which the engine already reduced to PATH plus the plugin's {@code spec.env}), a
 * per-call timeout, and flags appended after the argv ({@code --output json}, ...).
 */
public final class ProcessCli implements Cli {
  /**
   * One finished call, for observability ({@code observed.azCalls}).
   *
   * @param argv the argv (without the tool name)
   * @param wallTimeMs wall time
   * @param exitCode exit status, -1 when killed
   * @param stderr captured stderr
   */
  public record Call(List<String> argv, long wallTimeMs, int exitCode, String stderr) {}

  private final String display;
  private final String binary;
  private final List<String> appended;
  private final Map<String, String> env;
  private final Duration timeout;
  private final Consumer<Call> listener;

  /**
   * @param display the tool name used in error texts ({@code aws}, {@code az}, {@code oci})
   * @param binary the executable (absolute path or a name looked up on the env's PATH)
   * @param appended flags appended to every call
   * @param env the complete environment of the CLI
   * @param timeout per-call timeout
   * @param listener told about every finished call; may be null
   */
  public ProcessCli(String display, String binary, List<String> appended, Map<String, String> env, Duration timeout,
      Consumer<Call> listener) {
    this.display = display;
    this.binary = binary;
    this.appended = List.copyOf(appended);
    this.env = new TreeMap<>(env);
    this.timeout = timeout;
    this.listener = listener;
  }

  /** Finds {@code name} on a PATH string; returns {@code name} unchanged when it has a slash or is not found. */
  public static String lookPath(String name, String path) {
    if (name.contains("/")) {
      return name;
    }
    for (String dir : (path == null ? "" : path).split(File.pathSeparator)) {
      if (dir.isEmpty()) {
        continue;
      }
      Path p = Path.of(dir, name);
      if (Files.isRegularFile(p) && Files.isExecutable(p)) {
        return p.toString();
      }
    }
    return name;
  }

  @Override
  public String run(List<String> argv) throws CliException {
    List<String> full = new ArrayList<>(argv);
    full.addAll(appended);
    String shown = display + " " + String.join(" ", full);
    List<String> cmd = new ArrayList<>();
    cmd.add(lookPath(binary, env.get("PATH")));
    cmd.addAll(full);
    ChildProcess.Result r;
    try {
      r = ChildProcess.run(cmd, env, new byte[0], timeout, ChildProcess.STDOUT_LIMIT, ChildProcess.STDERR_LIMIT, null);
    } catch (IOException e) {
      String m = String.valueOf(e.getMessage());
      // Keep Go's toolchain wording so the authorization classifier never mistakes it for a denial.
      String why = m.contains("error=2") ? "no such file or directory" : m.contains("error=13") ? "permission denied" : m;
      throw new CliException(shown + ": fork/exec " + cmd.get(0) + ": " + why, false);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CliException(shown + ": interrupted", false);
    }
    if (listener != null) {
      listener.accept(new Call(List.copyOf(argv), r.durationMs(), r.exitCode(), r.err()));
    }
    if (r.timedOut()) {
      throw new CliException(shown + " timed out after " + GoDuration.format(timeout) + ": " + r.err().strip(), true);
    }
    if (r.exitCode() != 0) {
      throw new CliException(shown + ": exit status " + r.exitCode() + ": " + r.err().strip(), false);
    }
    return r.out();
  }
}
