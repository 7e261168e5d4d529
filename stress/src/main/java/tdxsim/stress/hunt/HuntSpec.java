package tdxsim.stress.hunt;

import java.util.List;
import java.util.Set;
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
 * @param skip invariants whose violation does not end the hunt: the world is left (counted as skipped) and the
 *     hunt goes on with the next, so that a window already known does not hide the others
 */
public record HuntSpec(
    List<String> options, StrategyKind strategy, long seed, int schedulesPerWorld, Budget budget,
    String toolVersion, Set<String> skip) {
  /** Worlds per range: part of what a run is, never derived from the worker count. */
  public static final int RANGE_SIZE = 4;
  /** Keeps world seeds apart from the schedule seeds of {@code explore} with the same run seed. */
  private static final long SALT = 0x48554e54L; // "HUNT"

  public HuntSpec(List<String> options, StrategyKind strategy, long seed, int schedulesPerWorld, Budget budget,
      String toolVersion) {
    this(options, strategy, seed, schedulesPerWorld, budget, toolVersion, Set.of());
  }

  public HuntSpec {
    options = List.copyOf(options);
    skip = Set.copyOf(skip);
    if (schedulesPerWorld < 1) throw new IllegalArgumentException("schedules per world must be positive");
  }

  public long worldSeed(long index) {
    return Seeds.forSchedule(seed ^ SALT, index);
  }
}
