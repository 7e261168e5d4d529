package tdxsim.stress.record;

import java.util.List;
import tdxsim.actors.monitor.Violation;
import tdxsim.stress.runtime.Budget;
import tdxsim.stress.schedule.Decision;
import tdxsim.stress.runtime.DeterministicSystem;
import tdxsim.stress.runtime.ScheduleResult;
import tdxsim.stress.runtime.WorldFactory;
import tdxsim.stress.trace.ReplayReport.Outcome;
import tdxsim.stress.trace.Trace;
import tdxsim.stress.trace.TraceJson;
import tdxsim.stress.trace.WorldHash;

/**
 * Re-runs a parallel run's record on the deterministic runtime ({@link RecordedOrderStrategy}), on one thread,
 * and compares: every recorded message delivered, the same verdict, the same final-state hash. A violation the
 * replay sees becomes a deterministic {@link Trace} (the decisions the replay executed up to it), which the
 * trace tools (replay, minimize, report) accept.
 *
 * <p>Verdicts match when both are ok, or both are violations of the same invariant (the parallel run checks the
 * rest invariants at consistent cuts, the replay after every delivery, so the replay may see the same race a few
 * steps earlier, with another detail; the summary says so).
 */
public final class RecordReplayer {
  private RecordReplayer() {}

  /** Replays on a fresh deterministic system owned by the calling thread. */
  public static RecordReplayReport replay(WorldFactory worlds, Record record) {
    try (DeterministicSystem system = DeterministicSystem.create("tdxsim-record-replay")) {
      return replay(system, worlds, record);
    }
  }

  public static RecordReplayReport replay(DeterministicSystem system, WorldFactory worlds, Record record) {
    RecordedOrderStrategy strategy = new RecordedOrderStrategy(record.orders());
    assert system != null : "replay without a system or worlds";
    assert worlds != null : "replay without a system or worlds";
    strategy.reset(record.worldSeed());
    ContinuingWorld world = new ContinuingWorld(worlds.create(record.worldSeed()));
    long total = strategy.total();
    assert total == record.deliveries() : total + " messages to replay of " + record.deliveries() + " recorded";
    Budget budget = new Budget(total + 1, Budget.DEFAULT.maxVirtualTime());
    ScheduleResult r = system.run(world, strategy, budget);
    Violation verdict = world.first() != null ? world.first() : r.violation();
    Trace trace = verdict == null ? null : trace(record, r, world, verdict);

    RecordDivergence d = strategy.divergence();
    if (d == null && !strategy.complete()) d = strategy.diagnose(List.of());
    if (d != null) {
      String why = r.violation() != null ? " (the run ended: " + r.violation().oneLine() + ")" : "";
      return new RecordReplayReport(Outcome.DIVERGED, d.describe() + why, d, verdict, strategy.consumed(), r, trace);
    }
    String replayed = strategy.consumed() + " recorded messages";
    assert strategy.complete() : "replayed " + strategy.consumed() + " of " + total;
    assert strategy.consumed() == total : "replayed " + strategy.consumed() + " of " + total;
    if (!sameVerdict(record.violation(), verdict)) {
      return new RecordReplayReport(Outcome.VERDICT_DIFFERS, "verdict differs: the parallel run says "
          + verdict(record.violation()) + ", the replay says " + verdict(verdict)
          + (record.violation() == null ? " (its checks after every delivery saw what the run's periodic checks missed)"
              : ""), null, verdict, strategy.consumed(), r, trace);
    }
    if (record.finalStateHash() != r.stateHash()) {
      return new RecordReplayReport(Outcome.HASH_DIFFERS, "final-state hash differs: record "
          + TraceJson.hex(record.finalStateHash()) + ", replay " + TraceJson.hex(r.stateHash()) + " after "
          + replayed, null, verdict, strategy.consumed(), r, trace);
    }
    String detail = "";
    if (verdict != null && !verdict.equals(record.violation())) {
      detail = " (the replay saw it at delivery " + world.firstStep() + ": " + verdict.oneLine() + ")";
    }
    return new RecordReplayReport(Outcome.REPRODUCED, "reproduced exactly: " + replayed + " in their recorded order, "
        + verdict(record.violation()) + ", final-state hash " + TraceJson.hex(r.stateHash()) + detail, null, verdict,
        strategy.consumed(), r, trace);
  }

  /** The replay's violation as a trace: the decisions up to it, its verdict, the state hash there. */
  private static Trace trace(Record record, ScheduleResult r, ContinuingWorld world, Violation v) {
    assert v != null : "a trace of no violation";
    long steps = world.first() != null ? world.firstStep() : r.steps();
    long hash = world.first() != null ? world.firstHash() : r.stateHash();
    List<Decision> decisions = r.decisions().asList().subList(0, (int) Math.min(steps, r.steps()));
    assert steps >= 0 : "a trace of " + steps + " of " + r.steps() + " steps";
    assert decisions.size() <= r.steps() : "a trace of " + steps + " of " + r.steps() + " steps";
    Budget budget = decisions.size() < Budget.DEFAULT.maxSteps() ? Budget.DEFAULT : Budget.steps(decisions.size() + 1L);
    return new Trace(record.toolVersion(), record.modelVersion(), record.scenario(), record.options(), "record",
        record.worldSeed(), 0, record.worldSeed(), budget, decisions, v,
        WorldHash.bind(record.modelVersion(), record.scenario(), record.options(), hash));
  }

  static boolean sameVerdict(Violation a, Violation b) {
    if (a == null || b == null) return a == b;
    return a.invariant().equals(b.invariant());
  }

  private static String verdict(Violation v) {
    assert v == null || v.invariant() != null : "a verdict without its invariant";
    return v == null ? "ok" : v.oneLine();
  }
}
