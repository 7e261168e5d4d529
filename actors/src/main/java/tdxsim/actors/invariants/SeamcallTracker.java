package tdxsim.actors.invariants;

import tdxsim.actors.monitor.SeptObservation.SeamcallCompleted;
import tdxsim.actors.monitor.Violation;
import tdxsim.protocol.SeamcallLeaf;
import tdxsim.protocol.TdxStatus;

/**
 * Checks on host SEAMCALL completions, where the rule is about who issued what under which lock rather than
 * about the resulting state: AUG/SEPT.ADD only inside one freeze of their mirror SPTE [S5-02, R1];
 * BLOCK/UNBLOCK/TRACK/DEMOTE/REMOVE/PROMOTE only under the exclusive mmu_lock ("KVM never removes S-EPT entries
 * under read-lock"; no split under the shared lock, since a BUSY DEMOTE after BLOCK would need an UNBLOCK that can
 * itself BUSY [P3-09, C2 Open 2]); the module saying NOT_BLOCKED / TRACKING_NOT_DONE means KVM skipped a step
 * [P3-08]; a DEMOTE only when RUNNABLE.
 */
final class SeamcallTracker {
  private final GlobalState g;
  private final Runnable onRunnable;

  SeamcallTracker(GlobalState g, Runnable onRunnable) {
    this.g = g;
    this.onRunnable = onRunnable;
    assert g != null : "a SEAMCALL tracker without its state";
    assert onRunnable != null : "a SEAMCALL tracker without its state";
  }

  void onSeamcall(SeamcallCompleted o) {
    assert o != null : "a SeamcallCompleted without leaf or status";
    assert o.leaf() != null : "a SeamcallCompleted without leaf or status";
    assert o.status() != null : "a SeamcallCompleted without leaf or status";
    assert o.caller() != null : o.leaf() + " completed for no caller";
    SeamcallLeaf leaf = o.leaf();
    TdxStatus st = o.status();
    g.counters.seamcall(leaf, o.level(), st);
    g.liveness.seamcall(leaf, o.gfn(), o.level(), st, o.caller());
    switch (leaf) {
      case TDH_MEM_PAGE_AUG, TDH_MEM_SEPT_ADD -> externalOp(o);
      case TDH_MEM_RANGE_BLOCK, TDH_MEM_RANGE_UNBLOCK, TDH_MEM_PAGE_REMOVE, TDH_MEM_PAGE_DEMOTE,
          TDH_MEM_PAGE_PROMOTE, TDH_MEM_TRACK -> exclusiveOp(o);
      case TDH_MR_FINALIZE -> {
        if (st.isSuccess()) onRunnable.run();
      }
      case TDH_MEM_PAGE_ADD -> g.pt.entry(o.gfn(), o.level()).lastCaller = o.caller();
      case TDH_PHYMEM_PAGE_WBINVD -> {
        if (st.isSuccess() && !g.unflushed.isEmpty()) g.unflushed.remove(flushKey(o.gfn(), o.level()));
      }
      default -> {}
    }
    if (leaf == SeamcallLeaf.TDH_MEM_PAGE_REMOVE && st.isSuccess()) g.unflushed.add(flushKey(o.gfn(), o.level()));
    assert leaf != SeamcallLeaf.TDH_MEM_PAGE_REMOVE || !st.isSuccess() || g.unflushed.contains(flushKey(o.gfn(), o.level()));
  }

  /** The key of a removed page in {@link GlobalState#unflushed}. */
  static long flushKey(long gfn, tdxsim.protocol.Level level) {
    assert gfn >= 0 : "the flush key of the gfn " + gfn;
    assert gfn < 1L << 61 : "the flush key of the gfn " + gfn; // two bits hold the level
    assert level != null : "the flush key of the level " + level;
    assert level.ordinal() < 4 : "the flush key of the level " + level;
    return gfn << 2 | level.ordinal();
  }

