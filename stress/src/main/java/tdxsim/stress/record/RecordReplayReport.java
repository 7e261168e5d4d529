package tdxsim.stress.record;

import java.util.Optional;
import tdxsim.actors.monitor.Violation;
import tdxsim.stress.runtime.ScheduleResult;
import tdxsim.stress.trace.ReplayReport;
import tdxsim.stress.trace.Trace;

/**
 * The outcome of replaying a record on the deterministic runtime.
 *
 * @param outcome {@code REPRODUCED}: every recorded message delivered in its receiver's recorded order, same
 *     verdict (ok, or a violation of the same invariant), same final-state hash; else what differed first
 * @param summary one line for the CLI
 * @param divergence where the replay left the record (for {@code DIVERGED}), else null
 * @param verdict the replay's verdict: the first violation the deterministic checks saw (they run after every
 *     delivery, the parallel run's at consistent cuts), or null
 * @param replayed recorded messages delivered
 * @param result the replayed schedule (decisions, final-state hash)
 * @param trace when the replay saw a violation: the deterministic trace of it (the decisions up to that
 *     violation, its verdict and the state hash there), which replay, minimize and report accept; else null
 */
public record RecordReplayReport(
    ReplayReport.Outcome outcome,
    String summary,
    RecordDivergence divergence,
    Violation verdict,
    long replayed,
    ScheduleResult result,
    Trace trace) {

  public boolean reproduced() {
    assert outcome != null : "a replay report without its outcome";
    assert summary != null : "a replay report without its outcome";
    assert (outcome == ReplayReport.Outcome.DIVERGED) == (divergence != null) : outcome + " with " + divergence;
    return outcome == ReplayReport.Outcome.REPRODUCED;
  }

  public Optional<Trace> violationTrace() {
    assert (trace == null) == (verdict == null) : "a trace " + trace + " for the verdict " + verdict;
    return Optional.ofNullable(trace);
  }
}
