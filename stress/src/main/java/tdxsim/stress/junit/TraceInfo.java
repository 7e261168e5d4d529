package tdxsim.stress.junit;

import java.util.List;
import tdxsim.stress.trace.Trace;

/**
 * What a trace written by a test says it is a trace of. {@code ./tdxsim replay} rebuilds the world from the
 * scenario and options and refuses another model version, so a test of the TDX model that wants its traces to
 * replay from the command line passes the scenario's name and text, its options and the model version; for any
 * other model, {@link #forTest} is enough (replay it in Java with {@code Replayer.replay}).
 *
 * @param toolVersion the tool that wrote it
 * @param modelVersion the model's version
 * @param scenario the scenario's name and text (or reference)
 * @param options design options in effect
 */
public record TraceInfo(String toolVersion, String modelVersion, Trace.Scenario scenario, List<String> options) {
  public static final String TOOL = "tdxsim-junit";

  public TraceInfo {
    options = List.copyOf(options);
  }

  /** A trace of a model that is not a scenario: named after the test. */
  public static TraceInfo forTest(String testName) {
    return new TraceInfo(TOOL, "unversioned", new Trace.Scenario(testName, "junit:" + testName), List.of());
  }
}
