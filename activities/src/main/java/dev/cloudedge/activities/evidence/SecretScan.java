package dev.cloudedge.activities.evidence;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Scans evidence text for secret material. Extends the bash harness's pattern (reference §3.9) and
 * anchors its loose {@code oci.*key} on word boundaries so ordinary words do not trip it. A hit
 * names the pattern and line, never the matched text.
 */
public final class SecretScan {
  private static final List<Pattern> PATTERNS = List.of(
      Pattern.compile("hmac[_-]?secret", Pattern.CASE_INSENSITIVE),
      Pattern.compile("authorization[\"': ]+bearer", Pattern.CASE_INSENSITIVE),
      Pattern.compile("private.?key", Pattern.CASE_INSENSITIVE),
      Pattern.compile("-----BEGIN"),
      Pattern.compile("aws_secret", Pattern.CASE_INSENSITIVE),
      Pattern.compile("\\bAKIA[0-9A-Z]{16}\\b"),
      Pattern.compile("azure\\w*credential", Pattern.CASE_INSENSITIVE),
      Pattern.compile("\\boci[_-]?\\w*key\\b", Pattern.CASE_INSENSITIVE),
      Pattern.compile("ssh .*-i ", Pattern.CASE_INSENSITIVE),
      Pattern.compile("secretFile", Pattern.CASE_INSENSITIVE),
      Pattern.compile("\\bapi[_-]?key\\b\\s*[:=]", Pattern.CASE_INSENSITIVE));

  private SecretScan() {}

  /** Hits in {@code text}, each {@code line N: pattern /P/}; empty when clean. */
  public static List<String> scan(String text) {
    List<String> hits = new ArrayList<>();
    String[] lines = text.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      for (Pattern p : PATTERNS) {
        Matcher m = p.matcher(lines[i]);
        if (m.find()) {
          hits.add("line " + (i + 1) + ": pattern /" + p.pattern() + "/");
        }
      }
    }
    return hits;
  }
}
