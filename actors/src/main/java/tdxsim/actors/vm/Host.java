package tdxsim.actors.vm;

import java.util.List;
import java.util.function.IntFunction;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import tdxsim.actors.monitor.Monitor;
import tdxsim.actors.monitor.Violation;

/**
 * A host running several TDs: one {@link Vm} root per TD, children {@code td-0 ..}, each with a monitor of its own.
 *
 * <p>This is how KVM runs more vCPUs than one TD may have (at most MAX_VCPUS_PER_TD, see
 * {@link tdxsim.actors.tdx.TdxModuleConfig#MAX_VCPUS_PER_TD}). TDs share none of the state the model has: each has
 * its own {@code struct kvm} (mmu_lock, TDP MMU, mirror root), its own TDR/TDCS in the TDX module (TDR lock,
 * secure_ept_lock, epoch lock, TLB epochs, S-EPT) and its own guest_memfd. So the TDs of a host run in parallel, and
 * an invariant of one TD is checked on that TD's observations alone. Physical pages are not shared either: each
 * TD's guest_memfd numbers its own pfns (the model has no host-wide PAMT).
 */
public final class Host {
  private Host() {}

  public static String tdName(int td) {
    assert td >= 0 : "td " + td;
    return "td-" + td;
  }

  /** Spawns {@code tds.get(i)} as {@code td-i} with {@code monitors.apply(i)}. */
  public static Behavior<Void> create(List<VmConfig> tds, IntFunction<Monitor> monitors) {
    if (tds.isEmpty()) throw new IllegalArgumentException("a host runs at least one TD");
    assert monitors != null && tds.stream().allMatch(t -> t != null) : "a host with a null TD";
    return Behaviors.setup(ctx -> {
      for (int i = 0; i < tds.size(); i++) ctx.spawn(Vm.create(tds.get(i), monitors.apply(i)), tdName(i));
      return Behaviors.empty();
    });
  }

  /** {@code v}, seen in TD {@code td} of a host: its detail and actors name the TD. */
  public static Violation inTd(int td, Violation v) {
    assert v != null && v.actors() != null : "a violation without actors";
    String prefix = tdName(td);
    return new Violation(v.invariant(), prefix + ": " + v.detail(),
        v.actors().stream().map(a -> prefix + "/" + a).toList(), v.gfns());
  }
}
