package dev.cloudedge.federation.event;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The decode and encode cases where Go's {@code encoding/json} differs from a generic JSON
 * library. Each expected value was observed on the real routerd-eventd (see docs/wire-protocol.md,
 * "Decoding exactly as Go"); {@code RouterdInteropTest} in the cli module re-checks them against
 * the binary.
 */
class GoWireCodecTest {
  private static FederationEvent decode(byte[] b) throws EventDecodeException {
    return EventCodec.decode(b);
  }

  private static FederationEvent decode(String s) throws EventDecodeException {
    return decode(s.getBytes(StandardCharsets.UTF_8));
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void nullBodyIsAZeroEventSoValidationNamesTheId() throws Exception {
    FederationEvent ev = decode(" null \n");
    assertEquals("", ev.id());
    assertEquals("federation event id is required",
        assertThrows(EventValidationException.class, ev::normalizedAndValid).getMessage());
  }

  @Test
  void byteOrderMarkIsAnError() {
    byte[] body = concat(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF}, utf8("{\"id\":\"a\",\"group\":\"g\",\"type\":\"t\"}"));
    assertThrows(EventDecodeException.class, () -> decode(body));
  }

  @Test
  void loneSurrogateEscapesBecomeReplacementCharacters() throws Exception {
    assertEquals("\uFFFDx", decode("{\"id\":\"\\ud800x\"}").id());
    assertEquals("\uFFFD", decode("{\"id\":\"\\udc00\"}").id(), "a lone low surrogate");
    assertEquals("\uFFFDA", decode("{\"id\":\"\\ud800\\u0041\"}").id(), "the next escape is read on its own");
    assertEquals("\uFFFD\uFFFD", decode("{\"id\":\"\\ud800\\ud800\"}").id());
    assertEquals("\uD83D\uDE00", decode("{\"id\":\"\\ud83d\\ude00\"}").id(), "a real pair decodes");
    assertNotEquals(decode("{\"id\":\"?\"}").id(), decode("{\"id\":\"\\ud800\"}").id(),
        "a lone surrogate and a literal ? are two different ids");
  }

