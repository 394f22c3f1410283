package dev.cloudedge.cli.output;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Prints values as a table, JSON or YAML. JSON and YAML keys are lowerCamelCase (record component
 * names) and an empty list prints {@code []}. Tables follow Go's tabwriter with padding 2: the
 * last column is not padded.
 */
public final class Printer {
  /**
   * The mappers live in holders so that a table (the default) never builds them: a Jackson mapper
   * costs a fresh JVM about 0.1 s.
   */
  private static final class Json {
    /** 2-space indented JSON with lowerCamelCase keys. */
    static final ObjectMapper MAPPER = JsonMapper.builder()
        .enable(SerializationFeature.INDENT_OUTPUT)
        .defaultPrettyPrinter(goStylePrettyPrinter())
        .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
        .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
        .serializationInclusion(JsonInclude.Include.ALWAYS)
        .build();
  }

  private static final class Yaml {
    /** YAML with the same keys. */
    static final ObjectMapper MAPPER = YAMLMapper.builder()
        .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
        .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
        .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
        .build();
  }

  private Printer() {}

  /**
   * Indentation as Go's {@code json.MarshalIndent(v, "", "  ")}: {@code "key": value}, one array
   * element per line, and {@code []} / {@code {}} for empty containers (Jackson's default prints
   * {@code [ ]} and keeps arrays on one line).
   */
  private static DefaultPrettyPrinter goStylePrettyPrinter() {
    Separators seps = Separators.createDefaultInstance()
        .withObjectFieldValueSpacing(Separators.Spacing.AFTER)
        .withObjectEmptySeparator("")
        .withArrayEmptySeparator("");
    DefaultIndenter indent = new DefaultIndenter("  ", "\n");
    DefaultPrettyPrinter pp = new DefaultPrettyPrinter(seps);
    pp.indentArraysWith(indent);
    pp.indentObjectsWith(indent);
    return pp;
  }

  /** One table column: a header and how to render a row's cell. */
  public record Column<T>(String header, Function<T, String> cell) {}

  /** Prints {@code value} as JSON or YAML. */
  public static void structured(PrintWriter out, OutputFormat format, Object value) {
    try {
      String text = format == OutputFormat.YAML
          ? Yaml.MAPPER.writeValueAsString(value)
          : Json.MAPPER.writeValueAsString(value);
      out.print(text);
      if (!text.endsWith("\n")) {
        out.println();
      }
      out.flush();
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Prints rows in the chosen format: a table with these columns, or the rows themselves as JSON/YAML. */
  public static <T> void rows(PrintWriter out, OutputFormat format, List<T> rows, List<Column<T>> columns) {
    if (format != OutputFormat.TABLE) {
      structured(out, format, rows);
      return;
    }
    List<String[]> cells = new ArrayList<>();
    String[] header = new String[columns.size()];
    for (int i = 0; i < header.length; i++) {
      header[i] = columns.get(i).header();
    }
    cells.add(header);
    for (T r : rows) {
      String[] line = new String[columns.size()];
      for (int i = 0; i < line.length; i++) {
        String v = columns.get(i).cell().apply(r);
        line[i] = v == null || v.isEmpty() ? "-" : v;
      }
      cells.add(line);
    }
    table(out, cells);
  }

  /** Go tabwriter (minwidth 0, padding 2, space): every column but the last padded to its width + 2. */
  public static void table(PrintWriter out, List<String[]> cells) {
    if (cells.isEmpty()) {
      return;
    }
    int cols = cells.get(0).length;
    int[] width = new int[cols];
    for (String[] row : cells) {
      for (int i = 0; i < cols; i++) {
        width[i] = Math.max(width[i], row[i].codePointCount(0, row[i].length()));
      }
    }
    StringBuilder sb = new StringBuilder();
    for (String[] row : cells) {
      for (int i = 0; i < cols; i++) {
        sb.append(row[i]);
        if (i < cols - 1) {
          sb.append(" ".repeat(width[i] - row[i].codePointCount(0, row[i].length()) + 2));
        }
      }
      sb.append('\n');
    }
    out.print(sb);
    out.flush();
  }
}
