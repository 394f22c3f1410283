package dev.cloudedge.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the real CLI entry point as a child JVM: proves the process exit codes (System.exit in
 * main), that the state file default comes from {@code CLOUDEDGE_STATE_FILE}, and that a user
 * error prints one line and no stack trace.
 */
class CliProcessTest {
  @TempDir Path dir;

  record Result(int exit, String out, String err) {}

  private Result cloudedge(Path stateFile, String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-XX:TieredStopAtLevel=1", "-Xshare:auto",
        "-cp", System.getProperty("java.class.path"),
        Cloudedge.class.getName()));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.environment().put("CLOUDEDGE_STATE_FILE", stateFile.toString());
    pb.environment().remove("CLOUDEDGE_DEBUG");
    Path out = dir.resolve("stdout.txt");
    Path err = dir.resolve("stderr.txt");
    pb.redirectOutput(out.toFile());
    pb.redirectError(err.toFile());
    Process p = pb.start();
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("cloudedge " + String.join(" ", args) + " did not finish in 60 s");
    }
    return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
        Files.readString(err, StandardCharsets.UTF_8));
  }

  @Test
  void exitCodesAndNoStackTraces() throws Exception {
    Path db = dir.resolve("node").resolve("state.db");

    Result usage = cloudedge(db, "federation", "event", "emit", "--type", "t");
    assertEquals(ExitCodes.USAGE, usage.exit());
    assertEquals("", usage.out());
    assertEquals("cloudedge: --group is required\n", usage.err());
    assertFalse(Files.exists(db), "a usage error creates nothing");

    Result emit = cloudedge(db, "federation", "event", "emit", "--group", "cloudedge", "--type",
        "routerd.client.ipv4.observed", "--id", "evt-1", "--subject", "10.88.60.9/32", "-o", "json");
    assertEquals(ExitCodes.OK, emit.exit(), emit.err());
    assertTrue(emit.out().contains("\"id\": \"evt-1\""), emit.out());
    assertTrue(Files.exists(db), "the default state file comes from CLOUDEDGE_STATE_FILE");

    Result list = cloudedge(db, "fed", "event", "list", "--group", "nothing-here", "-o", "json");
    assertEquals(ExitCodes.OK, list.exit(), list.err());
    assertEquals("[]\n", list.out());

    Files.write(dir.resolve("corrupt.db"), "this is not a database, just some text bytes...".repeat(100)
        .getBytes(StandardCharsets.UTF_8));
    Result corrupt = cloudedge(db, "fed", "event", "list", "--state-file", dir.resolve("corrupt.db").toString());
    assertEquals(ExitCodes.USAGE, corrupt.exit());
    assertEquals(1, corrupt.err().lines().count(), corrupt.err());
    assertTrue(corrupt.err().contains(dir.resolve("corrupt.db").toString()), corrupt.err());
    for (Result r : List.of(usage, corrupt)) {
      assertFalse(r.err().contains("Exception") || r.err().contains("\tat "), r.err());
    }

    Result validate = cloudedge(db, "validate", "--config", "../docs/examples/receiver.yaml");
    assertEquals(ExitCodes.OK, validate.exit(), validate.err());
    Result badConfig = cloudedge(db, "validate", "--config", dir.resolve("missing.yaml").toString());
    assertEquals(ExitCodes.USAGE, badConfig.exit());
    assertEquals("cloudedge: config file " + dir.resolve("missing.yaml") + " does not exist\n", badConfig.err());

    Result version = cloudedge(db, "--version");
    assertEquals(ExitCodes.OK, version.exit());
    assertTrue(version.out().startsWith("cloudedge "), version.out());
  }
}
