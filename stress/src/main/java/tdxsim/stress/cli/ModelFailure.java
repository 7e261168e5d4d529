package tdxsim.stress.cli;

import java.nio.file.Path;
import tdxsim.actors.monitor.Violation;
import tdxsim.stress.runtime.RuntimeViolations;

/**
 * The model itself failed (an actor threw, model code ran on a thread of its own): a bug in tdxsim, never a
 * protocol violation. The command prints its summary, then this ends it with one line and exit code 3
 * ({@link Main#EXIT_INTERNAL_ERROR}); the trace, if one was written, reproduces the failure for the bug report.
 */
public final class ModelFailure extends RuntimeException {
  public ModelFailure(String message) {
    super(message);
  }

  /** Whether {@code v} is the runtime's report of a failing model rather than a broken invariant. */
  public static boolean is(Violation v) {
    return v != null && (v.invariant().equals(RuntimeViolations.ACTOR_FAILURE)
        || v.invariant().equals(RuntimeViolations.FOREIGN_THREAD));
  }

  public static ModelFailure of(Violation v, Path reproducer) {
    return new ModelFailure("internal error: the model failed (" + v.detail() + "): a bug in tdxsim, not a protocol "
        + "violation" + (reproducer == null ? "" : "; it replays from " + reproducer));
  }
}
