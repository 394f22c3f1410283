package dev.cloudedge.federation.security;

import java.util.Arrays;

/**
 * An HMAC key: the raw bytes of a trimmed secret file (reference §2.4), never hex- or
 * base64-decoded. {@link #toString()} never reveals the bytes, so a secret that reaches a log line
 * or an exception message by accident prints as {@code (redacted)}.
 */
public final class Secret {
  private final byte[] bytes;

  private Secret(byte[] bytes) {
    this.bytes = bytes;
  }

  /**
   * A secret from raw key bytes (copied).
   *
   * @throws IllegalArgumentException when empty
   */
  public static Secret of(byte[] bytes) {
    if (bytes == null || bytes.length == 0) {
      throw new IllegalArgumentException("secret must not be empty");
    }
    return new Secret(bytes.clone());
  }

  /** A secret from the UTF-8 bytes of {@code text}, as tests and the bench write them. */
  public static Secret ofText(String text) {
    return of(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }

  byte[] bytes() {
    return bytes;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Secret s && java.security.MessageDigest.isEqual(bytes, s.bytes);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(bytes);
  }

  @Override
  public String toString() {
    return "(redacted)";
  }
}
