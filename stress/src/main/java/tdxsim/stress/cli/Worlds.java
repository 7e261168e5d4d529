package tdxsim.stress.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import tdxsim.stress.model.TdxWorldFactory;
import tdxsim.stress.parallel.StressWorlds;
import tdxsim.stress.runtime.WorldFactory;
import tdxsim.stress.scenario.Scenario;
import tdxsim.stress.scenario.ScenarioException;
import tdxsim.stress.scenario.ScenarioLoader;
import tdxsim.stress.trace.Trace;

/**
 * Scenario ⇄ trace plumbing. A trace carries the scenario's full text, not a path, so that it replays the same
 * after the file was edited or on another machine.
 */
public final class Worlds {
  private Worlds() {}

  public static TdxWorldFactory fromScenario(Scenario scenario) {
    return new TdxWorldFactory(scenario);
  }

  /** The world factory a trace was recorded with; a scenario that no longer parses is bad input. */
  public static WorldFactory fromTrace(Trace trace) {
    return fromScenario(scenarioOf(trace));
  }

  public static Scenario scenarioOf(Trace trace) {
    try {
      return StressWorlds.scenarioOf(trace.scenario(), trace.options());
    } catch (ScenarioException | IllegalArgumentException e) {
      throw new BadInput("trace's scenario: " + e.getMessage(), e);
    }
  }

  /** How a trace records the scenario: its name and its whole text. */
  public static Trace.Scenario traceScenario(Scenario scenario) {
    return new Trace.Scenario(scenario.name(), text(scenario));
  }

  private static String text(Scenario scenario) {
    Path file = Path.of(scenario.source());
    if (Files.isRegularFile(file)) {
      try {
        return Files.readString(file, StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new BadInput("scenario " + file + ": cannot read: " + e.getMessage(), e);
      }
    }
    String builtIn = scenario.source().replaceFirst("\\.conf$", "");
    return ScenarioLoader.builtInText(builtIn);
  }
}
