package tdxsim.stress.catalogue;

import java.util.List;
import java.util.Optional;
import tdxsim.actors.monitor.Violation;
import tdxsim.stress.runtime.ExplorationResult;

/**
 * A race's v3 baseline: its scenario with no option, explored for a number of schedules. "Clean over N" is the
 * claim the README makes, so N is the schedules actually run (a time limit can stop it early, and says so).
 *
 * @param races the races on this scenario (they share one baseline run)
 * @param scenario the built-in scenario
 * @param strategy strategy name
 * @param seed run seed
 * @param result the exploration
 */
public record BaselineReport(List<String> races, String scenario, String strategy, long seed,
    ExplorationResult result) {
  public BaselineReport {
    races = List.copyOf(races);
  }

  public boolean clean() {
    return result.violation().isEmpty();
  }

  public long schedules() {
    return result.schedules();
  }

  public Optional<Violation> violation() {
    return result.violation().map(c -> c.violation());
  }

  /** "clean over 10000 schedules" / "clean over 812 schedules (time limit)" / "VIOLATION at schedule 3: inv". */
  public String verdict() {
    if (clean()) {
      return "clean over " + schedules() + " schedules" + (result.timedOut() ? " (time limit)" : "");
    }
    return "VIOLATION at schedule " + schedules() + ": " + violation().orElseThrow().invariant();
  }
}
