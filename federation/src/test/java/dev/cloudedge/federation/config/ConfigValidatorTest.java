package dev.cloudedge.federation.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Every validation message of wire reference §7 and doctor reference §1.3, and all-problems reporting. */
class ConfigValidatorTest {
  static final String API = "apiVersion: federation.routerd.net/v1alpha1\n";
  static final String G = "federation.routerd.net/v1alpha1/EventGroup/";
  static final String P = "federation.routerd.net/v1alpha1/EventPeer/";
  static final String S = "federation.routerd.net/v1alpha1/EventSubscription/";
  static final String SLO = "federation.routerd.net/v1alpha1/FederationSLO/";

  private static FederationConfig config(String yaml) throws ConfigException {
    return FederationConfig.of(ConfigLoader.parse(yaml, "test.yaml"));
  }

  private static List<String> messages(String yaml) throws ConfigException {
    return new ConfigValidator().validate(config(yaml)).stream().map(ConfigProblem::message).toList();
  }

  private static String doc(String kind, String name, String spec) {
    return "---\n" + API + "kind: " + kind + "\nmetadata:\n  name: " + name + "\nspec:\n" + spec.indent(2);
  }

  static final String GOOD_GROUP = doc("EventGroup", "cloudedge", """
      nodeName: onprem
      auth: {mode: hmac, secretFile: /etc/cloudedge/secret}
      listen: {address: 127.0.0.1, port: 9440}
      """);

  @Test
  void aValidConfigHasNoProblems() throws Exception {
    assertEquals(List.of(), messages(GOOD_GROUP
        + doc("EventPeer", "cloud", "groupRef: cloudedge\nnodeName: cloud\nendpoint: http://127.0.0.1:9441\n")
        + doc("EventSubscription", "claims", """
            groupRef: cloudedge
            match: {types: [routerd.client.ipv4.observed], subjectPrefixes: ["10."], payload: {source: x}}
            trigger: {pluginRef: claim-plugin, batchWindow: 1m, debounce: 5s}
            """)
        + doc("FederationSLO", "cloudedge-slo", "groupRef: cloudedge\ndelivery: {lagWarnSeconds: 30}\n")));
  }

  @Test
  void anIdentityOnlyGroupIsValid() throws Exception {
    assertEquals(List.of(), messages(doc("EventGroup", "id-only", "nodeName: onprem\n")));
  }

  @Test
  void wrongApiVersionForEveryKind() throws Exception {
    String yaml = "";
    for (String kind : List.of("EventGroup", "EventPeer", "EventSubscription", "FederationSLO")) {
      yaml += "---\napiVersion: federation.routerd.net/v1\nkind: " + kind + "\nmetadata: {name: x}\nspec: {}\n";
    }
    assertEquals(List.of(
        "federation.routerd.net/v1/EventGroup/x must use apiVersion federation.routerd.net/v1alpha1",
        "federation.routerd.net/v1/EventPeer/x must use apiVersion federation.routerd.net/v1alpha1",
        "federation.routerd.net/v1/EventSubscription/x must use apiVersion federation.routerd.net/v1alpha1",
        "federation.routerd.net/v1/FederationSLO/x must use apiVersion federation.routerd.net/v1alpha1"),
        messages(yaml));
  }

  @Test
  void missingNameIsReported() throws Exception {
    assertEquals(List.of("federation.routerd.net/v1alpha1/EventPeer metadata.name is required"),
        messages("---\n" + API + "kind: EventPeer\nspec: {groupRef: g, nodeName: n, endpoint: http://127.0.0.1:1}\n"));
  }

  @Test
  void eventGroupMessages() throws Exception {
    assertEquals(List.of(
        G + "g spec.nodeName is required",
        G + "g spec.peersFrom[0].resource must reference SAMNodeSet/<name>",
        G + "g spec.peersFrom[2].resource must reference SAMNodeSet/<name>",
        G + "g spec.retention.maxEvents must be >= 0",
        G + "g spec.retention.maxAge must be a Go duration: time: unknown unit \"d\" in duration \"2d\"",
        G + "g spec.auth.mode must be empty or hmac",
        G + "g spec.listen.port must be 1..65535 when listen.address is set",
        G + "g spec.replayWindow must be a Go duration: time: invalid duration \"soon\""),
        messages(doc("EventGroup", "g", """
            nodeName: "  "
            peersFrom:
              - resource: Node/x
              - resource: SAMNodeSet/edge
                optional: true
              - resource: SAMNodeSet/
            retention: {maxEvents: -1, maxAge: 2d}
            auth: {mode: token, secretFile: /s}
            listen: {address: 127.0.0.1}
            replayWindow: soon
            """)));
  }

