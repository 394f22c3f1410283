package dev.cloudedge.federation.provider.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExecutorRunnerTest {
  @TempDir Path tmp;

  static final ExecuteActionRequest REQ = ExecuteActionRequest.of(new ExecuteActionRequest.Spec("assign-secondary-ip",
      "aws", "aws-prod", Map.of("address", "10.0.0.5/32", "nicRef", "eni-1"), Map.of("allowReassignment", "true"),
      "execute", "k1", Map.of()));

  Path script(String name, String body) throws Exception {
    Path p = tmp.resolve(name);
    Files.writeString(p, "#!/bin/sh\n" + body);
    Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
    return p;
  }

  static ExecutorPlugin plugin(Path exe, String timeout, Map<String, String> env) {
    return new ExecutorPlugin("x-executor", exe.toString(), List.of(ExecutorPlugin.CAPABILITY), timeout, env);
  }

  static final String OK = "printf '{\"status\":{\"status\":\"succeeded\",\"message\":\"ok\"}}'\n";

  @Test
  void requestOnStdinAndCleanEnvironment() throws Exception {
    Path exe = script("env-exec", "cat > '" + tmp.resolve("stdin.json") + "'\nenv > '" + tmp.resolve("env.txt") + "'\n"
        + "test $# -eq 0 || exit 9\n" + OK);
    ExecutorRunner runner = new ExecutorRunner("/usr/bin:/bin");
    ExecutorRunner.Outcome o = runner.run(plugin(exe, "", Map.of("FAKE_OUTCOME", "skipped", " SPACED ", "v",
        "BAD=KEY", "x", "", "y")), REQ, null);
    assertEquals("succeeded", o.result().status().status());
    assertEquals("{\"apiVersion\":\"provideraction.routerd.net/v1alpha1\",\"kind\":\"ExecuteActionRequest\",\"spec\":"
        + "{\"action\":\"assign-secondary-ip\",\"provider\":\"aws\",\"providerRef\":\"aws-prod\",\"target\":{\"address\":"
        + "\"10.0.0.5/32\",\"nicRef\":\"eni-1\"},\"parameters\":{\"allowReassignment\":\"true\"},\"mode\":\"execute\","
        + "\"idempotencyKey\":\"k1\",\"context\":{}}}", Files.readString(tmp.resolve("stdin.json")));
    List<String> env = Files.readAllLines(tmp.resolve("env.txt")).stream()
        .filter(l -> !l.startsWith("PWD=") && !l.startsWith("SHLVL=") && !l.startsWith("_=")).sorted().toList();
    // Only PATH and spec.env; nothing of this JVM's environment (HOME, USER, AWS_*, ...) leaks.
    assertEquals(List.of("FAKE_OUTCOME=skipped", "PATH=/usr/bin:/bin", "SPACED=v"), env);
  }

  @Test
  void emptyOptionalFieldsAreOmitted() throws Exception {
    String json = ExecutorRunner.JSON.writeValueAsString(ExecuteActionRequest.of(new ExecuteActionRequest.Spec(
        "ensure-forwarding-enabled", "oci", "", Map.of(), Map.of(), "dry-run", "k2", Map.of())));
    assertEquals("{\"apiVersion\":\"provideraction.routerd.net/v1alpha1\",\"kind\":\"ExecuteActionRequest\",\"spec\":"
        + "{\"action\":\"ensure-forwarding-enabled\",\"provider\":\"oci\",\"mode\":\"dry-run\",\"idempotencyKey\":\"k2\","
        + "\"context\":{}}}", json);
    String res = ExecutorRunner.JSON.writeValueAsString(ExecuteActionResult.of("succeeded", "", Map.of(), false, ""));
    assertEquals("{\"apiVersion\":\"provideraction.routerd.net/v1alpha1\",\"kind\":\"ExecuteActionResult\","
        + "\"status\":{\"status\":\"succeeded\"}}", res);
  }

  @Test
  void refusalsNeverStartAProcess() throws Exception {
    Path marker = tmp.resolve("ran");
    Path exe = script("x", "touch '" + marker + "'\n" + OK);
    ExecutorRunner r = new ExecutorRunner("");
    ExecutorPlugin noCap = new ExecutorPlugin("x", exe.toString(), List.of("observe.cloud"), "", Map.of());
    assertEquals("executor refused: plugin lacks capability \"execute.providerAction\"",
        assertThrows(ExecutorException.class, () -> r.run(noCap, REQ, null)).getMessage());
    ExecuteActionRequest bad = ExecuteActionRequest.of(new ExecuteActionRequest.Spec("a", "aws", "", null, null,
        "apply", "k", null));
    assertEquals("executor refused: mode \"apply\" must be \"dry-run\" or \"execute\"",
        assertThrows(ExecutorException.class, () -> r.run(plugin(exe, "", Map.of()), bad, null)).getMessage());
    assertEquals("executor timeout must be greater than 0",
        assertThrows(ExecutorException.class, () -> r.run(plugin(exe, "0s", Map.of()), REQ, null)).getMessage());
    assertTrue(assertThrows(ExecutorException.class, () -> r.run(plugin(exe, "soon", Map.of()), REQ, null))
        .getMessage().startsWith("executor timeout must be a valid duration: "));
    assertEquals("plugin executable is required",
        assertThrows(ExecutorException.class, () -> r.run(plugin(Path.of(" "), "", Map.of()), REQ, null)).getMessage());
    Path notExec = tmp.resolve("plain");
    Files.writeString(notExec, "x");
    assertEquals("plugin executable \"" + notExec + "\" is not executable",
        assertThrows(ExecutorException.class, () -> r.run(plugin(notExec, "", Map.of()), REQ, null)).getMessage());
    assertEquals("plugin executable \"" + tmp + "\" is not a regular file",
        assertThrows(ExecutorException.class, () -> r.run(plugin(tmp, "", Map.of()), REQ, null)).getMessage());
    assertFalse(Files.exists(marker));
  }

  @Test
  void processFailuresHaveRouterdTexts() throws Exception {
    ExecutorRunner r = new ExecutorRunner("/usr/bin:/bin");
    Path slow = script("slow", "sleep 5\n" + OK);
    long t0 = System.nanoTime();
    ExecutorException timeout = assertThrows(ExecutorException.class,
        () -> r.run(plugin(slow, "200ms", Map.of()), REQ, null));
    assertEquals("executor " + slow + " timed out after 200ms", timeout.getMessage());
    assertEquals(ExecutorException.Kind.TIMEOUT, timeout.kind());
    assertTrue((System.nanoTime() - t0) / 1_000_000 < 4000, "the process tree was killed at the timeout");

    Path exit = script("exit", "echo 'aws-provider-executor: decode request: bad' >&2\nexit 3\n");
    assertEquals("executor " + exit + " failed: exit status 3: aws-provider-executor: decode request: bad",
        assertThrows(ExecutorException.class, () -> r.run(plugin(exit, "", Map.of()), REQ, null)).getMessage());
    Path garbage = script("garbage", "printf '{'\n");
    assertTrue(assertThrows(ExecutorException.class, () -> r.run(plugin(garbage, "", Map.of()), REQ, null))
        .getMessage().startsWith("decode executor " + garbage + " stdout: "));
    Path invalid = script("invalid", "printf '{\"status\":{\"status\":\"done\"}}'\n");
    assertEquals("executor " + invalid + " returned invalid status \"done\"",
        assertThrows(ExecutorException.class, () -> r.run(plugin(invalid, "", Map.of()), REQ, null)).getMessage());
    Path big = script("big", "head -c 5000000 /dev/zero | tr '\\0' 'a'\n");
    assertEquals("executor " + big + " protocol failure: stdout output exceeded 4194304-byte limit",
        assertThrows(ExecutorException.class, () -> r.run(plugin(big, "", Map.of()), REQ, null)).getMessage());
    // Unknown fields are ignored; apiVersion/kind are not checked (routerd).
    Path extra = script("extra", "printf '{\"kind\":\"Other\",\"x\":1,\"status\":{\"status\":\"skipped\",\"y\":2}}'\n");
    assertEquals("skipped", r.run(plugin(extra, "", Map.of()), REQ, null).result().status().status());
  }

  @Test
  void tickIsCalledWhileTheExecutorRuns() throws Exception {
    Path slow = script("slow-ok", "cat >/dev/null\nsleep 2\n" + OK);
    java.util.concurrent.atomic.AtomicInteger ticks = new java.util.concurrent.atomic.AtomicInteger();
    ExecutorRunner.Outcome o = new ExecutorRunner("/usr/bin:/bin").run(plugin(slow, "20s", Map.of()), REQ,
        ticks::incrementAndGet);
    assertEquals("succeeded", o.result().status().status());
    assertTrue(ticks.get() >= 1, "heartbeat ticks: " + ticks.get());
  }
}
