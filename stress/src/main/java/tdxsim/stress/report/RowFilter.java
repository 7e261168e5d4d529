package tdxsim.stress.report;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * The compact view: long runs of deliveries in one column are bookkeeping (a vCPU stepping through its own flow,
 * the TDX module's continuations); the race is where the columns change. A run longer than
 * {@link #MAX_RUN} keeps its first and last {@link #KEEP} rows around one "... n more" row. The last
 * {@link #TAIL} rows, which lead to the violation, are always shown in full.
 */
final class RowFilter {
  static final int MAX_RUN = 6;
  static final int KEEP = 2;
  static final int TAIL = 8;

  /** A shown line: a row, or (row null) a note that {@code hidden} rows of {@code column} were left out. */
  record Line(RaceDiagram.Row row, int column, int hidden) {}

  private RowFilter() {}

  static List<Line> lines(List<RaceDiagram.Row> rows, boolean all, StepRange range) {
    return lines(rows, all, range, r -> false);
  }

  /** As above; rows {@code keep} accepts (those touching the violation, racing) are never folded. */
  static List<Line> lines(List<RaceDiagram.Row> rows, boolean all, StepRange range, Predicate<RaceDiagram.Row> keep) {
    List<RaceDiagram.Row> inRange = new ArrayList<>();
    for (RaceDiagram.Row r : rows) if (range.contains(r.step())) inRange.add(r);
    List<Line> out = new ArrayList<>();
    int tailFrom = all ? 0 : Math.max(0, inRange.size() - TAIL);
    int i = 0;
    while (i < inRange.size()) {
      int j = i;
      while (j < inRange.size() && j < tailFrom && inRange.get(j).column() == inRange.get(i).column()
          && !keep.test(inRange.get(j))) {
        j++;
      }
      int run = j - i;
      if (!all && run > MAX_RUN) {
        for (int k = i; k < i + KEEP; k++) out.add(new Line(inRange.get(k), inRange.get(k).column(), 0));
        out.add(new Line(null, inRange.get(i).column(), run - 2 * KEEP));
        for (int k = j - KEEP; k < j; k++) out.add(new Line(inRange.get(k), inRange.get(k).column(), 0));
        i = j;
      } else {
        int end = Math.max(j, i + 1);
        for (int k = i; k < end; k++) out.add(new Line(inRange.get(k), inRange.get(k).column(), 0));
        i = end;
      }
    }
    return out;
  }
}
