package tdxsim.stress.parallel;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.IntStream;
import org.apache.pekko.actor.typed.Behavior;
import tdxsim.actors.invariants.Bounds;
import tdxsim.actors.invariants.InvariantChecker;
import tdxsim.actors.monitor.Monitor;
import tdxsim.actors.monitor.Observation;
import tdxsim.actors.monitor.Violation;
import tdxsim.actors.vm.VmConfig;
import tdxsim.stress.model.TdCheckers;

/**
 * A TDX VM, or a host of TDs, for the parallel runtime: the same root as the deterministic {@code TdxWorld}, with
 * monitors that many threads may call at once. Every observation goes to the runtime's {@link StressStats} (per
 * thread, no lock) and, unless checking is off, to its TD's {@link InvariantChecker} under that checker's lock: a
 * checker is single-threaded, and a lock is the cheapest way to give it one order of observations that respects
 * causality (an actor's observations before a send precede the receiver's after it). TDs share no state, so each
 * has its own checker and lock and the TDs of a host are checked in parallel. The checks that need every actor at
 * rest ({@link #check()}) run at the parallel runtime's consistent cuts; the ones a checker makes as observations
 * arrive stop the run as soon as {@link #firstViolation()} is polled.
 *
 * <p>The checkers are built exactly as the deterministic world builds them (vCPU count, bounds), so the state hash
 * of a run and of its replay are comparable.
 */
public final class TdxParallelWorld implements ConcurrentWorld {
  private final TdCheckers checkers;
  private final boolean checking;
  private final StressStats stats;
  private final Monitor[] monitors;
  /** Set by a monitor once its checker has reported a violation: polling stays one volatile read until then. */
  private volatile boolean violated;

  /** @param checking whether to run the invariant checkers (off: statistics only, to measure their cost) */
  public TdxParallelWorld(List<VmConfig> tds, Bounds bounds, boolean checking) {
    this(tds, bounds, checking, new StressStats(tds.stream().mapToInt(VmConfig::vcpus).sum()));
    assert bounds != null : "a parallel world without checker bounds";
  }

  /** With statistics that go on from an earlier world (a stress run's generations). */
  public TdxParallelWorld(List<VmConfig> tds, Bounds bounds, boolean checking, StressStats stats) {
    this.checkers = new TdCheckers(tds, bounds);
    this.checking = checking;
    this.stats = stats;
    this.monitors = new Monitor[tds.size()];
    int base = 0;
    assert !tds.isEmpty() : "a parallel world of no TDs";
    assert stats != null : "a parallel world of no TDs";
    for (int i = 0; i < tds.size(); i++) {
      monitors[i] = monitor(base, checking ? checkers.get(i) : null);
      base += tds.get(i).vcpus();
      assert base > 0 : "TD " + i + " without its monitor";
      assert monitors[i] != null : "TD " + i + " without its monitor";
    }
  }

  public TdxParallelWorld(VmConfig config, Bounds bounds, boolean checking) {
    this(List.of(config), bounds, checking);
    assert monitors.length == 1 : "a one-TD world of " + monitors.length + " monitors";
  }

  private Monitor monitor(int vcpuBase, InvariantChecker c) {
    assert vcpuBase >= 0 : "a vCPU base of " + vcpuBase;
    StressStats s = stats;
    if (c == null) return o -> s.observe(vcpuBase, o);
    return (Observation o) -> {
      s.observe(vcpuBase, o);
      synchronized (c) {
        c.observe(o);
        if (c.violationCount() > 0) violated = true;
        assert violated || c.violationCount() == 0 : "a violation not flagged";
      }
    };
  }

  @Override
  public Behavior<?> root() {
    assert monitors.length == checkers.size() : monitors.length + " monitors for " + checkers.size() + " checkers";
    return checkers.root(i -> monitors[i]);
  }

  /**
   * A TD's vCPUs all talk to its guest_memfd (the kicker that waits for every vCPU's ack), TDX module and mmu_lock, and
   * its checker takes one lock for every observation: split over two threads, one TD of 512 vCPUs ran 3.0-3.2 M
   * messages/s, kept on one 5.3 (30 s runs, the last 15 s), with splits and zaps per second up as much.
   */
  @Override
  public boolean tdsOnOneThread() {
    return true;
  }

  @Override
  public Optional<Violation> firstViolation() {
    assert checking || !violated : "a violation flagged without checking";
    if (!checking || !violated) return Optional.empty();
    return checkers.first(c -> {
      synchronized (c) {
        return c.firstViolation();
      }
    });
  }

  @Override
  public Optional<Violation> check() {
    assert checking || !violated : "a violation flagged without checking";
    if (!checking) return Optional.empty();
    return checkers.first(c -> {
      synchronized (c) {
        return c.check();
      }
    });
  }

  @Override
  public Optional<Violation> atQuiescence() {
    assert checking || !violated : "a violation flagged without checking";
    if (!checking) return Optional.empty();
    return checkers.first(c -> {
      synchronized (c) {
        return c.atQuiescence();
      }
    });
  }

  @Override
  public long stateHash() {
    assert checkers.size() >= 1 : "a world of no TDs";
    if (!checking) return 0;
    return checkers.stateHash(tdStateHashes());
  }

  /**
   * Each TD's own state hash (what a world of that TD alone hashes to); call at a consistent cut. The TDs are
   * hashed side by side (a TD's checker is read-only here): at a generation's end every pool thread is paused and
   * hashing 1,000 vCPUs' state on one thread took most of the final cut (JFR of a 2-thread stress run).
   */
  public long[] tdStateHashes() {
    assert checkers.size() == monitors.length : checkers.size() + " checkers for " + monitors.length + " TDs";
    long[] h = new long[checkers.size()];
    if (!checking) return h;
    IntStream.range(0, h.length).parallel().forEach(i -> {
      InvariantChecker c = checkers.get(i);
      synchronized (c) {
        h[i] = c.stateHash();
      }
    });
    return h;
  }

  /** Violations the checkers reported in all (the first is the verdict). */
  public long violationCount() {
    assert !violated || checking : "a violation flagged without checking";
    if (!checking) return 0;
    return checkers.sum(c -> {
      synchronized (c) {
        return c.violationCount();
      }
    });
  }

  /** The checkers' flow counters (at a consistent cut), summed over the TDs; empty when checking is off. */
  public Map<String, Long> counters() {
    assert monitors.length == checkers.size() : monitors.length + " monitors";
    if (!checking) return Map.of();
    return checkers.counters(c -> {
      synchronized (c) {
        return c.counters();
      }
    });
  }

  public boolean checking() {
    return checking;
  }

  public StressStats stats() {
    assert stats != null : "a world without its statistics";
    return stats;
  }

  /** The TDs (one for a scenario file). */
  public List<VmConfig> tds() {
    assert checkers.tds().size() == monitors.length : "TDs and monitors differ";
    return checkers.tds();
  }
}
