package dev.cloudedge.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shipped jars as built by {@code package} (failsafe runs this after the shade): what a node
 * carries, what the dev-server jar adds, and that each runs as documented — the node jar alone
 * emits to SQLite and qualifies against a dev server that the two jars together run.
 */
class NodeJarIT {
  private static final Path NODE = Path.of("target", "cloudedge.jar").toAbsolutePath();
  private static final Path DEV = Path.of("..", "devserver", "target", "cloudedge-devserver.jar").toAbsolutePath().normalize();
  /** Entries a node must not carry: the test server, OkHttp and its runtime, natives for other systems. */
  private static final Pattern NOT_IN_NODE = Pattern.compile(
      "(io/temporal/testserver|io/temporal/internal/testservice|io/temporal/api/testservice|com/cronutils|okhttp3|okio|kotlin)/.*"
          + "|org/sqlite/native/(?!(Linux|Linux-Musl)/(x86_64|aarch64)/).+"
          + "|META-INF/native/.*(windows|osx).*");

  private static Set<String> node;
  private static Set<String> dev;

  @TempDir Path tmp;

  @BeforeAll
  static void read() throws IOException {
    node = entries(NODE);
    dev = entries(DEV);
  }

  private static Set<String> entries(Path jar) throws IOException {
    assertTrue(Files.isRegularFile(jar), jar + " is built by package");
    try (ZipFile z = new ZipFile(jar.toFile())) {
      Set<String> out = new TreeSet<>();
      z.stream().filter(e -> !e.isDirectory()).forEach(e -> out.add(e.getName()));
      return out;
    }
  }

  @Test
  void theNodeJarCarriesNoTestServerNoOkHttpAndLinuxNativesOnly() {
    List<String> banned = node.stream().filter(e -> NOT_IN_NODE.matcher(e).matches()).toList();
    assertEquals(List.of(), banned);
    for (String e : List.of("org/sqlite/native/Linux/x86_64/libsqlitejdbc.so", "org/sqlite/native/Linux/aarch64/libsqlitejdbc.so",
        "org/sqlite/native/Linux-Musl/x86_64/libsqlitejdbc.so", "META-INF/native/libio_grpc_netty_shaded_netty_tcnative_linux_x86_64.so",
        "META-INF/services/io.opentelemetry.sdk.common.export.GrpcSenderProvider", "dev/cloudedge/worker/EmbeddedTemporal.class")) {
      assertTrue(node.contains(e), e);
    }
  }

  @Test
  void theDevServerJarHoldsOnlyWhatTheNodeJarLacks() {
    Set<String> both = new TreeSet<>(dev);
    both.retainAll(node);
    assertEquals(Set.of("META-INF/MANIFEST.MF"), both);
    for (String e : List.of("dev/cloudedge/devserver/DevServer.class", "io/temporal/testserver/TestServer.class",
        "io/temporal/internal/testservice/InProcessGRPCServer.class", "META-INF/services/dev.cloudedge.worker.EmbeddedTemporal$Provider")) {
      assertTrue(dev.contains(e), e);
    }
  }

  @Test
  void theNodeJarAloneStoresEventsAndQualifiesAgainstTheDevServer() throws Exception {
    Path state = tmp.resolve("state.db");
    Run emit = run(List.of(NODE), "federation", "event", "emit", "--state-file", state.toString(), "--group", "cloudedge",
        "--type", "routerd.client.ipv4.observed", "--id", "evt-1", "--subject", "10.88.60.9/32");
    assertEquals(0, emit.code(), "SQLite's Linux native loads from the node jar: " + emit);

    int port = freePort();
    Run missing = run(List.of(NODE), "server", "start-dev", "--port", Integer.toString(port));
    assertEquals(ExitCodes.USAGE, missing.code(), missing.toString());
    assertTrue(missing.err().startsWith("cloudedge: the embedded Temporal server is not installed: ")
        && missing.err().lines().count() == 1, missing.toString());

    Process server = new ProcessBuilder(java(List.of(NODE, DEV), "server", "start-dev", "--port", Integer.toString(port)))
        .redirectErrorStream(true).start();
    try {
      String first = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8)).readLine();
      assertTrue(first != null && first.startsWith("Temporal dev server (in-memory, real time) on 127.0.0.1:" + port), first);
      // A qualification whose Temporal client and workers run from the node jar, without the test
      // server's in-process classes that temporal-serviceclient would otherwise bring.
      Run q = run(List.of(NODE), "qualify", "run", "--address", "127.0.0.1:" + port, "--evidence-dir",
          tmp.resolve("evidence").toString(), "--cycles", "1", "--scenarios", "healthy", "--duration", "120");
      assertEquals(0, q.code(), q.toString());
      assertTrue(q.out().contains(": pass (exit 0)"), q.out());
    } finally {
      server.destroy();
      if (!server.waitFor(20, TimeUnit.SECONDS)) {
        server.destroyForcibly();
      }
    }
  }

  private record Run(int code, String out, String err) {}

  private static List<String> java(List<Path> classPath, String... args) {
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-XX:TieredStopAtLevel=1", "-cp", String.join(java.io.File.pathSeparator, classPath.stream().map(Path::toString).toList()),
        Cloudedge.class.getName()));
    cmd.addAll(List.of(args));
    return cmd;
  }

  private Run run(List<Path> classPath, String... args) throws Exception {
    Path out = Files.createTempFile(tmp, "out", ".txt");
    Path err = Files.createTempFile(tmp, "err", ".txt");
    ProcessBuilder pb = new ProcessBuilder(java(classPath, args)).redirectOutput(out.toFile()).redirectError(err.toFile());
    pb.environment().remove("TEMPORAL_ADDRESS");
    Process p = pb.start();
    if (!p.waitFor(180, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError(String.join(" ", args) + " did not finish within 180 s");
    }
    return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket()) {
      s.bind(new InetSocketAddress("127.0.0.1", 0));
      return s.getLocalPort();
    }
  }
}
