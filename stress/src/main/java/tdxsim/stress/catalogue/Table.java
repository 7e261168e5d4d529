package tdxsim.stress.catalogue;

import java.util.ArrayList;
import java.util.List;

/**
 * A table of text cells, drawn two ways from the same rows: aligned columns for a terminal, and a GitHub markdown
 * table for the README. Keeping one model means the README can never say something the terminal did not.
 */
public final class Table {
  private final List<String> header;
  private final List<List<String>> rows = new ArrayList<>();

  public Table(List<String> header) {
    this.header = List.copyOf(header);
  }

  public Table row(List<String> cells) {
    if (cells.size() != header.size()) {
      throw new IllegalArgumentException("row has " + cells.size() + " cells, header " + header.size());
    }
    rows.add(List.copyOf(cells));
    return this;
  }

  public List<String> header() {
    return header;
  }

  public List<List<String>> rows() {
    return List.copyOf(rows);
  }

  /** Aligned columns separated by two spaces, a dashed line under the header; no trailing blanks. */
  public String text() {
    int[] w = new int[header.size()];
    for (int i = 0; i < w.length; i++) {
      w[i] = header.get(i).length();
      for (List<String> r : rows) w[i] = Math.max(w[i], r.get(i).length());
    }
    StringBuilder sb = new StringBuilder();
    line(sb, header, w);
    List<String> dashes = new ArrayList<>();
    for (int x : w) dashes.add("-".repeat(x));
    line(sb, dashes, w);
    for (List<String> r : rows) line(sb, r, w);
    return sb.toString();
  }

  private static void line(StringBuilder sb, List<String> cells, int[] w) {
    StringBuilder l = new StringBuilder();
    for (int i = 0; i < cells.size(); i++) {
      if (i > 0) l.append("  ");
      l.append(cells.get(i)).append(" ".repeat(w[i] - cells.get(i).length()));
    }
    sb.append(l.toString().stripTrailing()).append('\n');
  }

  /** A GitHub markdown table; a {@code |} inside a cell is escaped. */
  public String markdown() {
    StringBuilder sb = new StringBuilder();
    mdLine(sb, header);
    List<String> sep = new ArrayList<>();
    for (int i = 0; i < header.size(); i++) sep.add("---");
    mdLine(sb, sep);
    for (List<String> r : rows) mdLine(sb, r);
    return sb.toString();
  }

  private static void mdLine(StringBuilder sb, List<String> cells) {
    sb.append('|');
    for (String c : cells) sb.append(' ').append(c.replace("|", "\\|")).append(" |");
    sb.append('\n');
  }
}
