package tdxsim.stress.cli;

import java.nio.file.Path;
import tdxsim.actors.vm.ModelVersion;
import tdxsim.stress.model.Worlds;
import tdxsim.stress.runtime.WorldFactory;
import tdxsim.stress.scenario.Scenario;
import tdxsim.stress.scenario.ScenarioException;
import tdxsim.stress.trace.Trace;
import tdxsim.stress.trace.TraceFile;
import tdxsim.stress.trace.TraceFormatException;

/**
 * Reads a trace for a subcommand, and the scenario it was recorded with; a malformed one, one from another model
 * version, or one whose scenario no longer parses, is bad input.
 */
public final class TraceInput {
  private TraceInput() {}

  public static Trace read(Path file) {
    try {
      return TraceFile.read(file, ModelVersion.VERSION);
    } catch (TraceFormatException e) {
      throw new BadInput(e.getMessage(), e);
    }
  }

  /** The world factory a trace was recorded with ({@link Worlds#forTrace}). */
  public static WorldFactory world(Trace trace) {
    return Worlds.fromScenario(scenario(trace));
  }

  /** The scenario a trace was recorded with ({@link Worlds#scenarioOf(Trace)}). */
  public static Scenario scenario(Trace trace) {
    try {
      return Worlds.scenarioOf(trace);
    } catch (ScenarioException | IllegalArgumentException e) {
      throw new BadInput("trace's scenario: " + e.getMessage(), e);
    }
  }
}
