package dev.cloudedge.federation.event;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FederationEventTest {
  private static FederationEvent ev(String id, String group, String type) {
    return new FederationEvent(id, group, "", type, "", "", Map.of(), null, null);
  }

  private static String failure(FederationEvent e) {
    return assertThrows(EventValidationException.class, () -> e.normalizedAndValid()).getMessage();
  }

  @Test
  void normalizeTrimsIdentifyingFieldsWithGoSpaces() {
    FederationEvent e = new FederationEvent("\u00a0 evt-1\t", "\ncloudedge\u0085", " onprem ", "\u2003type\u2028",
        " 10.0.0.1/32 ", "  ", Map.of(" k ", " v "), null, null).normalized();
    assertEquals("evt-1", e.id());
    assertEquals("cloudedge", e.group());
    assertEquals("onprem", e.sourceNode());
    assertEquals("type", e.type());
    assertEquals("10.0.0.1/32", e.subject());
    assertEquals("evt-1", e.dedupeKey(), "blank dedupeKey defaults to the trimmed id");
    assertEquals(Map.of(" k ", " v "), e.payload(), "payload keys and values are not trimmed");
  }

  @Test
  void normalizeKeepsAnExplicitDedupeKeyTrimmed() {
    FederationEvent e = new FederationEvent("a", "g", "", "t", "", " 10.0.0.1 ", Map.of(), null, null).normalized();
    assertEquals("10.0.0.1", e.dedupeKey());
  }

  @Test
  void normalizeNeverReadsTheClock() {
    FederationEvent e = ev("a", "g", "t").normalized();
    assertNull(e.observedAt());
    assertNull(e.expiresAt());
  }

  @Test
  void validationOrderAndMessages() {
    assertEquals("federation event id is required", failure(ev("", "", "")));
    assertEquals("federation event id is required", failure(ev(" \u00a0", "g", "t")));
    assertEquals("federation event group is required", failure(ev("a", "", "")));
    assertEquals("federation event group is required", failure(ev("a", "\u0085", "t")));
    assertEquals("federation event type is required", failure(ev("a", "g", "")));
    assertEquals("federation event type is required", failure(ev("a", "g", "\t\n")));
    assertEquals("a", ev(" a ", "g", "t").normalizedAndValid().id());
  }

  @Test
  void validationErrorIsAnIllegalArgument() {
    assertTrue(IllegalArgumentException.class.isAssignableFrom(EventValidationException.class));
  }

  @Test
  void expiryPredicateIsStrictlyAfter() {
    Instant exp = Instant.parse("2026-05-30T12:30:00Z");
    FederationEvent e = ev("a", "g", "t").withExpiresAt(exp);
    assertFalse(e.isExpired(exp.minusNanos(1)));
    assertFalse(e.isExpired(exp), "at now == expiresAt the event is not expired");
    assertTrue(e.isExpired(exp.plusNanos(1)));
    assertTrue(e.isExpired(exp.plusSeconds(3600)));
  }

  @Test
  void noExpiryNeverExpires() {
    assertFalse(ev("a", "g", "t").isExpired(Instant.parse("9999-12-31T23:59:59Z")));
  }

  @Test
  void nullsBecomeEmptyAndPayloadIsSortedAndImmutable() {
    Map<String, String> p = new HashMap<>();
    p.put("b", "2");
    p.put("a", "1");
    FederationEvent e = new FederationEvent(null, null, null, null, null, null, p, null, null);
    assertEquals("", e.id());
    assertEquals("", e.dedupeKey());
    assertEquals("[a, b]", e.payload().keySet().toString());
    p.put("c", "3");
    assertEquals(2, e.payload().size(), "the record copies the payload");
    assertThrows(UnsupportedOperationException.class, () -> e.payload().put("x", "y"));
    assertEquals(Map.of(), new FederationEvent("a", "g", "", "t", "", "", null, null, null).payload());
  }

  @Test
  void withersCopy() {
    Instant t = Instant.parse("2026-05-30T12:00:00Z");
    FederationEvent e = ev("a", "g", "t").withObservedAt(t).withExpiresAt(t.plusSeconds(60));
    assertEquals(t, e.observedAt());
    assertEquals(t.plusSeconds(60), e.expiresAt());
    assertEquals("a", e.id());
  }
}
