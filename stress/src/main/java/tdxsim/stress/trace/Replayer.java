package tdxsim.stress.trace;

import tdxsim.stress.runtime.DeterministicSystem;
import tdxsim.stress.runtime.ScheduleResult;
import tdxsim.stress.runtime.WorldFactory;
import tdxsim.stress.strategy.ReplayStrategy;

/**
 * Re-executes a trace by its decisions (not merely its seed, so that a strategy change cannot hide a race) with
 * the trace's schedule seed and budget, and compares verdict and final-state hash.
 */
public final class Replayer {
  private Replayer() {}

  /** Replays on a fresh deterministic system owned by the calling thread. */
  public static ReplayReport replay(WorldFactory worlds, Trace trace) {
    try (DeterministicSystem system = DeterministicSystem.create("tdxsim-replay")) {
      return replay(system, worlds, trace);
    }
  }

  public static ReplayReport replay(DeterministicSystem system, WorldFactory worlds, Trace trace) {
    ReplayStrategy strategy = new ReplayStrategy(trace.decisions());
    assert system != null : "replay without a system, worlds or trace";
    assert worlds != null : "replay without a system, worlds or trace";
    assert trace != null : "replay without a system, worlds or trace";
    strategy.reset(trace.scheduleSeed());
    ScheduleResult r = system.run(worlds.create(trace.scheduleSeed()), strategy, trace.budget());
    // every delivery was a matched decision
    assert strategy.replayed() <= trace.decisions().size() && strategy.replayed() == r.steps() : "replayed "
        + strategy.replayed() + " of " + trace.decisions().size();
    return ReplayReport.judge(trace, r, strategy.divergence());
  }
}
