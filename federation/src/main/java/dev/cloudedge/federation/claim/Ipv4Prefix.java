package dev.cloudedge.federation.claim;

/**
 * An IPv4 address with a prefix length, parsed with the strictness of Go's {@code
 * netip.ParsePrefix} for the forms claims use ({@code 10.88.60.9/32}). No name resolution is ever
 * attempted.
 *
 * @param address the address bits as an unsigned 32-bit value in an int
 * @param bits the prefix length, 0..32
 */
public record Ipv4Prefix(int address, int bits) {

  /** Thrown when text is not a prefix; the message follows Go's {@code netip} wording. */
  public static final class ParseException extends Exception {
    private static final long serialVersionUID = 1L;

    ParseException(String message) {
      super(message);
    }
  }

  /** Thrown when text is a valid IPv6 prefix: well formed, but not what a claim can hold. */
  public static final class NotIpv4Exception extends Exception {
    private static final long serialVersionUID = 1L;

    NotIpv4Exception() {
      super("not an IPv4 prefix");
    }
  }

  /**
   * Parses {@code a.b.c.d/n}.
   *
   * @throws ParseException when the text is not a prefix at all
   * @throws NotIpv4Exception when it is an IPv6 prefix
   */
  public static Ipv4Prefix parse(String text) throws ParseException, NotIpv4Exception {
    String q = "netip.ParsePrefix(\"" + text + "\")";
    int slash = text.lastIndexOf('/');
    if (slash < 0) {
      throw new ParseException(q + ": no '/'");
    }
    String addr = text.substring(0, slash);
    String len = text.substring(slash + 1);
    int bits;
    if (len.isEmpty() || len.length() > 3 || !len.chars().allMatch(Character::isDigit)
        || (len.length() > 1 && len.charAt(0) == '0')) {
      throw new ParseException(q + ": bad bits after slash: \"" + len + "\"");
    }
    bits = Integer.parseInt(len);
    if (addr.contains(":")) {
      if (bits > 128 || !addr.chars().allMatch(c -> Character.digit(c, 16) >= 0 || c == ':' || c == '.')) {
        throw new ParseException(q + ": ParseAddr(\"" + addr + "\"): invalid IPv6 address");
      }
      throw new NotIpv4Exception();
    }
    int a = parseAddress(addr, q);
    if (bits > 32) {
      throw new ParseException(q + ": prefix length out of range");
    }
    return new Ipv4Prefix(a, bits);
  }

  /** Parses a bare IPv4 address, or returns {@code null} when the text is not one. */
  public static Ipv4Prefix parseAddressOrNull(String text) {
    try {
      return new Ipv4Prefix(parseAddress(text, ""), 32);
    } catch (ParseException e) {
      return null;
    }
  }

  /**
   * Parses a prefix or a bare address ({@code /32}), or returns {@code null} when the text is
   * neither an IPv4 prefix nor an IPv4 address.
   */
  public static Ipv4Prefix parsePrefixOrAddress(String text) {
    if (text == null) {
      return null;
    }
    String t = text.trim();
    try {
      return t.contains("/") ? parse(t) : parseAddressOrNull(t);
    } catch (ParseException | NotIpv4Exception e) {
      return null;
    }
  }

  private static int parseAddress(String s, String q) throws ParseException {
    String[] parts = s.split("\\.", -1);
    if (parts.length != 4) {
      throw new ParseException(q + ": ParseAddr(\"" + s + "\"): unable to parse IP");
    }
    int out = 0;
    for (String p : parts) {
      if (p.isEmpty() || p.length() > 3 || !p.chars().allMatch(c -> c >= '0' && c <= '9')) {
        throw new ParseException(q + ": ParseAddr(\"" + s + "\"): unexpected character");
      }
      if (p.length() > 1 && p.charAt(0) == '0') {
        throw new ParseException(q + ": ParseAddr(\"" + s + "\"): IPv4 field has octet with leading zero");
      }
      int v = Integer.parseInt(p);
      if (v > 255) {
        throw new ParseException(q + ": ParseAddr(\"" + s + "\"): IPv4 field has value >255");
      }
      out = (out << 8) | v;
    }
    return out;
  }

  /** The prefix with host bits cleared. */
  public Ipv4Prefix masked() {
    int mask = bits == 0 ? 0 : -1 << (32 - bits);
    return new Ipv4Prefix(address & mask, bits);
  }

  /** Whether {@code ip} (its address bits) lies inside this prefix. */
  public boolean contains(Ipv4Prefix ip) {
    int mask = bits == 0 ? 0 : -1 << (32 - bits);
    return (ip.address & mask) == (address & mask);
  }

  /** The dotted-quad address. */
  public String addressText() {
    return ((address >>> 24) & 0xff) + "." + ((address >>> 16) & 0xff) + "." + ((address >>> 8) & 0xff) + "."
        + (address & 0xff);
  }

  @Override
  public String toString() {
    return addressText() + "/" + bits;
  }
}
