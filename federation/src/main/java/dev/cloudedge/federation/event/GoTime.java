package dev.cloudedge.federation.event;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * Time encoding as Go's {@code time.Time} JSON uses it: RFC 3339 with nanoseconds, trailing
 * fractional zeros dropped, and {@code 0001-01-01T00:00:00Z} for the zero time. In this code base
 * the zero time is {@code null}.
 */
public final class GoTime {
  /** How Go writes its zero time. */
  public static final String ZERO = "0001-01-01T00:00:00Z";

  private static final Instant GO_ZERO = Instant.parse(ZERO);

  private GoTime() {}

  /** Formats an instant (UTC) the way Go's RFC3339Nano does; {@code null} is the zero time. */
  public static String format(Instant t) {
    if (t == null) {
      return ZERO;
    }
    OffsetDateTime odt = t.atOffset(ZoneOffset.UTC);
    StringBuilder sb;
    int year = odt.getYear();
    if (year >= 0 && year <= 9999) {
      // By hand: the sender formats two times per event it pushes, and building a formatter from
      // its pattern each time was a tenth of its CPU.
      sb = new StringBuilder(30);
      digits(sb, year, 4).append('-');
      digits(sb, odt.getMonthValue(), 2).append('-');
      digits(sb, odt.getDayOfMonth(), 2).append('T');
      digits(sb, odt.getHour(), 2).append(':');
      digits(sb, odt.getMinute(), 2).append(':');
      digits(sb, odt.getSecond(), 2);
    } else {
      sb = new StringBuilder(PATTERN.format(odt));
    }
    int nanos = odt.getNano();
    if (nanos != 0) {
      String frac = digits(new StringBuilder(9), nanos, 9).toString();
      int end = frac.length();
      while (end > 0 && frac.charAt(end - 1) == '0') {
        end--;
      }
      sb.append('.').append(frac, 0, end);
    }
    return sb.append('Z').toString();
  }

  private static final DateTimeFormatter PATTERN = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss");

  private static StringBuilder digits(StringBuilder sb, int value, int width) {
    String v = Integer.toString(value);
    for (int i = v.length(); i < width; i++) {
      sb.append('0');
    }
    return sb.append(v);
  }

  /** Formats whole seconds, UTC, as the CLI tables do; {@code null} prints as {@code -}. */
  public static String formatSecondsOrDash(Instant t) {
    return t == null ? "-" : format(t.truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
  }

  /**
   * Parses an RFC 3339 timestamp as Go's {@code time.Time.UnmarshalJSON} does (its strict RFC 3339
   * parser): {@code YYYY-MM-DDTHH:MM:SS}, optional {@code .} and fractional digits (any number,
   * beyond nine truncated), then {@code Z} or {@code +HH:MM}/{@code -HH:MM}; upper-case {@code T}
   * and {@code Z}, two-digit fields, days checked against the month. Java's ISO parser is laxer
   * and would accept times a Go peer rejects.
   *
   * @return the instant, or {@code null} for Go's zero time
   * @throws IllegalArgumentException naming the text when it is not RFC 3339
   */
  public static Instant parse(String text) {
    byte[] b = text.getBytes(StandardCharsets.UTF_8);
    return parse(b, 0, b.length);
  }

  /** {@link #parse(String)} over raw bytes, which need not be valid UTF-8. */
  public static Instant parse(byte[] b, int start, int end) {
    Instant t = parseRfc3339(b, start, end);
    if (t == null) {
      throw new IllegalArgumentException("parsing time \"" + new String(b, start, end - start, StandardCharsets.UTF_8)
          + "\" as RFC 3339 failed");
    }
    return t.equals(GO_ZERO) ? null : t;
  }

  private static Instant parseRfc3339(byte[] s, int start, int end) {
    int n = end - start;
    if (n < 19) {
      return null;
    }
    int year = num(s, start, 4, 0, 9999);
    int month = num(s, start + 5, 2, 1, 12);
    int day = num(s, start + 8, 2, 1, 31);
    int hour = num(s, start + 11, 2, 0, 23);
    int min = num(s, start + 14, 2, 0, 59);
    int sec = num(s, start + 17, 2, 0, 59);
    if (year < 0 || month < 0 || day < 0 || hour < 0 || min < 0 || sec < 0
        || s[start + 4] != '-' || s[start + 7] != '-' || s[start + 10] != 'T' || s[start + 13] != ':'
        || s[start + 16] != ':') {
      return null;
    }
    if (day > YearMonth.of(year, month).lengthOfMonth()) {
      return null;
    }
    int i = start + 19;
    int nanos = 0;
    if (end - i >= 2 && s[i] == '.' && isDigit(s[i + 1])) {
      int j = i + 1;
      int digits = 0;
      while (j < end && isDigit(s[j])) {
        if (digits < 9) {
          nanos = nanos * 10 + (s[j] - '0');
          digits++;
        }
        j++;
      }
      for (; digits < 9; digits++) {
        nanos *= 10;
      }
      i = j;
    }
    int offsetSeconds = 0;
    if (!(end - i == 1 && s[i] == 'Z')) {
      if (end - i != 6) {
        return null;
      }
      int hh = num(s, i + 1, 2, 0, 23);
      int mm = num(s, i + 4, 2, 0, 59);
      if (hh < 0 || mm < 0 || !(s[i] == '+' || s[i] == '-') || s[i + 3] != ':') {
        return null;
      }
      offsetSeconds = (hh * 60 + mm) * 60 * (s[i] == '-' ? -1 : 1);
    }
    return LocalDateTime.of(year, month, day, hour, min, sec, nanos).toInstant(ZoneOffset.UTC)
        .minusSeconds(offsetSeconds);
  }

  /** A fixed-width unsigned decimal in {@code [min, max]}, or -1. */
  private static int num(byte[] s, int at, int width, int min, int max) {
    int x = 0;
    for (int k = at; k < at + width; k++) {
      if (!isDigit(s[k])) {
        return -1;
      }
      x = x * 10 + (s[k] - '0');
    }
    return x < min || x > max ? -1 : x;
  }

  private static boolean isDigit(byte c) {
    return c >= '0' && c <= '9';
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
