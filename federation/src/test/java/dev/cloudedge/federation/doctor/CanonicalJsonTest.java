package dev.cloudedge.federation.doctor;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Canonical JSON and Go-style indented JSON. */
class CanonicalJsonTest {

  @Test
  void keysSortedByCodePointAtEveryLevelNoWhitespace() {
    Map<String, Object> inner = new LinkedHashMap<>();
    inner.put("b", 1);
    inner.put("B", true);
    inner.put("a", null);
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("z", List.of(inner, "x"));
    m.put("é", "e-acute");
    m.put("A", 1.50);
    assertEquals("{\"A\":1.5,\"z\":[{\"B\":true,\"a\":null,\"b\":1},\"x\"],\"é\":\"e-acute\"}", CanonicalJson.string(m));
    // Same value, different insertion order: same bytes.
    Map<String, Object> inner2 = new LinkedHashMap<>();
    inner2.put("a", null);
    inner2.put("b", 1);
    inner2.put("B", true);
    Map<String, Object> m2 = new LinkedHashMap<>();
    m2.put("A", 1.5);
    m2.put("é", "e-acute");
    m2.put("z", List.of(inner2, "x"));
    assertEquals(CanonicalJson.string(m), CanonicalJson.string(m2));
  }

  @Test
  void minimalEscapingAndUtf8() {
    assertEquals("\"a<b>&\\\"\\\\\\n\\u0001é\"", CanonicalJson.string("a<b>&\"\\\n\u0001é"));
    assertEquals("é".getBytes(StandardCharsets.UTF_8).length + 2, CanonicalJson.bytes("é").length);
  }

  @Test
  void sha256IsOverTheCanonicalBytes() throws Exception {
    byte[] d = MessageDigest.getInstance("SHA-256").digest("{\"a\":1}".getBytes(StandardCharsets.UTF_8));
    assertEquals("sha256:" + HexFormat.of().formatHex(d), CanonicalJson.sha256(Map.of("a", 1)));
  }

  @Test
  void goJsonIndentMatchesEncodingJson() throws Exception {
    var tree = new ObjectMapper().readTree("{\"a\":[],\"b\":{},\"c\":[1,{\"d\":\"x>y\"}],\"e\":null}");
    assertEquals("""
        {
          "a": [],
          "b": {},
          "c": [
            1,
            {
              "d": "x\\u003ey"
            }
          ],
          "e": null
        }
        """, GoJson.indent(tree));
  }
}