  private void externalOp(SeamcallCompleted o) {
    assert o.leaf() == SeamcallLeaf.TDH_MEM_PAGE_AUG || o.leaf() == SeamcallLeaf.TDH_MEM_SEPT_ADD : o.leaf();
    Entry e = g.pt.entry(o.gfn(), o.level());
    e.lastCaller = o.caller();
    // every fault-path level is frozen first; only a root level the mirror never reports is exempt
    if (o.level() == tdxsim.protocol.Level.PG_LEVEL_1G && !g.pt.mirrorCovers(o.level())) return;
    if (!e.isFrozen()) {
      g.v.report(Invariant.MMU_SINGLE_EXTERNAL_OP, o.leaf().abiName() + " " + e.where() + " by " + o.caller()
          + " while its mirror SPTE is " + Entry.spteName(e.spte) + ", not FROZEN", java.util.List.of(o.caller()),
          e.gfn);
    } else if (++e.externalOps > 1) {
      assert e.externalOps >= 1 : "external ops of " + e.where() + " counted " + e.externalOps;
      g.v.report(Invariant.MMU_SINGLE_EXTERNAL_OP, o.leaf().abiName() + " " + e.where() + " by " + o.caller()
          + " is external op #" + e.externalOps + " within one freeze of the mirror SPTE",
          java.util.List.of(o.caller()), e.gfn);
    }
  }

  private void exclusiveOp(SeamcallCompleted o) {
    SeamcallLeaf leaf = o.leaf();
    if (leaf != SeamcallLeaf.TDH_MEM_TRACK) g.pt.entry(o.gfn(), o.level()).lastCaller = o.caller();
    // NON-BLOCKING-RESIZE: the DEMOTE that needs no BLOCK may run under mmu_lock held for read [P3-13]
    Entry target = g.pt.entry(o.gfn(), o.level());
    boolean nonBlocking = leaf == SeamcallLeaf.TDH_MEM_PAGE_DEMOTE && target.nonBlockingDemotes > 0;
    if (nonBlocking) target.nonBlockingDemotes--;
    assert target.nonBlockingDemotes >= 0 : "NON-BLOCKING-RESIZE demotes of " + target.where() + " went negative";
    if (!g.locks.exclusiveHeld() && !(nonBlocking && g.locks.sharedHolders().contains(o.caller()))) {
      g.v.report(Invariant.MMU_WRITE_LOCK_FOR_SEPT_CHANGES, leaf.abiName() + " " + o.level().shortName() + " "
          + Violation.hex(o.gfn()) + " by " + o.caller() + " without the exclusive mmu_lock (holders: "
          + (g.locks.holders().isEmpty() ? "none" : g.locks.holders()) + ")", java.util.List.of(o.caller()),
          o.gfn());
    }
    boolean entryOp = leaf == SeamcallLeaf.TDH_MEM_PAGE_DEMOTE || leaf == SeamcallLeaf.TDH_MEM_PAGE_REMOVE
        || leaf == SeamcallLeaf.TDH_MEM_PAGE_PROMOTE;
    TdxStatus st = o.status();
    assert !entryOp || leaf != SeamcallLeaf.TDH_MEM_TRACK : "TRACK taken as an entry operation";
    if (entryOp && g.td.runnable()
        && (st == TdxStatus.TDX_GPA_RANGE_NOT_BLOCKED || st == TdxStatus.TDX_TLB_TRACKING_NOT_DONE)) {
      g.v.report(Invariant.TDX_DEMOTE_BLOCKED_TRACKED, leaf.abiName() + " " + o.level().shortName() + " "
          + Violation.hex(o.gfn()) + " by " + o.caller() + " returned " + st.name(), java.util.List.of(o.caller()),
          o.gfn());
    }
    if (leaf == SeamcallLeaf.TDH_MEM_PAGE_DEMOTE && !g.td.runnable()) {
      g.v.report(Invariant.TDX_SPLIT_REQUIRES_RUNNABLE, "DEMOTE " + o.level().shortName() + " "
          + Violation.hex(o.gfn()) + " by " + o.caller() + " before TD_STATE_RUNNABLE",
          java.util.List.of(o.caller()), o.gfn());
    }
  }
}
