package dev.cloudedge.worker.lab;

import dev.cloudedge.workflows.TaskQueues;
import dev.cloudedge.workflows.qualification.NodeRef;
import dev.cloudedge.workflows.qualification.Topology;
import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Properties;

/**
 * The files of the local lab, generated once into a lab directory: a config per node, the group
 * secrets (0600, in a 0700 directory), the test plugin, the ports (kept so a restart reuses them)
 * and state files. Sender and receiver are on loopback and peer each other in group A, as real
 * deployments do: the sender's endpoint for the receiver is the proxy, so the proxy can cut that
 * direction for real, and the receiver pushes its own events straight to the sender.
 *
 * @param dir the lab directory
 * @param receiverPortA the receiver's listen port for group A
 * @param receiverPortB the receiver's listen port for group B
 * @param proxyPort the proxy's port (the sender's endpoint for A)
 * @param senderPortA the sender's listen port for group A (the receiver's endpoint for the sender)
 */
public record LabLayout(Path dir, int receiverPortA, int receiverPortB, int proxyPort, int senderPortA) {
  public static final String SENDER = "fedqual-sender";
  public static final String RECEIVER = "fedqual-receiver";
  public static final String GROUP_A = "fedqual-primary";
  public static final String GROUP_B = "fedqual-secondary";
  public static final String SUBSCRIPTION = "fedqual-sub-primary";
  public static final String PLUGIN = "fedqual-test-plugin";

  /** Creates the lab files in {@code dir} unless they exist, then returns the layout. */
  public static LabLayout prepare(Path dir) throws IOException {
    Path d = dir.toAbsolutePath().normalize();
    Files.createDirectories(d);
    Path ports = d.resolve("lab.properties");
    LabLayout l;
    if (Files.exists(ports)) {
      Properties p = new Properties();
      try (Reader r = Files.newBufferedReader(ports, StandardCharsets.UTF_8)) {
        p.load(r);
      }
      // A lab directory from before the nodes peered both ways has no sender port yet.
      String sender = p.getProperty("senderPortA");
      l = new LabLayout(d, Integer.parseInt(p.getProperty("receiverPortA")), Integer.parseInt(p.getProperty("receiverPortB")),
          Integer.parseInt(p.getProperty("proxyPort")), sender == null ? freePort() : Integer.parseInt(sender));
      if (sender == null) {
        l.storePorts(ports);
      }
    } else {
      l = new LabLayout(d, freePort(), freePort(), freePort(), freePort());
      l.storePorts(ports);
    }
    l.writeFiles();
    return l;
  }

  private void storePorts(Path ports) throws IOException {
    Properties p = new Properties();
    p.setProperty("receiverPortA", Integer.toString(receiverPortA));
    p.setProperty("receiverPortB", Integer.toString(receiverPortB));
    p.setProperty("proxyPort", Integer.toString(proxyPort));
    p.setProperty("senderPortA", Integer.toString(senderPortA));
    try (Writer w = Files.newBufferedWriter(ports, StandardCharsets.UTF_8)) {
      p.store(w, "CloudEdge lab ports on 127.0.0.1");
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket()) {
      s.bind(new InetSocketAddress("127.0.0.1", 0));
      return s.getLocalPort();
    }
  }

  private void writeFiles() throws IOException {
    writeSecretsAndPlugin(dir);
    if (!Files.exists(senderConfig())) {
      Files.writeString(senderConfig(), senderYaml(), StandardCharsets.UTF_8);
    }
    if (!Files.exists(receiverConfig())) {
      Files.writeString(receiverConfig(), receiverYaml(), StandardCharsets.UTF_8);
    }
  }

