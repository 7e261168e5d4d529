package tdxsim.stress.cli;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** How the summaries print durations, rates and counter maps: the way a user typed them, scaled to be read. */
public final class Units {
  private static final int LINE = 110;

  private Units() {}

  /** 30s, 2m, 1h30m, 500ms, 1m30s: the form {@code --time-limit} accepts, not {@code PT30S}. */
  public static String duration(Duration d) {
    if (d.isZero()) return "0s";
    if (d.toMillisPart() != 0 || d.compareTo(Duration.ofSeconds(1)) < 0) {
      return d.getSeconds() == 0 ? d.toMillis() + "ms" : String.format(Locale.ROOT, "%.3fs", d.toMillis() / 1e3);
    }
    StringBuilder sb = new StringBuilder();
    if (d.toHours() > 0) sb.append(d.toHours()).append('h');
    if (d.toMinutesPart() > 0) sb.append(d.toMinutesPart()).append('m');
    if (d.toSecondsPart() > 0) sb.append(d.toSecondsPart()).append('s');
    return sb.toString();
  }

  /** {@code 2.41 M deliveries/s}, {@code 48.2 k deliveries/s}, {@code 312 deliveries/s}. */
  /** A size in bytes as KB, MB or GB (powers of 1000), with one decimal. */
  public static String bytes(double n) {
    if (Math.abs(n) >= 1e9) return String.format(Locale.ROOT, "%.1f GB", n / 1e9);
    if (Math.abs(n) >= 1e6) return String.format(Locale.ROOT, "%.1f MB", n / 1e6);
    return String.format(Locale.ROOT, "%.1f KB", n / 1e3);
  }

  public static String rate(double perSecond, String what) {
    if (perSecond >= 1e6) return String.format(Locale.ROOT, "%.2f M %s/s", perSecond / 1e6, what);
    if (perSecond >= 1e4) return String.format(Locale.ROOT, "%.1f k %s/s", perSecond / 1e3, what);
    return String.format(Locale.ROOT, "%,.0f %s/s", perSecond, what);
  }

  /**
   * A counter map as lines of at most about 110 characters: the counters without a dot-group ({@code faults},
   * {@code aug.2m}) under {@code label}; the grouped ones ({@code flow.}, {@code seamcall.}, {@code conversion.})
   * each under their own label with {@code verbose}, else named by how many there are. Counters at 0 only with
   * {@code verbose}. The JSON summary keeps them all.
   */
  public static List<String> counters(String label, Map<String, Long> m, boolean verbose) {
    Map<String, Map<String, Long>> groups = new LinkedHashMap<>();
    groups.put(label, new LinkedHashMap<>());
    m.forEach((k, n) -> {
      String group = GROUPS.stream().filter(k::startsWith).findFirst().orElse(null);
      if (group == null) {
        groups.get(label).put(k, n);
      } else {
        groups.computeIfAbsent("  " + group.substring(0, group.length() - 1), g -> new LinkedHashMap<>())
            .put(k.substring(group.length()), n);
      }
    });
    List<String> lines = new ArrayList<>();
    List<String> hidden = new ArrayList<>();
    groups.forEach((g, counters) -> {
      if (g.equals(label) || verbose) {
        lines.addAll(wrap(g, counters, verbose));
      } else {
        hidden.add(counters.size() + " " + g.strip());
      }
    });
    if (!hidden.isEmpty()) lines.add("  (and " + String.join(", ", hidden) + " counters: --verbose, --json)");
    return lines;
  }

  private static final List<String> GROUPS = List.of("flow.", "seamcall.", "conversion.");

  private static List<String> wrap(String label, Map<String, Long> m, boolean all) {
    List<String> items = new ArrayList<>();
    m.forEach((k, n) -> {
      if (all || n != 0) items.add(String.format(Locale.ROOT, "%s %,d", k, n));
    });
    int zeros = m.size() - items.size();
    if (items.isEmpty()) {
      items.add(m.isEmpty() ? "(none)" : "all " + zeros + " at 0");
    } else if (zeros > 0) {
      items.add(zeros + " more at 0");
    }
    List<String> lines = new ArrayList<>();
    StringBuilder line = new StringBuilder(label).append(": ");
    String indent = " ".repeat(line.length());
    for (int i = 0; i < items.size(); i++) {
      String item = items.get(i) + (i + 1 < items.size() ? "," : "");
      if (line.length() + item.length() > LINE && line.length() > indent.length()) {
        lines.add(line.toString().stripTrailing());
        line = new StringBuilder(indent);
      }
      line.append(item).append(' ');
    }
    lines.add(line.toString().stripTrailing());
    return lines;
  }
}
