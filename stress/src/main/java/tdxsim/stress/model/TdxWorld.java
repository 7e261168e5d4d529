package tdxsim.stress.model;

import java.util.Map;
import java.util.Optional;
import org.apache.pekko.actor.typed.Behavior;
import tdxsim.actors.invariants.Bounds;
import tdxsim.actors.invariants.InvariantChecker;
import tdxsim.actors.monitor.Violation;
import tdxsim.actors.vm.Vm;
import tdxsim.actors.vm.VmConfig;
import tdxsim.stress.runtime.World;

/**
 * One schedule's TDX VM: the VM root ({@link Vm#create}) wired to a fresh {@link InvariantChecker} as its
 * monitor. The checker sees every observation synchronously and adds no scheduling choice; {@link #check()}
 * closes the delivery (deferred "at rest" checks) and returns the first violation.
 */
public final class TdxWorld implements World {
  private final VmConfig config;
  private final InvariantChecker checker;

  public TdxWorld(VmConfig config, Bounds bounds) {
    this.config = config;
    this.checker = new InvariantChecker(config.vcpus(), bounds);
  }

  @Override
  public Behavior<?> root() {
    return Vm.create(config, checker);
  }

  @Override
  public Optional<Violation> check() {
    return checker.check();
  }

  @Override
  public Optional<Violation> atQuiescence() {
    return checker.atQuiescence();
  }

  @Override
  public long stateHash() {
    return checker.stateHash();
  }

  /** This schedule's flow counters, ordered (for {@code explore --json}). */
  public Map<String, Long> counters() {
    return checker.counters();
  }

  public InvariantChecker checker() {
    return checker;
  }

  public VmConfig config() {
    return config;
  }
}
