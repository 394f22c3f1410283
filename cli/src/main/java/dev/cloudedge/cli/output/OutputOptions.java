package dev.cloudedge.cli.output;

import picocli.CommandLine.Option;

/** The shared {@code -o|--output} option; a bad value is refused at parse time. */
public final class OutputOptions {
  private OutputFormat format = OutputFormat.TABLE;

  @Option(
      names = {"-o", "--output"},
      paramLabel = "FORMAT",
      description = "Output format: table, json or yaml (default: table).")
  void setFormat(String value) {
    this.format = OutputFormat.parse(value);
  }

  /** The chosen format. */
  public OutputFormat format() {
    return format;
  }
}
