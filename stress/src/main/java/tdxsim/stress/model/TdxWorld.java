package tdxsim.stress.model;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.pekko.actor.typed.Behavior;
import tdxsim.actors.invariants.Bounds;
import tdxsim.actors.invariants.FlowCounters;
import tdxsim.actors.invariants.InvariantChecker;
import tdxsim.actors.monitor.Violation;
import tdxsim.actors.vm.VmConfig;
import tdxsim.stress.coverage.Coverage;
import tdxsim.stress.coverage.CoverageMonitor;
import tdxsim.stress.runtime.World;

/**
 * One schedule's TDX VM (or host of TDs): the VM root ({@link tdxsim.actors.vm.Vm#create}) wired to a fresh
 * {@link InvariantChecker} as its monitor, one per TD ({@link TdCheckers}). The checker sees every observation
 * synchronously and adds no scheduling choice; {@link #check()} closes the delivery (deferred "at rest" checks) and
 * returns the first violation.
 */
public final class TdxWorld implements World {
  private final TdCheckers checkers;
  /** Where {@code --coverage} counts this schedule's tuples, or null. */
  private final Coverage coverage;

  public TdxWorld(VmConfig config, Bounds bounds) {
    this(List.of(config), bounds);
  }

  public TdxWorld(List<VmConfig> tds, Bounds bounds) {
    this(tds, bounds, null);
  }

  /** A world whose observations are also counted into {@code coverage} (if not null). */
  public TdxWorld(List<VmConfig> tds, Bounds bounds, Coverage coverage) {
    this.checkers = new TdCheckers(tds, bounds);
    this.coverage = coverage;
  }

  @Override
  public Behavior<?> root() {
    if (coverage == null) return checkers.root(checkers::get);
    return checkers.root(i -> new CoverageMonitor(checkers.get(i), coverage));
  }

  @Override
  public Optional<Violation> check() {
    return checkers.first(InvariantChecker::check);
  }

  @Override
  public Optional<Violation> atQuiescence() {
    return checkers.first(InvariantChecker::atQuiescence);
  }

  @Override
  public long stateHash() {
    return checkers.stateHash(InvariantChecker::stateHash);
  }

  /** This schedule's flow counters, ordered (for {@code explore --json}); summed over the TDs. */
  public Map<String, Long> counters() {
    return checkers.counters(InvariantChecker::counters);
  }

  /** Adds this schedule's flow counters (every TD's) to {@code sum}. */
  public void addCountersTo(FlowCounters sum) {
    for (int i = 0; i < checkers.size(); i++) checkers.get(i).addCountersTo(sum);
  }

  /** The checker (of a host: the first TD's). */
  public InvariantChecker checker() {
    return checkers.get(0);
  }

  /** The VM (of a host: the first TD). */
  public VmConfig config() {
    return checkers.tds().get(0);
  }
}
