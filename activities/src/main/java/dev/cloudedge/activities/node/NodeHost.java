package dev.cloudedge.activities.node;

import dev.cloudedge.federation.config.FederationConfig;
import dev.cloudedge.federation.eventd.EventdRuntime;
import dev.cloudedge.federation.eventd.ReloadResult;
import java.nio.file.Path;
import java.util.List;

/**
 * The node a worker hosts: its eventd runtime (restartable), configuration, state file and fault
 * methods. The worker module implements it for the in-process runtime; activities only use it.
 */
public interface NodeHost {
  /** The node name. */
  String nodeName();

  /** The eventd runtime serving now (a new instance after each restart). */
  EventdRuntime runtime();

  /** The loaded configuration. */
  FederationConfig config();

  /** The config files, for digests. */
  List<Path> configFiles();

  /** The state database. */
  Path stateFile();

  /** An id of the running runtime instance that changes on every restart and is never 0. */
  long runtimeInstanceId();

  /** Whether the runtime is serving. */
  boolean active();

  /**
   * Re-reads the config files and hands them to the running runtime ({@link EventdRuntime#reload}),
   * so {@link #config()} and the runtime agree afterwards (an approved endpoint change, say).
   *
   * @throws IllegalArgumentException naming the file when the config cannot be loaded
   */
  ReloadResult reload();

  /** Restarts the runtime; returns once the new one serves (or throws naming why it cannot). */
  void restart() throws Exception;

  /** Stops the runtime; the state file stays as it is. No-op when stopped. */
  void stop();

  /** Starts the runtime again on the same state file; no-op when it runs. */
  void start() throws Exception;

  /** How the runtime is managed, recorded as {@code eventdUnit} in provenance. */
  String runtimeUnit();

  /** The artifact running this node (the CLI jar or a classes directory). */
  Path artifact();

  /** Fault methods of this node. */
  FaultMethods faults();
}
