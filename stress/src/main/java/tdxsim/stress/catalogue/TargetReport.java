package tdxsim.stress.catalogue;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * One target's row: its statistics per strategy and its minimized counterexample.
 *
 * @param target the target
 * @param strategies one entry per strategy, in the order run
 * @param shrunk the first hunt's counterexample minimized, or empty ("n/a": no minimizer, nothing found, or the
 *     minimizer could not)
 */
public record TargetReport(Target target, List<StrategyStats> strategies, Optional<Shrunk> shrunk) {
  public TargetReport {
    strategies = List.copyOf(strategies);
  }

  public int found() {
    return strategies.stream().mapToInt(StrategyStats::found).sum();
  }

  /** Every invariant that fired under any strategy, sorted. */
  public Set<String> fired() {
    Set<String> s = new TreeSet<>();
    for (StrategyStats st : strategies) s.addAll(st.invariants().keySet());
    return s;
  }

  /** Invariants that fired but are not among the target's: a second bug, or the wrong race. */
  public Set<String> unexpected() {
    Set<String> s = fired();
    s.removeAll(target.invariants());
    return s;
  }

  /** Caught at least once, and only by invariants it lists. */
  public boolean holds() {
    return found() > 0 && unexpected().isEmpty();
  }
}