  @Test
  void eachInvalidUtf8ByteBecomesOneReplacementCharacter() throws Exception {
    // ff, fe, then a 3-byte sequence cut short (e2 82) before 'a': four bad bytes, four U+FFFD.
    byte[] body = concat(utf8("{\"id\":\"raw"), new byte[] {(byte) 0xFF, (byte) 0xFE, (byte) 0xE2, (byte) 0x82},
        utf8("a\",\"group\":\"g\",\"type\":\"t\"}"));
    assertEquals("raw\uFFFD\uFFFD\uFFFD\uFFFDa", decode(body).id());
    // UTF-8-encoded surrogate (ed a0 80) and an overlong slash (c0 af) are invalid in Go too.
    assertEquals("\uFFFD\uFFFD\uFFFD\uFFFD\uFFFD", decode(concat(utf8("{\"id\":\""),
        new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80, (byte) 0xC0, (byte) 0xAF}, utf8("\"}"))).id());
    assertEquals("\u00e9\u20ac\uD83D\uDE00", decode("{\"id\":\"\u00e9\u20ac\uD83D\uDE00\"}").id(), "valid UTF-8 passes");
    assertEquals("x\uFFFD\uFFFD", decode(concat(utf8("{\"id\":\"x"), new byte[] {(byte) 0xE2, (byte) 0x82}, utf8("\"}"))).id(),
        "a sequence cut short by the closing quote: one U+FFFD per byte");
  }

  @Test
  void invalidPayloadKeysCollapseToOneReplacementKeyLastWins() throws Exception {
    byte[] body = concat(utf8("{\"id\":\"p\",\"payload\":{\"k\":null,\""), new byte[] {(byte) 0xFF},
        utf8("\":\"a\",\""), new byte[] {(byte) 0xFE}, utf8("\":\"b\"}}"));
    assertEquals(Map.of("k", "", "\uFFFD", "b"), decode(body).payload());
  }

  @Test
  void keysFoldLikeGoNotLikeToLowerCase() throws Exception {
    assertEquals("s1", decode("{\"\u017Fubject\":\"s1\"}").subject(), "long s folds to s");
    assertEquals("k1", decode("{\"dedupe\u212Aey\":\"k1\"}").dedupeKey(), "Kelvin sign folds to k");
    assertEquals("up", decode("{\"SUBJECT\":\"up\"}").subject());
    assertEquals("", decode("{\"\u0131d\":\"dotless\"}").id(), "dotless i is its own orbit in Go");
    assertEquals("", decode("{\"\u0130D\":\"dotted\"}").id(), "dotted I is its own orbit in Go");
    assertEquals("", decode("{\"i\u0307d\":\"combining\"}").id());
  }

  @Test
  void duplicateKeysLastWinsAndNullKeepsTheEarlierValue() throws Exception {
    assertEquals("second", decode("{\"subject\":\"first\",\"Subject\":\"second\"}").subject());
    assertEquals("a1", decode("{\"id\":\"a1\",\"id\":null}").id(), "null leaves a string field alone");
    Instant t = Instant.parse("2026-05-30T12:00:00Z");
    assertEquals(t, decode("{\"observedAt\":\"2026-05-30T12:00:00Z\",\"observedAt\":null}").observedAt());
  }

  @Test
  void twoPayloadObjectsMergeAndNullEmptiesIt() throws Exception {
    Map<String, String> want = new LinkedHashMap<>();
    want.put("a", "1");
    want.put("b", "3");
    assertEquals(want, decode("{\"payload\":{\"a\":\"1\",\"b\":\"2\"},\"payload\":{\"b\":\"3\"}}").payload());
    assertEquals(Map.of(), decode("{\"payload\":{\"z\":\"1\"},\"PAYLOAD\":null}").payload());
  }

  @Test
  void unknownKeysAreSkippedButMustBeValidJson() throws Exception {
    assertEquals("unk", decode("{\"id\":\"unk\",\"extra\":[1,2,{\"a\":null,\"b\":[[]],\"c\":{}}],\"num\":-0.5e+3}").id());
    for (String bad : new String[] {"{\"id\":\"a\",\"x\":01}", "{\"id\":\"a\",\"x\":[1,]}", "{\"id\":\"a\",\"x\":{\"k\"}}",
        "{\"id\":\"a\",\"x\":'s'}", "{\"id\":\"a\",\"x\":NaN}", "{\"id\":\"a\",\"x\":\"\\x41\"}", "{\"id\":\"a\",}",
        "{\"id\":\"a\",\"x\":tru}", "{\"id\":\"a\",\"x\":1.}", "{\"id\":\"a\",\"x\":\"tab\there\"}"}) {
      assertThrows(EventDecodeException.class, () -> decode(bad), bad);
    }
  }

  @Test
  void onlyGoWhiteSpaceSurroundsTheValue() throws Exception {
    assertEquals("ws", decode("\r\n\t {\"id\":\"ws\"}\r\n\t ").id());
    assertThrows(EventDecodeException.class, () -> decode("\u00a0{\"id\":\"a\"}"));
    assertThrows(EventDecodeException.class, () -> decode("{\"id\":\"a\"}\f"));
  }

  @Test
  void nestingDeeperThanGoAllowsIsAnError() throws Exception {
    String ok = "{\"x\":" + "[".repeat(EventCodec.MAX_DEPTH - 1) + "]".repeat(EventCodec.MAX_DEPTH - 1) + ",\"id\":\"d\"}";
    assertEquals("d", decode(ok).id());
    String deep = "{\"x\":" + "[".repeat(EventCodec.MAX_DEPTH) + "]".repeat(EventCodec.MAX_DEPTH) + "}";
    assertThrows(EventDecodeException.class, () -> decode(deep));
  }

  @Test
  void timesAreTheRawStringBytes() throws Exception {
    assertThrows(EventDecodeException.class,
        () -> decode("{\"observedAt\":\"2026\\u002d05-30T12:00:00Z\"}"), "Go does not unescape a time");
    assertThrows(EventDecodeException.class, () -> decode("{\"observedAt\":\"2026-05-30t14:00:00z\"}"));
    assertEquals(Instant.parse("2026-05-30T12:00:00.123456789Z"),
        decode("{\"observedAt\":\"2026-05-30T12:00:00.1234567891Z\"}").observedAt());
    assertNull(decode("{\"expiresAt\":\"0001-01-01T01:00:00+01:00\"}").expiresAt(), "the zero instant in any offset");
  }

  @Test
  void encodesStringsAsGoMarshalDoes() {
    FederationEvent ev = new FederationEvent("mu", "g", "", "t",
        "<a>&\u2028\u2029\uD83D\uDE00\b\f\n\r\t\u0001\u001f\u007f\"\\/\u00e9", "", Map.of(), null, null);
    String want = "{\"id\":\"mu\",\"group\":\"g\",\"type\":\"t\",\"subject\":"
        + "\"\\u003ca\\u003e\\u0026\\u2028\\u2029\uD83D\uDE00\\b\\f\\n\\r\\t\\u0001\\u001f\u007f\\\"\\\\/\u00e9\","
        + "\"observedAt\":\"0001-01-01T00:00:00Z\",\"expiresAt\":\"0001-01-01T00:00:00Z\"}";
    assertArrayEquals(utf8(want), EventCodec.encode(ev));
  }

  @Test
  void aLoneSurrogateInAJavaStringIsWrittenAsGoWritesInvalidUtf8() {
    assertEquals("\"a\\ufffdb\\ufffd\"", GoJson.quote("a\uD800b\uDC00"));
  }

  @Test
  void payloadKeysAreSortedByUtf8BytesNotUtf16Units() {
    // In UTF-16 the emoji (high surrogate 0xD83D) sorts before U+FF21; in UTF-8 and code points, after it.
    FederationEvent ev = new FederationEvent("p", "g", "", "t", "", "", Map.of("\uFF21", "1", "\uD83D\uDE00", "2", "a", "3"),
        null, null);
    String body = new String(EventCodec.encode(ev), StandardCharsets.UTF_8);
    assertEquals("{\"id\":\"p\",\"group\":\"g\",\"type\":\"t\",\"payload\":{\"a\":\"3\",\"\uFF21\":\"1\",\"\uD83D\uDE00\":\"2\"},"
        + "\"observedAt\":\"0001-01-01T00:00:00Z\",\"expiresAt\":\"0001-01-01T00:00:00Z\"}", body);
  }

  @Test
  void decodedReplacementCharactersReEncodeRaw() throws Exception {
    byte[] body = concat(utf8("{\"id\":\"x"), new byte[] {(byte) 0xFF}, utf8("\",\"group\":\"g\",\"type\":\"t\"}"));
    String out = new String(EventCodec.encode(decode(body)), StandardCharsets.UTF_8);
    assertEquals("{\"id\":\"x\uFFFD\",\"group\":\"g\",\"type\":\"t\",\"observedAt\":\"0001-01-01T00:00:00Z\","
        + "\"expiresAt\":\"0001-01-01T00:00:00Z\"}", out);
  }
}
