package dev.cloudedge.federation.event;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class EventCodecTest {
  /** Reference §1.1: the body exactly as routerd's pusher sends it. */
  static final String BODY_249 = "{\"id\":\"evt-1\",\"group\":\"cloudedge\",\"sourceNode\":\"onprem\","
      + "\"type\":\"routerd.client.ipv4.observed\",\"subject\":\"10.88.60.9/32\",\"dedupeKey\":\"evt-1\","
      + "\"payload\":{\"mac\":\"aa:bb:cc:dd:ee:ff\"},\"observedAt\":\"2026-05-30T12:00:00Z\","
      + "\"expiresAt\":\"0001-01-01T00:00:00Z\"}";

  static FederationEvent evt1() {
    return new FederationEvent("evt-1", "cloudedge", "onprem", FederationEvent.OBSERVED_IPV4_TYPE, "10.88.60.9/32",
        "evt-1", Map.of("mac", "aa:bb:cc:dd:ee:ff"), Instant.parse("2026-05-30T12:00:00Z"), null);
  }

  private static FederationEvent decode(String s) throws EventDecodeException {
    return EventCodec.decode(s.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void encodesTheReferenceBodyByteForByte() {
    byte[] body = EventCodec.encode(evt1());
    assertEquals(249, body.length);
    assertArrayEquals(BODY_249.getBytes(StandardCharsets.UTF_8), body);
  }

  @Test
  void encodesTtlRepushBodyOfVector6() {
    FederationEvent ev = new FederationEvent("shard-1", "cloudedge", "rr-node", FederationEvent.OBSERVED_IPV4_TYPE,
        "10.77.60.0/25", "shard-1", Map.of("mac", "aa:bb:cc:dd:ee:ff"), Instant.parse("2026-06-17T12:00:00Z"),
        Instant.parse("2026-06-17T12:10:00Z"));
    String want = "{\"id\":\"shard-1\",\"group\":\"cloudedge\",\"sourceNode\":\"rr-node\",\"type\":"
        + "\"routerd.client.ipv4.observed\",\"subject\":\"10.77.60.0/25\",\"dedupeKey\":\"shard-1\",\"payload\":"
        + "{\"mac\":\"aa:bb:cc:dd:ee:ff\"},\"observedAt\":\"2026-06-17T12:00:00Z\",\"expiresAt\":\"2026-06-17T12:10:00Z\"}";
    byte[] body = EventCodec.encode(ev);
    assertEquals(254, body.length);
    assertEquals(want, new String(body, StandardCharsets.UTF_8));
  }

  @Test
  void omitsEmptyOptionalFieldsButAlwaysWritesBothTimes() {
    FederationEvent ev = new FederationEvent("a", "g", "", "t", "", "", Map.of(), null, null);
    assertEquals("{\"id\":\"a\",\"group\":\"g\",\"type\":\"t\",\"observedAt\":\"0001-01-01T00:00:00Z\","
        + "\"expiresAt\":\"0001-01-01T00:00:00Z\"}", new String(EventCodec.encode(ev), StandardCharsets.UTF_8));
  }

  @Test
  void writesPayloadKeysSortedLikeGo() {
    FederationEvent ev = new FederationEvent("a", "g", "", "t", "", "a",
        Map.of("z", "1", "a", "2", "m", "3"), null, null);
    String s = new String(EventCodec.encode(ev), StandardCharsets.UTF_8);
    assertTrue(s.contains("\"payload\":{\"a\":\"2\",\"m\":\"3\",\"z\":\"1\"}"), s);
  }

  @Test
  void decodeRoundTripsTheReferenceBody() throws Exception {
    FederationEvent ev = decode(BODY_249);
    assertEquals(evt1(), ev);
    assertNull(ev.expiresAt(), "the Go zero time reads back as no expiry");
    assertArrayEquals(BODY_249.getBytes(StandardCharsets.UTF_8), EventCodec.encode(ev));
  }

  @Test
  void keysMatchCaseInsensitively() throws Exception {
    FederationEvent ev = decode("{\"ID\":\"x\",\"GROUP\":\"g\",\"Type\":\"t\",\"SOURCENODE\":\"n\",\"dedupekey\":\"d\","
        + "\"SubJect\":\"s\",\"PAYLOAD\":{\"Mac\":\"m\"},\"OBSERVEDAT\":\"2026-05-30T12:00:00Z\"}");
    assertEquals("x", ev.id());
    assertEquals("g", ev.group());
    assertEquals("t", ev.type());
    assertEquals("n", ev.sourceNode());
    assertEquals("d", ev.dedupeKey());
    assertEquals("s", ev.subject());
    assertEquals(Map.of("Mac", "m"), ev.payload(), "payload keys are data and keep their case");
    assertEquals(Instant.parse("2026-05-30T12:00:00Z"), ev.observedAt());
  }

  @Test
  void lastDuplicateKeyWinsEvenAcrossCase() throws Exception {
    FederationEvent ev = decode("{\"id\":\"first\",\"group\":\"g\",\"type\":\"t\",\"ID\":\"second\"}");
    assertEquals("second", ev.id());
  }

  @Test
  void nullLeavesTheZeroValue() throws Exception {
    FederationEvent ev = decode("{\"id\":\"a\",\"group\":null,\"type\":\"t\",\"payload\":null,\"observedAt\":null,"
        + "\"expiresAt\":null,\"subject\":null}");
    assertEquals("", ev.group());
    assertEquals("", ev.subject());
    assertEquals(Map.of(), ev.payload());
    assertNull(ev.observedAt());
    assertNull(ev.expiresAt());
  }

  @Test
  void unknownKeysAreIgnoredIncludingNestedValues() throws Exception {
    FederationEvent ev = decode("{\"id\":\"a\",\"extra\":{\"deep\":[1,2,{\"x\":true}]},\"group\":\"g\",\"type\":\"t\","
        + "\"ttl\":30}");
    assertEquals("a", ev.id());
    assertEquals("g", ev.group());
  }

  @Test
  void acceptsOffsetsAndFractionalSeconds() throws Exception {
    FederationEvent ev = decode("{\"id\":\"a\",\"group\":\"g\",\"type\":\"t\","
        + "\"observedAt\":\"2026-05-30T14:00:00.5+02:00\",\"expiresAt\":\"2026-05-30T12:30:00.000000001Z\"}");
    assertEquals(Instant.parse("2026-05-30T12:00:00.5Z"), ev.observedAt());
    assertEquals(Instant.parse("2026-05-30T12:30:00.000000001Z"), ev.expiresAt());
    assertTrue(new String(EventCodec.encode(ev), StandardCharsets.UTF_8)
        .contains("\"observedAt\":\"2026-05-30T12:00:00.5Z\",\"expiresAt\":\"2026-05-30T12:30:00.000000001Z\""));
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "",
      "   ",
      "[]",
      "[{\"id\":\"a\",\"group\":\"g\",\"type\":\"t\"}]",
      "\"id\"",
      "42",
      "{\"id\":\"a\"} {\"id\":\"b\"}",
      "{\"id\":\"a\",\"group\":\"g\",\"type\":\"t\"}x",
      "{\"id\":\"a\"",
      "{\"id\":1,\"group\":\"g\",\"type\":\"t\"}",
      "{\"id\":\"a\",\"group\":true,\"type\":\"t\"}",
      "{\"id\":\"a\",\"group\":\"g\",\"type\":[\"t\"]}",
      "{\"id\":\"a\",\"group\":\"g\",\"type\":\"t\",\"payload\":{\"n\":1}}",
      "{\"id\":\"a\",\"group\":\"g\",\"type\":\"t\",\"payload\":{\"b\":false}}",
      "{\"id\":\"a\",\"group\":\"g\",\"type\":\"t\",\"payload\":{\"o\":{\"x\":\"y\"}}}",
      "{\"id\":\"a\",\"group\":\"g\",\"type\":\"t\",\"payload\":[\"x\"]}",
      "{\"id\":\"a\",\"group\":\"g\",\"type\":\"t\",\"payload\":\"x=y\"}",
      "{\"id\":\"a\",\"group\":\"g\",\"type\":\"t\",\"observedAt\":\"yesterday\"}",
      "{\"id\":\"a\",\"group\":\"g\",\"type\":\"t\",\"observedAt\":1748600000}",
      "{\"id\":\"a\",\"group\":\"g\",\"type\":\"t\",\"expiresAt\":\"2026-05-30 12:00:00\"}"
  })
  void rejectsWhatGoRejects(String body) {
    assertThrows(EventDecodeException.class, () -> decode(body));
  }

  @Test
  void trailingWhitespaceAfterTheObjectIsFine() throws Exception {
    assertEquals("a", decode("{\"id\":\"a\",\"group\":\"g\",\"type\":\"t\"}\n \t").id());
  }

  @Test
  void decodeDoesNotNormalize() throws Exception {
    FederationEvent ev = decode("{\"id\":\" a \",\"group\":\"g\",\"type\":\"t\"}");
    assertEquals(" a ", ev.id());
    assertEquals("", ev.dedupeKey());
    assertEquals("a", ev.normalized().dedupeKey());
  }

  @Test
  void errorMessagesNameTheField() {
    EventDecodeException e = assertThrows(EventDecodeException.class,
        () -> decode("{\"id\":\"a\",\"group\":\"g\",\"type\":\"t\",\"payload\":{\"n\":1}}"));
    assertTrue(e.getMessage().contains("n"), e.getMessage());
    e = assertThrows(EventDecodeException.class, () -> decode("{\"id\":\"a\",\"observedAt\":\"x\"}"));
    assertTrue(e.getMessage().contains("observedAt"), e.getMessage());
  }

  @Test
  void storedPayloadsUseGoEncodingAndDecodeAsGoDoes() throws EventDecodeException {
    // As Go's json.Marshal of a map[string]string: keys in byte order, <>& escaped, non-BMP raw.
    assertEquals("{\"a\":\"x\\u003cy\\u0026\",\"b\":\"\uD83D\uDE00\"}",
        EventCodec.encodePayload(Map.of("b", "\uD83D\uDE00", "a", "x<y&")));
    assertEquals("{}", EventCodec.encodePayload(Map.of()));
    Map<String, String> back = EventCodec.decodePayload(
        "{\"a\":\"x\\u003cy\\u0026\", \"n\":null, \"a\":\"last\"}".getBytes(StandardCharsets.UTF_8));
    assertEquals(Map.of("a", "last", "n", ""), back);
    assertEquals(Map.of(), EventCodec.decodePayload("null".getBytes(StandardCharsets.UTF_8)));
    assertThrows(EventDecodeException.class, () -> EventCodec.decodePayload("{\"a\":1}".getBytes(StandardCharsets.UTF_8)));
    assertThrows(EventDecodeException.class, () -> EventCodec.decodePayload("{} x".getBytes(StandardCharsets.UTF_8)));
    assertThrows(EventDecodeException.class, () -> EventCodec.decodePayload("[]".getBytes(StandardCharsets.UTF_8)));
  }
}
