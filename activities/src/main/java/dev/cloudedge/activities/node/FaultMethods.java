package dev.cloudedge.activities.node;

/**
 * How faults are injected and undone on one node. The lab cuts a real TCP proxy and flips the test
 * plugin's execute bit; real hosts run the commands of the topology file (nftables, chmod, ...).
 * Every method is idempotent and keyed by the tag of the fault.
 */
public interface FaultMethods {
  /** Cuts this node's traffic to its peer. */
  void applyPartition(String tag) throws Exception;

  /** Undoes the partition with this tag; succeeds when none is applied. */
  void restorePartition(String tag) throws Exception;

  /** Makes the subscription plugin fail. */
  void breakPlugin(String tag) throws Exception;

  /** Repairs the plugin; succeeds when it is not broken. */
  void restorePlugin(String tag) throws Exception;

  /** Whether the subscription's plugin is runnable. */
  boolean pluginHealthy(String subscription) throws Exception;

  /**
   * Whether a restart of this node is a restart of its worker process ({@link #restartProcess}),
   * not of the eventd runtime inside it.
   */
  default boolean restartsProcess() {
    return false;
  }

  /**
   * Kills the process hosting this node, {@code pid}, so that its supervisor starts a fresh one on
   * the same state file. Returns only when the command failed to do so (or the process outlives it).
   */
  default void restartProcess(String tag, long pid) throws Exception {
    throw new UnsupportedOperationException("this node's restarts stay inside its worker process");
  }
}
