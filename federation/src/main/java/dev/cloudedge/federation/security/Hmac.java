package dev.cloudedge.federation.security;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.Objects;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * routerd's request signature (reference §2.1): HMAC-SHA256 over {@code "<ts>\n" + rawBody}, where
 * {@code ts} is the canonical base-10 rendering of the unix-seconds timestamp, written as 64
 * lowercase hex characters.
 */
public final class Hmac {
  private static final String ALGORITHM = "HmacSHA256";
  private static final char[] HEX = "0123456789abcdef".toCharArray();

  private Hmac() {}

  /** The lowercase hex signature of {@code body} at {@code timestamp} under {@code key}. */
  public static String sign(Secret key, long timestamp, byte[] body) {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(body, "body");
    Mac mac = newMac(key);
    mac.update(Long.toString(timestamp).getBytes(StandardCharsets.US_ASCII));
    mac.update((byte) '\n');
    mac.update(body);
    return hex(mac.doFinal());
  }

  /**
   * Whether {@code signature} is the signature of {@code body} at {@code timestamp} under any of the
   * accepted keys. The comparison is constant-time per key; uppercase hex, a missing or an empty
   * signature never verify.
   */
  public static boolean verify(List<Secret> acceptedKeys, long timestamp, byte[] body, String signature) {
    if (signature == null || signature.isEmpty()) {
      return false;
    }
    byte[] given = signature.getBytes(StandardCharsets.US_ASCII);
    boolean ok = false;
    // Check every key, not just until the first match, so timing does not reveal which key matched.
    for (Secret key : acceptedKeys) {
      byte[] expected = sign(key, timestamp, body).getBytes(StandardCharsets.US_ASCII);
      ok |= MessageDigest.isEqual(expected, given);
    }
    return ok;
  }

  // Mac.getInstance does a provider lookup; one Mac per thread, re-keyed per call, avoids it.
  private static final ThreadLocal<Mac> MACS = ThreadLocal.withInitial(() -> {
    try {
      return Mac.getInstance(ALGORITHM);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("HMAC-SHA256 is unavailable in this JVM", e);
    }
  });

  private static Mac newMac(Secret key) {
    try {
      Mac mac = MACS.get();
      mac.init(new SecretKeySpec(key.bytes(), ALGORITHM));
      return mac;
    } catch (InvalidKeyException e) {
      throw new IllegalStateException("HMAC-SHA256 key rejected", e);
    }
  }

  private static String hex(byte[] b) {
    char[] out = new char[b.length * 2];
    for (int i = 0; i < b.length; i++) {
      out[2 * i] = HEX[(b[i] >> 4) & 0xf];
      out[2 * i + 1] = HEX[b[i] & 0xf];
    }
    return new String(out);
  }
}
