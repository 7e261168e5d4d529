package tdxsim.stress.catalogue;

import java.util.Optional;
import java.util.function.Consumer;
import tdxsim.actors.vm.ModelVersion;
import tdxsim.stress.minimize.MinimizeBudget;
import tdxsim.stress.minimize.MinimizeException;
import tdxsim.stress.minimize.MinimizeResult;
import tdxsim.stress.minimize.Minimizer;
import tdxsim.stress.model.TdxWorldFactory;
import tdxsim.stress.runtime.DeterministicSystem;
import tdxsim.stress.scenario.ScenarioLoader;
import tdxsim.stress.trace.Trace;

/**
 * {@link Shrinker} by the {@link Minimizer}: the hunt's counterexample becomes the trace {@code explore} would
 * have written, and is minimized on the catalogue's own deterministic system under a fixed attempt budget (so the
 * column is the same on every machine unless the wall-time safety net stops it, which {@link Shrunk#fixpoint}
 * does not hide).
 */
public final class MinimizerShrinker implements Shrinker {
  private final DeterministicSystem system;
  private final MinimizeBudget budget;
  private final String toolVersion;
  private final Consumer<String> problems;

  /**
   * @param toolVersion what the trace records as its writer
   * @param problems where a minimizer failure is reported (the column then reads "n/a": one failure must not end
   *     an hour-long catalogue run)
   */
  public MinimizerShrinker(DeterministicSystem system, MinimizeBudget budget, String toolVersion,
      Consumer<String> problems) {
    this.system = system;
    this.budget = budget;
    this.toolVersion = toolVersion;
    this.problems = problems;
  }

  @Override
  public Optional<Shrunk> shrink(Hunt hunt) {
    Target t = hunt.target();
    Trace trace = Trace.of(toolVersion, ModelVersion.VERSION,
        new Trace.Scenario(t.scenario(), ScenarioLoader.builtInText(t.scenario())), t.options(),
        hunt.strategy().cliName(), hunt.seed(), hunt.budget(), hunt.result().violation().orElseThrow());
    TdxWorldFactory worlds = new TdxWorldFactory(Hunter.scenario(t));
    try {
      MinimizeResult r = Minimizer.minimize(system, worlds, trace, budget, null);
      return Optional.of(new Shrunk(r.originalSteps(), r.minimizedSteps(), r.minimized().violation().invariant(),
          r.stop() == MinimizeResult.Stop.FIXPOINT));
    } catch (MinimizeException | IllegalStateException e) {
      problems.accept(t.label() + ": not minimized: " + e.getMessage());
      return Optional.empty();
    }
  }
}
