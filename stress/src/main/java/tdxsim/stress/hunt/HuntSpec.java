package tdxsim.stress.hunt;

import java.util.List;
import tdxsim.stress.runtime.Budget;
import tdxsim.stress.runtime.Seeds;
import tdxsim.stress.strategy.StrategyKind;

/**
 * What defines a hunt: world i is {@link WorldGenerator#generate}({@link #worldSeed}(i)) with the design options
 * switched on, explored for {@code schedulesPerWorld} schedules from a fresh strategy exactly as {@code ./tdxsim
 * explore --scenario WORLD --seed WORLDSEED --schedules N} explores it. Two runs of the same spec see the same
 * worlds and schedules whatever the number of workers.
 *
 * @param options design options and mutations (CLI names), applied to every world
 * @param strategy the strategy of every world's schedules
 * @param seed the run seed
 * @param schedulesPerWorld schedules per world
 * @param budget each schedule's budget
 * @param toolVersion written into the traces
 */
public record HuntSpec(
    List<String> options, StrategyKind strategy, long seed, int schedulesPerWorld, Budget budget,
    String toolVersion) {
  /** Worlds per range: part of what a run is, never derived from the worker count. */
  public static final int RANGE_SIZE = 4;
  /** Keeps world seeds apart from the schedule seeds of {@code explore} with the same run seed. */
  private static final long SALT = 0x48554e54L; // "HUNT"

  public HuntSpec {
    options = List.copyOf(options);
    if (schedulesPerWorld < 1) throw new IllegalArgumentException("schedules per world must be positive");
  }

  public long worldSeed(long index) {
    return Seeds.forSchedule(seed ^ SALT, index);
  }
}
