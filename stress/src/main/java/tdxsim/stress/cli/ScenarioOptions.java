package tdxsim.stress.cli;

import java.util.List;
import picocli.CommandLine.Option;
import tdxsim.stress.scenario.Scenario;
import tdxsim.stress.scenario.ScenarioException;
import tdxsim.stress.scenario.ScenarioLoader;

/** {@code --scenario NAME|FILE} of explore (its design options: {@link DesignOptionNames}). */
public final class ScenarioOptions {
  @Option(
      names = "--scenario",
      paramLabel = "NAME|FILE",
      defaultValue = "default",
      description = "Built-in scenario (see ./tdxsim list) or a HOCON file. Default: ${DEFAULT-VALUE}.")
  String scenario;

  /** The scenario with {@code options}; bad input becomes a one-line {@link BadInput}. */
  Scenario load(List<String> options) {
    try {
      return ScenarioLoader.load(scenario, options);
    } catch (ScenarioException e) {
      throw new BadInput(e.getMessage(), e);
    }
  }
}
