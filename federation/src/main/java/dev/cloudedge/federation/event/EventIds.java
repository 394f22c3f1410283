package dev.cloudedge.federation.event;

import java.security.SecureRandom;
import java.time.Instant;
import java.util.HexFormat;

/** Event id generation for producers that do not supply one (reference §1.4). */
public final class EventIds {
  private static final SecureRandom RANDOM = new SecureRandom();

  private EventIds() {}

  /** {@code evt-<unixNanos>-<16 lowercase hex chars>}. */
  public static String generate(Instant now) {
    long nanos = now.getEpochSecond() * 1_000_000_000L + now.getNano();
    byte[] b = new byte[8];
    RANDOM.nextBytes(b);
    return "evt-" + nanos + "-" + HexFormat.of().formatHex(b);
  }
}
