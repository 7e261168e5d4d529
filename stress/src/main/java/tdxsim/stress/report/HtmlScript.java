package tdxsim.stress.report;

import java.util.List;

/**
 * The HTML chart's style, data and inline script: each drawn step's message and changes, every step's state
 * changes (to rebuild the state after any step: mmu_lock holders, invalidations in progress, SPTEs and S-EPT
 * entries), and the click handler that shows them (also for a link to {@code page.html#step-N}). The data is JSON with {@code <}, {@code >} and {@code &}
 * escaped, the script is in CDATA: the page stays well-formed XML.
 */
final class HtmlScript {
  static final String CSS =
      """
      body { font-family: sans-serif; margin: 1em; color: #222; }
      h1 { font-size: 1.2em; }
      p.meta { font-size: 0.9em; color: #555; margin: 0.2em 0; }
      p.verdict { font-weight: bold; }
      p.verdict.bad { color: #b00; }
      .key { padding: 0 4px; border-radius: 3px; }
      .key.racing { background: #ffd28a; }
      .key.violation { background: #fbb; }
      svg { font-family: monospace; font-size: 11px; }
      .actor rect { fill: #eef; stroke: #446; }
      .actor.cpu rect { fill: #dfd; }
      .actor text { text-anchor: middle; font-weight: bold; }
      .lifeline { stroke: #aab; stroke-dasharray: 4 3; }
      .step { cursor: pointer; }
      .step .band, .folded .band { fill: transparent; }
      .step:hover .band { fill: #ffd; }
      .step .num { fill: #888; text-anchor: end; }
      .step .msg { stroke: #335; fill: none; }
      .step .note, .notes-head { fill: #555; }
      .step.racing .band { fill: #ffe2b0; }
      .step.racing .msg { stroke: #d70; stroke-width: 2; }
      .step.racing .label { fill: #a50; font-weight: bold; }
      .step.violation .band { fill: #fdd; }
      .step.violation .msg { stroke: #b00; stroke-width: 2; }
      .step.violation .label { fill: #b00; font-weight: bold; }
      .step.selected .band { fill: #cde; }
      .folded text { fill: #999; font-style: italic; }
      .verdict-note rect { fill: #fdd; stroke: #b00; }
      .verdict-note.ok rect { fill: #dfd; stroke: #080; }
      .detail { position: fixed; right: 1em; bottom: 1em; width: 36em; max-height: 60vh; overflow: auto;
                background: #fff; border: 1px solid #446; padding: 0.5em 1em; font-size: 12px;
                box-shadow: 2px 2px 8px #888; }
      .detail pre { white-space: pre-wrap; }
      """;

  private static final String SCRIPT =
      """
      (function () {
        var data = JSON.parse(document.getElementById('tdxsim-data').textContent);
        var panel = document.getElementById('detail');
        function state(step) {
          var s = { 'mmu_lock holders': {}, 'invalidations in progress': {}, 'mirror SPTEs': {}, 'S-EPT entries': {} };
          data.d.forEach(function (x) {
            if (x[0] > step) return;
            if (x[1] === 'L') { if (x[4] === '1') s['mmu_lock holders'][x[2]] = x[3]; else delete s['mmu_lock holders'][x[2]]; }
            else if (x[1] === 'I') { if (x[3] === '1') s['invalidations in progress'][x[2]] = ''; else delete s['invalidations in progress'][x[2]]; }
            else if (x[1] === 'M') s['mirror SPTEs'][x[2]] = x[3];
            else if (x[1] === 'S') s['S-EPT entries'][x[2]] = x[3];
          });
          return s;
        }
        function add(parent, tag, text) {
          var e = document.createElement(tag);
          if (text !== undefined) e.textContent = text;
          parent.appendChild(e);
          return e;
        }
        function show(step) {
          panel.textContent = '';
          var close = add(panel, 'button', 'close');
          close.addEventListener('click', function () { panel.hidden = true; });
          add(panel, 'h2', 'step ' + step);
          add(panel, 'pre', data.m[step] || '');
          var changes = data.c[step] || [];
          if (changes.length) {
            add(panel, 'h3', 'changes');
            var ul = add(panel, 'ul');
            changes.forEach(function (c) { add(ul, 'li', c); });
          }
          if (step === data.last && data.v) { add(panel, 'h3', 'violation'); add(panel, 'pre', data.v); }
          var s = state(step);
          add(panel, 'h3', 'state after step ' + step + (data.partial ? ' (rebuilt from the steps that touch the'
              + ' violation' + (data.since ? ', from step ' + data.since + ' on)' : ')') : ''));
          Object.keys(s).forEach(function (k) {
            var keys = Object.keys(s[k]);
            add(panel, 'h4', k + (keys.length ? '' : ': none'));
            if (keys.length) {
              var l = add(panel, 'ul');
              keys.forEach(function (e) { add(l, 'li', s[k][e] ? e + ': ' + s[k][e] : e); });
            }
          });
          document.querySelectorAll('g.step.selected').forEach(function (g) { g.classList.remove('selected'); });
          document.getElementById('step-' + step).classList.add('selected');
          panel.hidden = false;
        }
        document.querySelectorAll('g.step').forEach(function (g) {
          g.addEventListener('click', function () { show(Number(g.getAttribute('data-step'))); });
        });
        var linked = /^#step-([0-9]+)$/.exec(location.hash);
        if (linked && document.getElementById('step-' + linked[1])) show(Number(linked[1]));
      })();
      """;

