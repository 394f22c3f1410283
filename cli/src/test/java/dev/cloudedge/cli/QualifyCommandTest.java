package dev.cloudedge.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cloudedge.cli.options.CliSettings;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Setup errors of the harness exit 2 before anything is started or written (reference §6.2). */
class QualifyCommandTest {

  private record Run(int code, String err) {}

  private static Run run(Path tmp, String... args) {
    CommandLine cl = Cloudedge.commandLine(new CliSettings(tmp.resolve("state.db"), Clock.systemUTC()));
    StringWriter err = new StringWriter();
    cl.setErr(new PrintWriter(err));
    cl.setOut(new PrintWriter(new StringWriter()));
    return new Run(cl.execute(args), err.toString());
  }

  @Test
  void setupErrorsExitTwoAndCreateNoEvidence(@TempDir Path tmp) {
    Path ev = tmp.resolve("evidence");
    String[][] cases = {
      {"qualify", "run", "--evidence-dir", ev.toString(), "--cycles", "0"},
      {"qualify", "run", "--evidence-dir", ev.toString(), "--cycles", "x"},
      {"qualify", "run", "--evidence-dir", ev.toString(), "--duration", "0"},
      {"qualify", "run", "--evidence-dir", ev.toString(), "--scenarios", "healthy,foo"},
      {"qualify", "run", "--evidence-dir", ev.toString(), "--scenarios", ""},
      {"qualify", "run", "--cycles", "1"},
      {"qualify", "run", "--evidence-dir", ev.toString(), "--bogus"},
    };
    String[] expected = {"--cycles must be at least 1", "--cycles", "--duration must be at least 1",
        "unknown scenario: foo", "--scenarios must name at least one scenario", "--evidence-dir", "--bogus"};
    for (int i = 0; i < cases.length; i++) {
      Run r = run(tmp, cases[i]);
      assertEquals(2, r.code(), String.join(" ", cases[i]) + " -> " + r.err());
      assertTrue(r.err().contains(expected[i]), r.err());
      assertFalse(r.err().contains("\tat "), "no stack trace: " + r.err());
    }
    assertFalse(Files.exists(ev), "no evidence directory on a setup error");
  }

  @Test
  void startNeedsExactlyOneTopology(@TempDir Path tmp) {
    Run r = run(tmp, "qualify", "start", "--evidence-dir", tmp.resolve("e").toString());
    assertEquals(2, r.code());
    assertTrue(r.err().contains("--topology") && r.err().contains("--lab"), r.err());
    Run noLab = run(tmp, "qualify", "start", "--evidence-dir", tmp.resolve("e").toString(), "--lab", tmp.resolve("none").toString());
    assertEquals(2, noLab.code());
    assertTrue(noLab.err().contains("cloudedge lab up"), noLab.err());
  }
}
