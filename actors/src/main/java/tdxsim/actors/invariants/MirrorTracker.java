package tdxsim.actors.invariants;

import tdxsim.actors.monitor.MmuObservation.SpteChanged;
import tdxsim.actors.monitor.Violation;
import tdxsim.protocol.Level;
import tdxsim.protocol.Spte;

/**
 * Applies {@code SpteChanged} to the mirror side and checks what a mirror transition may do on its own:
 * freeze once at a time [S5-02], never turn a non-leaf into a leaf [P1-10, S06], split only when RUNNABLE [P3-08],
 * install no leaf inside an in-progress invalidation unless the installer is the exclusive-lock holder itself
 * or the leaf is one of the 512 a split of a 2M leaf links (a split re-creates the same mapping at 4K, under
 * either lock: no pfn read before the invalidation is installed, and the invalidation's zap takes the 4K leaves as
 * it would the huge one; mmu_invalidate_retry guards a fault's pfn, not a split) [LNX kvm_host.h, R5], and no 2M
 * leaf again after the range went 4K (R2 ping-pong). A FROZEN->X write that restores the value frozen is a
 * rollback, not an install.
 */
final class MirrorTracker {
  private final GlobalState g;
  /** The 2M range whose split's 4K leaves are being linked (observed right after its 2M change), or -1. */
  private long splitBase = -1;
  /** The pfn of the huge leaf that range's split replaced. */
  private long splitPfn;

  MirrorTracker(GlobalState g) {
    this.g = g;
  }

  void onSpte(SpteChanged o) {
    assert o != null : "an SpteChanged without a level";
    assert o.level() != null : "an SpteChanged without a level";
    Level l = o.level();
    long gfn = l.base(o.gfn());
    if (l != Level.PG_LEVEL_4K || Level.PG_LEVEL_2M.base(gfn) != splitBase) splitBase = -1;
    g.pt.sawMirror(l);
    Entry e = g.pt.entry(gfn, l);
    assert e.gfn == gfn : "the entry of " + gfn + " at " + l + " is " + e.where();
    assert e.level == l : "the entry of " + gfn + " at " + l + " is " + e.where();
    Spte from = norm(o.from());
    Spte to = norm(o.to());
    if (!e.mirrorSeen) {
      e.mirrorSeen = true;
      if (e.spte == null && from != null && !from.isFrozen()) setSpte(e, from);
    } else if (!same(e.spte, from)) {
      g.counters.fromMismatches++;
    }
    if (to != null && to.isFrozen()) {
      if (e.isFrozen()) {
        g.v.report(Invariant.MMU_SINGLE_EXTERNAL_OP, "mirror SPTE " + e.where()
            + " frozen while already FROZEN: two writers own one transition", RestChecks.actors(e), gfn);
        return;
      }
      Spte was = e.spte;
      setSpte(e, to);
      e.preFreeze = was;
      e.externalOps = 0;
      assert e.isFrozen() : e.where() + " not FROZEN after its freeze";
      assert e.externalOps == 0 : e.where() + " not FROZEN after its freeze";
    } else {
      Spte before = e.isFrozen() ? e.preFreeze : e.spte;
      setSpte(e, to);
      e.preFreeze = null;
      assert e.spte == to : e.where() + " still FROZEN after the write of " + Entry.spteName(to);
      assert !e.isFrozen() : e.where() + " still FROZEN after the write of " + Entry.spteName(to);
      transition(e, before, to);
      if (g.folios.refsObserved) g.folios.markRefsDirty(g.pt, gfn, l.pages());
    }
    g.rest.markRest(e);
    assert e.invariant();
    assert l == Level.PG_LEVEL_1G || g.pt.peekRange(gfn).invariant();
  }

  /** Sets the SPTE keeping the per-range leaf and frozen counts exact. */
  private void setSpte(Entry e, Spte to) {
    assert e != null : "setSpte of an unnormalised value";
    assert (to == null || to.kind() != Spte.Kind.NONPRESENT) : "setSpte of an unnormalised value";
    boolean mapsBefore = e.mirrorMaps();
    boolean frozenBefore = e.isFrozen();
    if (to != null && to.isFrozen()) e.preFreeze = e.spte;
    e.spte = to;
    g.memslots.changed(e);
assert e.spte == to : e.where() + " is " + Entry.spteName(e.spte) + " after the write of " + Entry.spteName(to);
    boolean frozenAfter = e.isFrozen();
    if (e.level == Level.PG_LEVEL_1G) {
      if (frozenBefore != frozenAfter) g.frozen1g += frozenAfter ? 1 : -1;
      assert g.frozen1g >= 0 : "negative count of FROZEN 1G SPTEs after " + e.where();
      return;
    }
    Range2M r = g.pt.range(e.gfn);
    if (frozenBefore != frozenAfter) r.frozen += frozenAfter ? 1 : -1;
    boolean mapsAfter = e.mirrorMaps();
    if (e.level == Level.PG_LEVEL_4K && mapsBefore != mapsAfter) r.mirrorLeaves4k += mapsAfter ? 1 : -1;
    assert r.frozen >= 0 && r.frozen <= Range2M.PAGES + 1 && r.mirrorLeaves4k >= 0
        && r.mirrorLeaves4k <= Range2M.PAGES : "2M range counts out of bounds after " + e.where();
  }

