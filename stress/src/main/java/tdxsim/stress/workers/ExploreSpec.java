package tdxsim.stress.workers;

import java.util.List;
import tdxsim.actors.vm.ModelVersion;
import tdxsim.stress.coverage.Coverage;
import tdxsim.stress.model.TdxWorldFactory;
import tdxsim.stress.model.Worlds;
import tdxsim.stress.runtime.Budget;
import tdxsim.stress.scenario.Scenario;
import tdxsim.stress.strategy.StrategyKind;
import tdxsim.stress.trace.Trace;

/**
 * Everything that defines an exploration run, in a form that travels (a cluster coordinator sends it to every
 * worker): the scenario's whole text as traces record it, the options, strategy, run seed, schedule count and
 * step budget. Two processes with the same spec explore the same schedules and write the same traces.
 *
 * @param toolVersion written into the traces (the coordinator's, so that a trace does not say which node ran it)
 */
public record ExploreSpec(
    Trace.Scenario scenario, List<String> options, String strategy, long seed, long schedules, long maxSteps,
    String toolVersion) {
  public ExploreSpec {
    options = List.copyOf(options);
  }

  /** The job on an already loaded scenario (the command that loaded it). */
  public ExploreJob job(Scenario loaded) {
    return job(loaded, null);
  }

  /** {@link #job(Scenario)}, counting protocol tuples into {@code coverage} (if not null). */
  public ExploreJob job(Scenario loaded, Coverage coverage) {
    StrategyKind kind = StrategyKind.parse(strategy);
    Budget budget = Budget.steps(maxSteps);
    return new ExploreJob(() -> new TdxWorldFactory(loaded).coverage(coverage), kind, seed, schedules, budget,
        c -> Trace.of(toolVersion, ModelVersion.VERSION, scenario, options, strategy, seed, budget, c));
  }

  /** The job from the scenario's text alone (a worker node). */
  public ExploreJob job() {
    return job(Worlds.scenarioOf(scenario, options));
  }
}
