package tdxsim.stress.strategy;

import java.util.List;

/**
 * Chooses the next delivery. One instance explores many schedules: {@link #reset} starts each one with its own
 * seed, so any schedule can be re-run from (strategy, schedule seed) alone; strategies may carry knowledge
 * across schedules (PCT's step-count estimate), never randomness.
 *
 * <p>Implementations must be deterministic functions of the seed and of what they were shown, and must not
 * allocate per call on the hot path.
 */
public interface Strategy {

  /** Short name for traces and the CLI ({@code random}, {@code pct}, {@code pos}, {@code replay}). */
  String name();

  /** Starts a schedule. */
  void reset(long scheduleSeed);

  /**
   * Picks one of {@code enabled} (never empty; in a canonical order: receiver creation order, then sender).
   *
   * @return the index of the chosen delivery, or a negative number to end the schedule (replay only)
   */
  int pick(List<Delivery> enabled);
}
