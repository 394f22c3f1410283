package dev.cloudedge.federation.config;

import java.time.Duration;

/** Go's {@code time.ParseDuration} and {@code Duration.String()}, which the Kinds use for every duration field. */
public final class GoDuration {
  private GoDuration() {}

  /**
   * Parses Go duration syntax ({@code 300ms}, {@code 5m}, {@code 1h30m}, {@code 1.5h}); an empty
   * or blank string is zero.
   *
   * @throws IllegalArgumentException with Go's message, e.g. {@code time: invalid duration "abc"}
   */
  public static Duration parse(String text) {
    if (text == null || text.isBlank()) {
      return Duration.ZERO;
    }
    String s = text;
    String quoted = "\"" + text + "\"";
    int i = 0;
    boolean neg = false;
    if (s.charAt(0) == '-' || s.charAt(0) == '+') {
      neg = s.charAt(0) == '-';
      i++;
    }
    if (s.substring(i).equals("0")) {
      return Duration.ZERO;
    }
    if (i >= s.length()) {
      throw new IllegalArgumentException("time: invalid duration " + quoted);
    }
    double totalNanos = 0;
    while (i < s.length()) {
      int start = i;
      while (i < s.length() && Character.isDigit(s.charAt(i))) {
        i++;
      }
      String whole = s.substring(start, i);
      String frac = "";
      if (i < s.length() && s.charAt(i) == '.') {
        i++;
        int fs = i;
        while (i < s.length() && Character.isDigit(s.charAt(i))) {
          i++;
        }
        frac = s.substring(fs, i);
      }
      if (whole.isEmpty() && frac.isEmpty()) {
        throw new IllegalArgumentException("time: invalid duration " + quoted);
      }
      int us = i;
      while (i < s.length() && s.charAt(i) != '.' && !Character.isDigit(s.charAt(i))) {
        i++;
      }
      String unit = s.substring(us, i);
      if (unit.isEmpty()) {
        throw new IllegalArgumentException("time: missing unit in duration " + quoted);
      }
      long scale = switch (unit) {
        case "ns" -> 1L;
        case "us", "µs", "μs" -> 1_000L;
        case "ms" -> 1_000_000L;
        case "s" -> 1_000_000_000L;
        case "m" -> 60_000_000_000L;
        case "h" -> 3_600_000_000_000L;
        default -> throw new IllegalArgumentException(
            "time: unknown unit \"" + unit + "\" in duration " + quoted);
      };
      double v = Double.parseDouble((whole.isEmpty() ? "0" : whole) + (frac.isEmpty() ? "" : "." + frac));
      totalNanos += v * scale;
      if (totalNanos > Long.MAX_VALUE) {
        throw new IllegalArgumentException("time: invalid duration " + quoted);
      }
    }
    long n = Math.round(totalNanos);
    return Duration.ofNanos(neg ? -n : n);
  }

  /** Go's {@code Duration.String()}: {@code 5m0s}, {@code 24h0m0s}, {@code 200ms}, {@code 1.5s}, {@code 0s}. */
  public static String format(Duration d) {
    long n = d.toNanos();
    if (n == 0) {
      return "0s";
    }
    StringBuilder sb = new StringBuilder();
    if (n < 0) {
      sb.append('-');
      n = -n;
    }
    if (n < 1_000_000_000L) {
      if (n < 1_000L) {
        return sb.append(n).append("ns").toString();
      }
      if (n < 1_000_000L) {
        return sb.append(fraction(n, 1_000L)).append("µs").toString();
      }
      return sb.append(fraction(n, 1_000_000L)).append("ms").toString();
    }
    long h = n / 3_600_000_000_000L;
    n -= h * 3_600_000_000_000L;
    long m = n / 60_000_000_000L;
    n -= m * 60_000_000_000L;
    if (h > 0) {
      sb.append(h).append('h');
    }
    if (h > 0 || m > 0) {
      sb.append(m).append('m');
    }
    return sb.append(fraction(n, 1_000_000_000L)).append('s').toString();
  }

  private static String fraction(long v, long unit) {
    long whole = v / unit;
    long rem = v % unit;
    if (rem == 0) {
      return Long.toString(whole);
    }
    String digits = Long.toString(unit).substring(1);
    String f = String.format("%0" + digits.length() + "d", rem).replaceAll("0+$", "");
    return whole + "." + f;
  }
}
