package dev.cloudedge.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cloudedge.cli.options.CliSettings;
import dev.cloudedge.worker.EmbeddedLab;
import dev.cloudedge.worker.EmbeddedTemporal;
import dev.cloudedge.worker.TemporalSettings;
import dev.cloudedge.worker.lab.TcpProxy;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code qualify schedule create|list|show|trigger|delete} through the real commands against the
 * embedded server and a running lab: a fire starts a real qualification whose evidence lands in
 * its own directory, and the listing says what happened.
 */
class QualifyScheduleCliTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String COMMIT = "0123456789abcdef0123456789abcdef01234567";

  @TempDir Path tmp;

  private record Run(int code, String out, String err) {}

  private Run cli(String address, String... args) {
    List<String> a = new ArrayList<>(List.of(args));
    a.addAll(3, List.of("--address", address));
    CommandLine cl = Cloudedge.commandLine(new CliSettings(tmp.resolve("state.db"), Clock.systemUTC()));
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    int code = cl.execute(a.toArray(String[]::new));
    return new Run(code, out.toString(), err.toString());
  }

  @Test
  @Timeout(value = 3, unit = TimeUnit.MINUTES)
  void aScheduleRunsQualificationsWithTheirOwnEvidenceAndIsDeletedAtOnce() throws Exception {
    try (EmbeddedTemporal server = EmbeddedTemporal.start(freePort())) {
      String addr = server.address();
      Path labDir = tmp.resolve("lab");
      Path ev = tmp.resolve("nightly-evidence");
      TemporalSettings settings = TemporalSettings.fromEnvironment(Map.of("TEMPORAL_ADDRESS", addr));
      try (EmbeddedLab lab = EmbeddedLab.start(settings, 0, labDir, TcpProxy.Mode.REFUSE)) {
        Run bad = cli(addr, "qualify", "schedule", "create", "nightly", "--cron", "0 25 * * *", "--lab", labDir.toString(),
            "--evidence-dir", ev.toString(), "--commit", COMMIT);
        assertEquals(2, bad.code(), bad.err());
        assertTrue(bad.err().contains("--cron: cron expression '0 25 * * *': hour value 25 is outside 0-23"), bad.err());
        Run withRunId = cli(addr, "qualify", "schedule", "create", "nightly", "--every", "24h", "--lab", labDir.toString(),
            "--evidence-dir", ev.toString(), "--commit", COMMIT, "--run-id", "20261201T010000Z-federation-qual");
        assertEquals(2, withRunId.code(), withRunId.err());
        assertTrue(withRunId.err().contains("--run-id does not apply to a schedule"), withRunId.err());

        Run created = cli(addr, "qualify", "schedule", "create", "nightly", "--cron", "0 2 * * *", "--lab", labDir.toString(),
            "--evidence-dir", ev.toString(), "--scenarios", "healthy", "--commit", COMMIT);
        assertEquals(0, created.code(), created.err());
        assertTrue(created.out().startsWith("schedule nightly created: cron \"0 2 * * *\" UTC, first run at ")
            && created.out().contains("T02:00:00Z"), created.out());
        assertFalse(created.err().contains("warning"), "the lab's control worker polls: " + created.err());
        Run twice = cli(addr, "qualify", "schedule", "create", "nightly", "--every", "6h", "--lab", labDir.toString(),
            "--evidence-dir", ev.toString(), "--commit", COMMIT);
        assertEquals(2, twice.code(), twice.err());
        assertTrue(twice.err().contains("schedule nightly already exists"), twice.err());

        Run trigger = cli(addr, "qualify", "schedule", "trigger", "nightly");
        assertEquals(0, trigger.code(), trigger.err());
        JsonNode run = null;
        long until = System.currentTimeMillis() + 120_000;
        while (run == null || run.path("outcome").asText().equals("running")) {
          assertTrue(System.currentTimeMillis() < until, "the triggered run never ended: " + run);
          Thread.sleep(500);
          Run show = cli(addr, "qualify", "schedule", "show", "nightly", "-o", "json");
          assertEquals(0, show.code(), show.err());
          JsonNode recent = JSON.readTree(show.out()).path("status").path("recent");
          run = recent.size() == 0 ? null : recent.get(0);
        }
        assertEquals("pass", run.path("outcome").asText(), run.toString());
        assertEquals("manual", run.path("trigger").asText());
        String runId = run.path("runId").asText();
        assertEquals(ev.resolve(runId).toString(), run.path("evidenceDir").asText());
        JsonNode meta = JSON.readTree(ev.resolve(runId).resolve("run-metadata.json").toFile());
        assertEquals(runId, meta.path("runId").asText(), meta.toString());
        assertTrue(Files.exists(ev.resolve(runId).resolve("cycle-001/healthy.json")));

        Run list = cli(addr, "qualify", "schedule", "list");
        assertEquals(0, list.code(), list.err());
        String row = list.out().lines().filter(l -> l.startsWith("nightly ")).findFirst().orElse("");
        assertTrue(row.matches("nightly\\s+cron \"0 2 \\* \\* \\*\" UTC\\s+lab-\\S+\\s+\\S+T02:00:00Z\\s+1\\s+0\\s+"
            + runId + "\\s+pass\\s*"), list.out());

        Run delete = cli(addr, "qualify", "schedule", "delete", "nightly");
        assertEquals(0, delete.code(), delete.err());
        assertEquals("schedule nightly deleted\n", delete.out());
        Run gone = cli(addr, "qualify", "schedule", "show", "nightly");
        assertEquals(2, gone.code(), gone.err());
        assertTrue(gone.err().contains("no schedule nightly"), gone.err());
        Run empty = cli(addr, "qualify", "schedule", "list");
        assertEquals(0, empty.code(), empty.err());
        assertFalse(empty.out().contains("nightly"), empty.out());
      }
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket()) {
      s.bind(new InetSocketAddress("127.0.0.1", 0));
      return s.getLocalPort();
    }
  }
}
