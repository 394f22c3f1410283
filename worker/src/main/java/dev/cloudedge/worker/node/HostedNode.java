package dev.cloudedge.worker.node;

import dev.cloudedge.activities.node.FaultMethods;
import dev.cloudedge.activities.node.NodeHost;
import dev.cloudedge.federation.config.ConfigException;
import dev.cloudedge.federation.config.ConfigLoader;
import dev.cloudedge.federation.config.FederationConfig;
import dev.cloudedge.federation.eventd.EventdExtension;
import dev.cloudedge.federation.eventd.EventdOptions;
import dev.cloudedge.federation.eventd.EventdRuntime;
import dev.cloudedge.federation.eventd.ReloadResult;
import dev.cloudedge.federation.subscription.SubscriptionRuntime;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.ServiceLoader;

/**
 * One node's eventd runtime hosted inside a worker process, with the subscription runtime and any
 * extension found through {@link ServiceLoader}. A restart closes the
 * runtime gracefully and starts a new one from the same config and state file, so deliveries pending
 * in the store are resumed by the new outbox.
 */
public final class HostedNode implements NodeHost, AutoCloseable {
  private final String nodeName;
  private final List<Path> configFiles;
  private final Path stateFile;
  private final FaultMethods faults;
  private final Path artifact;
  private volatile FederationConfig config;
  private volatile EventdRuntime runtime;
  private volatile long instanceId;

  private HostedNode(String nodeName, List<Path> configFiles, Path stateFile, FaultMethods faults, Path artifact) {
    this.nodeName = nodeName;
    this.configFiles = List.copyOf(configFiles);
    this.stateFile = stateFile;
    this.faults = faults;
    this.artifact = artifact;
  }

  /**
   * Loads the config and starts the node's runtime.
   *
   * @throws IllegalArgumentException naming the file or the node when the config is unusable or
   *     does not serve {@code nodeName}
   */
  public static HostedNode start(String nodeName, List<Path> configFiles, Path stateFile, FaultMethods faults, Path artifact) {
    Objects.requireNonNull(nodeName, "nodeName");
    if (configFiles.isEmpty()) {
      throw new IllegalArgumentException("node " + nodeName + ": at least one --config file is required");
    }
    HostedNode n = new HostedNode(nodeName, configFiles, stateFile, faults, artifact);
    n.startRuntime();
    return n;
  }

  private synchronized void startRuntime() {
    try {
      config = ConfigLoader.load(configFiles);
    } catch (ConfigException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
    // The subscription runtime runs inside every hosted eventd; further extensions can be added
    // through ServiceLoader without touching the worker.
    EventdOptions.Builder b = EventdOptions.builder(config, stateFile).extension(new SubscriptionRuntime());
    for (EventdExtension ext : ServiceLoader.load(EventdExtension.class)) {
      b.extension(ext);
    }
    EventdRuntime rt;
    try {
      rt = EventdRuntime.start(b.build());
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("node " + nodeName + ": " + e.getMessage(), e);
    }
    if (!rt.nodeName().equals(nodeName)) {
      rt.close();
      throw new IllegalArgumentException("config " + configFiles + " serves node '" + rt.nodeName() + "', not '" + nodeName + "'");
    }
    runtime = rt;
    // Strictly increasing and never 0, even across two starts in the same millisecond.
    instanceId = Math.max(instanceId + 1, System.currentTimeMillis());
  }

  @Override
  public String nodeName() {
    return nodeName;
  }

  @Override
  public EventdRuntime runtime() {
    EventdRuntime r = runtime;
    if (r == null) {
      throw new IllegalStateException("eventd runtime of " + nodeName + " is not running");
    }
    return r;
  }

  @Override
  public FederationConfig config() {
    return config;
  }

  @Override
  public List<Path> configFiles() {
    return configFiles;
  }

  @Override
  public Path stateFile() {
    return stateFile;
  }

  @Override
  public long runtimeInstanceId() {
    // A node whose restarts are process restarts is identified by its real PID, which is what
    // changes when it restarts.
    return processRestarts() ? ProcessHandle.current().pid() : instanceId;
  }

  private boolean processRestarts() {
    return faults != null && faults.restartsProcess();
  }

  @Override
  public boolean active() {
    return runtime != null;
  }

  @Override
  public synchronized ReloadResult reload() {
    FederationConfig next;
    try {
      next = ConfigLoader.load(configFiles);
    } catch (ConfigException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
    ReloadResult r = runtime().reload(next);
    config = next;
    return r;
  }

  @Override
  public synchronized void restart() {
    EventdRuntime old = runtime;
    runtime = null;
    if (old != null) {
      old.close();
    }
    startRuntime();
  }

  @Override
  public synchronized void stop() {
    EventdRuntime old = runtime;
    runtime = null;
    if (old != null) {
      old.close();
    }
  }

  @Override
  public synchronized void start() {
    if (runtime == null) {
      startRuntime();
    }
  }

  @Override
  public String runtimeUnit() {
    return (processRestarts() ? "process:" : "in-process:") + nodeName;
  }

  @Override
  public Path artifact() {
    return artifact;
  }

  @Override
  public FaultMethods faults() {
    return faults;
  }

  @Override
  public synchronized void close() {
    EventdRuntime r = runtime;
    runtime = null;
    if (r != null) {
      r.close();
    }
  }
}
