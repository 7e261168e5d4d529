package tdxsim.stress.junit;

import tdxsim.stress.runtime.WorldFactory;

/** Entry point of the test API: {@code Schedules.explore(worlds).schedules(500).assertNoViolation()}. */
public final class Schedules {
  private Schedules() {}

  /** An exploration of {@code worlds} with the defaults of {@link ScheduleExploration}; configure, then assert. */
  public static ScheduleExploration explore(WorldFactory worlds) {
    return new ScheduleExploration(worlds);
  }
}
