package dev.cloudedge.federation.event;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.ResolverStyle;
import java.time.temporal.ChronoField;
import java.util.Locale;
import java.time.format.DateTimeParseException;

/**
 * Time encoding as Go's {@code time.Time} JSON uses it: RFC 3339 with nanoseconds, trailing
 * fractional zeros dropped, and {@code 0001-01-01T00:00:00Z} for the zero time. In this code base
 * the zero time is {@code null}.
 */
public final class GoTime {
  /** How Go writes its zero time. */
  public static final String ZERO = "0001-01-01T00:00:00Z";

  private static final Instant GO_ZERO = Instant.parse(ZERO);

  /**
   * RFC 3339 as Go's {@code time.RFC3339} parses it: seconds are required, an upper-case {@code T}
   * and {@code Z}, an offset of hours and minutes, 1 to 9 fractional digits. Java's ISO parser is
   * laxer (it accepts {@code 12:00Z}, lower case and second-precision offsets), which would let the
   * CLI and the receiver accept times a Go peer rejects.
   */
  private static final DateTimeFormatter RFC3339 = new DateTimeFormatterBuilder()
      .appendPattern("uuuu-MM-dd'T'HH:mm:ss")
      .optionalStart()
      .appendFraction(ChronoField.NANO_OF_SECOND, 1, 9, true)
      .optionalEnd()
      .appendOffset("+HH:MM", "Z")
      .toFormatter(Locale.ROOT)
      .withResolverStyle(ResolverStyle.STRICT);

  private GoTime() {}

  /** Formats an instant (UTC) the way Go's RFC3339Nano does; {@code null} is the zero time. */
  public static String format(Instant t) {
    if (t == null) {
      return ZERO;
    }
    OffsetDateTime odt = t.atOffset(ZoneOffset.UTC);
    StringBuilder sb = new StringBuilder(DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss").format(odt));
    int nanos = odt.getNano();
    if (nanos != 0) {
      String frac = String.format("%09d", nanos);
      int end = frac.length();
      while (end > 0 && frac.charAt(end - 1) == '0') {
        end--;
      }
      sb.append('.').append(frac, 0, end);
    }
    return sb.append('Z').toString();
  }

  /** Formats whole seconds, UTC, as the CLI tables do; {@code null} prints as {@code -}. */
  public static String formatSecondsOrDash(Instant t) {
    return t == null ? "-" : format(t.truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
  }

  /**
   * Parses an RFC 3339 timestamp (offsets and fractional seconds accepted).
   *
   * @return the instant, or {@code null} for Go's zero time
   * @throws IllegalArgumentException naming the text when it is not RFC 3339
   */
  public static Instant parse(String text) {
    try {
      Instant t = OffsetDateTime.parse(text, RFC3339).toInstant();
      return t.equals(GO_ZERO) ? null : t;
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException("parsing time \"" + text + "\" as RFC 3339 failed", e);
    }
  }

  /** Unix seconds of an instant, {@code 0} for {@code null}; truncates towards negative infinity. */
  public static long unixSeconds(Instant t) {
    return t == null ? 0 : t.getEpochSecond();
  }

  /** The instant for stored unix seconds; {@code 0} or less reads back as the zero time ({@code null}). */
  public static Instant fromUnixSeconds(long s) {
    return s <= 0 ? null : Instant.ofEpochSecond(s);
  }
}
