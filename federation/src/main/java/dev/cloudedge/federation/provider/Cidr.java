package dev.cloudedge.federation.provider;

import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;

/**
 * IP and CIDR parsing the way Go's {@code net.ParseIP}/{@code net.ParseCIDR} accept them, without
 * ever resolving a host name (only literals are accepted).
 *
 * @param address the address bytes (4 or 16)
 * @param prefix the prefix length
 */
public record Cidr(byte[] address, int prefix) {

  /** Parses {@code a.b.c.d/n} or an IPv6 prefix; bare IPs are refused as Go does. */
  public static Cidr parse(String text) {
    int slash = text.indexOf('/');
    if (slash < 0) {
      throw new IllegalArgumentException("invalid CIDR address: " + text);
    }
    Optional<byte[]> ip = parseIp(text.substring(0, slash));
    String bits = text.substring(slash + 1);
    if (ip.isEmpty() || bits.isEmpty() || bits.length() > 3 || !bits.chars().allMatch(Character::isDigit)) {
      throw new IllegalArgumentException("invalid CIDR address: " + text);
    }
    int n = Integer.parseInt(bits);
    if (n > ip.get().length * 8) {
      throw new IllegalArgumentException("invalid CIDR address: " + text);
    }
    return new Cidr(ip.get(), n);
  }

  /** Parses an IP literal (IPv4 dotted quad or IPv6); empty when it is not one. */
  public static Optional<byte[]> parseIp(String s) {
    if (s == null || s.isEmpty()) {
      return Optional.empty();
    }
    if (s.indexOf(':') < 0) {
      String[] parts = s.split("\\.", -1);
      if (parts.length != 4) {
        return Optional.empty();
      }
      byte[] out = new byte[4];
      for (int i = 0; i < 4; i++) {
        String p = parts[i];
        if (p.isEmpty() || p.length() > 3 || !p.chars().allMatch(Character::isDigit)
            || (p.length() > 1 && p.charAt(0) == '0')) {
          return Optional.empty();
        }
        int v = Integer.parseInt(p);
        if (v > 255) {
          return Optional.empty();
        }
        out[i] = (byte) v;
      }
      return Optional.of(out);
    }
    // Only hex digits, ':' and '.' reach InetAddress, so it parses a literal and never does DNS.
    if (!s.chars().allMatch(c -> Character.digit(c, 16) >= 0 || c == ':' || c == '.')) {
      return Optional.empty();
    }
    try {
      byte[] b = InetAddress.getByName(s).getAddress();
      return b.length == 16 ? Optional.of(b) : Optional.empty();
    } catch (UnknownHostException e) {
      return Optional.empty();
    }
  }

  /** The IP of a bare address or of a CIDR ({@code 10.0.0.5} or {@code 10.0.0.5/32}). */
  public static Optional<byte[]> ipOfAddress(String a) {
    int slash = a.indexOf('/');
    if (slash >= 0) {
      try {
        return Optional.of(parse(a).address());
      } catch (IllegalArgumentException e) {
        return Optional.empty();
      }
    }
    return parseIp(a);
  }

  /** Whether {@code ip} lies in this prefix (IPv4-in-IPv6 is not mixed, as in Go's Contains for To4 forms). */
  public boolean contains(byte[] ip) {
    if (ip.length != address.length) {
      return false;
    }
    BigInteger mask = prefix == 0 ? BigInteger.ZERO
        : BigInteger.ONE.shiftLeft(prefix).subtract(BigInteger.ONE).shiftLeft(address.length * 8 - prefix);
    return new BigInteger(1, ip).and(mask).equals(new BigInteger(1, address).and(mask));
  }
}
