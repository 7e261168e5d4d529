package tdxsim.stress.parallel;

import java.util.List;
import tdxsim.stress.model.TdxWorldFactory;
import tdxsim.stress.record.Record;
import tdxsim.stress.runtime.WorldFactory;
import tdxsim.stress.scenario.Scenario;
import tdxsim.stress.scenario.ScenarioLoader;
import tdxsim.stress.trace.Trace;

/**
 * Scenario plumbing for records (and for traces made from records): a record names its scenario by name and text,
 * or, for the generated stress scenario, by its spec ({@code "stress: vcpus=..."}), which the scenario loader does
 * not parse. Replays use the deterministic world ({@link TdxWorldFactory}).
 */
public final class StressWorlds {
  private StressWorlds() {}

  /**
   * The scenario a record or trace was made with.
   *
   * @throws tdxsim.stress.scenario.ScenarioException or {@link IllegalArgumentException} if it no longer parses
   */
  public static Scenario scenarioOf(Trace.Scenario s, List<String> options) {
    assert s != null : "the scenario of nothing";
    assert options != null : "the scenario of nothing";
    Scenario.requirePlugins(options); // before the text, whose options may be a missing plugin's
    if (StressScenario.isSource(s.source())) return StressScenario.fromSource(s.source(), options);
    return ScenarioLoader.parse(s.name(), s.name(), s.source()).withOptions(options);
  }

  /** The deterministic world factory to replay {@code record} with. */
  public static WorldFactory forRecord(Record record) {
    assert record != null : "the worlds of no record";
    return new TdxWorldFactory(scenarioOf(record.scenario(), record.options()));
  }

  /** The deterministic world factory to replay a trace made from a record (or any trace). */
  public static WorldFactory forTrace(Trace trace) {
    assert trace != null : "the worlds of no trace";
    return new TdxWorldFactory(scenarioOf(trace.scenario(), trace.options()));
  }
}