  private HtmlScript() {}

  /**
   * The data (the drawn steps' messages and changes; the state changes of the steps that touch the violation, at
   * most {@link #MAX_DELTAS} of them, the latest) and the script.
   */
  static void append(StringBuilder sb, RaceDiagram d, java.util.Set<Long> drawn) {
    StringBuilder m = new StringBuilder();
    StringBuilder c = new StringBuilder();
    StringBuilder deltas = new StringBuilder();
    int from = firstDelta(d);
    for (int i = 0; i < d.rows().size(); i++) {
      RaceDiagram.Row row = d.rows().get(i);
      StepNote n = d.note(i);
      if (i >= from && (n.relevant() || d.notes().size() <= MAX_DELTAS)) deltas(deltas, row, n);
      if (!drawn.contains(row.step())) continue;
      if (m.length() > 0) m.append(',');
      m.append('"').append(row.step()).append("\":").append(json(row.full()));
      if (!n.changes().isEmpty()) {
        if (c.length() > 0) c.append(',');
        c.append('"').append(row.step()).append("\":").append(json(n.changes()));
      }
    }
    long last = d.rows().isEmpty() ? 0 : d.rows().get(d.rows().size() - 1).step();
    long since = from == 0 || d.rows().isEmpty() ? 0 : d.rows().get(from).step();
    sb.append("<script type=\"application/json\" id=\"tdxsim-data\">{\"last\":").append(last)
        .append(",\"since\":").append(since).append(",\"partial\":").append(d.notes().size() > MAX_DELTAS)
        .append(",\"v\":")
        .append(d.violation() == null ? "null" : json(d.violation().oneLine())).append(",\"m\":{").append(m)
        .append("},\"c\":{").append(c).append("},\"d\":[").append(deltas).append("]}</script>\n");
    sb.append("<script>//<![CDATA[\n").append(SCRIPT).append("//]]>\n</script>\n");
  }

  /** State changes kept at most (a step has a few). */
  static final int MAX_DELTAS = 6000;

  private static void deltas(StringBuilder out, RaceDiagram.Row row, StepNote n) {
    for (List<String> x : n.deltas()) {
      if (out.length() > 0) out.append(',');
      out.append('[').append(row.step()).append(',').append(json(x).substring(1));
    }
  }

  /** The first row whose state changes are kept: the latest {@link #MAX_DELTAS} changes of relevant steps. */
  private static int firstDelta(RaceDiagram d) {
    int kept = 0;
    for (int i = d.rows().size() - 1; i >= 0; i--) {
      StepNote n = d.note(i);
      if (d.notes().size() > MAX_DELTAS && !n.relevant()) continue;
      kept += n.deltas().size();
      if (kept > MAX_DELTAS) return i + 1;
    }
    return 0;
  }

  private static String json(List<String> l) {
    StringBuilder sb = new StringBuilder("[");
    for (String s : l) {
      if (sb.length() > 1) sb.append(',');
      sb.append(json(s));
    }
    return sb.append(']').toString();
  }

  /** A JSON string with {@code < > &} escaped, so that it is safe in a script element and in XML. */
  static String json(String s) {
    StringBuilder sb = new StringBuilder(s.length() + 2).append('"');
    for (int i = 0; i < s.length(); i++) {
      char ch = s.charAt(i);
      switch (ch) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '<', '>', '&' -> sb.append(String.format("\\u%04x", (int) ch));
        default -> {
          if (ch < 0x20) sb.append(String.format("\\u%04x", (int) ch));
          else sb.append(ch);
        }
      }
    }
    return sb.append('"').toString();
  }
}
