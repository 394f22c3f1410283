package dev.cloudedge.federation.doctor;

import java.util.Comparator;

/** Byte-wise string order (Go {@code sort.Strings}, SQLite BINARY): by Unicode code point, never by locale. */
final class GoStrings {
  /** Code-point order, which equals UTF-8 byte order. */
  static final Comparator<String> ORDER = GoStrings::compare;

  private GoStrings() {}

  static int compare(String a, String b) {
    int i = 0;
    int j = 0;
    while (i < a.length() && j < b.length()) {
      int ca = a.codePointAt(i);
      int cb = b.codePointAt(j);
      if (ca != cb) {
        return Integer.compare(ca, cb);
      }
      i += Character.charCount(ca);
      j += Character.charCount(cb);
    }
    return Integer.compare(a.length() - i, b.length() - j);
  }
}
