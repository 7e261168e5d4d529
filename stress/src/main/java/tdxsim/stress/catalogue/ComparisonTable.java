package tdxsim.stress.catalogue;

import java.util.ArrayList;
import java.util.List;

/**
 * A comparison side by side, one column per variant, the way the list would put two designs next to each other:
 * verdict, the invariant that fired, when and how often, then the entry's counters as means per schedule (means,
 * not sums, so that a variant whose schedules stop early at a violation is not made to look cheaper or dearer by
 * the count alone).
 */
public final class ComparisonTable {
  private ComparisonTable() {}

  public static Table of(ComparisonReport r) {
    List<String> header = new ArrayList<>(List.of(""));
    for (VariantOutcome v : r.variants()) header.add(v.variant().name());
    Table t = new Table(header);
    t.row(row("verdict", r, VariantOutcome::verdict));
    t.row(row("invariant fired", r, v -> v.firstViolation().map(x -> x.invariant()).orElse("-")));
    t.row(row("schedules to first violation", r,
        v -> v.sweep().schedulesToFirstViolation().map(String::valueOf).orElse("-")));
    t.row(row("violating schedules", r, v -> v.sweep().violating() + "/" + v.sweep().schedules()));
    t.row(row("deliveries per schedule", r,
        v -> Figures.mean(Math.rint(v.sweep().deliveries() / (double) Math.max(1, v.sweep().schedules())))));
    for (String counter : r.comparison().rowsOrDefault()) {
      t.row(row(counter, r, v -> Figures.mean(v.sweep().perSchedule(counter))));
    }
    return t;
  }

  /** "notifier: <title>". */
  public static String title(ComparisonReport r) {
    return r.comparison().id() + ": " + r.comparison().title();
  }

  /** What the columns were run with. */
  public static String runLine(ComparisonReport r) {
    return "scenario " + r.comparison().scenario() + ", " + r.schedules() + " schedules per variant, strategy "
        + r.strategy().cliName() + ", seed " + r.seed() + "; counters are means per schedule";
  }

  private static List<String> row(String name, ComparisonReport r, java.util.function.Function<VariantOutcome,
      String> cell) {
    List<String> row = new ArrayList<>(List.of(name));
    for (VariantOutcome v : r.variants()) row.add(cell.apply(v));
    return row;
  }
}
