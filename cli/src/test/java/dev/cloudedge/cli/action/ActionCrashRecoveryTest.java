package dev.cloudedge.cli.action;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cloudedge.cli.Cloudedge;
import dev.cloudedge.federation.store.FederationStore;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * A real crash between the cloud call and the journal write: {@code cloudedge action execute} runs
 * in a child JVM, its executor applies the change to a simulated cloud and hangs, and the JVM is
 * killed with SIGKILL. The row is left {@code running} with its call marker. After the stale
 * timeout, {@code action recover} requeues it and the next {@code execute} observes the effect and
 * records success without applying it a second time.
 */
class ActionCrashRecoveryTest {
  @TempDir Path tmp;

  String run(Path db, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cl = Cloudedge.commandLine();
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    List<String> all = new ArrayList<>(List.of(args));
    all.add("--state-file");
    all.add(db.toString());
    int code = cl.execute(all.toArray(String[]::new));
    return code + ":" + out + err;
  }

  @Test
  void killedDuringTheCloudCallIsRecoveredWithoutASecondAssignment() throws Exception {
    Path db = tmp.resolve("state.db");
    Path cloud = Files.createDirectories(tmp.resolve("cloud"));
    Path exe = tmp.resolve("executor");
    Files.writeString(exe, """
        #!/bin/sh
        req=$(cat)
        cloud='%CLOUD%'
        case "$req" in
          *'"mode":"dry-run"'*)
            if [ -s "$cloud/applied" ]; then eff=',"effectPresent":"true"'; else eff=''; fi
            printf '{"status":{"status":"succeeded","message":"would assign","observed":{"currentSecondaryIps":"%s"%s}}}\\n' "$(cat "$cloud/applied" 2>/dev/null)" "$eff"
            exit 0;;
        esac
        echo 10.88.60.9 >> "$cloud/applied"
        if [ ! -f "$cloud/crashed-once" ]; then touch "$cloud/crashed-once"; echo $$ > "$cloud/pid"; exec sleep 120; fi
        printf '{"status":{"status":"succeeded","message":"assigned 10.88.60.9 to eni-1"}}\\n'
        """.replace("%CLOUD%", cloud.toString()));
    Files.setPosixFilePermissions(exe, PosixFilePermissions.fromString("rwxr-xr-x"));
    Path config = tmp.resolve("config.yaml");
    Files.writeString(config, """
        apiVersion: hybrid.routerd.net/v1alpha1
        kind: ProviderActionPolicy
        metadata: {name: p}
        spec: {enabled: true, dryRunOnly: false, allowedProviders: [aws], allowedActions: [assign-secondary-ip],
               maxActionsPerRun: 1}
        ---
        apiVersion: plugin.routerd.net/v1alpha1
        kind: Plugin
        metadata: {name: aws-executor}
        spec: {executable: %EXE%, capabilities: [execute.providerAction], timeout: 150s}
        """.replace("%EXE%", exe.toString()));
    Path plans = tmp.resolve("plans.yaml");
    Files.writeString(plans, """
        - name: aws-assign-10-88-60-9-32
          provider: aws
          action: assign-secondary-ip
          target: {nicRef: eni-1, address: 10.88.60.9/32, region: ap-northeast-1}
          idempotencyKey: aws:eni-1:assign-secondary-ip:10.88.60.9/32
        """);
    assertTrue(run(db, "action", "import", "--plans", plans.toString()).startsWith("0:imported 1 action(s): 1 inserted"));
    assertTrue(run(db, "action", "approve", "1", "--by", "alice").startsWith("0:"));

    String java = ProcessHandle.current().info().command().orElse("java");
    Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), Cloudedge.class.getName(),
        "action", "execute", "1", "--approved", "--config", config.toString(), "--state-file", db.toString())
        .redirectErrorStream(true).redirectOutput(tmp.resolve("child.log").toFile()).start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!Files.exists(cloud.resolve("pid")) && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    assertTrue(Files.exists(cloud.resolve("pid")), "the executor reached the cloud call: " + Files.readString(
        tmp.resolve("child.log")));
    child.destroyForcibly();
    child.waitFor(30, TimeUnit.SECONDS);
    long sleeper = Long.parseLong(Files.readString(cloud.resolve("pid")).trim());
    ProcessHandle.of(sleeper).ifPresent(ProcessHandle::destroyForcibly);

    try (FederationStore store = FederationStore.open(db)) {
      assertEquals(List.of("running"), store.query("SELECT status FROM action_executions WHERE id = 1", List.of(),
          rs -> rs.getString(1)));
      assertEquals(1, store.query("SELECT call_started_at FROM action_executions WHERE id = 1 AND "
          + "call_started_at IS NOT NULL", List.of(), rs -> rs.getString(1)).size());
      // The stale timeout (2m) passes.
      store.update("UPDATE action_executions SET updated_at = ? WHERE id = 1",
          Instant.now().minusSeconds(180).toString());
    }
    assertEquals("0:requeued 1 stale running action(s): [1]\n", run(db, "action", "recover"));
    String out = run(db, "action", "execute", "1", "--approved", "--config", config.toString());
    assertEquals("0:action 1 executed: status now succeeded (effect already present after an interrupted attempt; "
        + "not re-applied (would assign))\n", out);
    assertEquals(List.of("10.88.60.9"), Files.readAllLines(cloud.resolve("applied")));
    String audit = run(db, "action", "journal", "--audit", "--id", "1");
    assertTrue(audit.contains("recovered") && audit.contains("call-started"), audit);
  }
}
