package tdxsim.stress.runtime;

import java.util.SplittableRandom;

/**
 * Schedule seeds from the run seed: schedule i's seed is the i-th {@code nextLong()} of
 * {@code new SplittableRandom(runSeed)}, computed directly so that any schedule of a run can be re-created
 * without replaying the ones before it.
 */
public final class Seeds {
  /** SplittableRandom's golden-ratio increment. */
  private static final long GAMMA = 0x9e3779b97f4a7c15L;

  private Seeds() {}

  public static long forSchedule(long runSeed, long index) {
    if (index < 0) throw new IllegalArgumentException("negative schedule index " + index);
    // new SplittableRandom(s).nextLong() == mix64(s + GAMMA), and each nextLong advances s by GAMMA
    return new SplittableRandom(runSeed + index * GAMMA).nextLong();
  }
}
