package dev.cloudedge.federation.subscription;

import dev.cloudedge.federation.config.GoDuration;
import dev.cloudedge.federation.config.Kinds;
import dev.cloudedge.federation.event.FederationEvent;
import dev.cloudedge.federation.event.GoText;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;

/**
 * The batch window and debounce of a subscription trigger (reference §1.7), and the batch limits.
 *
 * @param batchWindow absolute maximum wait from the first event; zero or less means none
 * @param debounce quiet time after the latest new event; zero or less means none
 */
public record BatchWindow(Duration batchWindow, Duration debounce) {
  /** Most events in one batch. */
  public static final int MAX_EVENTS = 1024;
  /** Most payload bytes in one batch (see {@link #eventBytes}). */
  public static final long MAX_BYTES = 4L << 20;
  /** The batch window used when only a debounce is set. */
  public static final Duration DEFAULT_DEBOUNCE_MAX_WAIT = Duration.ofMinutes(1);

  /** The effective window of a trigger: unparsable or blank is zero; debounce alone implies a 1 m window. */
  public static BatchWindow of(Kinds.SubscriptionTrigger t) {
    Duration bw = parseOrZero(t.batchWindow());
    Duration db = parseOrZero(t.debounce());
    if (positive(db) && !positive(bw)) {
      bw = DEFAULT_DEBOUNCE_MAX_WAIT;
    }
    return new BatchWindow(bw, db);
  }

  private static Duration parseOrZero(String s) {
    try {
      return GoDuration.parse(GoText.trimSpace(s));
    } catch (IllegalArgumentException e) {
      return Duration.ZERO;
    }
  }

  static boolean positive(Duration d) {
    return !d.isZero() && !d.isNegative();
  }

  /** Whether matched events wait for a timer instead of running at once. */
  public boolean defers() {
    return positive(batchWindow) || positive(debounce);
  }

  /**
   * {@code coalesceDelay}: deadline = firstAt + batchWindow (when set), then the earlier of that
   * and now + debounce (when set); the delay until it, never negative.
   */
  public static Duration coalesceDelay(Instant now, Instant firstAt, Duration batchWindow, Duration debounce) {
    Instant deadline = null;
    if (positive(batchWindow)) {
      deadline = firstAt.plus(batchWindow);
    }
    if (positive(debounce)) {
      Instant d = now.plus(debounce);
      deadline = deadline == null || d.isBefore(deadline) ? d : deadline;
    }
    if (deadline == null || !deadline.isAfter(now)) {
      return Duration.ZERO;
    }
    return Duration.between(now, deadline);
  }

  /** The size an event counts for: JSON payload + id + type + subject lengths (bytes). */
  public static long eventBytes(FederationEvent e) {
    return payloadJsonLength(e) + utf8(e.id()) + utf8(e.type()) + utf8(e.subject());
  }

  private static long utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8).length;
  }

  private static long payloadJsonLength(FederationEvent e) {
    try {
      return dev.cloudedge.federation.plugin.PluginJson.MAPPER.writeValueAsBytes(e.payload()).length;
    } catch (com.fasterxml.jackson.core.JsonProcessingException ex) {
      throw new IllegalStateException("a string map always encodes", ex);
    }
  }
}
