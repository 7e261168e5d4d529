package tdxsim.stress.trace;

import java.util.List;
import java.util.Optional;
import tdxsim.actors.monitor.Violation;
import tdxsim.stress.runtime.Budget;
import tdxsim.stress.runtime.Counterexample;
import tdxsim.stress.schedule.Decision;

/**
 * Everything needed to re-run one schedule and to know whether it came out the same: what was run (model
 * version, scenario, design options, budget), how it was scheduled (strategy, seeds, decisions), and how it
 * ended (verdict, final-state hash). Stored as JSON by {@link TraceFile}.
 *
 * @param toolVersion tdxsim version that wrote it
 * @param modelVersion the model's version; a trace from another model version is refused
 * @param scenario scenario name and its text or reference
 * @param options design options in effect
 * @param strategy strategy name ({@code random}, {@code pct}, {@code pos})
 * @param runSeed the exploration's seed
 * @param scheduleIndex the schedule's index in the exploration
 * @param scheduleSeed the schedule's seed (the world was created with it)
 * @param budget the schedule's budget (replay needs the same one)
 * @param decisions every delivery in order
 * @param violation the verdict: null means ok
 * @param finalStateHash the world's state hash at the end, bound to the world that ran ({@link WorldHash})
 */
public record Trace(
    String toolVersion,
    String modelVersion,
    Scenario scenario,
    List<String> options,
    String strategy,
    long runSeed,
    long scheduleIndex,
    long scheduleSeed,
    Budget budget,
    List<Decision> decisions,
    Violation violation,
    long finalStateHash) {

  /** The scenario as the CLI named it, and its text or a reference to it. */
  public record Scenario(String name, String source) {
    public Scenario {
      assert name != null : "a scenario without its name";
    }
  }

  public Trace {
    options = List.copyOf(options);
    decisions = List.copyOf(decisions);
    assert modelVersion != null : "an incomplete trace";
    assert scenario != null : "an incomplete trace";
    assert strategy != null : "an incomplete trace";
    assert budget != null : "an incomplete trace";
  }

  public Optional<Violation> verdict() {
    assert decisions != null : "a trace without its decisions";
    assert options != null : "a trace without its decisions";
    return Optional.ofNullable(violation);
  }

  /** The trace of an exploration's counterexample. */
  public static Trace of(
      String toolVersion,
      String modelVersion,
      Scenario scenario,
      List<String> options,
      String strategy,
      long runSeed,
      Budget budget,
      Counterexample c) {
    // a counterexample's schedule ran within the budget the trace records, at its place in the run
    assert c.scheduleIndex() >= 0 : "schedule " + c.scheduleIndex();
    assert c.result().steps() <= budget.maxSteps() : "schedule " + c.scheduleIndex();
    return new Trace(
        toolVersion,
        modelVersion,
        scenario,
        options,
        strategy,
        runSeed,
        c.scheduleIndex(),
        c.scheduleSeed(),
        budget,
        c.result().decisions().asList(),
        c.result().violation(),
        WorldHash.bind(modelVersion, scenario, options, c.result().stateHash()));
  }
}
