package tdxsim.stress.model;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiFunction;
import org.apache.pekko.actor.typed.Behavior;
import tdxsim.actors.invariants.Bounds;
import tdxsim.actors.invariants.FlowCounters;
import tdxsim.actors.invariants.InvariantChecker;
import tdxsim.actors.monitor.Monitor;
import tdxsim.actors.monitor.Violation;
import tdxsim.actors.vm.VmConfig;
import tdxsim.stress.runtime.World;

/**
 * One schedule's TDX VM (or host of TDs): the VM root ({@link tdxsim.actors.vm.Vm#create}) wired to a fresh
 * {@link InvariantChecker} as its monitor, one per TD ({@link TdCheckers}). The checker sees every observation
 * synchronously and adds no scheduling choice; {@link #check()} closes the delivery (deferred "at rest" checks) and
 * returns the first violation.
 */
public final class TdxWorld implements World {
  private final TdCheckers checkers;
  /** TD i's monitor, given its checker (the checker itself unless a caller also counts observations). */
  private final BiFunction<Integer, Monitor, Monitor> monitors;

  public TdxWorld(VmConfig config, Bounds bounds) {
    this(List.of(config), bounds);
  }

  public TdxWorld(List<VmConfig> tds, Bounds bounds) {
    this(tds, bounds, (td, checker) -> checker);
  }

  /** With TD i's monitor {@code monitors.apply(i, its checker)}: e.g. one that also counts what it sees. */
  public TdxWorld(List<VmConfig> tds, Bounds bounds, BiFunction<Integer, Monitor, Monitor> monitors) {
    this.checkers = new TdCheckers(tds, bounds);
    this.monitors = monitors;
  }

  @Override
  public Behavior<?> root() {
    return checkers.root(i -> monitors.apply(i, checkers.get(i)));
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
