package tdxsim.stress.junit;

import java.nio.file.Path;
import java.util.Optional;
import tdxsim.stress.minimize.MinimizeResult;
import tdxsim.stress.runtime.ExplorationResult;
import tdxsim.stress.strategy.RunCoverage;
import tdxsim.stress.trace.Trace;

/**
 * What a test's exploration found.
 *
 * @param testName {@code <TestClass>.<method>}
 * @param exploration the explorer's result
 * @param trace the violating trace (minimized if asked), or null when no schedule broke an invariant
 * @param traceFile where {@link #trace} was written, or null
 * @param minimized the minimizer's result, or null if not asked for or nothing was found
 * @param coverage what the schedules covered (and, for PCT, the miss-probability bound)
 */
public record ExplorationOutcome(String testName, ExplorationResult exploration, Trace trace, Path traceFile,
    MinimizeResult minimized, RunCoverage coverage) {

  public Optional<Trace> violationTrace() {
    return Optional.ofNullable(trace);
  }

  public boolean ok() {
    return trace == null;
  }
}
