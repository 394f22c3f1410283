package dev.cloudedge.worker.lab;

import dev.cloudedge.worker.node.HostedNode;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;

/**
 * The running lab: receiver runtime, proxy, sender runtime. Node workers are attached by {@link
 * dev.cloudedge.worker.Workers}; this class only owns the federation side and the network.
 */
public final class Lab implements AutoCloseable {
  private final LabLayout layout;
  private final TcpProxy proxy;
  private final HostedNode receiver;
  private final HostedNode sender;

  private Lab(LabLayout layout, TcpProxy proxy, HostedNode receiver, HostedNode sender) {
    this.layout = layout;
    this.proxy = proxy;
    this.receiver = receiver;
    this.sender = sender;
  }

  /** Prepares (once) and starts the lab in {@code dir}. */
  public static Lab start(Path dir, TcpProxy.Mode cutMode, Path artifact) throws IOException {
    LabLayout l = LabLayout.prepare(dir);
    HostedNode receiver = HostedNode.start(LabLayout.RECEIVER, List.of(l.receiverConfig()), l.receiverState(),
        new LabFaults(null, cutMode, l.plugin()), artifact);
    TcpProxy proxy;
    HostedNode sender;
    try {
      proxy = new TcpProxy(l.proxyPort(), new InetSocketAddress("127.0.0.1", l.receiverPortA()), l.proxyState());
    } catch (IOException | RuntimeException e) {
      receiver.close();
      throw e;
    }
    try {
      sender = HostedNode.start(LabLayout.SENDER, List.of(l.senderConfig()), l.senderState(),
          new LabFaults(proxy, cutMode, null), artifact);
    } catch (RuntimeException e) {
      proxy.close();
      receiver.close();
      throw e;
    }
    return new Lab(l, proxy, receiver, sender);
  }

  /**
   * Undoes the faults the lab's files still record (a proxy cut in {@code proxy.state}, a test
   * plugin without execute bits) and returns what it undid. Only for a lab whose Temporal server
   * was started by this process: an in-memory server that is new has no workflow that could
   * still restore them, so they would otherwise outlive the process that applied them for good.
   */
  public List<String> restoreOrphanedFaults() throws IOException {
    List<String> undone = new java.util.ArrayList<>();
    if (proxy.mode() != TcpProxy.Mode.PASS) {
      undone.add("proxy " + proxy.mode().name().toLowerCase(java.util.Locale.ROOT));
      proxy.apply(TcpProxy.Mode.PASS, "orphan-restore");
    }
    LabFaults plugin = new LabFaults(null, TcpProxy.Mode.REFUSE, layout.plugin());
    if (!plugin.pluginHealthy(LabLayout.SUBSCRIPTION)) {
      undone.add("test plugin not executable");
      plugin.restorePlugin("orphan-restore");
    }
    return undone;
  }

  public LabLayout layout() {
    return layout;
  }

  public HostedNode sender() {
    return sender;
  }

  public HostedNode receiver() {
    return receiver;
  }

  public TcpProxy proxy() {
    return proxy;
  }

  @Override
  public void close() {
    sender.close();
    proxy.close();
    receiver.close();
  }
}
