package tdxsim.stress.catalogue;

import java.util.Optional;
import tdxsim.actors.monitor.Violation;

/**
 * One column of a comparison: a variant and the sweep of its schedules.
 *
 * @param variant the variant
 * @param sweep every schedule of the comparison's run under it
 */
public record VariantOutcome(Variant variant, SweepResult sweep) {
  public Optional<Violation> firstViolation() {
    return sweep.firstViolation().map(c -> c.violation());
  }

  /** "clean" or "VIOLATION". */
  public String verdict() {
    return sweep.clean() ? "clean" : "VIOLATION";
  }
}