  @Test
  void listenPortBounds() throws Exception {
    assertEquals(List.of(G + "g spec.listen.port must be 1..65535 when listen.address is set"),
        messages(doc("EventGroup", "g", "nodeName: n\nauth: {secretFile: /s}\nlisten: {address: 127.0.0.1, port: 70000}\n")));
    assertEquals(List.of(), messages(doc("EventGroup", "g", "nodeName: n\nauth: {secretFile: /s}\nlisten: {port: 9440}\n")));
  }

  @Test
  void eventGroupRuntimeAuthRulesInOrder() throws Exception {
    assertEquals(List.of(G + "a spec.auth.secretFile is required when spec.listen.address is set"),
        messages(doc("EventGroup", "a", "nodeName: n\nlisten: {address: 127.0.0.1, port: 1}\npeersFrom: [{resource: SAMNodeSet/x}]\n")));
    assertEquals(List.of(G + "b spec.auth.secretFile is required when spec.peersFrom is set"),
        messages(doc("EventGroup", "b", "nodeName: n\npeersFrom: [{resource: SAMNodeSet/x}]\n")
            + doc("EventPeer", "p", "groupRef: b\nnodeName: p\nendpoint: http://127.0.0.1:1\n")));
    assertEquals(List.of(G + "c spec.auth.secretFile is required because " + P + "p1 references this EventGroup"),
        messages(doc("EventGroup", "c", "nodeName: n\n")
            + doc("EventPeer", "p1", "groupRef: c\nnodeName: p\nendpoint: http://127.0.0.1:1\n")
            + doc("EventPeer", "p2", "groupRef: ' c '\nnodeName: q\nendpoint: http://127.0.0.1:2\n")));
    assertEquals(List.of(), messages(doc("EventGroup", "d", "nodeName: n\nauth: {secretFile: /s}\npeersFrom: [{resource: SAMNodeSet/x}]\n")
        + doc("EventPeer", "p", "groupRef: d\nnodeName: p\nendpoint: http://127.0.0.1:1\n")));
  }

  @Test
  void eventPeerMessagesInOrder() throws Exception {
    assertEquals(List.of(
        P + "p spec.groupRef is required",
        P + "p spec.nodeName is required",
        P + "p spec.direction must be empty or push",
        P + "p spec.endpoint is required for push delivery",
        P + "p spec.types[1] must not be empty",
        P + "p spec.subjectPrefixes[0] must not be empty"),
        messages(doc("EventPeer", "p", """
            groupRef: ""
            nodeName: "\\t"
            direction: pull
            types: [a, " "]
            subjectPrefixes: [""]
            """)));
    assertEquals(List.of(), messages(doc("EventPeer", "p", "groupRef: g\nnodeName: n\ndirection: push\nendpoint: https://cloud.example:9440\n")));
  }

  @Test
  void eventPeerEndpointMustBeABaseUrl() throws Exception {
    assertEquals(List.of(P + "p spec.endpoint must be a base URL; /v1/events is appended, got "
            + "\"http://127.0.0.1:9441/v1/events\""),
        messages(doc("EventPeer", "p", "groupRef: g\nnodeName: n\nendpoint: http://127.0.0.1:9441/v1/events\n")));
    assertEquals(List.of(P + "p spec.endpoint must be an http:// or https:// base URL, got \"127.0.0.1:9441\""),
        messages(doc("EventPeer", "p", "groupRef: g\nnodeName: n\nendpoint: 127.0.0.1:9441\n")));
  }

