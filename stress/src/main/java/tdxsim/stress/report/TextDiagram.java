package tdxsim.stress.report;

import java.util.ArrayList;
import java.util.List;

/**
 * The race as a kernel commit message draws it: a header with one column per CPU context, then one line per
 * delivery with its text in its column, top to bottom in the order things happened, and the violation at the
 * bottom:
 *
 * <pre>
 *  step  vcpu-0                          vcpu-1                          tdx-module
 *     1  &lt;- vmm: RunWorkload
 *     2                                  -&gt; tdx-module: TdhMemPageAug gfn=0x200 PG_LEVEL_2M
 *  !! violation after step 2: ...
 * </pre>
 *
 * <p>Lines stay within {@link Options#width}. When the columns do not fit, the widest are narrowed to a common
 * cap; a cell then runs on into the columns to its right, which are empty on its line (one delivery per line),
 * and is truncated with {@code ..} only at the line's end. So a model with many CPU contexts still reads: the
 * column a line starts in says whose step it is (with more columns than the width holds at their minimum, a line
 * may run past it). The HTML chart has every message in full. Runs of steps in one column are folded only if
 * they neither touch the violation nor race ({@link #kept}); racing steps are marked {@code *}.
 */
public final class TextDiagram {
  /** The rendering options. {@code all}: every delivery (else long one-column runs are collapsed). */
  public record Options(boolean all, StepRange steps, int width) {
    public static final Options COMPACT = new Options(false, StepRange.ALL, 160);
    public static final Options FULL = new Options(true, StepRange.ALL, 160);

    public Options {
      if (width < 40) throw new IllegalArgumentException("width below 40: " + width);
    }
  }

  private static final String GAP = "  ";
  private static final int MIN_COLUMN = 8;

  private TextDiagram() {}

  public static String render(RaceDiagram d, Options o) {
    List<RowFilter.Line> lines = RowFilter.lines(d.rows(), o.all(), o.steps(), r -> kept(d, r));
    List<String> cells = new ArrayList<>(lines.size());
    for (RowFilter.Line l : lines) cells.add(l.row() == null ? "... " + l.hidden() + " more" : l.row().cell());
    long lastStep = d.rows().isEmpty() ? 0 : d.rows().get(d.rows().size() - 1).step();
    boolean anyRacing = d.rows().stream().anyMatch(r -> racing(d, r));
    int stepWidth = Math.max(4, Long.toString(lastStep).length() + (anyRacing ? 1 : 0));
    int[] widths = widths(d.columns(), lines, cells, o.width() - stepWidth - GAP.length());

    StringBuilder sb = new StringBuilder();
    wrap(sb, d.title() + ": " + d.facts(), o.width(), "");
    wrap(sb, d.replay(), o.width(), "");
    sb.append('\n');
    String[] header = new String[d.columns().size()];
    String[] rule = new String[header.length];
    for (int c = 0; c < header.length; c++) {
      header[c] = d.columns().get(c);
      rule[c] = "-".repeat(widths[c]);
    }
    line(sb, pad("step", stepWidth, true), header, widths);
    line(sb, "-".repeat(stepWidth), rule, widths);
    for (int i = 0; i < lines.size(); i++) {
      RowFilter.Line l = lines.get(i);
      String step = l.row() == null ? "" : l.row().step() + (racing(d, l.row()) ? "*" : "");
      int offset = stepWidth;
      for (int c = 0; c < l.column(); c++) offset += GAP.length() + widths[c];
      offset += GAP.length();
      String row = pad(pad(step, stepWidth, false), offset, true) + truncate(cells.get(i), Math.max(MIN_COLUMN, o.width() - offset));
      sb.append(row.stripTrailing()).append('\n');
    }
    sb.append('\n');
    if (anyRacing) {
      wrap(sb, "* racing: " + HtmlChart.RACING, o.width(), "");
    }
    if (d.violation() == null) {
      wrap(sb, "ok: no violation after step " + lastStep, o.width(), "");
    } else {
      wrap(sb, "!! violation after step " + lastStep + ": " + d.violation().oneLine(), o.width(), "   ");
    }
    return sb.toString();
  }

  /** Rows that touch the violation (its gfns' 2M range, mmu_lock, its actors) or race are never folded. */
  static boolean kept(RaceDiagram d, RaceDiagram.Row r) {
    StepNote n = d.note((int) r.step() - 1);
    return n.relevant() || n.racing();
  }

  static boolean racing(RaceDiagram d, RaceDiagram.Row r) {
    return d.note((int) r.step() - 1).racing();
  }

  /** Natural widths, narrowed to a common cap (water-filling) until they fit {@code available}. */
  private static int[] widths(List<String> columns, List<RowFilter.Line> lines, List<String> cells, int available) {
    int n = columns.size();
    int[] natural = new int[n];
    for (int c = 0; c < n; c++) natural[c] = columns.get(c).length();
    for (int i = 0; i < lines.size(); i++) {
      int c = lines.get(i).column();
      natural[c] = Math.max(natural[c], cells.get(i).length());
    }
    int budget = available - GAP.length() * Math.max(0, n - 1);
    int cap = 0;
    for (int w : natural) cap = Math.max(cap, w);
    while (cap > MIN_COLUMN && sum(natural, cap) > budget) cap--;
    int[] out = new int[n];
    for (int c = 0; c < n; c++) out[c] = Math.min(natural[c], cap);
    return out;
  }

  private static int sum(int[] natural, int cap) {
    int s = 0;
    for (int w : natural) s += Math.min(w, cap);
    return s;
  }

  private static void line(StringBuilder sb, String step, String[] cells, int[] widths) {
    StringBuilder l = new StringBuilder(step);
    for (int c = 0; c < cells.length; c++) {
      l.append(GAP);
      String cell = cells[c] == null ? "" : cells[c];
      l.append(pad(truncate(cell, widths[c]), widths[c], true));
    }
    sb.append(stripTrailing(l)).append('\n');
  }

  static String truncate(String s, int width) {
    if (s.length() <= width) return s;
    return width <= 2 ? s.substring(0, Math.max(0, width)) : s.substring(0, width - 2) + "..";
  }

  private static String pad(String s, int width, boolean left) {
    if (s.length() >= width) return s;
    String fill = " ".repeat(width - s.length());
    return left ? s + fill : fill + s;
  }

  private static String stripTrailing(StringBuilder l) {
    int end = l.length();
    while (end > 0 && l.charAt(end - 1) == ' ') end--;
    return l.substring(0, end);
  }

  /** Word-wraps {@code text} to {@code width}, continuation lines indented by {@code indent}. */
  private static void wrap(StringBuilder sb, String text, int width, String indent) {
    String rest = text;
    String prefix = "";
    while (prefix.length() + rest.length() > width) {
      int room = width - prefix.length();
      int cut = rest.lastIndexOf(' ', room);
      if (cut <= 0) cut = room;
      sb.append(prefix).append(rest, 0, cut).append('\n');
      rest = rest.substring(cut).stripLeading();
      prefix = indent;
    }
    sb.append(prefix).append(rest).append('\n');
  }
}
