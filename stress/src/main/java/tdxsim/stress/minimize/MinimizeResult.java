package tdxsim.stress.minimize;

import tdxsim.stress.trace.ReplayReport;
import tdxsim.stress.trace.Trace;

/**
 * What the minimizer did.
 *
 * @param original the trace it was given
 * @param minimized the shortest trace found (the original's decisions if nothing shorter broke the invariant);
 *     it replays exactly ({@link #replay})
 * @param originalSwitches context switches in the original
 * @param minimizedSwitches context switches in the result
 * @param attempts candidate schedules run
 * @param rounds rounds of all passes (the last one changed nothing, unless the budget stopped it)
 * @param stop why it stopped
 * @param elapsedNanos wall time
 * @param replay the minimized trace's replay, {@link ReplayReport.Outcome#REPRODUCED}
 */
public record MinimizeResult(
    Trace original,
    Trace minimized,
    int originalSwitches,
    int minimizedSwitches,
    int attempts,
    int rounds,
    Stop stop,
    long elapsedNanos,
    ReplayReport replay) {

  /** Why the minimizer stopped. */
  public enum Stop {
    /** A whole round of passes found nothing better: the result is as small as these passes make it. */
    FIXPOINT,
    /** The attempt budget ran out. */
    ATTEMPTS,
    /** The wall-time limit ran out (the only stop that can make the result machine dependent). */
    TIME,
    /** Stopped on request (Ctrl-C, SIGTERM): the best trace so far, which still breaks the invariant. */
    INTERRUPTED
  }

  public int originalSteps() {
    assert original != null : "a result without its traces";
    assert minimized != null : "a result without its traces";
    return original.decisions().size();
  }

  public int minimizedSteps() {
    // the minimizer keeps only smaller schedules: the result is never longer than the original
    assert minimized.decisions().size() <= original.decisions().size() : "minimized to a longer trace";
    return minimized.decisions().size();
  }

  /** "minimized 70 -> 12 deliveries (context switches 31 -> 4) in 214 attempts, fixpoint: table.lost-update". */
  public String summary() {
    assert stop != null : "a result of " + rounds + " rounds";
    assert attempts >= 0 : "a result of " + rounds + " rounds";
    assert rounds >= 1 : "a result of " + rounds + " rounds";
    assert minimized.violation() != null : "a minimized trace that does not reproduce";
    assert replay.reproduced() : "a minimized trace that does not reproduce";
    String why =
        switch (stop) {
          case FIXPOINT -> "fixpoint";
          case ATTEMPTS -> "attempt budget spent";
          case TIME -> "time limit reached";
          case INTERRUPTED -> "interrupted";
        };
    return "minimized " + originalSteps() + " -> " + minimizedSteps() + " deliveries (context switches "
        + originalSwitches + " -> " + minimizedSwitches + ") in " + attempts + " attempts, " + why + ": "
        + minimized.violation().invariant();
  }
}
