package dev.cloudedge.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * bin/cloudedge as shipped, after {@code package}: it runs the short commands from the class-data
 * archive the build made, gives eventd its lean settings, and {@code bench footprint} measures both
 * (a short run: the figures depend on the machine, the table's shape and the answers do not).
 */
class LauncherIT {
  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  private static final Path LAUNCHER = ROOT.resolve("bin/cloudedge");
  private static final Path TARGET = Path.of("target").toAbsolutePath();

  @TempDir Path tmp;

  private record Run(int code, String out, String err) {}

  private Run run(Map<String, String> env, String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(LAUNCHER.toString()));
    cmd.addAll(List.of(args));
    Path out = Files.createTempFile(tmp, "out", ".txt");
    Path err = Files.createTempFile(tmp, "err", ".txt");
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile());
    pb.environment().remove("CLOUDEDGE_JAVA_OPTS");
    pb.environment().remove("CLOUDEDGE_EVENTD_JAVA_OPTS");
    pb.environment().putAll(env);
    Process p = pb.start();
    if (!p.waitFor(600, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError(String.join(" ", args) + " did not finish within 600 s");
    }
    return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
  }

  @Test
  void theBuildLeavesAnArchiveAndTheNativeLibraryThatTheLauncherUses() throws Exception {
    Path jar = TARGET.resolve("cloudedge.jar");
    Path jsa = TARGET.resolve("cloudedge.jsa");
    Path lib = TARGET.resolve("native/libsqlitejdbc.so");
    assertTrue(Files.isRegularFile(jsa), jsa + " is made by package (scripts/build-cds-archive.sh)");
    assertTrue(Files.isRegularFile(lib), lib + " is extracted by package");
    Path eventdJsa = TARGET.resolve("cloudedge-eventd.jsa");
    assertTrue(Files.isRegularFile(eventdJsa), eventdJsa + " is made by package from a started eventd");
    assertTrue(Files.getLastModifiedTime(jsa).compareTo(Files.getLastModifiedTime(jar)) > 0, "the archive is newer than the jar");

    Path state = tmp.resolve("state.db");
    Run emit = run(Map.of(), "federation", "event", "emit", "--state-file", state.toString(), "--group", "cloudedge",
        "--type", "routerd.client.ipv4.observed", "--subject", "10.88.60.9/32");
    assertEquals(0, emit.code(), emit.toString());
    // The application's own classes come from the archive, not from the jar.
    // sqlite-jdbc would extract its library into org.sqlite.tmpdir (and delete it at exit); one it
    // cannot write to proves the launcher made it load the library beside the jar instead.
    Run list = run(Map.of("CLOUDEDGE_JAVA_OPTS", "-Xlog:class+load=info:stderr -Dorg.sqlite.tmpdir=/dev/null/unwritable"),
        "federation", "event", "list",
        "--state-file", state.toString());
    assertEquals(0, list.code(), list.out() + list.err().lines().filter(l -> !l.startsWith("[")).toList());
    assertTrue(list.out().contains("10.88.60.9/32"), list.out());
    assertTrue(list.err().contains("dev.cloudedge.cli.FederationEventListCommand source: shared objects file"),
        "FederationEventListCommand is loaded from the archive");
    assertTrue(list.err().contains("org.sqlite.core.NativeDB source: shared objects file"), "so is sqlite-jdbc");

  }

  @Test
  void eventdRunsWithTheShippedSettingsAndTheJvmFlagsFollowTheCommand() throws Exception {
    Run flags = run(Map.of("CLOUDEDGE_JAVA_OPTS", "-XX:+PrintCommandLineFlags"), "--version");
    assertEquals(0, flags.code(), flags.toString());
    assertTrue(flags.out().contains("-XX:TieredStopAtLevel=1") && flags.out().contains("-XX:+UseSerialGC"),
        "a short command starts C1-only with the serial GC: " + flags.out());

    Run bench = run(Map.of("CLOUDEDGE_ROUTERD_DIR", routerdDir()), "bench", "footprint", "--runs", "1",
        "--events", "300", "--connections", "4", "--idle-seconds", "1");
    assertTrue(bench.code() == 0 || bench.code() == ExitCodes.FAILED, bench.toString());
    for (String row : List.of("java -version", "cloudedge --version", "federation event list", "doctor federation",
        "plugin run (event-to-remote-claim)", "executor run (aws)")) {
      assertTrue(Pattern.compile("(?m)^" + Pattern.quote(row) + " +\\d+ ms ").matcher(bench.out()).find(), row + ":\n" + bench.out());
    }
    for (String row : List.of("routerd-eventd", "cloudedge eventd (shipped settings)", "cloudedge eventd (JVM defaults)")) {
      Matcher m = Pattern.compile("(?m)^" + Pattern.quote(row) + " +([\\d.]+) MiB +([\\d.]+) MiB .* (\\d+)$").matcher(bench.out());
      assertTrue(m.find(), row + ":\n" + bench.out());
      assertTrue(Double.parseDouble(m.group(1)) > 1 && Double.parseDouble(m.group(2)) >= Double.parseDouble(m.group(1)),
          "idle and peak RSS are read from /proc: " + m.group());
      assertEquals("0", m.group(3), "every event was answered 200: " + m.group());
    }
    assertTrue(bench.out().contains("verdict: "), bench.out());
  }

  private static String routerdDir() {
    String dir = System.getenv("CLOUDEDGE_ROUTERD_DIR");
    Assumptions.assumeTrue(dir != null && !dir.isBlank(), "CLOUDEDGE_ROUTERD_DIR is not set (.ci/run sets it)");
    return dir;
  }
}