  /**
   * The group secrets (32 random bytes, hex, 0600 in a 0700 {@code secrets/}) and the test plugin of
   * a lab directory, each created only when missing.
   */
  static void writeSecretsAndPlugin(Path dir) throws IOException {
    Path secrets = dir.resolve("secrets");
    if (!Files.exists(secrets)) {
      Files.createDirectory(secrets, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    }
    for (String g : new String[] {GROUP_A, GROUP_B}) {
      Path key = secrets.resolve(g + ".key");
      if (!Files.exists(key)) {
        byte[] raw = new byte[32];
        new SecureRandom().nextBytes(raw);
        Files.createFile(key, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(key, HexFormat.of().formatHex(raw) + "\n", StandardCharsets.UTF_8);
      }
    }
    Path plugins = dir.resolve("plugins");
    Files.createDirectories(plugins);
    Path plugin = plugins.resolve(PLUGIN);
    if (!Files.exists(plugin)) {
      Files.writeString(plugin, """
          #!/bin/sh
          # CloudEdge lab test plugin: reads the PluginRequest, answers an empty PluginResult.
          cat >/dev/null
          printf '{"apiVersion":"plugin.routerd.net/v1alpha1","kind":"PluginResult","metadata":{"name":"fedqual"},"status":{"ttl":"30m","resources":[]}}\\n'
          """, StandardCharsets.UTF_8);
      Files.setPosixFilePermissions(plugin, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
  }

  private String group(String name, String node, int listenPort) {
    return group(name, node, secretFile(name), "127.0.0.1", listenPort);
  }

  static String group(String name, String node, Path secret, String listenHost, int listenPort) {
    return "apiVersion: federation.routerd.net/v1alpha1\nkind: EventGroup\nmetadata:\n  name: " + name + "\nspec:\n"
        + "  nodeName: " + node + "\n  auth:\n    mode: hmac\n    secretFile: " + secret + "\n"
        + (listenPort > 0 ? "  listen:\n    address: " + listenHost + "\n    port: " + listenPort + "\n" : "")
        + "---\n";
  }

  static String slo(String group, int warn, int fail, int soon, int pending, int failed) {
    return "apiVersion: federation.routerd.net/v1alpha1\nkind: FederationSLO\nmetadata:\n  name: " + group + "-slo\nspec:\n"
        + "  groupRef: " + group + "\n  delivery:\n    lagWarnSeconds: " + warn + "\n    lagFailSeconds: " + fail
        + "\n    expiresSoonSeconds: " + soon + "\n  subscription:\n    maxPendingRuns: " + pending + "\n    maxFailedRuns: "
        + failed + "\n---\n";
  }

  static String node(String name) {
    // Short ticks and backoffs: the lab recovers in seconds, not the 10 s routerd tick. A 3 s
    // attempt bound (routerd: 30 s) lets a dropped push fail within the scenarios' 30 s window: with
    // a black hole (drop) each attempt lasts its whole timeout.
    return "apiVersion: cloudedge.dev/v1alpha1\nkind: EventNode\nmetadata:\n  name: " + name + "\nspec:\n"
        + "  pushInterval: 1s\n  pruneInterval: 1m\n  pushTimeout: 3s\n  pushRetry:\n    maxAttempts: 2\n    baseBackoff: 100ms\n"
        + "    maxBackoff: 500ms\n    maxTickBackoff: 2s\n---\n";
  }

  static String peer(String name, String group, String node, String endpoint) {
    return "apiVersion: federation.routerd.net/v1alpha1\nkind: EventPeer\nmetadata:\n  name: " + name + "\nspec:\n"
        + "  groupRef: " + group + "\n  nodeName: " + node + "\n  endpoint: " + endpoint + "\n"
        + "  types:\n    - routerd.client.ipv4.observed\n---\n";
  }

  private String senderYaml() {
    return "# CloudEdge lab: sender. Group A goes through the partition proxy; group B goes direct.\n"
        + group(GROUP_A, SENDER, senderPortA) + group(GROUP_B, SENDER, 0)
        + peer(RECEIVER, GROUP_A, RECEIVER, receiverEndpoint())
        + peer(RECEIVER + "-" + GROUP_B, GROUP_B, RECEIVER, "http://127.0.0.1:" + receiverPortB)
        + slo(GROUP_A, 30, 120, 60, 5, 3) + slo(GROUP_B, 60, 240, 120, 10, 5) + node(SENDER);
  }

  private String receiverYaml() {
    return "# CloudEdge lab: receiver, with the qualification subscription and its test plugin. It peers back\n"
        + "# to the sender in group A (direct, not through the proxy).\n"
        + group(GROUP_A, RECEIVER, receiverPortA) + group(GROUP_B, RECEIVER, receiverPortB)
        + peer(SENDER, GROUP_A, SENDER, "http://127.0.0.1:" + senderPortA)
        + slo(GROUP_A, 30, 120, 60, 5, 3) + slo(GROUP_B, 60, 240, 120, 10, 5) + node(RECEIVER)
        + subscription(plugin());
  }

  /** The test Plugin and the qualification's EventSubscription on the receiver. */
  static String subscription(Path plugin) {
    return "apiVersion: plugin.routerd.net/v1alpha1\nkind: Plugin\nmetadata:\n  name: " + PLUGIN + "\nspec:\n"
        + "  executable: " + plugin + "\n  timeout: 5s\n---\n"
        + "apiVersion: federation.routerd.net/v1alpha1\nkind: EventSubscription\nmetadata:\n  name: " + SUBSCRIPTION + "\nspec:\n"
        + "  groupRef: " + GROUP_A + "\n  match:\n    types:\n      - routerd.client.ipv4.observed\n"
        + "  trigger:\n    pluginRef: " + PLUGIN + "\n";
  }

  /** The group's secret file (0600). */
  public Path secretFile(String group) {
    return dir.resolve("secrets").resolve(group + ".key");
  }

  public Path senderConfig() {
    return dir.resolve("sender.yaml");
  }

  public Path receiverConfig() {
    return dir.resolve("receiver.yaml");
  }

  public Path senderState() {
    return dir.resolve("sender.db");
  }

  public Path receiverState() {
    return dir.resolve("receiver.db");
  }

  public Path plugin() {
    return dir.resolve("plugins").resolve(PLUGIN);
  }

  public Path proxyState() {
    return dir.resolve("proxy.state");
  }

  /** The sender's endpoint for the receiver in group A: the proxy. */
  public String receiverEndpoint() {
    return "http://127.0.0.1:" + proxyPort;
  }

  /** A topology id derived from the lab directory, so one lab directory is qualified by one run at a time. */
  public String topologyId() {
    return topologyIdOf(dir);
  }

  static String topologyIdOf(Path dir) {
    try {
      byte[] h = MessageDigest.getInstance("SHA-256").digest(dir.toString().getBytes(StandardCharsets.UTF_8));
      return "lab-" + HexFormat.of().formatHex(h).substring(0, 12);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The topology the qualification runs against. */
  public Topology topology() {
    return new Topology(topologyId(), "lab", new NodeRef(SENDER, TaskQueues.node(SENDER)),
        new NodeRef(RECEIVER, TaskQueues.node(RECEIVER)), receiverEndpoint(), GROUP_A, GROUP_B, SUBSCRIPTION);
  }
}
