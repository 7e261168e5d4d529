package tdxsim.actors.invariants;

import java.util.LinkedHashSet;
import java.util.Set;

/**
 * The global state rebuilt from observations alone, shared by the trackers of one {@link InvariantChecker}: page
 * tables (mirror and S-EPT side by side), TD and vCPU modes, mmu_lock, invalidations, folios, users, conversions,
 * liveness streaks and counters. One instance per world; never shared between runs or threads.
 */
final class GlobalState {
  final FlowCounters counters = new FlowCounters();
  final Violations v;
  final Bounds bounds;
  final int vcpus;
  final PageTables pt = new PageTables();
  final TdState td = new TdState();
  final LockTracker locks;
  final InvalidationTracker inval = new InvalidationTracker();
  final FolioTracker folios = new FolioTracker();
  final UserMappings users = new UserMappings();
  final ConversionTracker conv = new ConversionTracker();
  final LivenessTracker liveness;
  final RestChecks rest = new RestChecks();
  final MemslotTracker memslots = new MemslotTracker(this);
  final InterruptTracker interrupts = new InterruptTracker(this);
  /** 1G-aligned bases with GUEST_INHIBIT set at 1G. */
  final Set<Long> inhibit1g = new LinkedHashSet<>();
  /**
   * Pages TDH.MEM.PAGE.REMOVEd from the S-EPT and not yet flushed with TDH.PHYMEM.PAGE.WBINVD, as
   * {@code gfn << 2 | level}, in removal order.
   */
  final Set<Long> unflushed = new LinkedHashSet<>();
  /**
   * A KVM_BUG_ON fired (expected by the scenario, or checking would have stopped): the VM is dead (kvm_vm_dead,
   * vCPU ioctls return -EIO) and the kernel deliberately leaks what it could not undo, e.g. the page a failed
   * TDH.PHYMEM.PAGE.WBINVD left behind, with its refs [LNX tdx.c tdx_sept_remove_private_spte].
   */
  boolean bugged;
  /** 1G entries whose SPTE is FROZEN (2M/4K ones are counted per range). */
  int frozen1g;

  GlobalState(int vcpus, Bounds bounds) {
    this.vcpus = vcpus;
    this.bounds = bounds;
    this.v = new Violations(counters, bounds.expectedViolations());
    this.locks = new LockTracker(v, bounds);
    this.liveness = new LivenessTracker(v, bounds, this::othersInFlight, this::vcpusInPreviousEpoch,
        gfn -> inval.intersecting(gfn, gfn + 1) != null);
    assert vcpus >= 0 : "a checker for " + vcpus + " vCPUs";
    assert bounds != null : "the checker's liveness bounds";
  }

  /**
   * Is some other flow still in flight on gfn, which a retry there legitimately waits for: an invalidation
   * covering it (mmu_invalidate_retry_gfn [LNX kvm_host.h]), a FROZEN SPTE in its 2M range or 1G region (another
   * writer's external op [S5-02]), or the exclusive mmu_lock held (a split or zap under way)?
   */
  boolean othersInFlight(long gfn) {
    assert gfn >= 0 : "othersInFlight of the gfn " + gfn;
    assert frozen1g >= 0 : frozen1g + " FROZEN 1G SPTEs";
    if (inval.intersecting(gfn, gfn + 1) != null || frozen1g > 0 || locks.exclusiveHeld()) return true;
    if (memslots.deleting(gfn)) return true; // a memslot deletion: KVM_MEMSLOT_INVALID until it ends
    Range2M r = pt.peekRange(gfn);
    return r != null && r.frozen > 0;
  }

  /** TRACK's PREVIOUS_TLB_EPOCH_BUSY is explained while a vCPU is still counted in an older epoch. */
  boolean vcpusInPreviousEpoch() {
    assert td.epoch() >= 1 : "the TD epoch " + td.epoch() + " (td_epoch starts at 1)";
    return td.vcpuInGuestSince(td.epoch() - 1) >= 0;
  }
}
