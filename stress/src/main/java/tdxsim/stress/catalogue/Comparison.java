package tdxsim.stress.catalogue;

import java.util.List;

/**
 * A design debate from the review thread, run side by side: the same scenario, schedules and seed under each
 * variant, so that the table shows what each choice costs (verdict, counters) rather than what anyone claims.
 *
 * @param id the name {@code ./tdxsim compare ID} takes
 * @param title one line
 * @param scenario a built-in scenario
 * @param variants the columns, at least two
 * @param rows checker counters to show (see {@link CounterNames}); empty means {@link CounterNames#DEFAULT_ROWS}
 */
public record Comparison(String id, String title, String scenario, List<Variant> variants, List<String> rows) {
  public Comparison {
    variants = List.copyOf(variants);
    rows = List.copyOf(rows);
  }

  /** The rows to show: the entry's own, else the defaults. */
  public List<String> rowsOrDefault() {
    return rows.isEmpty() ? CounterNames.DEFAULT_ROWS : rows;
  }
}
