package dev.cloudedge.cli.output;

import java.util.Locale;

/** The {@code -o} formats every listing command supports. */
public enum OutputFormat {
  TABLE,
  JSON,
  YAML;

  /**
   * Parses {@code table|json|yaml} (case-insensitive).
   *
   * @throws IllegalArgumentException {@code unsupported output "<x>"}, before any work is done
   */
  public static OutputFormat parse(String s) {
    try {
      return valueOf(s.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("unsupported output \"" + s + "\" (use table, json or yaml)", e);
    }
  }
}
