package dev.cloudedge.activities.node;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Fault methods of a real host, as commands from the topology file run through {@code sh -c} with
 * {@code FEDQUAL_TAG} set to the fault's tag (so rules can be commented with it and removed by it).
 * A missing command is a non-retryable setup problem; a command's output is never recorded, only
 * its exit status, because hook strings and their output may contain secrets.
 *
 * @param partitionApply e.g. {@code nft add rule inet filter output tcp dport 8410 comment "$FEDQUAL_TAG" drop}
 * @param partitionRestore e.g. a loop deleting every rule whose comment is {@code $FEDQUAL_TAG}
 * @param pluginBreak e.g. {@code chmod -x /usr/local/libexec/routerd/plugins/fedqual-test-plugin}
 * @param pluginRestore e.g. {@code chmod +x ...}
 * @param pluginCheck exits 0 when the plugin is runnable, e.g. {@code test -x ...}
 * @param restart kills the process hosting this node (the worker itself, whose PID is in {@code
 *     FEDQUAL_PID}) so that its supervisor starts a fresh one on the same state file, e.g. {@code
 *     systemctl kill -s KILL --kill-whom=main cloudedge-node.service} under {@code Restart=always};
 *     empty when restarts stay inside the process (the eventd runtime is restarted in place)
 */
public record CommandFaults(
    String partitionApply, String partitionRestore, String pluginBreak, String pluginRestore, String pluginCheck,
    String restart)
    implements FaultMethods {

  private static final long TIMEOUT_SECONDS = 25;

  /** Fault commands without a process restart: restarts stay inside the worker process. */
  public CommandFaults(String partitionApply, String partitionRestore, String pluginBreak, String pluginRestore,
      String pluginCheck) {
    this(partitionApply, partitionRestore, pluginBreak, pluginRestore, pluginCheck, "");
  }

  @Override
  public void applyPartition(String tag) throws Exception {
    run("partitionApply", partitionApply, tag, true);
  }

  @Override
  public void restorePartition(String tag) throws Exception {
    run("partitionRestore", partitionRestore, tag, true);
  }

  @Override
  public void breakPlugin(String tag) throws Exception {
    run("pluginBreak", pluginBreak, tag, true);
  }

  @Override
  public void restorePlugin(String tag) throws Exception {
    run("pluginRestore", pluginRestore, tag, true);
  }

  @Override
  public boolean pluginHealthy(String subscription) throws Exception {
    return run("pluginCheck", pluginCheck, "", false) == 0;
  }

  @Override
  public boolean restartsProcess() {
    return restart != null && !restart.isBlank();
  }

  @Override
  public void restartProcess(String tag, long pid) throws Exception {
    run("restart", restart, tag, true, java.util.Map.of("FEDQUAL_PID", Long.toString(pid)));
  }

  private static int run(String name, String command, String tag, boolean mustSucceed) throws IOException, InterruptedException {
    return run(name, command, tag, mustSucceed, java.util.Map.of());
  }

  private static int run(String name, String command, String tag, boolean mustSucceed, java.util.Map<String, String> env)
      throws IOException, InterruptedException {
    if (command == null || command.isBlank()) {
      throw new FaultMethodMissingException("fault method '" + name + "' is not set in the topology file");
    }
    // Output is discarded, not piped: it is never recorded, and a pipe to drain would block until
    // the command closes it, so a command that hangs would outlast the timeout below.
    ProcessBuilder pb = new ProcessBuilder(List.of("sh", "-c", command)).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.DISCARD);
    pb.environment().put("FEDQUAL_TAG", tag);
    pb.environment().putAll(env);
    Process p = pb.start();
    p.getOutputStream().close();
    try {
      if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        kill(p);
        throw new IOException("fault method '" + name + "' did not finish within " + TIMEOUT_SECONDS + "s");
      }
    } catch (InterruptedException e) {
      // The activity was cancelled: the command must not outlive it.
      kill(p);
      throw e;
    }
    int rc = p.exitValue();
    if (mustSucceed && rc != 0) {
      throw new IOException("fault method '" + name + "' exited " + rc);
    }
    return rc;
  }

  private static void kill(Process p) {
    dev.cloudedge.federation.process.ProcessTree.kill(p);
  }

  /** A fault method the topology does not define. */
  public static final class FaultMethodMissingException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    FaultMethodMissingException(String message) {
      super(message);
    }
  }

}
