package dev.cloudedge.federation.event;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Comparator;

/**
 * The byte-level rules of Go's {@code encoding/json} that the wire depends on: how {@code
 * json.Marshal} writes a string, how the decoder turns the bytes of a JSON string into text, how it
 * matches an object key to a struct field, and the order {@code json.Marshal} writes map keys in.
 */
public final class GoJson {
  private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] REPLACEMENT_ESCAPE = "\\ufffd".getBytes(StandardCharsets.US_ASCII);

  /** U+FFFD, what Go's decoder puts in place of every invalid byte and every bad surrogate escape. */
  public static final int REPLACEMENT = 0xFFFD;

  /**
   * Map keys in the order Go writes them: byte order of their UTF-8, which is code point order.
   * Java's {@link String#compareTo} compares UTF-16 units and puts U+E000..U+FFFF after the
   * supplementary planes, so it would sort differently.
   */
  public static final Comparator<String> KEY_ORDER = GoJson::compareCodePoints;

  private GoJson() {}

  /**
   * Appends {@code s} as a JSON string exactly as Go's {@code json.Marshal} does (HTML escaping on,
   * Go 1.22 and later): {@code "} and {@code \} escaped, {@code \b \f \n \r \t} short, other
   * control characters as {@code \\u00XX}, {@code < > &} as {@code \\u003c \\u003e \\u0026}, U+2028
   * and U+2029 as {@code \\u2028 \\u2029}, DEL and everything else, non-BMP included, as raw UTF-8.
   * A lone surrogate (Go's invalid UTF-8) becomes {@code \\ufffd}.
   */
  public static void appendString(ByteArrayOutputStream out, String s) {
    out.write('"');
    int i = 0;
    int n = s.length();
    while (i < n) {
      char c = s.charAt(i);
      if (c < 0x80) {
        appendAscii(out, c);
        i++;
        continue;
      }
      int cp;
      if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
        cp = Character.toCodePoint(c, s.charAt(i + 1));
        i += 2;
      } else if (Character.isSurrogate(c)) {
        out.writeBytes(REPLACEMENT_ESCAPE);
        i++;
        continue;
      } else {
        cp = c;
        i++;
      }
      if (cp == 0x2028 || cp == 0x2029) {
        out.write('\\');
        out.write('u');
        out.write('2');
        out.write('0');
        out.write('2');
        out.write(HEX[cp & 0xF]);
      } else {
        appendUtf8(out, cp);
      }
    }
    out.write('"');
  }

  /** {@link #appendString} into a Java string, for bodies built as text. */
  public static String quote(String s) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(s.length() + 8);
    appendString(out, s);
    return out.toString(StandardCharsets.UTF_8);
  }

  private static void appendAscii(ByteArrayOutputStream out, char c) {
    switch (c) {
      case '"', '\\' -> {
        out.write('\\');
        out.write(c);
      }
      case '\b' -> twoChar(out, 'b');
      case '\f' -> twoChar(out, 'f');
      case '\n' -> twoChar(out, 'n');
      case '\r' -> twoChar(out, 'r');
      case '\t' -> twoChar(out, 't');
      default -> {
        if (c < 0x20 || c == '<' || c == '>' || c == '&') {
          out.write('\\');
          out.write('u');
          out.write('0');
          out.write('0');
          out.write(HEX[c >> 4]);
          out.write(HEX[c & 0xF]);
        } else {
          out.write(c);
        }
      }
    }
  }

  private static void twoChar(ByteArrayOutputStream out, char c) {
    out.write('\\');
    out.write(c);
  }

  static void appendUtf8(ByteArrayOutputStream out, int cp) {
    if (cp < 0x80) {
      out.write(cp);
    } else if (cp < 0x800) {
      out.write(0xC0 | (cp >> 6));
      out.write(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
      out.write(0xE0 | (cp >> 12));
      out.write(0x80 | ((cp >> 6) & 0x3F));
      out.write(0x80 | (cp & 0x3F));
    } else {
      out.write(0xF0 | (cp >> 18));
      out.write(0x80 | ((cp >> 12) & 0x3F));
      out.write(0x80 | ((cp >> 6) & 0x3F));
      out.write(0x80 | (cp & 0x3F));
    }
  }

  /**
   * Go's {@code utf8.DecodeRune} on {@code b[i..end)}: the code point and its length in the
   * upper/lower halves of a long; an invalid or truncated sequence (overlong, surrogate, above
   * U+10FFFF) is U+FFFD of length 1, so each bad byte becomes its own U+FFFD.
   */
  static long decodeRune(byte[] b, int i, int end) {
    int b0 = b[i] & 0xFF;
    if (b0 < 0x80) {
      return pack(b0, 1);
    }
    int need;
    int lo = 0x80;
    int hi = 0xBF;
    int cp;
    if (b0 >= 0xC2 && b0 <= 0xDF) {
      need = 1;
      cp = b0 & 0x1F;
    } else if (b0 >= 0xE0 && b0 <= 0xEF) {
      need = 2;
      cp = b0 & 0x0F;
      if (b0 == 0xE0) {
        lo = 0xA0;
      } else if (b0 == 0xED) {
        hi = 0x9F;
      }
    } else if (b0 >= 0xF0 && b0 <= 0xF4) {
      need = 3;
      cp = b0 & 0x07;
      if (b0 == 0xF0) {
        lo = 0x90;
      } else if (b0 == 0xF4) {
        hi = 0x8F;
      }
    } else {
      return pack(REPLACEMENT, 1);
    }
    if (i + need >= end) {
      return pack(REPLACEMENT, 1);
    }
    for (int k = 1; k <= need; k++) {
      int bk = b[i + k] & 0xFF;
      int l = k == 1 ? lo : 0x80;
      int h = k == 1 ? hi : 0xBF;
      if (bk < l || bk > h) {
        return pack(REPLACEMENT, 1);
      }
      cp = (cp << 6) | (bk & 0x3F);
    }
    return pack(cp, need + 1);
  }

  private static long pack(int cp, int len) {
    return ((long) cp << 32) | len;
  }

  /**
   * Go's {@code unquote} of the bytes between a JSON string's quotes (already checked by the
   * scanner): escapes resolved, a {@code \\uXXXX} surrogate that does not pair with the escape
   * after it becomes U+FFFD (the next escape is then read on its own), and each byte of invalid
   * UTF-8 becomes U+FFFD.
   */
  static String unquote(byte[] b, int start, int end) {
    boolean plain = true;
    for (int i = start; i < end; i++) {
      int c = b[i] & 0xFF;
      if (c == '\\' || c >= 0x80) {
        plain = false;
        break;
      }
    }
    if (plain) {
      return new String(b, start, end - start, StandardCharsets.ISO_8859_1);
    }
    StringBuilder sb = new StringBuilder(end - start);
    int i = start;
    while (i < end) {
      int c = b[i] & 0xFF;
      if (c == '\\') {
        char e = (char) b[i + 1];
        switch (e) {
          case '"', '\\', '/', '\'' -> {
            sb.append(e);
            i += 2;
          }
          case 'b' -> {
            sb.append('\b');
            i += 2;
          }
          case 'f' -> {
            sb.append('\f');
            i += 2;
          }
          case 'n' -> {
            sb.append('\n');
            i += 2;
          }
          case 'r' -> {
            sb.append('\r');
            i += 2;
          }
          case 't' -> {
            sb.append('\t');
            i += 2;
          }
          case 'u' -> {
            int r = hex4(b, i + 2, end);
            i += 6;
            if (r >= 0xD800 && r < 0xE000) {
              int r2 = i + 1 < end && b[i] == '\\' && b[i + 1] == 'u' ? hex4(b, i + 2, end) : -1;
              if (r < 0xDC00 && r2 >= 0xDC00 && r2 < 0xE000) {
                sb.appendCodePoint(Character.toCodePoint((char) r, (char) r2));
                i += 6;
              } else {
                sb.append((char) REPLACEMENT);
              }
            } else {
              sb.append((char) r);
            }
          }
          default -> throw new IllegalStateException("the scanner lets no other escape through");
        }
      } else if (c < 0x80) {
        sb.append((char) c);
        i++;
      } else {
        long r = decodeRune(b, i, end);
        sb.appendCodePoint((int) (r >>> 32));
        i += (int) r;
      }
    }
    return sb.toString();
  }

  private static int hex4(byte[] b, int i, int end) {
    if (i + 4 > end) {
      return -1;
    }
    int v = 0;
    for (int k = i; k < i + 4; k++) {
      int d = Character.digit(b[k], 16);
      if (d < 0) {
        return -1;
      }
      v = v * 16 + d;
    }
    return v;
  }

  /**
   * Go's key folding for matching a JSON object key to a struct field ({@code foldName}: ASCII
   * letters upper-cased, every other rune replaced by the smallest rune of its simple case-folding
   * orbit). Against our ASCII field names only two non-ASCII runes matter: U+017F (long s, orbit
   * S s ſ) folds to {@code S} and U+212A (Kelvin sign, orbit K k K) folds to {@code K}. Dotless ı
   * and dotted İ are orbits of their own in Go and match nothing, unlike Java's {@code
   * toUpperCase}/{@code toLowerCase}.
   */
  static String foldKey(String key) {
    StringBuilder sb = new StringBuilder(key.length());
    for (int i = 0; i < key.length(); ) {
      int cp = key.codePointAt(i);
      i += Character.charCount(cp);
      if (cp >= 'a' && cp <= 'z') {
        sb.append((char) (cp - 32));
      } else if (cp == 0x017F) {
        sb.append('S');
      } else if (cp == 0x212A) {
        sb.append('K');
      } else if (cp < 0x80) {
        sb.append((char) cp);
      } else {
        // Any other rune folds to a non-ASCII rune, which no field name contains; keep it as is
        // so the key cannot match.
        sb.appendCodePoint(cp);
      }
    }
    return sb.toString();
  }

  private static int compareCodePoints(String a, String b) {
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
