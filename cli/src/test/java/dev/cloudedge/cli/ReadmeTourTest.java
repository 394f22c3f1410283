package dev.cloudedge.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Walks the README's "A short tour" as written: every {@code $ } command of the section, up to the
 * qualification (which other tests run), is taken from README.md itself and run with bash in a
 * copy of the repository's layout, {@code bin/cloudedge} being the CLI of this build. The only
 * change is the demo directory ({@code /tmp/cloudedge-demo}, a temporary one here). Both eventd
 * commands run as real processes on the example configs' loopback ports. Each command must exit
 * as the README says, print no stack trace, and the event emitted on the sender must reach the
 * receiver.
 */
class ReadmeTourTest {
  private static final String DEMO = "/tmp/cloudedge-demo";

  @TempDir Path tmp;

  record Step(String command, int exit, String out, String err) {}

  /** The tour's commands, continuation lines joined, comments dropped, in order. */
  static List<String> tourCommands(String readme) {
    int from = readme.indexOf("\n## A short tour");
    int to = readme.indexOf("\n## ", from + 1);
    assertTrue(from >= 0 && to > from, "README has a 'A short tour' section");
    List<String> cmds = new ArrayList<>();
    boolean inConsole = false;
    StringBuilder cont = null;
    for (String line : readme.substring(from, to).split("\n", -1)) {
      if (line.startsWith("```")) {
        inConsole = line.startsWith("```console") && !inConsole;
        continue;
      }
      if (!inConsole) {
        continue;
      }
      String l = cont != null ? line.trim() : line.startsWith("$ ") ? line.substring(2) : null;
      if (l == null) {
        continue;
      }
      if (l.endsWith("\\")) {
        cont = (cont == null ? new StringBuilder() : cont).append(l, 0, l.length() - 1).append(' ');
        continue;
      }
      String cmd = (cont == null ? "" : cont.toString()) + l;
      cont = null;
      cmd = cmd.replaceAll("\\s+#\\s.*$", "").trim();
      if (cmd.startsWith("scripts/cloudedge-federation-qualification.sh")) {
        break;
      }
      cmds.add(cmd);
    }
    return cmds;
  }

