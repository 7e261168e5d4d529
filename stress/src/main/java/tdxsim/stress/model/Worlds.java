package tdxsim.stress.model;

import java.util.List;
import tdxsim.stress.record.Record;
import tdxsim.stress.runtime.WorldFactory;
import tdxsim.stress.scenario.Scenario;
import tdxsim.stress.scenario.ScenarioLoader;
import tdxsim.stress.trace.Trace;

/**
 * Scenario ⇄ trace and record plumbing, in one place. A trace or record carries the scenario's full text (the text
 * that was loaded, never re-read from a path), so that it replays the same after the file was edited or on another
 * machine; the generated stress scenario is named by its spec ({@code "stress: vcpus=..."}, {@link StressScenario}),
 * which the scenario loader does not parse. Replays use the deterministic world ({@link TdxWorldFactory}).
 */
public final class Worlds {
  private Worlds() {}

  public static TdxWorldFactory fromScenario(Scenario scenario) {
    return new TdxWorldFactory(scenario);
  }

  /**
   * The scenario a record or trace was made with.
   *
   * @throws tdxsim.stress.scenario.ScenarioException or {@link IllegalArgumentException} if it no longer parses
   */
  public static Scenario scenarioOf(Trace.Scenario s, List<String> options) {
    Scenario.requirePlugins(options); // before the text, whose options may be a missing plugin's
    if (StressScenario.isSource(s.source())) return StressScenario.fromSource(s.source(), options);
    return ScenarioLoader.parse(s.name(), s.name(), s.source()).withOptions(options);
  }

  /** The scenario a trace was recorded with (see {@link #scenarioOf(Trace.Scenario, List)}). */
  public static Scenario scenarioOf(Trace trace) {
    return scenarioOf(trace.scenario(), trace.options());
  }

  /** The deterministic world factory to replay {@code record} with. */
  public static WorldFactory forRecord(Record record) {
    return fromScenario(scenarioOf(record.scenario(), record.options()));
  }

  /** The deterministic world factory a trace was recorded with (or made from a record). */
  public static WorldFactory forTrace(Trace trace) {
    return fromScenario(scenarioOf(trace));
  }

  /** How a trace records the scenario: its name and the whole text that was loaded (not re-read). */
  public static Trace.Scenario traceScenario(Scenario scenario) {
    if (scenario.text() == null) {
      throw new IllegalArgumentException("scenario " + scenario.name() + " was built in code: no text to record");
    }
    return new Trace.Scenario(scenario.name(), scenario.text());
  }
}
