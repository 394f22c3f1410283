package dev.cloudedge.federation.event;

/** String helpers that match Go's semantics where the wire contract depends on them. */
public final class GoText {
  private GoText() {}

  /**
   * Whether {@code c} is white space as Go's {@code unicode.IsSpace} defines it: the ASCII
   * spaces, U+0085, U+00A0 and the Unicode space, line and paragraph separators.
   */
  public static boolean isSpace(int c) {
    switch (c) {
      case '\t', '\n', 0x0B, '\f', '\r', ' ', 0x85, 0xA0:
        return true;
      default:
        return c > 0xFF && Character.isSpaceChar(c);
    }
  }

  /** Go's {@code strings.TrimSpace}; {@code null} becomes the empty string. */
  public static String trimSpace(String s) {
    if (s == null) {
      return "";
    }
    int start = 0;
    int end = s.length();
    while (start < end) {
      int cp = s.codePointAt(start);
      if (!isSpace(cp)) {
        break;
      }
      start += Character.charCount(cp);
    }
    while (end > start) {
      int cp = s.codePointBefore(end);
      if (!isSpace(cp)) {
        break;
      }
      end -= Character.charCount(cp);
    }
    return s.substring(start, end);
  }

  /** True when the trimmed string is empty. */
  public static boolean isBlank(String s) {
    return trimSpace(s).isEmpty();
  }
}