  @Test
  @Timeout(value = 4, unit = TimeUnit.MINUTES)
  void theTourRunsAsWritten() throws Exception {
    Path repo = Path.of(System.getProperty("user.dir")).getParent();
    String readme = Files.readString(repo.resolve("README.md"));
    List<String> cmds = tourCommands(readme);
    assertTrue(cmds.size() >= 9, "the tour has its commands: " + cmds);

    // The layout the commands expect: bin/cloudedge and docs/examples, with the demo directory moved.
    Path root = tmp.resolve("clone");
    Path demo = tmp.resolve("demo");
    Files.createDirectories(root.resolve("bin"));
    Files.createDirectories(root.resolve("docs/examples"));
    for (String f : List.of("sender.yaml", "receiver.yaml")) {
      Files.writeString(root.resolve("docs/examples").resolve(f),
          Files.readString(repo.resolve("docs/examples").resolve(f)).replace(DEMO, demo.toString()));
    }
    Path shim = root.resolve("bin/cloudedge");
    Files.writeString(shim, "#!/usr/bin/env bash\nexec '" + Path.of(System.getProperty("java.home"), "bin", "java")
        + "' -XX:TieredStopAtLevel=1 -cp '" + System.getProperty("java.class.path") + "' " + Cloudedge.class.getName()
        + " \"$@\"\n");
    Files.setPosixFilePermissions(shim, PosixFilePermissions.fromString("rwxr-xr-x"));

    Map<String, String> env = new HashMap<>();
    List<Process> daemons = new ArrayList<>();
    List<Step> steps = new ArrayList<>();
    try {
      for (String raw : cmds) {
        String cmd = raw.replace(DEMO, demo.toString());
        if (cmd.startsWith("export ")) {
          String[] kv = cmd.substring("export ".length()).split("=", 2);
          env.put(kv[0], kv[1]);
          continue;
        }
        if (cmd.startsWith("bin/cloudedge eventd ")) {
          daemons.add(startDaemon(root, env, cmd, tmp.resolve("eventd-" + daemons.size() + ".out")));
          continue;
        }
        if (cmd.contains("deliveries summary")) {
          // The push is asynchronous: the summary shows the delivery within a few seconds.
          Step s = null;
          long until = System.currentTimeMillis() + 60_000;
          do {
            if (s != null) {
              Thread.sleep(300);
            }
            s = run(root, env, cmd);
          } while (!s.out().matches("(?s).*\\ncloudedge\\s+cloud\\s+1\\s+1\\s.*") && System.currentTimeMillis() < until);
          steps.add(s);
          continue;
        }
        steps.add(run(root, env, cmd));
      }
    } finally {
      for (Process p : daemons) {
        p.destroy();
        if (!p.waitFor(20, TimeUnit.SECONDS)) {
          p.destroyForcibly();
        }
      }
    }
    for (Process p : daemons) {
      assertEquals(0, p.exitValue(), "eventd exits 0 on SIGTERM");
    }
    StringBuilder all = new StringBuilder();
    for (Step s : steps) {
      all.append("$ ").append(s.command()).append(" -> ").append(s.exit()).append('\n').append(s.out()).append(s.err());
    }
    for (Step s : steps) {
      boolean doctor = s.command().contains("doctor federation");
      assertTrue(s.exit() == 0 || (doctor && s.exit() == 1), "exit " + s.exit() + ": " + s.command() + "\n" + all);
      assertFalse(s.err().contains("Exception") || s.err().contains("\tat "), "no stack trace: " + s.command() + "\n" + s.err());
    }
    Step validate = steps.get(0);
    assertTrue(validate.out().startsWith("OK: 4 resources in 1 file"), validate.out());
    Step emit = steps.stream().filter(s -> s.command().contains("event emit")).findFirst().orElseThrow();
    assertTrue(emit.out().startsWith("ID ") && emit.out().contains("10.88.60.9/32"), emit.out());
    String id = emit.out().lines().skip(1).findFirst().orElse("").split("\\s+")[0];
    Step summary = steps.stream().filter(s -> s.command().contains("deliveries summary")).findFirst().orElseThrow();
    assertTrue(summary.out().matches("(?s).*\\ncloudedge\\s+cloud\\s+1\\s+1\\s.*"), "delivered: " + summary.out());
    Step onReceiver = steps.stream().filter(s -> s.command().contains("cloud.db -o json")).findFirst().orElseThrow();
    assertTrue(onReceiver.out().contains(id), "the receiver stored " + id + ": " + onReceiver.out());
    assertTrue(steps.stream().anyMatch(s -> s.command().contains("doctor federation") && s.out().contains("cloudedge")), all.toString());
  }

  private static Process startDaemon(Path root, Map<String, String> env, String cmd, Path out) throws Exception {
    ProcessBuilder pb = new ProcessBuilder("bash", "-c", "exec " + cmd).directory(root.toFile());
    pb.environment().putAll(env);
    pb.redirectErrorStream(true).redirectOutput(out.toFile());
    Process p = pb.start();
    long until = System.currentTimeMillis() + 60_000;
    while (!Files.readString(out).contains("eventd: ready")) {
      if (!p.isAlive() || System.currentTimeMillis() > until) {
        p.destroyForcibly();
        throw new AssertionError("'" + cmd + "' did not get ready: " + Files.readString(out));
      }
      Thread.sleep(100);
    }
    return p;
  }

  private static Step run(Path root, Map<String, String> env, String cmd) throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder("bash", "-c", cmd).directory(root.toFile());
    pb.environment().putAll(env);
    pb.environment().remove("CLOUDEDGE_STATE_FILE");
    pb.environment().putAll(env);
    Path o = Files.createTempFile(root, "out", ".txt");
    Path e = Files.createTempFile(root, "err", ".txt");
    pb.redirectOutput(o.toFile()).redirectError(e.toFile());
    Process p = pb.start();
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("'" + cmd + "' did not finish in 60 s");
    }
    return new Step(cmd, p.exitValue(), Files.readString(o, StandardCharsets.UTF_8), Files.readString(e, StandardCharsets.UTF_8));
  }
}
