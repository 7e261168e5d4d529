package tdxsim.stress.workers;

import java.util.Map;
import tdxsim.stress.trace.Trace;

/**
 * What one range of an exploration did.
 *
 * @param from first schedule index
 * @param ran schedules run (the violating one included)
 * @param deliveries deliveries in them
 * @param counters the checker's counters summed over them
 * @param violationIndex the violating schedule's index, or {@link RangeOutcome#NONE}
 * @param violation the violating schedule's trace, or null
 * @param last the trace of the range's last schedule when it is the run's last (index total-1) or the range was
 *     cut short without a violation (time limit), else null: what a clean exploration writes
 * @param chains n of PCT's bound: the most receivers with a message in one of these schedules
 * @param choiceSteps k of PCT's bound: the most steps with a real choice in one of these schedules
 */
public record ExploreRange(
    long from, long ran, long deliveries, Map<String, Long> counters, long violationIndex, Trace violation,
    Trace last, int chains, long choiceSteps) implements RangeOutcome {
  public ExploreRange {
    counters = Map.copyOf(counters);
    if ((violationIndex == NONE) != (violation == null)) {
      throw new IllegalArgumentException("violation index " + violationIndex + " without its trace, or back");
    }
  }
}
