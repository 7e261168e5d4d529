package tdxsim.stress.junit;

import java.util.Locale;
import tdxsim.stress.runtime.Counterexample;
import tdxsim.stress.runtime.ExplorationResult;

/**
 * The message a failing schedule test shows: the violation on the first line (what a CI summary shows), then
 * where the trace is and the exact command that replays it, so whoever reads the CI log can reproduce the race
 * on their machine; for a scenario of the TDX model, the minimized race drawn below.
 */
final class FailureMessage {
  private FailureMessage() {}

  static String of(String headline, ExplorationOutcome o) {
    return of(headline, o, "./tdxsim", null);
  }

  /**
   * @param launcher the command line's launcher with its plugin arguments ({@code ./tdxsim --plugin DIR})
   * @param race the race drawn as text, or null
   */
  static String of(String headline, ExplorationOutcome o, String launcher, String race) {
    ExplorationResult r = o.exploration();
    Counterexample c = r.counterexample();
    StringBuilder sb = new StringBuilder(headline).append('\n');
    sb.append(String.format(Locale.ROOT, "  found in schedule %d of %d (strategy %s, seed %d, schedule seed 0x%x)%n",
        c.scheduleIndex() + 1, r.schedules(), r.strategy(), r.runSeed(), c.scheduleSeed()));
    sb.append("  trace: ").append(o.traceFile()).append(" (").append(o.trace().decisions().size())
        .append(" deliveries");
    if (o.minimized() != null) sb.append(", minimized from ").append(o.minimized().originalSteps());
    sb.append(")\n");
    sb.append("  replay: ").append(launcher).append(" replay ").append(o.traceFile()).append('\n');
    sb.append("  draw it: ").append(launcher).append(" report ").append(o.traceFile());
    if (TraceInfo.forTest(o.testName()).modelVersion().equals(o.trace().modelVersion())) {
      sb.append("\n  (not a scenario trace: in Java, Replayer.replay(worlds, TraceFile.read(path, \"")
          .append(o.trace().modelVersion()).append("\")))");
    } else {
      sb.append(" --html ").append(o.traceFile().toString().replaceFirst("\\.json$", ".html"));
    }
    if (race != null) sb.append("\n\n").append(race.stripTrailing());
    return sb.toString();
  }
}
