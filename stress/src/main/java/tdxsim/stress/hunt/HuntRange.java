package tdxsim.stress.hunt;

import tdxsim.stress.trace.Trace;
import tdxsim.stress.workers.RangeOutcome;

/**
 * What one range of worlds of a hunt did.
 *
 * @param from first world index
 * @param ran worlds run (the violating one included)
 * @param schedules schedules run in them
 * @param deliveries deliveries in them
 * @param skipped worlds left on a violation of an invariant the hunt skips
 * @param violationIndex the violating world's index, or {@link RangeOutcome#NONE}
 * @param violation the violating schedule's trace (its scenario is the world's text), or null
 */
public record HuntRange(
    long from, long ran, long schedules, long deliveries, long skipped, long violationIndex, Trace violation)
    implements RangeOutcome {
  public HuntRange {
    if ((violationIndex == NONE) != (violation == null)) {
      throw new IllegalArgumentException("violation index " + violationIndex + " without its trace, or back");
    }
  }
}
