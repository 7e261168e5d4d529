package tdxsim.stress.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.IntFunction;
import java.util.function.ToLongFunction;
import org.apache.pekko.actor.typed.Behavior;
import tdxsim.actors.invariants.Bounds;
import tdxsim.actors.invariants.InvariantChecker;
import tdxsim.actors.monitor.Monitor;
import tdxsim.actors.monitor.Violation;
import tdxsim.actors.options.ActorPatch;
import tdxsim.actors.vm.Host;
import tdxsim.actors.vm.Vm;
import tdxsim.actors.vm.VmConfig;
import tdxsim.stress.runtime.Fnv;

/**
 * One {@link InvariantChecker} per TD of a scenario, and what a world reports over all of them. A scenario of one TD
 * is exactly that TD's VM and checker (the same actor names, violations, counters and state hash as ever); a host of
 * several ({@link Host}) names each TD's violations {@code td-N: ..}, sums the counters and hashes the TDs' state
 * hashes in TD order.
 *
 * <p>The accessors take the per-checker call as a function, so that the parallel world can make it under that
 * checker's lock and the deterministic world without one.
 */
public final class TdCheckers {
  private final List<VmConfig> tds;
  private final List<InvariantChecker> checkers;
  /**
   * For {@link #firstObserved}: TD i must be checked at the next delivery's end, because its monitor
   * ({@link #observing}) saw an observation since its last check, or that check found a violation, or it was never
   * checked. Single-threaded use only (the deterministic world).
   */
  private final boolean[] due;

  public TdCheckers(List<VmConfig> tds, Bounds bounds) {
    this.tds = List.copyOf(tds);
    List<InvariantChecker> l = new ArrayList<>(tds.size());
    for (VmConfig c : tds) l.add(new InvariantChecker(c.vcpus(), bounds));
    this.checkers = List.copyOf(l);
    this.due = new boolean[tds.size()];
    java.util.Arrays.fill(due, true);
  }

  public int size() {
    return checkers.size();
  }

  public InvariantChecker get(int td) {
    return checkers.get(td);
  }

  public List<VmConfig> tds() {
    return tds;
  }

  /** The world root: the one VM, or a host of the TDs; {@code monitors.apply(i)} is TD i's monitor. */
  public Behavior<Void> root(IntFunction<Monitor> monitors) {
    return tds.size() == 1 ? Vm.create(tds.get(0), monitors.apply(0)) : Host.create(tds, monitors);
  }

  /** The world root with plugin design options applied to the VM's actors (one TD only). */
  public Behavior<Void> root(IntFunction<Monitor> monitors, ActorPatch patch) {
    if (tds.size() == 1) return Vm.create(tds.get(0), monitors.apply(0), patch);
    if (patch != ActorPatch.NONE) {
      throw new IllegalArgumentException("design options of plugins change one TD's actors, not a host's");
    }
    return Host.create(tds, monitors);
  }

  /** {@code f} of the first TD (in TD order) for which it is present, named for the TD. */
  public Optional<Violation> first(Function<InvariantChecker, Optional<Violation>> f) {
    for (int i = 0; i < checkers.size(); i++) {
      Optional<Violation> v = f.apply(checkers.get(i));
      if (v.isPresent()) return checkers.size() == 1 ? v : Optional.of(Host.inTd(i, v.get()));
    }
    return Optional.empty();
  }

  /** {@code m}, also noting that TD {@code td} saw an observation (for {@link #firstObserved}). */
  public Monitor observing(int td, Monitor m) {
    boolean[] d = due;
    return o -> {
      d[td] = true;
      m.observe(o);
    };
  }

  /**
   * {@link #first} of the end-of-delivery check ({@link InvariantChecker#check}), skipping the TDs that saw no
   * observation since their last check, which found nothing: a checker's state changes only by what it observes,
   * so that check would find nothing again and change nothing (its deferred checks wait for the same lock, the same
   * frozen parents, as they did). TDs after the first violating one stay unchecked, as in {@link #first}. Same
   * verdict, at the same delivery, as checking every TD; a delivery touches one TD, so a host's replay checks one.
   */
  public Optional<Violation> firstObserved(Function<InvariantChecker, Optional<Violation>> check) {
    for (int i = 0; i < checkers.size(); i++) {
      if (!due[i]) continue;
      Optional<Violation> v = check.apply(checkers.get(i));
      due[i] = v.isPresent();
      if (v.isPresent()) return checkers.size() == 1 ? v : Optional.of(Host.inTd(i, v.get()));
    }
    return Optional.empty();
  }

  /** Every TD is checked at the next {@link #firstObserved} (a check other than it may have changed a checker). */
  public void allDue() {
    java.util.Arrays.fill(due, true);
  }

  /** One TD: its state hash; several: FNV-1a over their state hashes, in TD order. */
  public long stateHash(ToLongFunction<InvariantChecker> f) {
    long[] h = new long[checkers.size()];
    for (int i = 0; i < h.length; i++) h[i] = f.applyAsLong(checkers.get(i));
    return stateHash(h);
  }

  /** The world's state hash from each TD's ({@link #stateHash(ToLongFunction)}, its TDs' hashes given). */
  public long stateHash(long[] tdHashes) {
    assert tdHashes.length == checkers.size() : tdHashes.length + " hashes of " + checkers.size() + " TDs";
    if (tdHashes.length == 1) return tdHashes[0];
    long h = Fnv.OFFSET;
    for (long t : tdHashes) h = Fnv.mix(h, t);
    return h;
  }

  /** Sum over the TDs. */
  public long sum(ToLongFunction<InvariantChecker> f) {
    long n = 0;
    for (InvariantChecker c : checkers) n += f.applyAsLong(c);
    return n;
  }

  /** The flow counters summed over the TDs, in the checker's order. */
  public Map<String, Long> counters(Function<InvariantChecker, Map<String, Long>> f) {
    if (checkers.size() == 1) return f.apply(checkers.get(0));
    CounterTotals t = new CounterTotals();
    for (InvariantChecker c : checkers) t.add(f.apply(c));
    return t.snapshot();
  }
}
