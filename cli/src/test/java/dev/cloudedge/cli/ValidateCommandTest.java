package dev.cloudedge.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ValidateCommandTest {
  @TempDir Path dir;

  private CliRun run(String... args) {
    return CliRun.run(CliRun.settings(dir.resolve("unused.db")), args);
  }

  @Test
  void theDocumentedExamplesAreValid() {
    for (String f : new String[] {"sender.yaml", "receiver.yaml"}) {
      Path p = Path.of("..", "docs", "examples", f);
      CliRun r = run("validate", "--config", p.toString());
      assertEquals(0, r.exitCode(), r.err());
      assertEquals("", r.err());
      assertTrue(r.out().startsWith("OK: "), r.out());
    }
    CliRun r = run("validate", "--config", "../docs/examples/sender.yaml");
    assertEquals("OK: 4 resources in 1 file (EventGroup 1, EventPeer 1, FederationSLO 1, EventNode 1)\n", r.out());
  }

  @Test
  void reportsEveryProblemWithOriginAndExits2() throws Exception {
    Path a = Files.writeString(dir.resolve("a.yaml"), """
        apiVersion: federation.routerd.net/v1alpha1
        kind: EventGroup
        metadata: {name: cloudedge}
        spec:
          nodeName: onprem
          listen: {address: 127.0.0.1, port: 9440}
        """);
    Path b = Files.writeString(dir.resolve("b.yaml"), """
        apiVersion: federation.routerd.net/v1alpha1
        kind: EventPeer
        metadata: {name: cloud}
        spec: {groupRef: cloudedge, direction: pull, endpoint: http://127.0.0.1:9441}
        ---
        apiVersion: federation.routerd.net/v1alpha1
        kind: FederationSLO
        metadata: {name: slo}
        spec: {groupRef: cloudedge, delivery: {lagWarnSeconds: 200}}
        """);
    CliRun r = run("validate", "--config", a.toString(), "--config", b.toString());
    assertEquals(ExitCodes.USAGE, r.exitCode());
    assertEquals("", r.out());
    String p = "federation.routerd.net/v1alpha1/";
    assertEquals(p + "EventPeer/cloud spec.nodeName is required (" + b + " document 1)\n"
        + p + "EventPeer/cloud spec.direction must be empty or push (" + b + " document 1)\n"
        + p + "FederationSLO/slo spec.delivery.lagWarnSeconds (effective 200) must be less than lagFailSeconds "
        + "(effective 180) (" + b + " document 2)\n"
        + p + "EventGroup/cloudedge spec.auth.secretFile is required when spec.listen.address is set (" + a
        + " document 1)\n"
        + "4 problems in 2 files\n", r.err());
  }

  @Test
  void acceptsSeveralFilesAfterOneFlag() {
    CliRun r = run("validate", "--config", "../docs/examples/sender.yaml", "../docs/examples/receiver.yaml");
    assertEquals(ExitCodes.USAGE, r.exitCode(), "two nodes' configs in one load define the group twice");
    assertTrue(r.err().contains("EventGroup/cloudedge is defined twice"), r.err());
  }

  @Test
  void unreadableOrBrokenFilesAreOneLine() throws Exception {
    Path missing = dir.resolve("missing.yaml");
    CliRun r = run("validate", "--config", missing.toString());
    assertEquals(ExitCodes.USAGE, r.exitCode());
    assertEquals("config file " + missing + " does not exist", r.errorLine());
    Path bad = Files.writeString(dir.resolve("bad.yaml"), "kind: EventGroup\n---\nspec: [\n");
    r = run("validate", "--config", bad.toString());
    assertEquals(ExitCodes.USAGE, r.exitCode());
    assertTrue(r.errorLine().startsWith(bad + " document 2: invalid YAML"), r.err());
  }

  @Test
  void configIsRequired() {
    CliRun r = run("validate");
    assertEquals(ExitCodes.USAGE, r.exitCode());
    assertTrue(r.errorLine().startsWith("Missing required option: '--config=FILE"), r.err());
  }

  @Test
  void aRouterdRouterConfigValidates() throws Exception {
    Path f = Files.writeString(dir.resolve("router.yaml"), """
        apiVersion: routerd.net/v1alpha1
        kind: Router
        metadata: {name: edge}
        spec:
          resources:
            - apiVersion: net.routerd.net/v1alpha1
              kind: Interface
              metadata: {name: lan}
            - apiVersion: federation.routerd.net/v1alpha1
              kind: EventGroup
              metadata: {name: cloudedge}
              spec: {nodeName: onprem}
        """);
    CliRun r = run("validate", "--config", f.toString());
    assertEquals(0, r.exitCode(), r.err());
    assertEquals("OK: 2 resources in 1 file (Interface 1, EventGroup 1)\n", r.out());
  }
}
