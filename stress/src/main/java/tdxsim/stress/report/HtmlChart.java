package tdxsim.stress.report;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The race as a sequence chart in one self-contained HTML file: an inline SVG with one lifeline per actor (CPU
 * contexts first), one arrow per delivery from sender to receiver in order, the step number on the left, the
 * last step highlighted when the run ended in a violation, and the verdict at the bottom. Every step's
 * {@code <title>} (a tooltip) has the full decision and message; the text diagram follows in a
 * {@code <details>} block. No scripts and no external assets, so it can be attached to a bug report or mailed.
 *
 * <p>The markup is also well-formed XML (everything escaped, empty elements closed), so tests and tools can
 * parse it.
 */
public final class HtmlChart {
  private static final int LEFT = 60;
  private static final int TOP = 50;
  private static final int COLUMN = 170;
  private static final int ROW = 24;
  private static final double CHAR_PX = 6.6;
  private static final String CSS =
      """
      body { font-family: sans-serif; margin: 1em; color: #222; }
      h1 { font-size: 1.2em; }
      p.meta { font-size: 0.9em; color: #555; margin: 0.2em 0; }
      p.verdict { font-weight: bold; }
      p.verdict.bad { color: #b00; }
      svg { font-family: monospace; font-size: 11px; }
      .actor rect { fill: #eef; stroke: #446; }
      .actor.cpu rect { fill: #dfd; }
      .actor text { text-anchor: middle; font-weight: bold; }
      .lifeline { stroke: #aab; stroke-dasharray: 4 3; }
      .step .band { fill: transparent; }
      .step:hover .band { fill: #ffd; }
      .step .num { fill: #888; text-anchor: end; }
      .step .msg { stroke: #335; fill: none; }
      .step.violation .band { fill: #fdd; }
      .step.violation .msg { stroke: #b00; stroke-width: 2; }
      .step.violation .label { fill: #b00; font-weight: bold; }
      .verdict-note rect { fill: #fdd; stroke: #b00; }
      .verdict-note.ok rect { fill: #dfd; stroke: #080; }
      pre { font-size: 11px; }
      """;

  private HtmlChart() {}

  public static String render(RaceDiagram d, String textDiagram) {
    List<String> actors = d.actors();
    Map<String, Integer> lane = new HashMap<>();
    for (int i = 0; i < actors.size(); i++) lane.put(actors.get(i), i);
    int width = LEFT + COLUMN * Math.max(1, actors.size()) + COLUMN;
    int rowsTop = TOP + 40;
    int height = rowsTop + ROW * d.rows().size() + 70;

    StringBuilder sb = new StringBuilder(4096 + d.rows().size() * 400);
    sb.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n<title>")
        .append(Xml.escape("tdxsim: " + d.title())).append("</title>\n<style>\n").append(CSS)
        .append("</style>\n</head>\n<body>\n");
    sb.append("<h1>").append(Xml.escape(d.title())).append("</h1>\n");
    sb.append("<p class=\"meta\">").append(Xml.escape(d.facts())).append("</p>\n");
    sb.append("<p class=\"meta\">").append(Xml.escape(d.replay())).append("</p>\n");
    sb.append("<p class=\"verdict").append(d.violation() == null ? "" : " bad").append("\">")
        .append(Xml.escape(verdict(d))).append("</p>\n");

    sb.append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(width).append("\" height=\"")
        .append(height).append("\" viewBox=\"0 0 ").append(width).append(' ').append(height).append("\">\n");
    sb.append("<defs><marker id=\"arrow\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" markerWidth=\"7\"")
        .append(" markerHeight=\"7\" orient=\"auto-start-reverse\"><path d=\"M 0 0 L 10 5 L 0 10 z\"/></marker>")
        .append("</defs>\n");
    RaceDiagram.Row last = d.rows().isEmpty() ? null : d.rows().get(d.rows().size() - 1);
    for (int i = 0; i < actors.size(); i++) {
      String a = actors.get(i);
      int x = x(i);
      boolean cpu = d.cpuContexts().contains(a);
      sb.append("<g class=\"actor").append(cpu ? " cpu" : "").append("\"><rect x=\"").append(x - COLUMN / 2 + 8)
          .append("\" y=\"").append(TOP).append("\" width=\"").append(COLUMN - 16).append("\" height=\"24\" rx=\"4\"/>")
          .append("<text x=\"").append(x).append("\" y=\"").append(TOP + 16).append("\">")
          .append(Xml.escape(TextDiagram.truncate(a, (int) ((COLUMN - 20) / CHAR_PX)))).append("</text></g>\n");
      sb.append("<line class=\"lifeline\" x1=\"").append(x).append("\" y1=\"").append(TOP + 24).append("\" x2=\"")
          .append(x).append("\" y2=\"").append(height - 60).append("\"/>\n");
    }
    for (int r = 0; r < d.rows().size(); r++) {
      RaceDiagram.Row row = d.rows().get(r);
      boolean bad = row == last && d.violation() != null;
      int y = rowsTop + r * ROW;
      int from = x(lane.get(row.decision().sender()));
      int to = x(lane.get(row.decision().receiver()));
      sb.append("<g class=\"step").append(bad ? " violation" : "").append("\" id=\"step-").append(row.step())
          .append("\"><title>").append(Xml.escape(row.full() + (bad ? "\n" + d.violation().oneLine() : "")))
          .append("</title>");
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
          .append(Xml.escape(label)).append("</text></g>\n");
    }
    int noteY = rowsTop + d.rows().size() * ROW + 4;
    sb.append("<g class=\"verdict-note").append(d.violation() == null ? " ok" : "").append("\"><rect x=\"")
        .append(LEFT - 40).append("\" y=\"").append(noteY).append("\" width=\"").append(width - LEFT)
        .append("\" height=\"26\" rx=\"4\"/><text x=\"").append(LEFT - 32).append("\" y=\"").append(noteY + 17)
        .append("\">").append(Xml.escape(verdict(d))).append("</text></g>\n");
    sb.append("</svg>\n");
    sb.append("<details><summary>Text diagram</summary>\n<pre>").append(Xml.escape(textDiagram))
        .append("</pre>\n</details>\n</body>\n</html>\n");
    return sb.toString();
  }

  private static int x(int lane) {
    return LEFT + COLUMN / 2 + lane * COLUMN;
  }

  private static String verdict(RaceDiagram d) {
    long last = d.rows().isEmpty() ? 0 : d.rows().get(d.rows().size() - 1).step();
    return d.violation() == null
        ? "ok: no violation after step " + last
        : "violation after step " + last + ": " + d.violation().oneLine();
  }
}
