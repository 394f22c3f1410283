package dev.cloudedge.federation.doctor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cloudedge.federation.config.ConfigProblem;
import dev.cloudedge.federation.config.ConfigValidator;
import dev.cloudedge.federation.config.FederationConfig;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Reference §5 statements 1–11: FederationSLO validation messages and threshold resolution. */
class FederationSloValidationTest {
  private static final String ID = "federation.routerd.net/v1alpha1/FederationSLO/";

  private static List<String> problems(FederationConfig c) {
    return new ConfigValidator().validate(c).stream().map(ConfigProblem::message).toList();
  }

  private static FederationConfig withSlo(String name, String spec) {
    return StateFixture.config(StateFixture.f1Yaml("self-node", "peer-a") + """
        ---
        apiVersion: federation.routerd.net/v1alpha1
        kind: FederationSLO
        metadata: {name: %s}
        spec: %s
        """.formatted(name, spec));
  }

  private static void assertOnly(FederationConfig c, String message) {
    assertEquals(List.of(message), problems(c));
  }

  @Test
  void s01ValidCustomThresholds() {
    assertEquals(List.of(), problems(StateFixture.f2(
        "delivery: {lagWarnSeconds: 30, lagFailSeconds: 120, expiresSoonSeconds: 60}", "self-node", "peer-a")));
  }

  @Test
  void s02WarnGreaterThanFail() {
    assertOnly(withSlo("bad-slo", "{groupRef: cloudedge, delivery: {lagWarnSeconds: 120, lagFailSeconds: 60}}"),
        ID + "bad-slo spec.delivery.lagWarnSeconds (effective 120) must be less than lagFailSeconds (effective 60)");
  }

  @Test
  void s03MissingGroupRef() {
    assertOnly(withSlo("bad-slo", "{delivery: {lagWarnSeconds: 30}}"), ID + "bad-slo spec.groupRef is required");
  }

  @Test
  void s04DuplicateGroupRef() {
    FederationConfig c = StateFixture.config(StateFixture.f1Yaml("self-node", "peer-a") + """
        ---
        apiVersion: federation.routerd.net/v1alpha1
        kind: FederationSLO
        metadata: {name: slo-1}
        spec: {groupRef: cloudedge}
        ---
        apiVersion: federation.routerd.net/v1alpha1
        kind: FederationSLO
        metadata: {name: slo-2}
        spec: {groupRef: " cloudedge "}
        """);
    assertOnly(c, ID + "slo-2 spec.groupRef \"cloudedge\" conflicts with " + ID
        + "slo-1: only one FederationSLO per EventGroup is allowed");
  }

  @Test
  void s05GroupRefNotFound() {
    assertOnly(withSlo("bad-slo", "{groupRef: nonexistent-group}"),
        ID + "bad-slo spec.groupRef \"nonexistent-group\" does not reference an existing EventGroup resource");
  }

  @Test
  void s06ZeroValuesFallBackToDefaults() {
    assertEquals(List.of(), problems(withSlo("s", "{groupRef: cloudedge}")));
    assertEquals(List.of(), problems(withSlo("s",
        "{groupRef: cloudedge, delivery: {lagWarnSeconds: 0, lagFailSeconds: 0}}")));
  }

  @Test
  void s07DefaultWarnAgainstExplicitFail() {
    assertOnly(withSlo("bad-slo", "{groupRef: cloudedge, delivery: {lagFailSeconds: 50}}"),
        ID + "bad-slo spec.delivery.lagWarnSeconds (effective 60) must be less than lagFailSeconds (effective 50)");
    assertOnly(withSlo("bad-slo", "{groupRef: cloudedge, delivery: {lagWarnSeconds: 0, lagFailSeconds: 30}}"),
        ID + "bad-slo spec.delivery.lagWarnSeconds (effective 60) must be less than lagFailSeconds (effective 30)");
  }

  @Test
  void s08ExplicitWarnAgainstDefaultFail() {
    String want = ID + "bad-slo spec.delivery.lagWarnSeconds (effective 200) must be less than lagFailSeconds"
        + " (effective 180)";
    assertOnly(withSlo("bad-slo", "{groupRef: cloudedge, delivery: {lagWarnSeconds: 200}}"), want);
    assertOnly(withSlo("bad-slo", "{groupRef: cloudedge, delivery: {lagWarnSeconds: 200, lagFailSeconds: 0}}"), want);
  }

