package tdxsim.stress.trace;

import java.util.Objects;
import tdxsim.actors.monitor.Violation;
import tdxsim.stress.runtime.ScheduleResult;
import tdxsim.stress.strategy.Divergence;

/**
 * The outcome of replaying a trace.
 *
 * @param outcome what happened
 * @param summary one line for the CLI
 * @param divergence where the schedule left the trace (for {@link Outcome#DIVERGED}), else null
 * @param result the replayed schedule
 */
public record ReplayReport(Outcome outcome, String summary, Divergence divergence, ScheduleResult result) {

  public enum Outcome {
    /** Same decisions, same verdict, same final-state hash. */
    REPRODUCED,
    /** The trace's decisions could not be followed (or the run ended before they did). */
    DIVERGED,
    /** Every decision was followed, but the verdict differs. */
    VERDICT_DIFFERS,
    /** Every decision was followed and the verdict matches, but the final state differs. */
    HASH_DIFFERS
  }

  public boolean reproduced() {
    assert outcome != null : "a replay report without its outcome";
    assert summary != null : "a replay report without its outcome";
    assert result != null : "a replay report without its outcome";
    assert (outcome == Outcome.DIVERGED) == (divergence != null) : outcome + " with the divergence " + divergence;
    return outcome == Outcome.REPRODUCED;
  }

  static ReplayReport judge(Trace trace, ScheduleResult r, Divergence divergence) {
    assert trace != null : "judge of no trace or run";
    assert r != null : "judge of no trace or run";
    if (divergence != null) return new ReplayReport(Outcome.DIVERGED, divergence.describe(), divergence, r);
    if (r.steps() < trace.decisions().size()) {
      Divergence d = new Divergence(r.steps() + 1, trace.decisions().get(r.steps()), java.util.List.of());
      String summary = d.describe() + " (the run ended: " + verdict(r.violation()) + ")";
      return new ReplayReport(Outcome.DIVERGED, summary, d, r);
    }
    if (!sameVerdict(trace.violation(), r.violation())) {
      return new ReplayReport(
          Outcome.VERDICT_DIFFERS,
          "verdict differs: trace says " + verdict(trace.violation()) + ", replay says " + verdict(r.violation()),
          null,
          r);
    }
    long hash = WorldHash.of(trace, r.stateHash());
    if (trace.finalStateHash() != hash) {
      return new ReplayReport(
          Outcome.HASH_DIFFERS,
          "final-state hash differs: trace " + TraceJson.hex(trace.finalStateHash()) + ", replay "
              + TraceJson.hex(hash) + " (the hash covers the scenario's text, the options and the model version)",
          null,
          r);
    }
    return new ReplayReport(
        Outcome.REPRODUCED,
        "reproduced exactly: " + r.steps() + " deliveries, " + verdict(r.violation()) + ", final-state hash "
            + TraceJson.hex(hash),
        null,
        r);
  }

  private static boolean sameVerdict(Violation a, Violation b) {
    assert a == null || a.invariant() != null : "a verdict without its invariant";
    return Objects.equals(a, b);
  }

  private static String verdict(Violation v) {
    return v == null ? "ok" : v.oneLine();
  }
}
