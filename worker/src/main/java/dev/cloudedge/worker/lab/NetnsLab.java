package dev.cloudedge.worker.lab;

import dev.cloudedge.worker.TopologyFile;
import dev.cloudedge.workflows.qualification.Topology;
import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * The lab of real processes: two network namespaces (sender and receiver) joined by one veth pair,
 * with test addresses from 198.18.0.0/15 inside them only, and each node as its own OS process (a
 * {@code cloudedge worker} hosting that node's eventd and polling its task queue) started inside its
 * namespace and kept running by a {@link NodeSupervisor}. The faults are the commands of a topology
 * file this class writes, {@code topology.yaml}, exactly as an operator writes one for real hosts:
 * an nftables rule in the sender's namespace for the partition, {@code chmod} of the receiver's
 * plugin, and a SIGKILL of the node's process for the restart. The node workers reach Temporal
 * through a Unix domain socket (network namespaces do not separate the file system).
 *
 * <p>Everything a run creates is recorded first in a run file {@code /run/cloudedge-lab/<id>.run}
 * with its owner's PID and start time, and removed on {@link #close()} (also from a shutdown hook).
 * A run killed outright leaves the run file behind: the next start finds namespaces whose owner is
 * gone and removes them with whatever runs in them ({@link #removeLeftovers()}).
 */
public final class NetnsLab implements AutoCloseable {
  /** Every namespace of the lab is named {@code cefq-<id>-snd} or {@code cefq-<id>-rcv}. */
  public static final String PREFIX = "cefq-";
  /** The run files and Unix sockets of netns labs (root only). */
  public static final Path RUN_DIR = Path.of("/run/cloudedge-lab");
  public static final String SENDER_ADDRESS = "198.18.0.1";
  public static final String RECEIVER_ADDRESS = "198.18.0.2";
  public static final int RECEIVER_PORT_A = 8410;
  public static final int RECEIVER_PORT_B = 8411;
  public static final int SENDER_PORT_A = 8420;

  private final Path dir;
  private final String id;
  private final List<NodeSupervisor> supervisors = new ArrayList<>();
  private final Map<String, NodeSupervisor> byNode = new LinkedHashMap<>();
  private final List<AutoCloseable> frontends = new ArrayList<>();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final Consumer<String> say;
  private Thread hook;

  /** Opens the Temporal frontend the node workers dial on a Unix socket at the given path. */
  @FunctionalInterface
  public interface SocketFrontend {
    AutoCloseable listen(Path socket) throws IOException;
  }

  private NetnsLab(Path dir, String id, Consumer<String> say) {
    this.dir = dir;
    this.id = id;
    this.say = say;
  }

  /**
   * What keeps the netns lab from running on this machine, in one line, or {@code null}.
   *
   * @param env the environment whose {@code PATH} must hold {@code ip} and {@code nft}
   */
  public static String missingPrerequisites(Map<String, String> env) {
    return Netns.missingPrerequisites(env);
  }

  /**
   * Removes the netns lab files of an earlier start in {@code dir} and starts the lab.
   *
   * @param workerCommand how to run {@code cloudedge} (e.g. {@code java -cp JAR dev.cloudedge.cli.Cloudedge});
   *     {@code worker --node ...} is appended
   * @param frontend opens the Temporal frontend for the nodes on a socket path this lab picks
   * @param say one-line notices (leftovers removed, a node restarted by its supervisor)
   * @throws IOException when a namespace, the link or a node cannot be set up; everything made so
   *     far is removed first
   */
  public static NetnsLab start(Path dir, TcpProxy.Mode cutMode, List<String> workerCommand, SocketFrontend frontend,
      Consumer<String> say) throws IOException, InterruptedException {
    String leftovers = removeLeftovers();
    if (leftovers != null) {
      say.accept(leftovers);
    }
    Path d = dir.toAbsolutePath().normalize();
    Files.createDirectories(d);
    NetnsLab lab = new NetnsLab(d, newId(), say);
    try {
      lab.setUp(cutMode, workerCommand, frontend);
      return lab;
    } catch (IOException | InterruptedException | RuntimeException e) {
      lab.close();
      throw e;
    }
  }

  private static String newId() {
    byte[] b = new byte[3];
    new SecureRandom().nextBytes(b);
    return HexFormat.of().formatHex(b);
  }

  private void setUp(TcpProxy.Mode cutMode, List<String> workerCommand, SocketFrontend frontend)
      throws IOException, InterruptedException {
    if (!Files.isDirectory(RUN_DIR)) {
      Files.createDirectories(RUN_DIR, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    }
    // The run file comes first: whatever exists after it, a later run can find and remove.
    writeRunFile();
    hook = new Thread(this::close, "netns-lab-cleanup");
    Runtime.getRuntime().addShutdownHook(hook);
    String snd = senderNamespace();
    String rcv = receiverNamespace();
    Netns.run("ip", "netns", "add", snd);
    Netns.run("ip", "netns", "add", rcv);
    // Made inside the sender's namespace with its peer end created in the receiver's: the link and
    // its addresses never appear in the root namespace.
    Netns.run("ip", "-n", snd, "link", "add", vethOf("s"), "type", "veth", "peer", "name", vethOf("r"), "netns", rcv);
    Netns.run("ip", "-n", snd, "addr", "add", SENDER_ADDRESS + "/30", "dev", vethOf("s"));
    Netns.run("ip", "-n", rcv, "addr", "add", RECEIVER_ADDRESS + "/30", "dev", vethOf("r"));
    for (String[] ns : new String[][] {{snd, vethOf("s")}, {rcv, vethOf("r")}}) {
      Netns.run("ip", "-n", ns[0], "link", "set", "lo", "up");
      Netns.run("ip", "-n", ns[0], "link", "set", ns[1], "up");
    }
    frontends.add(frontend.listen(socket()));
    writeFiles(cutMode);
    String address = "unix://" + socket();
    start(LabLayout.SENDER, snd, senderConfig(), dir.resolve("sender.db"), workerCommand, address);
    start(LabLayout.RECEIVER, rcv, receiverConfig(), dir.resolve("receiver.db"), workerCommand, address);
    for (NodeSupervisor s : supervisors) {
      s.awaitReady(Duration.ofSeconds(120));
    }
  }

  private void start(String node, String ns, Path config, Path state, List<String> workerCommand, String address) {
    List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", ns));
    cmd.addAll(workerCommand);
    cmd.addAll(List.of("worker", "--node", node, "--config", config.toString(), "--state-file", state.toString(),
        "--topology", topologyFile().toString(), "--address", address, "--exit-with-stdin"));
    NodeSupervisor s = new NodeSupervisor(node, cmd, Map.of(), dir.resolve(node + ".log"), say);
    supervisors.add(s);
    byNode.put(node, s);
    s.start();
  }

  private String vethOf(String end) {
    return "cefq" + id + end;
  }

  /** This run's id (six hex digits, part of every name it creates). */
  public String id() {
    return id;
  }

  public Path dir() {
    return dir;
  }

  public String senderNamespace() {
    return PREFIX + id + "-snd";
  }

  public String receiverNamespace() {
    return PREFIX + id + "-rcv";
  }

  /** The Unix socket the node workers reach Temporal on. */
  public Path socket() {
    return RUN_DIR.resolve(id + ".sock");
  }

  private Path runFile() {
    return RUN_DIR.resolve(id + ".run");
  }

  public Path topologyFile() {
    return dir.resolve("topology.yaml");
  }

  public Path senderConfig() {
    return dir.resolve("sender.yaml");
  }

  public Path receiverConfig() {
    return dir.resolve("receiver.yaml");
  }

  public Path plugin() {
    return dir.resolve("plugins").resolve(LabLayout.PLUGIN);
  }

  /** The PID of the process hosting {@code node} now (0 between a kill and the fresh start). */
  public long pid(String node) {
    return supervisor(node).pid();
  }

  /** Every PID {@code node} has had, oldest first. */
  public List<Long> pids(String node) {
    return supervisor(node).pids();
  }

  private NodeSupervisor supervisor(String node) {
    NodeSupervisor s = byNode.get(node);
    if (s == null) {
      throw new IllegalArgumentException("no node " + node + " in this lab");
    }
    return s;
  }

  /** The topology the qualification runs against, read back from the topology file. */
  public Topology topology() {
    return TopologyFile.load(topologyFile()).topology();
  }

  /** Whether {@code dir} holds a netns lab (its topology file). */
  public static boolean isNetnsLab(Path dir) {
    return Files.exists(dir.resolve("netns.properties"));
  }

  /** The topology of the netns lab in {@code dir}. */
  public static Topology topologyOf(Path dir) {
    return TopologyFile.load(dir.resolve("topology.yaml")).topology();
  }

  private void writeFiles(TcpProxy.Mode cutMode) throws IOException {
    LabLayout.writeSecretsAndPlugin(dir);
    Path secrets = dir.resolve("secrets");
    String a = LabLayout.GROUP_A;
    String b = LabLayout.GROUP_B;
    Files.writeString(senderConfig(), "# CloudEdge netns lab: sender, in its own network namespace at " + SENDER_ADDRESS + ".\n"
        + LabLayout.group(a, LabLayout.SENDER, secrets.resolve(a + ".key"), SENDER_ADDRESS, SENDER_PORT_A)
        + LabLayout.group(b, LabLayout.SENDER, secrets.resolve(b + ".key"), SENDER_ADDRESS, 0)
        + LabLayout.peer(LabLayout.RECEIVER, a, LabLayout.RECEIVER, receiverEndpoint())
        + LabLayout.peer(LabLayout.RECEIVER + "-" + b, b, LabLayout.RECEIVER, "http://" + RECEIVER_ADDRESS + ":" + RECEIVER_PORT_B)
        + LabLayout.slo(a, 30, 120, 60, 5, 3) + LabLayout.slo(b, 60, 240, 120, 10, 5) + LabLayout.node(LabLayout.SENDER),
        StandardCharsets.UTF_8);
    Files.writeString(receiverConfig(), "# CloudEdge netns lab: receiver at " + RECEIVER_ADDRESS + "; it peers back to the sender.\n"
        + LabLayout.group(a, LabLayout.RECEIVER, secrets.resolve(a + ".key"), RECEIVER_ADDRESS, RECEIVER_PORT_A)
        + LabLayout.group(b, LabLayout.RECEIVER, secrets.resolve(b + ".key"), RECEIVER_ADDRESS, RECEIVER_PORT_B)
        + LabLayout.peer(LabLayout.SENDER, a, LabLayout.SENDER, "http://" + SENDER_ADDRESS + ":" + SENDER_PORT_A)
        + LabLayout.slo(a, 30, 120, 60, 5, 3) + LabLayout.slo(b, 60, 240, 120, 10, 5) + LabLayout.node(LabLayout.RECEIVER)
        + LabLayout.subscription(plugin()), StandardCharsets.UTF_8);
    Files.writeString(topologyFile(), topologyYaml(cutMode), StandardCharsets.UTF_8);
    Properties p = new Properties();
    p.setProperty("id", id);
    p.setProperty("senderNamespace", senderNamespace());
    p.setProperty("receiverNamespace", receiverNamespace());
    try (Writer w = Files.newBufferedWriter(dir.resolve("netns.properties"), StandardCharsets.UTF_8)) {
      p.store(w, "CloudEdge netns lab");
    }
  }

  /** The sender's endpoint for the receiver in group A. */
  public static String receiverEndpoint() {
    return "http://" + RECEIVER_ADDRESS + ":" + RECEIVER_PORT_A;
  }

  private String topologyYaml(TcpProxy.Mode cutMode) {
    String verdict = cutMode == TcpProxy.Mode.DROP ? "drop" : "reject with tcp reset";
    String plugin = plugin().toString();
    return "# CloudEdge netns lab, written as an operator writes a topology file for real hosts. Each node's\n"
        + "# fault commands run through 'sh -c' on that node's own worker, inside its network namespace.\n"
        + "# For a VM pair: drop 'kind: lab', put the VMs' addresses and ports in the endpoint and the nft\n"
        + "# rule, the plugin's real path in the chmod/test commands, and the service manager's kill in\n"
        + "# 'restart' (see docs/qualification.md).\n"
        + "id: netns-" + LabLayout.topologyIdOf(dir).substring("lab-".length()) + "\n"
        + "kind: lab\n"
        + "sender:   {node: " + LabLayout.SENDER + "}\n"
        + "receiver: {node: " + LabLayout.RECEIVER + ", endpoint: \"" + receiverEndpoint() + "\"}\n"
        + "groupA: " + LabLayout.GROUP_A + "\n"
        + "groupB: " + LabLayout.GROUP_B + "\n"
        + "subscription: " + LabLayout.SUBSCRIPTION + "\n"
        + "faults:\n"
        + "  " + LabLayout.SENDER + ":\n"
        + "    # Partition (" + cutMode.name().toLowerCase(java.util.Locale.ROOT) + "): group A's traffic to the receiver."
        + " The rule is commented with the fault's tag.\n"
        + "    partitionApply: >-\n"
        + "      nft add table inet fedqual;\n"
        + "      nft 'add chain inet fedqual out { type filter hook output priority 0 ; }';\n"
        + "      nft add rule inet fedqual out ip daddr " + RECEIVER_ADDRESS + " tcp dport " + RECEIVER_PORT_A + " counter "
        + verdict + " comment \"\\\"$FEDQUAL_TAG\\\"\"\n"
        + "    # Idempotent: succeeds when nothing is applied.\n"
        + "    partitionRestore: nft delete table inet fedqual 2>/dev/null || true\n"
        + "    # SIGKILL of this worker process (FEDQUAL_PID); its supervisor starts a fresh one on the same state file.\n"
        + "    restart: kill -KILL \"$FEDQUAL_PID\"\n"
        + "  " + LabLayout.RECEIVER + ":\n"
        + "    pluginBreak:   chmod a-x " + plugin + "\n"
        + "    pluginRestore: chmod a+x " + plugin + "\n"
        + "    pluginCheck:   test -x " + plugin + "\n"
        + "    restart: kill -KILL \"$FEDQUAL_PID\"\n";
  }

  private void writeRunFile() throws IOException {
    ProcessHandle self = ProcessHandle.current();
    Properties p = new Properties();
    p.setProperty("ownerPid", Long.toString(self.pid()));
    p.setProperty("ownerStart", Long.toString(self.info().startInstant().map(java.time.Instant::toEpochMilli).orElse(0L)));
    p.setProperty("dir", dir.toString());
    try (Writer w = Files.newBufferedWriter(runFile(), StandardCharsets.UTF_8)) {
      p.store(w, "CloudEdge netns lab run: namespaces " + senderNamespace() + ", " + receiverNamespace());
    }
  }

  /**
   * Removes what netns lab runs whose owner process is gone left behind (their namespaces, with the
   * veth pair and nftables tables in them, the processes still running in them, their sockets and run
   * files) and says what in one line; {@code null} when there was nothing. A run whose owner still
   * runs is left alone.
   */
  public static String removeLeftovers() throws IOException {
    List<String> namespaces = new ArrayList<>();
    int processes = 0;
    List<String> ids = new ArrayList<>();
    for (String ns : Netns.namespaces()) {
      if (ns.startsWith(PREFIX) && (ns.endsWith("-snd") || ns.endsWith("-rcv"))) {
        String id = ns.substring(PREFIX.length(), ns.length() - 4);
        if (!ids.contains(id)) {
          ids.add(id);
        }
      }
    }
    if (Files.isDirectory(RUN_DIR)) {
      try (Stream<Path> files = Files.list(RUN_DIR)) {
        for (Path f : files.toList()) {
          String name = f.getFileName().toString();
          if (name.endsWith(".run") && !ids.contains(name.substring(0, name.length() - 4))) {
            ids.add(name.substring(0, name.length() - 4));
          }
        }
      }
    }
    for (String id : ids) {
      if (ownerAlive(RUN_DIR.resolve(id + ".run"))) {
        continue;
      }
      for (String ns : new String[] {PREFIX + id + "-snd", PREFIX + id + "-rcv"}) {
        if (Netns.namespaces().contains(ns)) {
          processes += Netns.killAll(ns);
          Netns.delete(ns);
          namespaces.add(ns);
        }
      }
      Files.deleteIfExists(RUN_DIR.resolve(id + ".sock"));
      Files.deleteIfExists(RUN_DIR.resolve(id + ".run"));
    }
    if (namespaces.isEmpty() && processes == 0) {
      return null;
    }
    return "netns lab: removed what a killed run left behind: namespaces " + String.join(", ", namespaces)
        + (processes > 0 ? " and " + processes + " process(es) in them" : "");
  }

  private static boolean ownerAlive(Path runFile) throws IOException {
    if (!Files.exists(runFile)) {
      return false;
    }
    Properties p = new Properties();
    try (Reader r = Files.newBufferedReader(runFile, StandardCharsets.UTF_8)) {
      p.load(r);
    } catch (IllegalArgumentException e) {
      return false;
    }
    long pid;
    long start;
    try {
      pid = Long.parseLong(p.getProperty("ownerPid", "0"));
      start = Long.parseLong(p.getProperty("ownerStart", "0"));
    } catch (NumberFormatException e) {
      return false;
    }
    // The start time tells a live owner from an unrelated process that reuses its PID.
    return ProcessHandle.of(pid).filter(ProcessHandle::isAlive)
        .map(h -> h.info().startInstant().map(i -> i.toEpochMilli() == start).orElse(false)).orElse(false);
  }

  /**
   * Removes everything this lab made, in order: the node processes (stdin closed, killed after 5 s),
   * anything else still running in the namespaces, the namespaces (and with them the veth pair and
   * every nftables table in them), the socket, the run file. Idempotent.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    List<Thread> stops = new ArrayList<>();
    for (NodeSupervisor s : supervisors) {
      Thread t = new Thread(s::close, "stop-node");
      t.start();
      stops.add(t);
    }
    for (Thread t : stops) {
      try {
        t.join(15_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    List<String> problems = new ArrayList<>();
    for (String ns : new String[] {senderNamespace(), receiverNamespace()}) {
      Netns.killAll(ns);
      try {
        Netns.delete(ns);
      } catch (IOException e) {
        problems.add(e.getMessage());
      }
    }
    for (AutoCloseable f : frontends) {
      try {
        f.close();
      } catch (Exception e) {
        problems.add("socket " + socket() + ": " + e.getMessage());
      }
    }
    try {
      Files.deleteIfExists(socket());
      if (problems.isEmpty()) {
        // Kept when something could not be removed: the next run then finds and removes it.
        Files.deleteIfExists(runFile());
      }
    } catch (IOException e) {
      problems.add(e.getMessage());
    }
    if (!problems.isEmpty()) {
      say.accept("netns lab: cleanup incomplete, the next run removes the rest: " + String.join("; ", problems));
    }
    if (hook != null && Thread.currentThread() != hook) {
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // The hook is what is running the JVM down; nothing to remove.
      }
    }
  }
}
