package tdxsim.stress.minimize;

import java.util.function.Consumer;
import tdxsim.stress.runtime.DeterministicSystem;
import tdxsim.stress.runtime.WorldFactory;
import tdxsim.stress.trace.ReplayReport;
import tdxsim.stress.trace.Replayer;
import tdxsim.stress.trace.Trace;
import tdxsim.stress.trace.WorldHash;

/**
 * Shrinks a violating trace: a shorter trace that breaks the same invariant and replays exactly.
 *
 * <p>It first replays the trace (it must reproduce exactly, or there is nothing reliable to shrink), then runs
 * rounds of {@link ActorPass} (postpone a whole actor), {@link DdminPass} (leave chunks out) and
 * {@link SwitchPass} (fewer context switches) until a round changes nothing or the {@link MinimizeBudget} is
 * spent. Every candidate is a real schedule, and the result is the decision list that schedule executed, so the
 * minimized trace is a normal trace; it is replayed once more before it is returned.
 *
 * <p>Deterministic: the result depends only on the trace, the world factory and the attempt budget (unless the
 * wall-time limit stops it, which the result reports). The model must be deterministic for that, as replay needs.
 */
public final class Minimizer {
  private Minimizer() {}

  /** Minimizes on a fresh deterministic system owned by the calling thread. */
  public static MinimizeResult minimize(
      WorldFactory worlds, Trace trace, MinimizeBudget budget, Consumer<MinimizeProgress> progress) {
    try (DeterministicSystem system = DeterministicSystem.create("tdxsim-minimize")) {
      return minimize(system, worlds, trace, budget, progress);
    }
  }

  /**
   * Minimizes on {@code system}.
   *
   * @throws MinimizeException if the trace records no violation or does not replay exactly
   * @throws IllegalStateException if the minimized trace does not replay exactly: the model is not deterministic
   */
  public static MinimizeResult minimize(
      DeterministicSystem system,
      WorldFactory worlds,
      Trace trace,
      MinimizeBudget budget,
      Consumer<MinimizeProgress> progress) {
    if (trace.violation() == null) {
      throw new MinimizeException("the trace's verdict is ok: there is no violation to keep while shrinking it");
    }
    ReplayReport before = Replayer.replay(system, worlds, trace);
    if (!before.reproduced()) {
      throw new MinimizeException("the trace does not replay exactly, so it cannot be minimized: " + before.summary());
    }
    Schedule initial = Schedule.of(before.result());
    assert initial.violation() != null : "replayed " + initial.size();
    assert initial.size() == trace.decisions().size() : "replayed " + initial.size();
    Search search = new Search(system, worlds, trace, initial, budget, progress);
    int rounds = 0;
    boolean improved;
    do {
      rounds++;
      improved = ActorPass.run(search);
      improved |= DdminPass.run(search);
      improved |= SwitchPass.run(search);
    } while (improved && !search.exhausted());
    assert rounds >= 1 && search.attempts() <= budget.maxAttempts() : rounds + " rounds, " + search.attempts();
    // a round cut short by the budget is no fixpoint, even if it found nothing
    MinimizeResult.Stop stop = search.stop() != null ? search.stop() : MinimizeResult.Stop.FIXPOINT;
    Schedule best = search.best();
    // a shrunk trace is never worse than the original, and breaks the same invariant
    assert !initial.betterThan(best) && best.violation().invariant().equals(initial.violation().invariant())
        : "minimized to " + best.size() + " steps, " + best.switches() + " switches, " + best.violation();
    Trace minimized =
        new Trace(
            trace.toolVersion(),
            trace.modelVersion(),
            trace.scenario(),
            trace.options(),
            trace.strategy(),
            trace.runSeed(),
            trace.scheduleIndex(),
            trace.scheduleSeed(),
            trace.budget(),
            best.decisions(),
            best.violation(),
            WorldHash.of(trace, best.stateHash()));
    ReplayReport after = Replayer.replay(system, worlds, minimized);
    if (!after.reproduced()) {
      throw new IllegalStateException(
          "the minimized trace does not replay exactly (is the model deterministic?): " + after.summary());
    }
    return new MinimizeResult(
        trace, minimized, initial.switches(), best.switches(), search.attempts(), rounds, stop,
        search.elapsedNanos(), after);
  }
}
