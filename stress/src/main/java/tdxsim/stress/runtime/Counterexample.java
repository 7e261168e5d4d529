package tdxsim.stress.runtime;

import tdxsim.actors.monitor.Violation;

/**
 * One explored schedule, usually one that broke an invariant: enough to write a trace and to replay it.
 *
 * @param scheduleIndex position in the run (0-based)
 * @param scheduleSeed the seed the strategy and the world were reset with
 * @param result the schedule itself (decisions, violation, final-state hash)
 */
public record Counterexample(long scheduleIndex, long scheduleSeed, ScheduleResult result) {
  public Violation violation() {
    assert scheduleIndex >= 0 : "counterexample " + scheduleIndex;
    assert result != null : "counterexample " + scheduleIndex;
    return result.violation();
  }
}
