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
import tdxsim.actors.options.DesignOption;
import tdxsim.stress.catalogue.Catalogue;
import tdxsim.stress.catalogue.Target;
import tdxsim.stress.runtime.Budget;
import tdxsim.stress.strategy.StrategyKind;
import tdxsim.stress.workers.IndexedSearch;

/**
 * {@code ./tdxsim catalogue --hunt}: a benchmark, not a test. For every design option and mutation the catalogue
 * exposes (each distinct option set once), and for the v3 baseline, hunt with no scenario for seeds 1..n and tell
 * how many seeds found a violation by an invariant the catalogue expects for it, and the median worlds, schedules
 * and wall time to the first violation. The generated worlds reach windows of the v3 baseline that the race
 * scenarios do not (the README's open findings): the baseline row hunts each seed again and again, each time
 * skipping ({@link HuntSpec#skip}) what it found before, and the option rows then skip what the baseline fires,
 * less the invariants expected for the option. A hunt that still ends on another invariant counts as "other".
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

  /**
   * The rows: the baseline first, then each distinct option set of the catalogue's targets; {@code whole}: the
   * catalogue {@code catalogue} was selected from (where the design options a mutation builds on are found).
   */
  public List<Row> run(Catalogue catalogue, Catalogue whole, int seeds, Consumer<String> progress) {
    Map<List<String>, Set<String>> targets = expectedByOptions(catalogue);
    Map<List<String>, Set<String>> wholeTargets = expectedByOptions(whole);
    assert wholeTargets.keySet().containsAll(targets.keySet()) : "a selection outside its catalogue";
    Map<List<String>, String> labels = new LinkedHashMap<>();
    labels.put(List.of(), "v3 baseline");
    for (Target t : catalogue.targets()) labels.merge(t.options(), t.id(), (a, b) -> a.contains(b) ? a : a + " " + b);
    assert labels.keySet().equals(targets.keySet()) : labels.keySet() + " labelled, " + targets.keySet() + " hunted";
    baselineFires.clear();
    List<Row> rows = new ArrayList<>();
    rows.add(baseline(seeds, progress));
    for (var e : targets.entrySet()) {
      if (e.getKey().isEmpty()) continue;
      rows.add(row(labels.get(e.getKey()), e.getKey(), e.getValue(), baseWindows(e.getKey(), wholeTargets), seeds,
          progress));
    }
    return rows;
  }

  /** Each distinct option set of the catalogue's targets (the baseline's, none, first) and the invariants expected. */
  static Map<List<String>, Set<String>> expectedByOptions(Catalogue catalogue) {
    Map<List<String>, Set<String>> targets = new LinkedHashMap<>();
    targets.put(List.of(), Set.of());
    for (Target t : catalogue.targets()) {
      targets.computeIfAbsent(t.options(), k -> new LinkedHashSet<>()).addAll(t.invariants());
    }
    return targets;
  }

  /** What the v3 baseline fires in generated worlds, over every seed (each hunted again, skipping what it found). */
  private final Set<String> baselineFires = new java.util.TreeSet<>();

  private static final int BASELINE_ROUNDS = 6;

  private Row baseline(int seeds, Consumer<String> progress) {
    Map<String, Integer> fired = new TreeMap<>();
    int clean = 0;
    for (int s = 1; s <= seeds; s++) {
      for (int round = 0; round < BASELINE_ROUNDS; round++) {
        HuntTotals r = hunt(List.of(), s, baselineFires);
        String inv = r.violation() == null ? null : r.violation().violation().invariant();
        progress.accept(line("v3 baseline", s, inv, r));
        if (inv == null) {
          clean++;
          break;
        }
        fired.merge(inv, 1, Integer::sum);
        baselineFires.add(inv);
      }
    }
    return new Row("v3 baseline", List.of(), Set.of(), seeds, clean, 0, Double.NaN, Double.NaN, Double.NaN, fired);
  }

  private HuntTotals hunt(List<String> options, long seed, Set<String> skip) {
    HuntSpec spec = new HuntSpec(options, strategy, seed, perWorld, budget, "benchmark", skip);
    return HuntTotals.of(IndexedSearch.run(new HuntJob(spec), Long.MAX_VALUE / 2, workers, timeLimit, null));
  }

  private static String line(String label, long seed, String inv, HuntTotals r) {
    return String.format(Locale.ROOT, "%s seed %d: %s after %d worlds (%d skipped), %d schedules, %.1f s", label,
        seed, inv == null ? "nothing" : inv, r.worlds(), r.skipped(), r.schedules(), r.search().elapsedNanos() / 1e9);
  }

  /**
   * The invariants the catalogue expects of the design options that {@code options} build on (M9's
   * mut-refcount-imbalance implies v1-folio-refcount, whose own window is R8's): that option alone is the baseline
   * such a mutation is judged against, as the v3 baseline is for the others.
   */
  static Set<String> baseWindows(List<String> options, Map<List<String>, Set<String>> targets) {
    Set<String> windows = new java.util.TreeSet<>();
    for (String o : options) {
      DesignOption d = DesignOption.parse(o);
      if (d == null) continue; // a plugin's option: it declares nothing it builds on
      d.buildsOn().ifPresent(base -> windows.addAll(targets.getOrDefault(List.of(base.cliName()), Set.of())));
    }
    return windows;
  }

  private Row row(String label, List<String> options, Set<String> expected, Set<String> baseWindows, int seeds,
      Consumer<String> progress) {
    int found = 0;
    int other = 0;
    double[] worlds = new double[seeds];
    double[] schedules = new double[seeds];
    double[] secs = new double[seeds];
    Map<String, Integer> fired = new TreeMap<>();
    Set<String> skip = new java.util.TreeSet<>(baselineFires);
    skip.addAll(baseWindows);
    skip.removeAll(expected);
    for (int s = 1; s <= seeds; s++) {
      HuntTotals r = hunt(options, s, skip);
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
      progress.accept(line(label, s, inv, r));
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
        + "most %s per hunt, %d worker%s). v3 baseline: \"found\" counts the seeds that came out clean, each hunted "
        + "again up to %d times skipping (--skip) what it fired before; \"fired\": what it fired. Options: the hunts "
        + "skip what the baseline fired (%s) except the option's expected invariants, and a mutation that builds on "
        + "a design option (M9 on v1-folio-refcount) also what the catalogue expects of that option alone (its own "
        + "window, R8's); \"found\": seeds whose first "
        + "violation was an expected invariant, \"other\": seeds that stopped on another first; medians over the "
        + "found seeds (wall time of that hunt).%n%n", strategy.cliName(), perWorld, seeds,
        timeLimit.toString().substring(2).toLowerCase(Locale.ROOT), workers, workers == 1 ? "" : "s",
        BASELINE_ROUNDS, baselineFires.isEmpty() ? "nothing" : String.join(", ", baselineFires)));
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
