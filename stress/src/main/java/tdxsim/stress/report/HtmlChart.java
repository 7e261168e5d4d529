package tdxsim.stress.report;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The race as a sequence chart in one self-contained HTML file: an inline SVG with one lifeline per actor (CPU
 * contexts first), one arrow per delivery from sender to receiver in order, the step number on the left, the
 * racing steps ({@link StepNote#racing}) and the violating step highlighted, and on the right what each step
 * changed (mmu_lock holders, invalidations, SPTEs, S-EPT entries). A label cut to fit keeps its full text in the
 * step's {@code <title>} (the hover). Clicking a step opens its message and the state after it (an inline script,
 * no external assets: the file can be attached to a bug report or mailed). Long runs of steps unrelated to the
 * violation are folded into one row, so that the page stays small for any trace ({@link #MAX_ROWS} rows).
 *
 * <p>The markup is also well-formed XML (everything escaped, the script in CDATA), so tests and tools can parse it.
 */
public final class HtmlChart {
  /** What a racing step is, for both views' legends. */
  static final String RACING = "two CPUs' deliveries to one actor whose order decides the verdict (the other order"
      + " runs without the violation)";
  /** Rows drawn at most: beyond it, unrelated runs are folded, then the earliest rows. */
  static final int MAX_ROWS = 1000;
  /** A page's size stays under this (bytes). */
  static final int MAX_BYTES = 1_000_000;
  private static final int LEFT = 60;
  private static final int TOP = 50;
  private static final int COLUMN = 170;
  private static final int NOTES = 420;
  private static final int ROW = 24;
  private static final double CHAR_PX = 6.6;

  private HtmlChart() {}

  /**
   * The steps in {@code steps} (the verdict is always shown), in under {@link #MAX_BYTES}: with {@link #MAX_ROWS}
   * rows at most, and if long messages make that too big, half as many until it fits.
   */
  public static String render(RaceDiagram d, StepRange steps) {
    String page = render(d, steps, MAX_ROWS);
    for (int rows = MAX_ROWS / 2; page.getBytes(StandardCharsets.UTF_8).length >= MAX_BYTES && rows >= 1; rows /= 2) {
      page = render(d, steps, rows);
    }
    return page;
  }

  private static String render(RaceDiagram d, StepRange steps, int maxRows) {
    List<RowFilter.Line> lines = lines(d, steps, maxRows);
    List<String> actors = d.actors();
    Map<String, Integer> lane = new HashMap<>();
    for (int i = 0; i < actors.size(); i++) lane.put(actors.get(i), i);
    int width = LEFT + COLUMN * Math.max(1, actors.size()) + NOTES;
    int rowsTop = TOP + 40;
    int height = rowsTop + ROW * lines.size() + 70;

    StringBuilder sb = new StringBuilder(8192 + lines.size() * 500);
    head(sb, d);
    sb.append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(width).append("\" height=\"")
        .append(height).append("\" viewBox=\"0 0 ").append(width).append(' ').append(height).append("\">\n");
    sb.append("<defs><marker id=\"arrow\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" markerWidth=\"7\"")
        .append(" markerHeight=\"7\" orient=\"auto-start-reverse\"><path d=\"M 0 0 L 10 5 L 0 10 z\"/></marker>")
        .append("</defs>\n");
    for (int i = 0; i < actors.size(); i++) lifeline(sb, d, actors.get(i), i, height);
    sb.append("<text class=\"notes-head\" x=\"").append(width - NOTES + 10).append("\" y=\"").append(TOP + 16)
        .append("\">what the step changed</text>\n");
    RaceDiagram.Row last = d.rows().isEmpty() ? null : d.rows().get(d.rows().size() - 1);
    for (int r = 0; r < lines.size(); r++) {
      RowFilter.Line l = lines.get(r);
      int y = rowsTop + r * ROW;
      if (l.row() == null) {
        folded(sb, l, y, width);
      } else {
        step(sb, d, l.row(), l.row() == last && d.violation() != null, y, width, lane);
      }
    }
    int noteY = rowsTop + lines.size() * ROW + 4;
    sb.append("<g class=\"verdict-note").append(d.violation() == null ? " ok" : "").append("\"><rect x=\"")
        .append(LEFT - 40).append("\" y=\"").append(noteY).append("\" width=\"").append(width - LEFT)
        .append("\" height=\"26\" rx=\"4\"/><text x=\"").append(LEFT - 32).append("\" y=\"").append(noteY + 17)
        .append("\">").append(Xml.escape(verdict(d))).append("</text></g>\n");
    sb.append("</svg>\n");
    java.util.Set<Long> drawn = new java.util.HashSet<>();
    for (RowFilter.Line l : lines) if (l.row() != null) drawn.add(l.row().step());
    HtmlScript.append(sb, d, drawn);
    sb.append("</body>\n</html>\n");
    return sb.toString();
  }

  /** Every row in range, or if there are too many the compact view, then its last {@code maxRows} lines. */
  static List<RowFilter.Line> lines(RaceDiagram d, StepRange steps, int maxRows) {
    List<RowFilter.Line> all = RowFilter.lines(d.rows(), true, steps);
    if (all.size() <= maxRows) return all;
    List<RowFilter.Line> compact = RowFilter.lines(d.rows(), false, steps, r -> TextDiagram.kept(d, r));
    if (compact.size() <= maxRows) return compact;
    List<RowFilter.Line> tail = new java.util.ArrayList<>(compact.subList(compact.size() - maxRows + 1,
        compact.size()));
    int hidden = 0;
    for (RowFilter.Line l : compact.subList(0, compact.size() - maxRows + 1)) hidden += l.row() == null ? l.hidden() : 1;
    tail.add(0, new RowFilter.Line(null, 0, hidden));
    return tail;
  }

  private static void head(StringBuilder sb, RaceDiagram d) {
    sb.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n<title>")
        .append(Xml.escape("tdxsim: " + d.title())).append("</title>\n<style>\n").append(HtmlScript.CSS)
        .append("</style>\n</head>\n<body>\n");
    sb.append("<h1>").append(Xml.escape(d.title())).append("</h1>\n");
    sb.append("<p class=\"meta\">").append(Xml.escape(d.facts())).append("</p>\n");
    sb.append("<p class=\"meta\">").append(Xml.escape(d.replay())).append("</p>\n");
    sb.append("<p class=\"verdict").append(d.violation() == null ? "" : " bad").append("\">")
        .append(Xml.escape(verdict(d))).append("</p>\n");
    sb.append("<p class=\"meta\"><span class=\"key racing\">racing</span>: ").append(RACING)
        .append("; <span class=\"key violation\">violation</span>;")
        .append(" click a step for its message and the state after it.</p>\n");
    sb.append("<div id=\"detail\" class=\"detail\" hidden=\"hidden\"></div>\n");
  }

  private static void lifeline(StringBuilder sb, RaceDiagram d, String a, int i, int height) {
    int x = x(i);
    boolean cpu = d.cpuContexts().contains(a);
    sb.append("<g class=\"actor").append(cpu ? " cpu" : "").append("\"><title>").append(Xml.escape(a))
        .append("</title><rect x=\"").append(x - COLUMN / 2 + 8).append("\" y=\"").append(TOP).append("\" width=\"")
        .append(COLUMN - 16).append("\" height=\"24\" rx=\"4\"/><text x=\"").append(x).append("\" y=\"")
        .append(TOP + 16).append("\">").append(Xml.escape(TextDiagram.truncate(a, (int) ((COLUMN - 20) / CHAR_PX))))
        .append("</text></g>\n");
    sb.append("<line class=\"lifeline\" x1=\"").append(x).append("\" y1=\"").append(TOP + 24).append("\" x2=\"")
        .append(x).append("\" y2=\"").append(height - 60).append("\"/>\n");
  }

  private static void folded(StringBuilder sb, RowFilter.Line l, int y, int width) {
    String text = "... " + l.hidden() + " steps unrelated to the violation folded (./tdxsim report --steps FROM-TO)";
    sb.append("<g class=\"folded\"><title>").append(Xml.escape(text)).append("</title><rect class=\"band\" x=\"0\"")
        .append(" y=\"").append(y - ROW / 2).append("\" width=\"").append(width).append("\" height=\"").append(ROW)
        .append("\"/><text x=\"").append(x(l.column()) + 6).append("\" y=\"").append(y + 4).append("\">")
        .append(Xml.escape(text)).append("</text></g>\n");
  }

  private static void step(StringBuilder sb, RaceDiagram d, RaceDiagram.Row row, boolean bad, int y, int width,
      Map<String, Integer> lane) {
    StepNote note = d.note((int) row.step() - 1);
    int from = x(lane.get(row.decision().sender()));
    int to = x(lane.get(row.decision().receiver()));
    String cls = "step" + (bad ? " violation" : "") + (note.racing() ? " racing" : "");
    String changes = String.join("; ", note.changes());
    sb.append("<g class=\"").append(cls).append("\" id=\"step-").append(row.step()).append("\" data-step=\"")
        .append(row.step()).append("\"><title>").append(Xml.escape(row.full()
            + (changes.isEmpty() ? "" : "\n" + String.join("\n", note.changes()))
            + (bad ? "\n" + d.violation().oneLine() : ""))).append("</title>");
    sb.append("<rect class=\"band\" x=\"0\" y=\"").append(y - ROW / 2).append("\" width=\"").append(width)
        .append("\" height=\"").append(ROW).append("\"/>");
    sb.append("<text class=\"num\" x=\"").append(LEFT - 20).append("\" y=\"").append(y + 4).append("\">")
        .append(row.step()).append("</text>");
    String label;
    int labelX;
    if (from == to) {
      sb.append("<path class=\"msg\" marker-end=\"url(#arrow)\" d=\"M ").append(from).append(' ').append(y - 6)
          .append(" h 24 v 10 h -22\"/>");
      labelX = from + 30;
      label = TextDiagram.truncate(row.message(), (int) (COLUMN / CHAR_PX));
    } else {
      sb.append("<line class=\"msg\" marker-end=\"url(#arrow)\" x1=\"").append(from).append("\" y1=\"").append(y)
          .append("\" x2=\"").append(to).append("\" y2=\"").append(y).append("\"/>");
      labelX = Math.min(from, to) + 6;
      label = TextDiagram.truncate(row.message(), (int) (Math.max(COLUMN, Math.abs(to - from)) / CHAR_PX) - 2);
    }
    sb.append("<text class=\"label\" x=\"").append(labelX).append("\" y=\"").append(y - 3).append("\">")
        .append(Xml.escape(label)).append("</text>");
    if (!changes.isEmpty()) {
      sb.append("<text class=\"note\" x=\"").append(width - NOTES + 10).append("\" y=\"").append(y + 4).append("\">")
          .append(Xml.escape(TextDiagram.truncate(changes, (int) ((NOTES - 20) / CHAR_PX)))).append("</text>");
    }
    sb.append("</g>\n");
  }

  private static int x(int lane) {
    return LEFT + COLUMN / 2 + lane * COLUMN;
  }

  static String verdict(RaceDiagram d) {
    long last = d.rows().isEmpty() ? 0 : d.rows().get(d.rows().size() - 1).step();
    return d.violation() == null
        ? "ok: no violation after step " + last
        : "violation after step " + last + ": " + d.violation().oneLine();
  }
}
