package tdxsim.stress.cli;

import tdxsim.stress.model.TdxWorldFactory;
import tdxsim.stress.parallel.StressWorlds;
import tdxsim.stress.runtime.WorldFactory;
import tdxsim.stress.scenario.Scenario;
import tdxsim.stress.scenario.ScenarioException;
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

  /** How a trace records the scenario: its name and the whole text that was loaded (not re-read). */
  public static Trace.Scenario traceScenario(Scenario scenario) {
    if (scenario.text() == null) {
      throw new IllegalArgumentException("scenario " + scenario.name() + " was built in code: no text to record");
    }
    return new Trace.Scenario(scenario.name(), scenario.text());
  }
}