  @Test
  void s09EqualityAndNegativeValues() {
    assertOnly(withSlo("bad-slo", "{groupRef: cloudedge, delivery: {lagWarnSeconds: 60, lagFailSeconds: 60}}"),
        ID + "bad-slo spec.delivery.lagWarnSeconds (effective 60) must be less than lagFailSeconds (effective 60)");
    assertOnly(withSlo("bad-slo", "{groupRef: cloudedge, delivery: {lagWarnSeconds: -5}}"),
        ID + "bad-slo spec.delivery.lagWarnSeconds must be >= 0");
    assertOnly(withSlo("bad-slo", "{groupRef: cloudedge, delivery: {lagFailSeconds: -1}}"),
        ID + "bad-slo spec.delivery.lagFailSeconds must be >= 0");
    assertOnly(withSlo("bad-slo", "{groupRef: cloudedge, delivery: {expiresSoonSeconds: -1}}"),
        ID + "bad-slo spec.delivery.expiresSoonSeconds must be >= 0");
    assertOnly(withSlo("bad-slo", "{groupRef: cloudedge, subscription: {maxPendingRuns: -1}}"),
        ID + "bad-slo spec.subscription.maxPendingRuns must be >= 0");
    assertOnly(withSlo("bad-slo", "{groupRef: cloudedge, subscription: {maxFailedRuns: -1}}"),
        ID + "bad-slo spec.subscription.maxFailedRuns must be >= 0");
  }

  @Test
  void wrongApiVersionAndUndecodableSpec() {
    FederationConfig c = StateFixture.config(StateFixture.f1Yaml("self-node", "peer-a") + """
        ---
        apiVersion: federation.routerd.net/v1beta1
        kind: FederationSLO
        metadata: {name: old}
        spec: {groupRef: cloudedge}
        """);
    assertTrue(problems(c).contains("federation.routerd.net/v1beta1/FederationSLO/old must use apiVersion "
        + "federation.routerd.net/v1alpha1"), problems(c).toString());
    List<String> p = problems(withSlo("bad-slo", "{groupRef: cloudedge, delivery: {lagWarnSeconds: abc}}"));
    assertEquals(1, p.size(), p.toString());
    assertTrue(p.get(0).startsWith(ID + "bad-slo spec: "), p.get(0));
  }

  @Test
  void s10ThresholdResolutionIsPerGroupAndOrderIndependent() {
    String slo = """
        apiVersion: federation.routerd.net/v1alpha1
        kind: FederationSLO
        metadata: {name: cloudedge-slo}
        spec: {groupRef: cloudedge, delivery: {lagWarnSeconds: 25, lagFailSeconds: 90, expiresSoonSeconds: 45}}
        """;
    for (FederationConfig c : List.of(
        StateFixture.config(slo + "---\n" + StateFixture.f1Yaml("self-node", "peer-a")),
        StateFixture.config(StateFixture.f1Yaml("self-node", "peer-a") + "---\n" + slo))) {
      SloThresholds t = SloThresholds.forGroup(c, "cloudedge");
      assertEquals(new SloThresholds.Delivery(25, 90, 45), t.delivery());
      assertEquals(new SloThresholds.Subscription(0, 0), t.subscription());
      assertTrue(SloThresholds.isDefined(c, "cloudedge"));
      assertEquals(SloThresholds.DEFAULTS, SloThresholds.forGroup(c, "other-group"));
      assertEquals(false, SloThresholds.isDefined(c, "other-group"));
    }
    assertEquals(new SloThresholds.Delivery(60, 180, 120), SloThresholds.forGroup(null, "cloudedge").delivery());
    assertEquals(new SloThresholds.Subscription(0, 0), SloThresholds.forGroup(null, "cloudedge").subscription());
  }

  @Test
  void firstMatchingSloWinsAndNonPositiveValuesKeepDefaults() {
    FederationConfig c = StateFixture.config(StateFixture.f1Yaml("self-node", "peer-a") + """
        ---
        apiVersion: federation.routerd.net/v1alpha1
        kind: FederationSLO
        metadata: {name: first}
        spec: {groupRef: " cloudedge", delivery: {lagWarnSeconds: -5, lagFailSeconds: 90}, subscription: {maxPendingRuns: 2, maxFailedRuns: -1}}
        ---
        apiVersion: federation.routerd.net/v1alpha1
        kind: FederationSLO
        metadata: {name: second}
        spec: {groupRef: cloudedge, delivery: {lagWarnSeconds: 10}}
        """);
    SloThresholds t = SloThresholds.forGroup(c, "cloudedge ");
    assertEquals(new SloThresholds.Delivery(60, 90, 120), t.delivery());
    assertEquals(new SloThresholds.Subscription(2, 0), t.subscription());
  }
}