  private void transition(Entry e, Spte before, Spte to) {
    assert to == null || !to.isFrozen() : "a freeze of " + e.where() + " taken as a transition";
    assert before == null || !before.isFrozen() : "the value before " + e.where() + "'s transition is FROZEN";
    boolean wasLeaf = before != null && before.isLeaf();
    boolean wasNonLeaf = before != null && before.kind() == Spte.Kind.NONLEAF;
    if (to != null && to.isLeaf()) {
      if (wasNonLeaf) {
        g.v.report(Invariant.MMU_NO_MIRROR_PROMOTION, "mirror non-leaf SPTE " + e.where()
            + " replaced by a leaf (promotion on a mirror root)", RestChecks.actors(e), e.gfn);
      }
      if (!wasLeaf || before.pfn() != to.pfn()) installed(e, to);
    } else if (to != null && to.kind() == Spte.Kind.NONLEAF) {
      if (wasLeaf) {
        g.counters.mirrorSplits++;
        if (e.level == Level.PG_LEVEL_2M) {
          splitBase = e.gfn;
          splitPfn = before.pfn();
        }
        if (!g.td.runnable()) {
          g.v.report(Invariant.TDX_SPLIT_REQUIRES_RUNNABLE, "mirror leaf " + e.where()
              + " split before TD_STATE_RUNNABLE", RestChecks.actors(e), e.gfn);
        }
      }
    } else if (to == null && wasLeaf) {
      g.counters.mirrorZaps++;
      g.conv.zapped(e.gfn, e.level.pages(), true);
    }
  }

  private void installed(Entry e, Spte to) {
    assert to != null : "an install of the non-leaf " + Entry.spteName(to) + " at " + e.where();
    assert to.isLeaf() : "an install of the non-leaf " + Entry.spteName(to) + " at " + e.where();
    g.counters.mirrorInstalls++;
    long end = e.gfn + e.level.pages();
    boolean splitLeaf = e.level == Level.PG_LEVEL_4K && Level.PG_LEVEL_2M.base(e.gfn) == splitBase
        && to.pfn() == splitPfn + (e.gfn - splitBase);
    if (!g.locks.exclusiveHeld() && !splitLeaf) {
      long[] inv = g.inval.intersecting(e.gfn, end);
      if (inv != null) {
        g.v.report(Invariant.MMU_NO_INSTALL_DURING_INVALIDATION, "mirror leaf " + e.where()
            + " installed while [" + Violation.hex(inv[0]) + ", " + Violation.hex(inv[1])
            + ") is being invalidated", RestChecks.actors(e), Math.max(e.gfn, inv[0]));
      }
    }
    MappingChecks.leafInstalled(g, e, true, to.pfn());
    if (e.level == Level.PG_LEVEL_1G) return;
    Range2M r = g.pt.range(e.gfn);
    if (e.level == Level.PG_LEVEL_2M) {
      if (r.history == Range2M.HIST_SPLIT) {
        g.v.report(Invariant.MMU_NO_LEVEL_OSCILLATION, "2M range " + Violation.hex(r.base)
            + " mapped 2M again after it was split to 4K", RestChecks.actors(e), r.base);
      }
      r.history = Range2M.HIST_HUGE;
      assert r.history == Range2M.HIST_HUGE : "2M range " + r.base + " not HUGE after a 2M install";
    } else if (r.history == Range2M.HIST_HUGE) {
      assert e.level == Level.PG_LEVEL_4K : "a " + e.level + " install taken as a 4K one";
      r.history = Range2M.HIST_SPLIT;
    }
  }

  static Spte norm(Spte s) {
    return s == null || s.kind() == Spte.Kind.NONPRESENT ? null : s;
  }

  private static boolean same(Spte a, Spte b) {
    if (a == null || b == null) return a == b;
    return a.kind() == b.kind() && (a.kind() == Spte.Kind.FROZEN || a.pfn() == b.pfn());
  }
}
