package tdxsim.stress.catalogue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import tdxsim.stress.strategy.StrategyKind;

/**
 * The catalogue's tables: one row per target (race exposure or mutation) with a column per strategy, and one row
 * per baseline. The terminal version leaves the titles out (they make it too wide to read); the markdown version,
 * for the README, keeps them.
 */
public final class CatalogueTables {
  private CatalogueTables() {}

  public static Table targets(CatalogueResult r, boolean withTitles) {
    List<String> header = new ArrayList<>(List.of("id"));
    if (withTitles) header.add("what");
    header.addAll(List.of("scenario", "options", "expected"));
    for (StrategyKind k : r.settings().strategies()) header.add(k.cliName());
    header.addAll(List.of("fired", "minimized"));
    Table t = new Table(header);
    for (TargetReport tr : r.targets()) {
      Target target = tr.target();
      List<String> row = new ArrayList<>(List.of(target.id()));
      if (withTitles) row.add(target.title());
      row.add(target.scenario());
      row.add(String.join(" ", target.options()));
      row.add(String.join(" or ", target.invariants()));
      for (StrategyStats s : tr.strategies()) row.add(cell(s));
      row.add(fired(tr));
      row.add(tr.shrunk().map(s -> s.originalSteps() + " → " + s.minimizedSteps() + (s.fixpoint() ? "" : "*"))
          .orElse("n/a"));
      t.row(row);
    }
    return t;
  }

  public static Table baselines(CatalogueResult r) {
    Table t = new Table(List.of("races", "scenario", "strategy", "seed", "v3 baseline"));
    for (BaselineReport b : r.baselines()) {
      t.row(List.of(String.join(" ", b.races()), b.scenario(), b.strategy(), Long.toString(b.seed()), b.verdict()));
    }
    return t;
  }

  /** What the strategy columns mean, with the run's parameters. */
  public static String legend(CatalogueSettings s) {
    return "Per strategy: seeds that found a violation / seeds run, median schedules to the first violation, median"
        + " wall time to it (seeds " + seedRange(s) + ", at most " + s.maxSchedules() + " schedules and "
        + Figures.seconds(s.timeLimit().toMillis() / 1000.0) + " per seed). \"fired\": invariants that fired, with"
        + " the number of runs when several did (! marks one not listed for the entry). \"minimized\": deliveries"
        + " of the first counterexample found, before → after the minimizer (* its attempt budget ran out first)."
        + " Seeds that found nothing are left out of the medians.";
  }

  /** The README section: legend, targets table, baselines table. */
  public static String markdown(CatalogueResult r) {
    StringBuilder sb = new StringBuilder();
    sb.append(legend(r.settings())).append("\n\n").append(targets(r, true).markdown());
    if (!r.baselines().isEmpty()) sb.append('\n').append(baselines(r).markdown());
    return sb.toString();
  }

  static String cell(StrategyStats s) {
    return s.found() + "/" + s.seeds() + ", " + Figures.count(s.medianSchedules()) + ", "
        + Figures.seconds(s.medianSeconds());
  }

  private static String fired(TargetReport tr) {
    Map<String, Integer> total = new java.util.TreeMap<>();
    for (StrategyStats s : tr.strategies()) s.invariants().forEach((k, v) -> total.merge(k, v, Integer::sum));
    if (total.isEmpty()) return "-";
    List<String> parts = new ArrayList<>();
    total.forEach((inv, n) -> parts.add((tr.target().expects(inv) ? "" : "!") + inv
        + (total.size() > 1 ? " (" + n + ")" : "")));
    return String.join(", ", parts);
  }

  private static String seedRange(CatalogueSettings s) {
    List<Long> seeds = s.seeds();
    long first = seeds.get(0);
    long last = seeds.get(seeds.size() - 1);
    boolean contiguous = last - first + 1 == seeds.size();
    return contiguous ? first + ".." + last : seeds.toString();
  }
}
