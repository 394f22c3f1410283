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

  @Test
  void unknownKindsAndDanglingReferencesAreErrorsNamingTheResourceAndFile() throws Exception {
    Path f = Files.writeString(dir.resolve("node.yaml"), """
        apiVersion: federation.routerd.net/v1alpha1
        kind: EventGroup
        metadata: {name: cloudedge}
        spec: {nodeName: onprem}
        ---
        apiVersion: federation.routerd.net/v1alpha1
        kind: EventPeeer
        metadata: {name: cloud}
        spec: {groupRef: cloudedge, nodeName: cloud, endpoint: http://127.0.0.1:9441}
        ---
        apiVersion: example.com/v1
        kind: Widget
        metadata: {name: w}
        ---
        apiVersion: federation.routerd.net/v1alpha1
        kind: EventPeer
        metadata: {name: leaf}
        spec: {groupRef: cloudedgee, nodeName: leaf, endpoint: http://127.0.0.1:9442}
        ---
        apiVersion: federation.routerd.net/v1alpha1
        kind: EventSubscription
        metadata: {name: claims}
        spec:
          groupRef: other
          match: {types: [routerd.client.ipv4.observed]}
          trigger: {pluginRef: no-such-plugin}
        ---
        apiVersion: federation.routerd.net/v1alpha1
        kind: FederationSLO
        metadata: {name: slo}
        spec: {groupRef: nowhere}
        ---
        apiVersion: cloudedge.dev/v1alpha1
        kind: EventNode
        metadata: {name: onprme}
        spec: {admin: {address: 127.0.0.1, port: 9541}}
        """);
    CliRun r = run("validate", "--config", f.toString());
    assertEquals(ExitCodes.USAGE, r.exitCode(), r.err());
    assertEquals("", r.out());
    String fed = "federation.routerd.net/v1alpha1/";
    String known = "(known: AddressMobilityDomain, CloudProviderProfile, EventGroup, EventNode, EventPeer, "
        + "EventSubscription, FederationRemediationPolicy, FederationSLO, OverlayPeer, Plugin, ProviderActionPolicy, "
        + "RemoteAddressClaim)";
    assertEquals(fed + "FederationSLO/slo spec.groupRef \"nowhere\" does not reference an existing EventGroup resource"
            + " (" + f + " document 6)\n"
        + fed + "EventPeeer/cloud kind \"EventPeeer\" is not a known Kind " + known + " (" + f + " document 2)\n"
        + "example.com/v1/Widget/w kind \"Widget\" is not a known Kind " + known + " (" + f + " document 3)\n"
        + fed + "EventPeer/leaf spec.groupRef \"cloudedgee\" does not reference an existing EventGroup resource"
            + " (" + f + " document 4)\n"
        + fed + "EventSubscription/claims spec.groupRef \"other\" does not reference an existing EventGroup resource"
            + " (" + f + " document 5)\n"
        + fed + "EventSubscription/claims spec.trigger.pluginRef \"no-such-plugin\" does not reference an existing"
            + " Plugin resource (" + f + " document 5)\n"
        + "cloudedge.dev/v1alpha1/EventNode/onprme metadata.name \"onprme\" is not the spec.nodeName of any EventGroup"
            + " (an EventNode tunes that node) (" + f + " document 7)\n"
        + "7 problems in 1 file\n", r.err());
  }

  @Test
  void insideARouterDocumentOnlyCloudEdgeApiGroupsAreStrict() throws Exception {
    Path f = Files.writeString(dir.resolve("router.yaml"), """
        apiVersion: routerd.net/v1alpha1
        kind: Router
        metadata: {name: edge}
        spec:
          resources:
            - apiVersion: net.routerd.net/v1alpha1
              kind: DHCPServer
              metadata: {name: lan}
            - apiVersion: federation.routerd.net/v1alpha1
              kind: EventGroupp
              metadata: {name: cloudedge}
        """);
    CliRun r = run("validate", "--config", f.toString());
    assertEquals(ExitCodes.USAGE, r.exitCode(), r.err());
    assertTrue(r.err().startsWith("federation.routerd.net/v1alpha1/EventGroupp/cloudedge kind \"EventGroupp\" is not a"
        + " known Kind"), r.err());
    assertTrue(r.err().contains("(" + f + " document 1 spec.resources[1])\n1 problem in 1 file\n"), r.err());
  }

  @Test
  void anEmptyInputIsAnError() throws Exception {
    Path empty = Files.writeString(dir.resolve("empty.yaml"), "");
    Path comments = Files.writeString(dir.resolve("comments.yaml"), "# nothing here yet\n   # still nothing\n");
    Path separators = Files.writeString(dir.resolve("separators.yaml"), "---\n---\n...\n");
    Path emptyRouter = Files.writeString(dir.resolve("router.yaml"),
        "apiVersion: routerd.net/v1alpha1\nkind: Router\nmetadata: {name: edge}\nspec: {resources: []}\n");
    for (Path p : new Path[] {empty, comments, separators, emptyRouter}) {
      CliRun r = run("validate", "--config", p.toString());
      assertEquals(ExitCodes.USAGE, r.exitCode(), p + ": " + r.out());
      assertEquals("config file " + p + " has no resources (it is empty, holds only comments, or has no documents) ("
          + p + ")\n1 problem in 1 file\n", r.err());
    }
    // An empty file next to a good one is still reported, by name.
    CliRun both = run("validate", "--config", "../docs/examples/sender.yaml", "--config", empty.toString());
    assertEquals(ExitCodes.USAGE, both.exitCode());
    assertTrue(both.err().startsWith("config file " + empty + " has no resources"), both.err());
  }

  @Test
  void theLabTopologyConfigsAndTheBundledPluginManifestsAreValid() throws Exception {
    dev.cloudedge.worker.lab.LabLayout lab = dev.cloudedge.worker.lab.LabLayout.prepare(dir.resolve("lab"));
    for (Path p : new Path[] {lab.senderConfig(), lab.receiverConfig()}) {
      CliRun r = run("validate", "--config", p.toString());
      assertEquals(0, r.exitCode(), p + ": " + r.err());
    }
    for (String plugin : new String[] {"aws-executor", "azure-executor", "oci-executor"}) {
      Path p = Path.of("..", "plugins", plugin, "plugin.yaml");
      CliRun r = run("validate", "--config", p.toString());
      assertEquals(0, r.exitCode(), p + ": " + r.err());
    }
  }
}
