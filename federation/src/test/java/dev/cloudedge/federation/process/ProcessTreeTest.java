package dev.cloudedge.federation.process;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Killing a real shell, its child and its grandchild. */
class ProcessTreeTest {
  @TempDir Path dir;

  /**
   * A shell with a background child and a foreground {@code sleep} is killed with everything it
   * started, and never runs the command after its {@code sleep}. (Killing the children first lets
   * the shell run it only when it wins a race of microseconds, which this test cannot force; it
   * happened under load in the suite.)
   */
  @Test
  void theWholeTreeDiesAndTheParentRunsNothingMore() throws Exception {
    for (int i = 0; i < 2; i++) {
      Path started = dir.resolve("started-" + i);
      Path after = dir.resolve("after-" + i);
      Process p = new ProcessBuilder(List.of("sh", "-c",
          "sh -c 'sleep 30' & touch '" + started + "'; sleep 30; touch '" + after + "'")).start();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (!Files.exists(started) || p.descendants().count() < 2) {
        assertTrue(System.nanoTime() < deadline, "the tree did not start");
        Thread.sleep(2);
      }
      List<ProcessHandle> below = p.descendants().toList();
      ProcessTree.kill(p);
      assertTrue(p.waitFor(5, TimeUnit.SECONDS), "the shell is gone");
      for (ProcessHandle h : below) {
        // Not a child of this JVM, so poll: onExit() of a grandchild is itself polled, slowly.
        while (h.isAlive()) {
          assertTrue(System.nanoTime() < deadline + TimeUnit.SECONDS.toNanos(5), "descendant " + h.pid() + " lives");
          Thread.sleep(2);
        }
      }
      Thread.sleep(20);
      assertFalse(Files.exists(after), "iteration " + i + ": the shell ran its next command after its child died");
    }
  }
}
