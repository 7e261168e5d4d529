package tdxsim.stress.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import tdxsim.stress.runtime.DeterministicSystem;
import tdxsim.stress.runtime.ScheduleResult;
import tdxsim.stress.runtime.WorldFactory;
import tdxsim.stress.strategy.Divergence;
import tdxsim.stress.strategy.ReplayStrategy;
import tdxsim.stress.trace.Trace;
import tdxsim.stress.trace.WorldHash;

/**
 * A trace replayed with a {@link tdxsim.stress.runtime.DeliveryListener}, so that every step comes with its
 * message. A report draws what actually ran; if the replay left the trace, it draws the part that matched and
 * says where it diverged ({@link #replaySummary}).
 *
 * @param trace the trace
 * @param steps every delivery the replay made
 * @param result the replayed schedule
 * @param divergence where the replay left the trace, or null
 */
public record RecordedRun(Trace trace, List<RecordedStep> steps, ScheduleResult result, Divergence divergence) {
  public RecordedRun {
    steps = List.copyOf(steps);
  }

  /** Replays on a fresh deterministic system owned by the calling thread. */
  public static RecordedRun replay(WorldFactory worlds, Trace trace) {
    try (DeterministicSystem system = DeterministicSystem.create("tdxsim-report")) {
      return replay(system, worlds, trace);
    }
  }

  public static RecordedRun replay(DeterministicSystem system, WorldFactory worlds, Trace trace) {
    List<RecordedStep> steps = new ArrayList<>(trace.decisions().size());
    ReplayStrategy strategy = new ReplayStrategy(trace.decisions());
    strategy.reset(trace.scheduleSeed());
    ScheduleResult r =
        system.run(
            worlds.create(trace.scheduleSeed()),
            strategy,
            trace.budget(),
            (step, decision, message) -> steps.add(new RecordedStep(step, decision, message)));
    return new RecordedRun(trace, steps, r, strategy.divergence());
  }

  /** Same decisions, verdict and final-state hash as the trace records. */
  public boolean reproduced() {
    return divergence == null
        && result.steps() == trace.decisions().size()
        && Objects.equals(result.violation(), trace.violation())
        && WorldHash.of(trace, result.stateHash()) == trace.finalStateHash();
  }

  /** One line on how the replay went. */
  public String replaySummary() {
    if (divergence != null) return "replay " + divergence.describe();
    if (result.steps() < trace.decisions().size()) {
      return "replay ended after " + result.steps() + " of " + trace.decisions().size() + " deliveries";
    }
    if (!Objects.equals(result.violation(), trace.violation())) {
      return "replay verdict differs: " + (result.violation() == null ? "ok" : result.violation().oneLine());
    }
    if (WorldHash.of(trace, result.stateHash()) != trace.finalStateHash()) return "replay final-state hash differs";
    return "replayed exactly: " + result.steps() + " deliveries";
  }
}
