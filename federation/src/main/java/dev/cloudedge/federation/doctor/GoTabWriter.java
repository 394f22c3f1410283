package dev.cloudedge.federation.doctor;

import java.util.ArrayList;
import java.util.List;

/**
 * Go's {@code text/tabwriter} with minwidth 0, padding 2, pad char space and no flags. A line is a
 * list of cells; every cell but the last is tab-terminated and belongs to a column. A column's
 * width is set per block of consecutive lines that have a terminated cell in it (widest cell + 2),
 * so a line with fewer cells, such as an empty line, ends the blocks to its right. The last cell
 * of a line is never padded. Widths count code points, as Go counts runes.
 */
final class GoTabWriter {
  private static final int PADDING = 2;

  private final List<List<String>> lines = new ArrayList<>();

  /** Adds one line of cells (an empty array adds an empty line). */
  GoTabWriter line(String... cells) {
    List<String> l = new ArrayList<>(List.of(cells));
    if (l.isEmpty()) {
      l.add("");
    }
    lines.add(l);
    return this;
  }

  /** The formatted text, one {@code \n}-terminated row per line. */
  String render() {
    StringBuilder sb = new StringBuilder();
    format(sb, 0, lines.size(), new ArrayList<>());
    return sb.toString();
  }

  private static int width(String s) {
    return s.codePointCount(0, s.length());
  }

  private int format(StringBuilder sb, int line0, int line1, List<Integer> widths) {
    int column = widths.size();
    for (int i = line0; i < line1; i++) {
      if (column >= lines.get(i).size() - 1) {
        continue;
      }
      // This line has a terminated cell in this column: it starts a block.
      writeLines(sb, line0, i, widths);
      line0 = i;
      int w = 0;
      for (; i < line1; i++) {
        List<String> l = lines.get(i);
        if (column >= l.size() - 1) {
          break;
        }
        w = Math.max(w, width(l.get(column)) + PADDING);
      }
      widths.add(w);
      format(sb, line0, i, widths);
      widths.remove(widths.size() - 1);
      line0 = i;
      i--;
    }
    writeLines(sb, line0, line1, widths);
    return line1;
  }

  private void writeLines(StringBuilder sb, int line0, int line1, List<Integer> widths) {
    for (int i = line0; i < line1; i++) {
      List<String> l = lines.get(i);
      for (int j = 0; j < l.size(); j++) {
        String c = l.get(j);
        sb.append(c);
        if (j < widths.size() && j < l.size() - 1) {
          sb.append(" ".repeat(Math.max(0, widths.get(j) - width(c))));
        }
      }
      sb.append('\n');
    }
  }
}
