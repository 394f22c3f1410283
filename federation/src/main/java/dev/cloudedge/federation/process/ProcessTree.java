package dev.cloudedge.federation.process;

import java.util.List;

/** Killing a child process together with everything it started. */
public final class ProcessTree {
  private ProcessTree() {}

  /**
   * SIGKILLs {@code p} and its descendants. The parent goes first: killed after its children, a
   * shell running {@code sleep 20; touch done} would run {@code touch done} the moment its
   * {@code sleep} died. Its descendants are listed before it dies (they are re-parented after),
   * killed, and swept once more for any they forked meanwhile. Asynchronous: wait for {@code p}
   * to be sure it is gone.
   */
  public static void kill(Process p) {
    List<ProcessHandle> below = p.descendants().toList();
    p.destroyForcibly();
    for (ProcessHandle h : below) {
      List<ProcessHandle> grand = h.descendants().toList();
      h.destroyForcibly();
      grand.forEach(ProcessHandle::destroyForcibly);
    }
  }
}
