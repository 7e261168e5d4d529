package tdxsim.stress.cli;

import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;
import tdxsim.stress.scenario.Scenario;
import tdxsim.stress.scenario.ScenarioException;
import tdxsim.stress.scenario.ScenarioLoader;

/** {@code --scenario NAME|FILE} and {@code --option NAME ...}, shared by explore and stress. */
public final class ScenarioOptions {
  @Option(
      names = "--scenario",
      paramLabel = "NAME|FILE",
      defaultValue = "default",
      description = "Built-in scenario (see ./tdxsim list) or a HOCON file. Default: ${DEFAULT-VALUE}.")
  String scenario;

  @Option(
      names = "--option",
      paramLabel = "NAME",
      description = "Design option or protocol mutation to switch on (repeatable; see ./tdxsim list).")
  List<String> options = new ArrayList<>();

  /** The scenario with its options; bad input becomes a one-line {@link BadInput}. */
  Scenario load() {
    try {
      return ScenarioLoader.load(scenario, options);
    } catch (ScenarioException e) {
      throw new BadInput(e.getMessage(), e);
    }
  }
}
