package tdxsim.stress.parallel;

import java.util.Map;
import java.util.Optional;
import org.apache.pekko.actor.typed.Behavior;
import tdxsim.actors.invariants.Bounds;
import tdxsim.actors.invariants.InvariantChecker;
import tdxsim.actors.monitor.Monitor;
import tdxsim.actors.monitor.Observation;
import tdxsim.actors.monitor.Violation;
import tdxsim.actors.vm.Vm;
import tdxsim.actors.vm.VmConfig;

/**
 * A TDX VM for the parallel runtime: the same VM root as the deterministic {@code TdxWorld}, with a monitor that
 * many threads may call at once. Every observation goes to the runtime's {@link StressStats} (per thread, no
 * lock) and, unless checking is off, to one {@link InvariantChecker} under its lock: the checker is
 * single-threaded, and a lock is the cheapest way to give it one order of observations that respects causality
 * (an actor's observations before a send precede the receiver's after it). The checks that need every actor at
 * rest ({@link #check()}) run at the parallel runtime's consistent cuts; the ones the checker makes as
 * observations arrive stop the run as soon as {@link #firstViolation()} is polled.
 *
 * <p>The checker is built exactly as the deterministic world builds it (vCPU count, bounds), so the state hash of
 * a run and of its replay are comparable.
 */
public final class TdxParallelWorld implements ConcurrentWorld {
  private final VmConfig config;
  private final InvariantChecker checker;
  private final StressStats stats;
  private final Monitor monitor;

  /** @param checking whether to run the invariant checker (off: statistics only, to measure its cost) */
  public TdxParallelWorld(VmConfig config, Bounds bounds, boolean checking) {
    this.config = config;
    this.checker = checking ? new InvariantChecker(config.vcpus(), bounds) : null;
    this.stats = new StressStats(config.vcpus());
    InvariantChecker c = checker;
    StressStats s = stats;
    this.monitor = c == null ? s::observe : (Observation o) -> {
      s.observe(o);
      synchronized (c) {
        c.observe(o);
      }
    };
  }

  @Override
  public Behavior<?> root() {
    return Vm.create(config, monitor);
  }

  @Override
  public Optional<Violation> firstViolation() {
    if (checker == null) return Optional.empty();
    synchronized (checker) {
      return checker.firstViolation();
    }
  }

  @Override
  public Optional<Violation> check() {
    if (checker == null) return Optional.empty();
    synchronized (checker) {
      return checker.check();
    }
  }

  @Override
  public Optional<Violation> atQuiescence() {
    if (checker == null) return Optional.empty();
    synchronized (checker) {
      return checker.atQuiescence();
    }
  }

  @Override
  public long stateHash() {
    if (checker == null) return 0;
    synchronized (checker) {
      return checker.stateHash();
    }
  }

  /** Violations the checker reported in all (the first is the verdict). */
  public long violationCount() {
    if (checker == null) return 0;
    synchronized (checker) {
      return checker.violationCount();
    }
  }

  /** The checker's flow counters (at a consistent cut), empty when checking is off. */
  public Map<String, Long> counters() {
    if (checker == null) return Map.of();
    synchronized (checker) {
      return checker.counters();
    }
  }

  public boolean checking() {
    return checker != null;
  }

  public StressStats stats() {
    return stats;
  }

  public VmConfig config() {
    return config;
  }
}
