package dev.cloudedge.federation.claim;

/** Deterministic claim and plan names (subscription reference §2.3, §3.4). */
public final class ClaimNames {
  private ClaimNames() {}

  /**
   * The claim name for an address: {@code ("onprem", "10.88.60.9/32")} → {@code onprem-10-88-60-9};
   * an empty owner side is {@code onprem}, an empty host is {@code addr}.
   */
  public static String claimName(String ownerSide, String address) {
    String host = address == null ? "" : address;
    int slash = host.indexOf('/');
    if (slash >= 0) {
      host = host.substring(0, slash);
    }
    host = trimDashes(host.replace('.', '-').replace(':', '-').replace('/', '-'));
    if (host.isEmpty()) {
      host = "addr";
    }
    String side = ownerSide == null || ownerSide.isEmpty() ? "onprem" : ownerSide;
    return side + "-" + host;
  }

  /** Replaces {@code .}, {@code :} and {@code /} with {@code -} and trims dashes: {@code 10.88.60.9/32} → {@code 10-88-60-9-32}. */
  public static String sanitize(String s) {
    return trimDashes((s == null ? "" : s).replace('.', '-').replace(':', '-').replace('/', '-'));
  }

  private static String trimDashes(String s) {
    int b = 0;
    int e = s.length();
    while (b < e && s.charAt(b) == '-') {
      b++;
    }
    while (e > b && s.charAt(e - 1) == '-') {
      e--;
    }
    return s.substring(b, e);
  }
}
