package dev.cloudedge.federation.plugin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cloudedge.federation.config.ConfigLoader;
import dev.cloudedge.federation.config.FederationConfig;
import dev.cloudedge.federation.config.Resource;
import dev.cloudedge.federation.event.FederationEvent;
import dev.cloudedge.federation.testsupport.TestPlugins;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PluginRunnerTest {
  @TempDir Path dir;
  private final PluginRunner runner = new PluginRunner("/usr/bin:/bin");

  private static PluginKind.Plugin plugin(String name, Path exe, String timeout, Map<String, String> env) {
    return new PluginKind.Plugin(new Resource(PluginKind.API_VERSION, PluginKind.KIND, name, null, "test"),
        new PluginKind.PluginSpec(exe.toString(), List.of("propose.dynamicConfig"), timeout, env, null, null, ""));
  }

  private static PluginRequest request() {
    FederationEvent e = new FederationEvent("e1", "cloudedge", "onprem", "routerd.client.ipv4.observed",
        "10.88.60.9/32", "e1", Map.of("domain", "d"), Instant.parse("2026-05-30T11:22:50Z"), null);
    return PluginRequest.forSubscription("p", "claim-sub", Instant.parse("2026-05-30T12:00:00Z"), List.of(e),
        PluginRequest.Context.empty());
  }

  @Test
  void successDecodesResultAndDigestsStdout() {
    Path exe = TestPlugins.fixedResult(dir, "ok", TestPlugins.claimResult());
    PluginOutcome o = runner.run(plugin("ok", exe, "", Map.of()), request());
    assertTrue(o.ok(), o.error());
    assertEquals(0, o.exitCode());
    assertEquals(64, o.stdoutDigest().length());
    assertEquals("onprem-10-88-60-9", o.result().status().resources().get(0).metadata().name());
    assertTrue(o.result().status().resources().get(0).typed());
  }

  @Test
  void requestOnStdinNoArgvCleanEnvironment() throws Exception {
    Path seen = dir.resolve("seen");
    Files.createDirectory(seen);
    Path exe = TestPlugins.script(dir, "spy",
        "cat > " + seen + "/stdin\necho \"$#\" > " + seen + "/argc\nenv | sort > " + seen + "/env\n"
            + "cat <<'JSON'\n" + TestPlugins.claimResult() + "\nJSON");
    PluginOutcome o = runner.run(plugin("spy", exe, "5s", Map.of(" TOKEN_FOR_PLUGIN ", "v1", "", "dropped", "A=B", "x")),
        request());
    assertTrue(o.ok(), o.error());
    assertEquals("0", Files.readString(seen.resolve("argc")).trim());
    List<String> env = Files.readAllLines(seen.resolve("env")).stream()
        .filter(l -> !l.startsWith("PWD=") && !l.startsWith("SHLVL=") && !l.startsWith("_=")).toList();
    assertEquals(List.of("PATH=/usr/bin:/bin", "TOKEN_FOR_PLUGIN=v1"), env);
    JsonNode req = PluginJson.MAPPER.readTree(Files.readString(seen.resolve("stdin")));
    assertEquals("PluginRequest", req.path("kind").asText());
    assertEquals("{\"type\":\"federation-subscription\",\"topic\":\"routerd.federation.subscription/claim-sub\"}",
        req.path("spec").path("trigger").toString());
    assertEquals("", req.path("spec").path("startupConfigHash").asText("missing"));
    assertEquals(0, req.path("spec").path("effectiveGeneration").asInt(-1));
    assertEquals(0, req.path("spec").path("previousDynamicGeneration").asInt(-1));
    assertEquals("2026-05-30T12:00:00Z", req.path("spec").path("now").asText());
    assertEquals("{}", req.path("spec").path("context").toString());
    JsonNode ev = req.path("spec").path("events").get(0);
    assertEquals("{\"id\":\"e1\",\"group\":\"cloudedge\",\"sourceNode\":\"onprem\",\"type\":\"routerd.client.ipv4.observed\","
        + "\"subject\":\"10.88.60.9/32\",\"dedupeKey\":\"e1\",\"payload\":{\"domain\":\"d\"},"
        + "\"observedAt\":\"2026-05-30T11:22:50Z\",\"expiresAt\":\"0001-01-01T00:00:00Z\"}", ev.toString());
    assertEquals("{\"name\":\"p\"}", req.path("metadata").toString());
  }

  @Test
  void parentEnvironmentNeverReachesThePlugin() throws Exception {
    Path out = dir.resolve("env");
    Path exe = TestPlugins.script(dir, "env", "env > " + out + "\nexit 0");
    runner.run(plugin("env", exe, "", Map.of()), request());
    String env = Files.readString(out);
    assertFalse(env.contains("HOME="), env);
    assertFalse(env.contains("JAVA_HOME="), env);
  }

  @Test
  void timeoutKillsTheProcess() {
    Path exe = TestPlugins.script(dir, "slow", "sleep 1");
    PluginOutcome o = runner.run(plugin("slow", exe, "20ms", Map.of()), request());
    assertTrue(o.error().contains("timed out"), o.error());
    assertEquals("plugin slow timed out after 20ms", o.error());
    assertEquals(PluginException.Failure.TIMEOUT, o.failure().failure());
    assertNull(o.exitCode());
    // The script sleeps 1 s: a run that took less was killed at its timeout, not waited for.
    assertTrue(o.durationMs() < 900, "plugin ran " + o.durationMs() + " ms");
  }

  @Test
  void invalidJsonIsADecodeFailureWithDigest() {
    Path exe = TestPlugins.script(dir, "bad", "cat >/dev/null\necho '{'");
    PluginOutcome o = runner.run(plugin("bad", exe, "", Map.of()), request());
    assertTrue(o.error().startsWith("decode plugin bad stdout: "), o.error());
    assertEquals(PluginException.Failure.DECODE, o.failure().failure());
    assertFalse(o.stdoutDigest().isEmpty());
  }

  @Test
  void nonZeroExitKeepsStderr() {
    Path exe = TestPlugins.script(dir, "fail", "cat >/dev/null\necho 'no cloud today' >&2\nexit 3");
    PluginOutcome o = runner.run(plugin("fail", exe, "", Map.of()), request());
    assertEquals("plugin fail failed: exit status 3", o.error());
    assertEquals(3, o.exitCode());
    assertEquals("no cloud today\n", o.stderr());
  }

  @Test
  void stdoutOverLimitIsAProtocolFailure() {
    Path exe = TestPlugins.script(dir, "loud", "cat >/dev/null\nhead -c 4194305 /dev/zero");
    PluginOutcome o = runner.run(plugin("loud", exe, "10s", Map.of()), request());
    assertEquals("plugin loud protocol failure: stdout output exceeded 4194304-byte limit", o.error());
    assertEquals(PluginException.Failure.OUTPUT_LIMIT, o.failure().failure());
  }

  @Test
  void stderrOverLimitIsAProtocolFailureAndKeeps8KiB() {
    Path exe = TestPlugins.script(dir, "chatty", "cat >/dev/null\nhead -c 70000 /dev/zero | tr '\\0' x >&2\n"
        + "cat <<'JSON'\n" + TestPlugins.claimResult() + "\nJSON");
    PluginOutcome o = runner.run(plugin("chatty", exe, "10s", Map.of()), request());
    assertEquals("plugin chatty protocol failure: stderr output exceeded 65536-byte limit", o.error());
    assertEquals(PluginRunner.KEPT_STDERR, o.stderr().length());
  }

  @Test
  void executableChecks() throws Exception {
    PluginOutcome missing = runner.run(plugin("m", dir.resolve("nope"), "", Map.of()), request());
    assertEquals("plugin executable \"" + dir.resolve("nope") + "\" is not accessible: stat " + dir.resolve("nope")
        + ": no such file or directory", missing.error());
    assertNull(missing.exitCode());
    Path plain = dir.resolve("plain");
    Files.writeString(plain, "#!/bin/sh\n");
    assertEquals("plugin executable \"" + plain + "\" is not executable",
        runner.run(plugin("x", plain, "", Map.of()), request()).error());
    assertEquals("plugin executable \"" + dir + "\" is not a regular file",
        runner.run(plugin("d", dir, "", Map.of()), request()).error());
    assertEquals("plugin timeout must be a valid duration: time: invalid duration \"soon\"",
        runner.run(plugin("t", TestPlugins.script(dir, "t", "exit 0"), "soon", Map.of()), request()).error());
    assertEquals("plugin timeout must be greater than 0",
        runner.run(plugin("t", TestPlugins.script(dir, "t2", "exit 0"), "-1s", Map.of()), request()).error());
  }

  @Test
  void emptyStdoutDecodesToAnEmptyResult() {
    Path exe = TestPlugins.script(dir, "quiet", "cat >/dev/null");
    PluginOutcome o = runner.run(plugin("quiet", exe, "", Map.of()), request());
    assertTrue(o.ok(), o.error());
    assertEquals("", o.result().apiVersion());
  }

  @Test
  void unknownResourceKindIsRefusedAtDecode() {
    Path exe = TestPlugins.fixedResult(dir, "odd", """
        {"apiVersion":"plugin.routerd.net/v1alpha1","kind":"PluginResult","status":{"ttl":"5m",
         "resources":[{"apiVersion":"net.routerd.net/v1alpha1","kind":"Firewall","metadata":{"name":"f"},"spec":{}}]}}""");
    PluginOutcome o = runner.run(plugin("odd", exe, "", Map.of()), request());
    assertEquals("decode plugin odd stdout: unsupported resource kind Firewall in net.routerd.net/v1alpha1/Firewall/f",
        o.error());
  }

  @Test
  void contextIsAllowlistedAndRedacted() throws Exception {
    FederationConfig cfg = FederationConfig.of(ConfigLoader.parse("""
        apiVersion: net.routerd.net/v1alpha1
        kind: WireGuardInterface
        metadata: {name: wg0}
        spec:
          privateKey: PRIVATE-SECRET-XYZ
          privateKeyFile: /etc/routerd/wg.key
          listenPort: 51820
          peers:
            - {publicKey: pub, presharedKey: PSK-SECRET, endpoint: 192.0.2.1:51820}
          tokenFrom: {env: WG_TOKEN}
          credentials: {user: a}
        ---
        apiVersion: net.routerd.net/v1alpha1
        kind: IPsecConnection
        metadata: {name: ipsec0}
        spec: {psk: IPSEC-SECRET}
        """, "c.yaml"));
    PluginKind.Plugin p = new PluginKind.Plugin(new Resource(PluginKind.API_VERSION, PluginKind.KIND, "p", null, ""),
        new PluginKind.PluginSpec("/bin/true", List.of(), "", Map.of(), new PluginKind.ContextSpec(List.of(
            new PluginKind.ContextRef("net.routerd.net/v1alpha1", "WireGuardInterface", "wg0"),
            new PluginKind.ContextRef("net.routerd.net/v1alpha1", "WireGuardInterface", "missing"))), null, ""));
    String json = PluginJson.MAPPER.writeValueAsString(PluginContextBuilder.build(p, cfg));
    assertTrue(json.contains("51820"), json);
    for (String secret : List.of("PRIVATE-SECRET-XYZ", "/etc/routerd/wg.key", "PSK-SECRET", "WG_TOKEN", "IPsecConnection",
        "IPSEC-SECRET", "credentials")) {
      assertFalse(json.contains(secret), secret + " leaked: " + json);
    }
    assertTrue(json.contains("\"privateKey\":\"\""), json);
    assertTrue(json.contains("\"publicKey\":\"pub\""), json);
    PluginKind.Plugin none = new PluginKind.Plugin(p.resource(),
        new PluginKind.PluginSpec("/bin/true", List.of(), "", Map.of(), null, null, ""));
    assertEquals("{}", PluginJson.MAPPER.writeValueAsString(PluginContextBuilder.build(none, cfg)));
    assertNotNull(cfg);
  }
}
