package tdxsim.stress.report;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import tdxsim.actors.monitor.Violation;
import tdxsim.stress.schedule.Decision;
import tdxsim.stress.trace.Trace;

/**
 * A replayed trace laid out for drawing: the columns (CPU contexts first, then the other columns, each group in
 * order of first appearance), one row per delivery with its cell text, and the verdict. Both renderers draw from
 * this, so the text diagram and the HTML chart always agree.
 *
 * @param title what is drawn (a file name, a test name)
 * @param facts one line about the run: scenario, options, strategy, seeds
 * @param replay how the replay went ({@link RecordedRun#replaySummary})
 * @param columns column names, left to right
 * @param actors every actor that sent or received, in lifeline order (for the chart)
 * @param cpuContexts the actors among them that the column policy calls CPU contexts
 * @param rows one per delivery, in order
 * @param violation the replay's verdict, null for ok
 * @param notes per row, what the step changed and whether it is racing or relevant (empty: not annotated)
 */
public record RaceDiagram(
    String title,
    String facts,
    String replay,
    List<String> columns,
    List<String> actors,
    List<String> cpuContexts,
    List<Row> rows,
    Violation violation,
    List<StepNote> notes) {

  /**
   * One delivery.
   *
   * @param step 1-based
   * @param column index into {@link #columns}
   * @param cell the compact text drawn in the column: {@code <- sender: Msg ...}, {@code -> receiver: Msg ...}
   *     (a passive actor doing a CPU's work), or {@code Msg ...} (a message to itself)
   * @param decision the decision
   * @param message the full compact message ({@link MessageFormatter})
   */
  public record Row(long step, int column, String cell, Decision decision, String message) {
    /** "12 vcpu-1#3 <- table: Value gfn=0x200 value=0": everything, for tooltips. */
    public String full() {
      return step + " " + decision.receiver() + '#' + decision.seq() + " <- " + decision.sender() + ": " + message;
    }
  }

  public RaceDiagram {
    columns = List.copyOf(columns);
    actors = List.copyOf(actors);
    cpuContexts = List.copyOf(cpuContexts);
    rows = List.copyOf(rows);
    notes = List.copyOf(notes);
    if (!notes.isEmpty() && notes.size() != rows.size()) throw new IllegalArgumentException("a note per row");
  }

  /** With a note per row. */
  public RaceDiagram withNotes(List<StepNote> n) {
    return new RaceDiagram(title, facts, replay, columns, actors, cpuContexts, rows, violation, n);
  }

  /** Row {@code i}'s note ({@link StepNote#NONE} when not annotated). */
  public StepNote note(int i) {
    return notes.isEmpty() ? StepNote.NONE : notes.get(i);
  }

  public static RaceDiagram of(String title, RecordedRun run, ColumnPolicy policy, MessageFormatter formatter) {
    List<String> columns = order(run.steps(), policy, true);
    List<String> actors = order(run.steps(), policy, false);
    List<String> cpus = actors.stream().filter(policy::isCpuContext).toList();
    List<Row> rows = new ArrayList<>(run.steps().size());
    for (RecordedStep s : run.steps()) {
      Decision d = s.decision();
      String column = policy.columnOf(d);
      String message = formatter.format(s.message());
      rows.add(new Row(s.step(), columns.indexOf(column), cell(d, column, message), d, message));
    }
    return new RaceDiagram(title, facts(run.trace()), run.replaySummary(), columns, actors, cpus,
        rows, run.result().violation(), List.of());
  }

  private static String cell(Decision d, String column, String message) {
    if (d.receiver().equals(d.sender())) return message;
    if (column.equals(d.receiver())) return "<- " + d.sender() + ": " + message;
    return "-> " + d.receiver() + ": " + message;
  }

  /** Columns (or, with {@code columnsOnly} false, every actor), CPU contexts first, by first appearance. */
  private static List<String> order(List<RecordedStep> steps, ColumnPolicy policy, boolean columnsOnly) {
    Set<String> seen = new LinkedHashSet<>();
    for (RecordedStep s : steps) {
      Decision d = s.decision();
      if (columnsOnly) {
        seen.add(policy.columnOf(d));
      } else {
        seen.add(d.sender());
        seen.add(d.receiver());
      }
    }
    List<String> out = new ArrayList<>(seen.size());
    for (String a : seen) if (policy.isCpuContext(a)) out.add(a);
    for (String a : seen) if (!policy.isCpuContext(a)) out.add(a);
    return out;
  }

  private static String facts(Trace t) {
    StringBuilder sb = new StringBuilder("scenario ").append(t.scenario().name());
    if (!t.options().isEmpty()) sb.append(", options ").append(String.join(",", t.options()));
    sb.append(", strategy ").append(t.strategy()).append(", run seed ").append(t.runSeed());
    sb.append(", schedule ").append(t.scheduleIndex());
    sb.append(", ").append(t.decisions().size()).append(" deliveries");
    sb.append(", model ").append(t.modelVersion());
    return sb.toString();
  }
}
