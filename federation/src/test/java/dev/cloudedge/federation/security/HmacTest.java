package dev.cloudedge.federation.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cloudedge.federation.config.Kinds;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reference §9 vectors 1–6 and the key-loading rules of §2.4. */
class HmacTest {
  static final Secret K_TEST = Secret.ofText("0123456789abcdef0123456789abcdef");

  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void vector1And2() {
    Secret shared = Secret.ofText("shared-key");
    assertEquals("feaf85c8afb7fabd6ce806146c34e30f2088092f9a88a0a192ed3f9613dee5dc",
        Hmac.sign(shared, 1748600000L, b("{\"id\":\"evt-1\",\"type\":\"routerd.client.ipv4.observed\"}")));
    String sig = Hmac.sign(shared, 1748600000L, b("payload"));
    assertEquals("c7b67006ba88d7480d69ab475ad21008c1baabaf5a84e199f0a4cbc29bc9e9ca", sig);
    assertEquals("e5e59a0996a523d36415299f805993376bc23796bcbfa83efcd36b0962facc22",
        Hmac.sign(Secret.ofText("right-secret"), 1748600000L, b("payload")));
    assertEquals("2f22d2a419106ad72165f35208ca9ed25869fe4e9d0c42cad612d4a737cca36a",
        Hmac.sign(Secret.ofText("wrong-secret"), 1748600000L, b("payload")));
    assertTrue(Hmac.verify(List.of(shared), 1748600000L, b("payload"), sig));
    assertFalse(Hmac.verify(List.of(Secret.ofText("wrong-secret")), 1748600000L, b("payload"), sig));
  }

  @Test
  void vector3Tamper() {
    Secret shared = Secret.ofText("shared-key");
    String sig = Hmac.sign(shared, 1748600000L, b("original"));
    assertEquals("36f50ee710c1e21974f81cdd65a02ffaf55b97e6274555ab14ce63fdd71352e7", sig);
    assertFalse(Hmac.verify(List.of(shared), 1748600000L, b("tampered"), sig));
  }

  @Test
  void vector4And5And6() {
    assertEquals("5c824faa970cc95cd425f5b6fa2242366cc393499e8ab13f122b3bfb6af62f7f", Hmac.sign(K_TEST, 1780142400L, b("{}")));
    assertEquals("69fbd400bf472c062f588a94bb5e3ad06ac68f3b4ad6f0ae529c5e81df385c8b", Hmac.sign(K_TEST, 1780138800L, b("{}")));
    assertEquals("dc415545167bff69496f94f0e5ab5037e0034094507ccf6f0cb45ab5e7bb9163", Hmac.sign(K_TEST, 1780142400L, new byte[0]));
    String body5 = "{\"id\":\"evt-1\",\"group\":\"cloudedge\",\"sourceNode\":\"onprem\",\"type\":\"routerd.client.ipv4.observed\","
        + "\"subject\":\"10.88.60.9/32\",\"dedupeKey\":\"evt-1\",\"payload\":{\"mac\":\"aa:bb:cc:dd:ee:ff\"},"
        + "\"observedAt\":\"2026-05-30T12:00:00Z\",\"expiresAt\":\"0001-01-01T00:00:00Z\"}";
    assertEquals(249, b(body5).length);
    assertEquals("89a2dd2870a886ed32e8b80e99c23b276677779e95854672059581dce236325b", Hmac.sign(K_TEST, 1780142400L, b(body5)));
    String body6 = "{\"id\":\"shard-1\",\"group\":\"cloudedge\",\"sourceNode\":\"rr-node\",\"type\":\"routerd.client.ipv4.observed\","
        + "\"subject\":\"10.77.60.0/25\",\"dedupeKey\":\"shard-1\",\"payload\":{\"mac\":\"aa:bb:cc:dd:ee:ff\"},"
        + "\"observedAt\":\"2026-06-17T12:00:00Z\",\"expiresAt\":\"2026-06-17T12:10:00Z\"}";
    assertEquals(254, b(body6).length);
    assertEquals("937401e005f81c45bd9b379836e5a68d9f19b9da8a393844484b719513d7efbf", Hmac.sign(K_TEST, 1781697600L, b(body6)));
    assertEquals("e0c36f274858cc00e62ea6a80dd58638c88b763125326646b99e905e2bb56c44",
        Hmac.sign(K_TEST, 1781697600L, b(body6.replace("12:10:00Z", "12:20:00Z"))));
  }

  @Test
  void uppercaseMissingAndEmptySignaturesFail() {
    String sig = Hmac.sign(K_TEST, 1780142400L, b("{}"));
    assertFalse(Hmac.verify(List.of(K_TEST), 1780142400L, b("{}"), sig.toUpperCase()));
    assertFalse(Hmac.verify(List.of(K_TEST), 1780142400L, b("{}"), null));
    assertFalse(Hmac.verify(List.of(K_TEST), 1780142400L, b("{}"), ""));
  }

  @Test
  void rotationAcceptsPreviousKeysAndSignsWithNewest() {
    Secret old = Secret.ofText("old-secret");
    Secret next = Secret.ofText("new-secret");
    GroupKeys keys = GroupKeys.rotating(next, List.of(old));
    assertEquals(next, keys.signing());
    assertTrue(Hmac.verify(keys.accepted(), 1, b("x"), Hmac.sign(old, 1, b("x"))));
    assertTrue(Hmac.verify(keys.accepted(), 1, b("x"), Hmac.sign(next, 1, b("x"))));
    assertFalse(Hmac.verify(keys.accepted(), 1, b("x"), Hmac.sign(Secret.ofText("other"), 1, b("x"))));
  }

  @Test
  void secretFilesAreTrimmedAndNeverPrinted(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("k");
    Files.writeString(f, "0123456789abcdef0123456789abcdef\n");
    Secret s = GroupKeys.loadFile(f);
    assertEquals(K_TEST, s);
    assertEquals("(redacted)", s.toString());
    assertFalse(GroupKeys.load(new Kinds.Auth("hmac", "", f.toString(), List.of())).toString().contains("0123"));

    Path empty = dir.resolve("empty");
    Files.writeString(empty, " \n\t");
    SecretException e = assertThrows(SecretException.class, () -> GroupKeys.loadFile(empty));
    assertEquals("empty secret file " + empty, e.getMessage());

    Path missing = dir.resolve("missing");
    e = assertThrows(SecretException.class, () -> GroupKeys.loadFile(missing));
    assertTrue(e.getMessage().startsWith("read secret: "), e.getMessage());
    assertTrue(e.getMessage().contains(missing.toString()), e.getMessage());
  }
}
