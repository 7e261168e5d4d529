package tdxsim.stress.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.apache.pekko.actor.typed.Behavior;
import tdxsim.actors.invariants.Bounds;
import tdxsim.actors.invariants.FlowCounters;
import tdxsim.actors.invariants.InvariantChecker;
import tdxsim.actors.monitor.Monitor;
import tdxsim.actors.monitor.Violation;
import tdxsim.actors.vm.Host;
import tdxsim.actors.vm.VmConfig;
import tdxsim.stress.ext.Extensions;
import tdxsim.stress.ext.UserChecks;
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
  private final Extensions extensions;
  private final List<UserChecks> user = new ArrayList<>();
  /** Where {@code --coverage} counts this schedule's tuples, or null. */
  private final Coverage coverage;
  /** TD i's monitor, given its checker (the checker itself unless a caller also counts observations). */
  private final BiFunction<Integer, Monitor, Monitor> monitors;

  public TdxWorld(VmConfig config, Bounds bounds) {
    this(List.of(config), bounds);
  }

  public TdxWorld(List<VmConfig> tds, Bounds bounds) {
    this(tds, bounds, Extensions.none(), null);
  }

  /**
   * With plugins (their invariants checked after the built-in ones, their chosen options applied) and, if
   * {@code coverage} is not null, every observation also counted into it ({@code --coverage}).
   */
  public TdxWorld(List<VmConfig> tds, Bounds bounds, Extensions extensions, Coverage coverage) {
    this(tds, bounds, extensions, coverage, (td, checker) -> checker);
  }

  /** With TD i's monitor {@code monitors.apply(i, its checker)}: e.g. one that also counts what it sees. */
  public TdxWorld(List<VmConfig> tds, Bounds bounds, BiFunction<Integer, Monitor, Monitor> monitors) {
    this(tds, bounds, Extensions.none(), null, monitors);
  }

  private TdxWorld(List<VmConfig> tds, Bounds bounds, Extensions extensions, Coverage coverage,
      BiFunction<Integer, Monitor, Monitor> monitors) {
    this.checkers = new TdCheckers(tds, bounds);
    this.extensions = extensions;
    this.coverage = coverage;
    this.monitors = monitors;
    for (VmConfig c : tds) user.add(new UserChecks(extensions.checked(), c));
  }

  @Override
  public Behavior<?> root() {
    return checkers.root(i -> {
      Monitor m = user.get(i).tee(checkers.get(i));
      return checkers.observing(i, monitors.apply(i, coverage == null ? m : new CoverageMonitor(m, coverage)));
    }, extensions.patch());
  }

  @Override
  public Optional<Violation> check() {
    Optional<Violation> v = checkers.firstObserved(InvariantChecker::check);
    return v.isPresent() ? v : userFirst(UserChecks::afterDelivery);
  }

  @Override
  public Optional<Violation> atQuiescence() {
    checkers.allDue(); // the quiescence checks may report what a later check() returns
    Optional<Violation> v = checkers.first(InvariantChecker::atQuiescence);
    return v.isPresent() ? v : userFirst(UserChecks::atQuiescence);
  }

  private Optional<Violation> userFirst(Function<UserChecks, Optional<Violation>> f) {
    for (int i = 0; i < user.size(); i++) {
      Optional<Violation> v = f.apply(user.get(i));
      if (v.isPresent()) return user.size() == 1 ? v : Optional.of(Host.inTd(i, v.get()));
    }
    return Optional.empty();
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
