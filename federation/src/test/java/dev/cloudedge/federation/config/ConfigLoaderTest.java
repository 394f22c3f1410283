package dev.cloudedge.federation.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
  @TempDir Path dir;

  private Path write(String name, String text) throws Exception {
    return Files.writeString(dir.resolve(name), text);
  }

  static final String GROUP = """
      apiVersion: federation.routerd.net/v1alpha1
      kind: EventGroup
      metadata:
        name: cloudedge
      spec:
        nodeName: onprem
        auth:
          mode: hmac
          secretFile: /etc/cloudedge/secret
        listen:
          address: 127.0.0.1
          port: 9440
        retention:
          maxEvents: 1000
          maxAge: 24h
      """;

  static final String PEER = """
      apiVersion: federation.routerd.net/v1alpha1
      kind: EventPeer
      metadata:
        name: cloud
      spec:
        groupRef: cloudedge
        nodeName: cloud
        endpoint: http://127.0.0.1:9441
        types: [routerd.client.ipv4.observed]
      """;

  @Test
  void loadsMultiDocumentFilesInOrderAndSkipsEmptyDocuments() throws Exception {
    Path a = write("a.yaml", "---\n" + GROUP + "---\n# only a comment\n---\n" + PEER);
    Path b = write("b.yaml", """
        apiVersion: federation.routerd.net/v1alpha1
        kind: FederationSLO
        metadata: {name: cloudedge-slo}
        spec: {groupRef: cloudedge}
        """);
    FederationConfig c = ConfigLoader.load(List.of(a, b));
    assertEquals(List.of(a, b), c.files());
    assertEquals(List.of("EventGroup", "EventPeer", "FederationSLO"), c.resources().stream().map(Resource::kind).toList());
    assertEquals(a + " document 1", c.resources().get(0).origin());
    assertEquals(a + " document 3", c.resources().get(1).origin(), "document numbers count empty documents");
    assertEquals(b + " document 1", c.resources().get(2).origin());

    Kinds.EventGroup g = c.eventGroup("cloudedge").orElseThrow();
    assertEquals("onprem", g.nodeName());
    assertEquals(9440, g.spec().listen().port());
    assertEquals(java.time.Duration.ofHours(24), g.retentionMaxAge());
    assertEquals(java.time.Duration.ofMinutes(5), g.replayWindow(), "replayWindow defaults to 5m");
    assertEquals(List.of("cloud"), c.peersOf("cloudedge").stream().map(Kinds.EventPeer::nodeName).toList());
    assertEquals("federation.routerd.net/v1alpha1/EventPeer/cloud", c.resources().get(1).id());
    assertTrue(c.peersOf("cloudedge").get(0).matches("routerd.client.ipv4.observed", "10.0.0.1/32"));
    assertTrue(!c.peersOf("cloudedge").get(0).matches("other", "10.0.0.1/32"));
  }

  @Test
  void expandsARouterdRouterDocument() throws Exception {
    Path f = write("router.yaml", """
        apiVersion: routerd.net/v1alpha1
        kind: Router
        metadata:
          name: edge-1
        spec:
          resources:
            - apiVersion: net.routerd.net/v1alpha1
              kind: Interface
              metadata: {name: lan}
              spec: {ifname: eth1}
        """ + indent(GROUP) + indent(PEER));
    FederationConfig c = ConfigLoader.load(List.of(f));
    assertEquals(List.of("Interface", "EventGroup", "EventPeer"), c.resources().stream().map(Resource::kind).toList());
    assertEquals(f + " document 1 spec.resources[1]", c.resources().get(1).origin());
    assertEquals(1, c.eventGroups().size());
    assertTrue(new ConfigValidator().validate(c).isEmpty(), "unknown routerd Kinds are accepted untouched");
  }

  /** Turns a YAML document into a list item under spec.resources. */
  private static String indent(String doc) {
    StringBuilder sb = new StringBuilder();
    boolean first = true;
    for (String line : doc.split("\n")) {
      sb.append(first ? "    - " : "      ").append(line).append('\n');
      first = false;
    }
    return sb.toString();
  }

  @Test
  void badYamlNamesTheFileAndDocument() throws Exception {
    Path f = write("bad.yaml", GROUP + "---\n" + PEER + "---\nkind: EventPeer\nspec: [unclosed\n");
    ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(List.of(f)));
    assertTrue(e.getMessage().startsWith(f + " document 3: invalid YAML at line "), e.getMessage());
    assertTrue(!e.getMessage().contains("\n"), "one line: " + e.getMessage());
    Path g = write("bad2.yaml", "a: b\n  c: d: e\n");
    assertEquals(g + " document 1: invalid YAML at line 2, column 4: mapping values are not allowed here",
        assertThrows(ConfigException.class, () -> ConfigLoader.load(List.of(g))).getMessage());
  }

  @Test
  void structuralProblemsNameTheFileAndDocument() throws Exception {
    Path scalar = write("scalar.yaml", GROUP + "---\njust a string\n");
    assertEquals(scalar + " document 2: expected a mapping with apiVersion and kind",
        assertThrows(ConfigException.class, () -> ConfigLoader.load(List.of(scalar))).getMessage());
    Path noKind = write("nokind.yaml", "apiVersion: v1\nmetadata: {name: x}\n");
    assertEquals(noKind + " document 1: kind is required",
        assertThrows(ConfigException.class, () -> ConfigLoader.load(List.of(noKind))).getMessage());
    Path badRouter = write("router.yaml", "apiVersion: routerd.net/v1alpha1\nkind: Router\nspec:\n  resources: 3\n");
    assertEquals(badRouter + " document 1: spec.resources must be a list",
        assertThrows(ConfigException.class, () -> ConfigLoader.load(List.of(badRouter))).getMessage());
    Path badItem = write("item.yaml", "apiVersion: routerd.net/v1alpha1\nkind: Router\nspec:\n  resources:\n    - x\n");
    assertEquals(badItem + " document 1 spec.resources[0]: expected a mapping with apiVersion and kind",
        assertThrows(ConfigException.class, () -> ConfigLoader.load(List.of(badItem))).getMessage());
  }

  @Test
  void missingOrUnreadableFilesAreNamed() throws Exception {
    Path missing = dir.resolve("missing.yaml");
    assertEquals("config file " + missing + " does not exist",
        assertThrows(ConfigException.class, () -> ConfigLoader.load(List.of(missing))).getMessage());
    Path directory = Files.createDirectory(dir.resolve("d.yaml"));
    ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(List.of(directory)));
    assertTrue(e.getMessage().startsWith("cannot read config file " + directory), e.getMessage());
    assertThrows(ConfigException.class, () -> ConfigLoader.load(List.of()));
  }

  @Test
  void aRouterDocumentWithAnotherApiVersionIsAnOrdinaryResource() throws Exception {
    Path f = write("other.yaml", "apiVersion: example.com/v1\nkind: Router\nmetadata: {name: r}\nspec:\n  resources: []\n");
    FederationConfig c = ConfigLoader.load(List.of(f));
    assertEquals(1, c.resources().size());
    assertEquals("Router", c.resources().get(0).kind());
  }
}
