package tdxsim.stress.hunt;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;
import tdxsim.stress.catalogue.Catalogue;
import tdxsim.stress.catalogue.Target;
import tdxsim.stress.runtime.Budget;
import tdxsim.stress.strategy.StrategyKind;
import tdxsim.stress.workers.IndexedSearch;

/**
 * {@code ./tdxsim catalogue --hunt}: a benchmark, not a test. For every design option and mutation the catalogue
 * exposes (each distinct option set once), and for the v3 baseline, hunt with no scenario for seeds 1..n and tell
 * how many seeds found a violation by an invariant the catalogue expects for it, and the median worlds, schedules
 * and wall time to the first violation. A hunt that ends on another invariant is counted apart ("other"): the
 * generated worlds reach windows the race scenarios do not, and the baseline's own row says what they find in v3.
 */
public final class HuntBenchmark {
  /** One row: an option set and what its hunts did. */
  public record Row(String label, List<String> options, Set<String> expected, int seeds, int found, int other,
      double medianWorlds, double medianSchedules, double medianSeconds, Map<String, Integer> fired) {}

  private final StrategyKind strategy;
  private final int perWorld;
  private final Duration timeLimit;
  private final int workers;
  private final Budget budget;

  public HuntBenchmark(StrategyKind strategy, int perWorld, Duration timeLimit, int workers, Budget budget) {
    this.strategy = strategy;
    this.perWorld = perWorld;
    this.timeLimit = timeLimit;
    this.workers = workers;
    this.budget = budget;
  }

  /** The rows: the baseline first, then each distinct option set of the catalogue's targets. */
  public List<Row> run(Catalogue catalogue, int seeds, Consumer<String> progress) {
    Map<List<String>, Set<String>> targets = new LinkedHashMap<>();
    Map<List<String>, String> labels = new LinkedHashMap<>();
    targets.put(List.of(), Set.of());
    labels.put(List.of(), "v3 baseline");
    for (Target t : catalogue.targets()) {
      targets.computeIfAbsent(t.options(), k -> new LinkedHashSet<>()).addAll(t.invariants());
      labels.merge(t.options(), t.id(), (a, b) -> a.contains(b) ? a : a + " " + b);
    }
    List<Row> rows = new ArrayList<>();
    for (var e : targets.entrySet()) {
      rows.add(row(labels.get(e.getKey()), e.getKey(), e.getValue(), seeds, progress));
    }
    return rows;
  }

  private Row row(String label, List<String> options, Set<String> expected, int seeds, Consumer<String> progress) {
    int found = 0;
    int other = 0;
    double[] worlds = new double[seeds];
    double[] schedules = new double[seeds];
    double[] secs = new double[seeds];
    Map<String, Integer> fired = new TreeMap<>();
    for (int s = 1; s <= seeds; s++) {
      HuntSpec spec = new HuntSpec(options, strategy, s, perWorld, budget, "benchmark");
      HuntTotals r = HuntTotals.of(IndexedSearch.run(new HuntJob(spec), Long.MAX_VALUE / 2, workers, timeLimit, null));
      String inv = r.violation() == null ? null : r.violation().violation().invariant();
      if (inv != null) fired.merge(inv, 1, Integer::sum);
      boolean hit = inv != null && (expected.isEmpty() || expected.contains(inv));
      if (hit) {
        worlds[found] = r.worlds();
        schedules[found] = r.schedules();
        secs[found] = r.search().elapsedNanos() / 1e9;
        found++;
      } else if (inv != null) {
        other++;
      }
      progress.accept(String.format(Locale.ROOT, "%s seed %d: %s after %d worlds, %d schedules, %.1f s", label, s,
          inv == null ? "nothing" : inv, r.worlds(), r.schedules(), r.search().elapsedNanos() / 1e9));
    }
    return new Row(label, options, expected, seeds, found, other, median(worlds, found), median(schedules, found),
        median(secs, found), fired);
  }

  private static double median(double[] v, int n) {
    if (n == 0) return Double.NaN;
    double[] a = Arrays.copyOf(v, n);
    Arrays.sort(a);
    return n % 2 == 1 ? a[n / 2] : (a[n / 2 - 1] + a[n / 2]) / 2;
  }

  /** The rows as a markdown table with its legend. */
  public String markdown(List<Row> rows, int seeds) {
    StringBuilder sb = new StringBuilder();
    sb.append(String.format(Locale.ROOT, "Hunt with no scenario (strategy %s, %d schedules per world, seeds 1..%d, at "
        + "most %s per seed, %d worker%s). \"found\": seeds whose first violation was an invariant the catalogue "
        + "expects for the option (for the baseline: any); \"other\": seeds that stopped on another invariant first; "
        + "medians over the found seeds.%n%n", strategy.cliName(), perWorld, seeds, timeLimit.toString().substring(2)
        .toLowerCase(Locale.ROOT), workers, workers == 1 ? "" : "s"));
    sb.append("| targets | options | found | other | median worlds | median schedules | median wall | fired |\n");
    sb.append("| --- | --- | --- | --- | --- | --- | --- | --- |\n");
    for (Row r : rows) {
      sb.append(String.format(Locale.ROOT, "| %s | %s | %d/%d | %d | %s | %s | %s | %s |%n", r.label(),
          r.options().isEmpty() ? "none" : String.join(" ", r.options()), r.found(), r.seeds(), r.other(),
          fmt(r.medianWorlds(), "%.1f"), fmt(r.medianSchedules(), "%.0f"), fmt(r.medianSeconds(), "%.2f s"),
          fired(r.fired())));
    }
    return sb.toString();
  }

  private static String fmt(double v, String f) {
    return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, f, v);
  }

  private static String fired(Map<String, Integer> m) {
    List<String> parts = new ArrayList<>();
    m.forEach((k, v) -> parts.add(k + " (" + v + ")"));
    return parts.isEmpty() ? "-" : String.join(", ", parts);
  }
}