  @Test
  void eventSubscriptionMessages() throws Exception {
    assertEquals(List.of(
        S + "s spec.groupRef is required",
        S + "s spec.match.types is required (at least one type)",
        S + "s spec.trigger.pluginRef is required"),
        messages(doc("EventSubscription", "s", "match: {}\n")));
    assertEquals(List.of(
        S + "s spec.match.types[0] must not be empty",
        S + "s spec.match.subjectPrefixes[1] must not be empty",
        S + "s spec.match.payload has a blank key",
        S + "s spec.match.sourceNodes[0] must not be empty",
        S + "s spec.trigger.batchWindow must be a Go duration: time: invalid duration \"x\"",
        S + "s spec.trigger.debounce must be a Go duration: time: missing unit in duration \"10\""),
        messages(doc("EventSubscription", "s", """
            groupRef: g
            match:
              types: [" "]
              subjectPrefixes: ["10.", ""]
              payload: {" ": v, ok: v}
              sourceNodes: [""]
            trigger: {pluginRef: p, batchWindow: x, debounce: "10"}
            """)));
  }

  private static List<String> slo(String spec) throws ConfigException {
    return messages(GOOD_GROUP + doc("FederationSLO", "bad-slo", spec));
  }

  @Test
  void federationSloMessages() throws Exception {
    assertEquals(List.of(SLO + "bad-slo spec.groupRef is required"), slo("delivery: {lagWarnSeconds: 1}\n"));
    assertEquals(List.of(SLO + "bad-slo spec.delivery.lagWarnSeconds must be >= 0"),
        slo("groupRef: cloudedge\ndelivery: {lagWarnSeconds: -5}\n"));
    assertEquals(List.of(SLO + "bad-slo spec.delivery.lagFailSeconds must be >= 0"),
        slo("groupRef: cloudedge\ndelivery: {lagFailSeconds: -1}\n"));
    assertEquals(List.of(SLO + "bad-slo spec.delivery.expiresSoonSeconds must be >= 0"),
        slo("groupRef: cloudedge\ndelivery: {expiresSoonSeconds: -1}\n"));
    assertEquals(List.of(SLO + "bad-slo spec.delivery.lagWarnSeconds (effective 120) must be less than "
        + "lagFailSeconds (effective 60)"), slo("groupRef: cloudedge\ndelivery: {lagWarnSeconds: 120, lagFailSeconds: 60}\n"));
    assertEquals(List.of(SLO + "bad-slo spec.delivery.lagWarnSeconds (effective 60) must be less than "
        + "lagFailSeconds (effective 50)"), slo("groupRef: cloudedge\ndelivery: {lagFailSeconds: 50}\n"));
    assertEquals(List.of(SLO + "bad-slo spec.delivery.lagWarnSeconds (effective 200) must be less than "
        + "lagFailSeconds (effective 180)"), slo("groupRef: cloudedge\ndelivery: {lagWarnSeconds: 200}\n"));
    assertEquals(List.of(SLO + "bad-slo spec.delivery.lagWarnSeconds (effective 60) must be less than "
        + "lagFailSeconds (effective 60)"), slo("groupRef: cloudedge\ndelivery: {lagWarnSeconds: 60, lagFailSeconds: 60}\n"));
    assertEquals(List.of(SLO + "bad-slo spec.subscription.maxPendingRuns must be >= 0"),
        slo("groupRef: cloudedge\nsubscription: {maxPendingRuns: -1}\n"));
    assertEquals(List.of(SLO + "bad-slo spec.subscription.maxFailedRuns must be >= 0"),
        slo("groupRef: cloudedge\nsubscription: {maxFailedRuns: -1}\n"));
    assertEquals(List.of(), slo("groupRef: cloudedge\ndelivery: {lagWarnSeconds: 0, lagFailSeconds: 0}\n"));
  }

  @Test
  void federationSloCrossRules() throws Exception {
    assertEquals(List.of(
        SLO + "slo-2 spec.groupRef \"cloudedge\" conflicts with " + SLO + "slo-1: only one FederationSLO per "
            + "EventGroup is allowed",
        SLO + "bad-slo spec.groupRef \"nonexistent-group\" does not reference an existing EventGroup resource"),
        messages(GOOD_GROUP
            + doc("FederationSLO", "slo-1", "groupRef: cloudedge\n")
            + doc("FederationSLO", "slo-2", "groupRef: ' cloudedge '\n")
            + doc("FederationSLO", "bad-slo", "groupRef: nonexistent-group\n")));
  }

