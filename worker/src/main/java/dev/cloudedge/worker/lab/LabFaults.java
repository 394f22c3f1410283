package dev.cloudedge.worker.lab;

import dev.cloudedge.activities.node.FaultMethods;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.Set;

/**
 * The lab's fault methods: the partition switches the {@link TcpProxy} between the nodes, the
 * plugin fault removes the test plugin's execute bits (what routerd's recorded run did).
 */
public final class LabFaults implements FaultMethods {
  private final TcpProxy proxy;
  private final TcpProxy.Mode cutMode;
  private final Path plugin;

  /**
   * @param proxy the proxy to cut, or {@code null} on a node that has none
   * @param cutMode {@code REFUSE} or {@code DROP}
   * @param plugin the test plugin executable, or {@code null} on a node that has none
   */
  public LabFaults(TcpProxy proxy, TcpProxy.Mode cutMode, Path plugin) {
    this.proxy = proxy;
    this.cutMode = cutMode;
    this.plugin = plugin;
  }

  @Override
  public void applyPartition(String tag) throws IOException {
    requireProxy().apply(cutMode, tag);
  }

  @Override
  public void restorePartition(String tag) throws IOException {
    requireProxy().apply(TcpProxy.Mode.PASS, tag);
  }

  @Override
  public void breakPlugin(String tag) throws IOException {
    Set<PosixFilePermission> p = EnumSet.copyOf(Files.getPosixFilePermissions(requirePlugin()));
    p.removeAll(EnumSet.of(PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.OTHERS_EXECUTE));
    Files.setPosixFilePermissions(plugin, p);
  }

  @Override
  public void restorePlugin(String tag) throws IOException {
    Set<PosixFilePermission> p = EnumSet.copyOf(Files.getPosixFilePermissions(requirePlugin()));
    p.addAll(EnumSet.of(PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.OTHERS_EXECUTE));
    Files.setPosixFilePermissions(plugin, p);
  }

  @Override
  public boolean pluginHealthy(String subscription) {
    return plugin != null && Files.isRegularFile(plugin) && Files.isExecutable(plugin);
  }

  private TcpProxy requireProxy() {
    if (proxy == null) {
      throw new IllegalStateException("this lab node has no proxy: partitions are applied on the sender");
    }
    return proxy;
  }

  private Path requirePlugin() {
    if (plugin == null) {
      throw new IllegalStateException("this lab node has no test plugin: the plugin lives on the receiver");
    }
    return plugin;
  }
}
