package dev.cloudedge.cli;

import dev.cloudedge.cli.options.CliSettings;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

/** Runs the CLI in-process with captured stdout/stderr (picocli "Testing Your Application"). */
record CliRun(int exitCode, String out, String err) {
  static final Instant NOW = Instant.parse("2026-05-30T12:00:00Z");

  static CliSettings settings(Path stateFile) {
    return new CliSettings(stateFile, Clock.fixed(NOW, ZoneOffset.UTC));
  }

  static CliRun run(CliSettings settings, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    // The tree main() builds: only the branch the arguments name.
    var cl = Cloudedge.commandLine(settings, args);
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(err));
    int code = cl.execute(args);
    return new CliRun(code, out.toString(), err.toString());
  }

  /** The single stderr line of a user error, without the program prefix. */
  String errorLine() {
    String[] lines = err.split("\n");
    if (lines.length != 1 || !out.isEmpty()) {
      throw new AssertionError("expected exactly one stderr line and no stdout, got stdout=<" + out + "> stderr=<"
          + err + ">");
    }
    return lines[0].replaceFirst("^cloudedge: ", "");
  }
}