  @Test
  void aSpecThatDoesNotDecodeIsReportedWithTheResourceId() throws Exception {
    List<String> m = messages(doc("EventGroup", "g", "nodeName: n\nretention: {maxEvents: lots}\n"));
    assertEquals(1, m.size());
    assertTrue(m.get(0).startsWith(G + "g spec: "), m.get(0));
  }

  @Test
  void duplicateResourcesAreReported() throws Exception {
    assertEquals(List.of(G + "cloudedge is defined twice (first at test.yaml document 1)"),
        messages(GOOD_GROUP + GOOD_GROUP));
  }

  @Test
  void severalErrorsAreAllReportedWithIdsAndOrigins() throws Exception {
    FederationConfig c = config(GOOD_GROUP
        + doc("EventPeer", "cloud", "groupRef: cloudedge\nnodeName: cloud\n")
        + doc("EventGroup", "open", "nodeName: n\nlisten: {address: 0.0.0.0, port: 9999}\n")
        + doc("EventSubscription", "s", "groupRef: cloudedge\nmatch: {types: [t]}\n")
        + doc("FederationSLO", "orphan", "groupRef: missing\n"));
    List<ConfigProblem> problems = new ConfigValidator().validate(c);
    assertEquals(List.of(
        new ConfigProblem(P + "cloud", "test.yaml document 2", P + "cloud spec.endpoint is required for push delivery"),
        new ConfigProblem(S + "s", "test.yaml document 4", S + "s spec.trigger.pluginRef is required"),
        new ConfigProblem(SLO + "orphan", "test.yaml document 5",
            SLO + "orphan spec.groupRef \"missing\" does not reference an existing EventGroup resource"),
        new ConfigProblem(G + "open", "test.yaml document 3",
            G + "open spec.auth.secretFile is required when spec.listen.address is set")), problems);
  }

  @Test
  void extensionRulesRunForOtherKinds() throws Exception {
    ConfigValidator v = new ConfigValidator()
        .withKind("Plugin", (r, errors) -> errors.add(r.id() + " plugin rule ran"))
        .withCrossRule((cfg, problems) -> problems.add(new ConfigProblem("x", "", "cross rule ran")));
    List<String> m = v.validate(config("---\napiVersion: plugin.routerd.net/v1alpha1\nkind: Plugin\nmetadata: {name: p}\n"))
        .stream().map(ConfigProblem::message).toList();
    assertEquals(List.of("plugin.routerd.net/v1alpha1/Plugin/p plugin rule ran", "cross rule ran"), m);
    assertTrue(v.kinds().contains("Plugin"));
  }

  @Test
  void eventNodeRules() throws Exception {
    String id = "cloudedge.dev/v1alpha1/EventNode/onprem";
    assertEquals(List.of(
        id + " spec.admin.port must be 0..65535",
        id + " spec.pushInterval must be a Go duration: time: invalid duration \"fast\"",
        id + " spec.pushRetry.maxAttempts must be >= 0"),
        messages("---\napiVersion: cloudedge.dev/v1alpha1\nkind: EventNode\nmetadata: {name: onprem}\nspec:\n"
            + "  admin: {port: 70000}\n  pushInterval: fast\n  pushRetry: {maxAttempts: -1}\n"));
    assertEquals(List.of(id + " spec.pushTimeout must be a Go duration: time: invalid duration \"soon\""),
        messages("---\napiVersion: cloudedge.dev/v1alpha1\nkind: EventNode\nmetadata: {name: onprem}\nspec:\n"
            + "  pushTimeout: soon\n"));
    assertEquals(List.of(), messages("---\napiVersion: cloudedge.dev/v1alpha1\nkind: EventNode\nmetadata: {name: onprem}\nspec:\n"
        + "  pushTimeout: 3s\n"));
    assertEquals(List.of("federation.routerd.net/v1alpha1/EventNode/onprem must use apiVersion cloudedge.dev/v1alpha1"),
        messages("---\n" + API + "kind: EventNode\nmetadata: {name: onprem}\n"));
  }
}
