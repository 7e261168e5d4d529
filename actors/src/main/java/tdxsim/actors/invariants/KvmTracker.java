package tdxsim.actors.invariants;

import java.util.List;
import tdxsim.actors.monitor.MmuObservation.GuestInhibitSet;
import tdxsim.actors.monitor.MmuObservation.InvalidateEnd;
import tdxsim.actors.monitor.Violation;
import tdxsim.protocol.Level;
import tdxsim.protocol.TdxStatus;

/**
 * The retry protocol and the ACCEPT-level machinery on the KVM side. At invalidate_end every leaf left in the
 * range must map uniformly private memory no larger than its folio [R5]; a range left without mirror leaves by an
 * invalidation starts a new level history (a legitimate re-map at 2M after, e.g., a whole-range punch hole).
 * GUEST_INHIBIT is one-way and is set only after the split, so at the moment it is set no leaf at or above the
 * inhibited level may exist [P3-13, S5-40, R4]. An ACCEPT that TD-exits asks KVM to honour its level [P3-13]: the
 * smallest such level per 2M range is remembered for the quiescence check.
 */
final class KvmTracker {
  private final GlobalState g;
  /** Any AttributesChanged seen: only then is "attribute not private" a violation at invalidate_end. */
  boolean attrsObserved;

  KvmTracker(GlobalState g) {
    this.g = g;
    assert g != null : "a KVM tracker without its state";
  }

  void invalidateEnd(InvalidateEnd o) {
    long start = o.start();
    long end = o.end();
    assert start <= end : "kvm_mmu_invalidate_end of [" + start + ", " + end + ")"; // empty: legal
    g.inval.end(start, end);
    for (Entry h : g.pt.hugeEntries()) {
      if (h.gfn < end && start < h.gfn + h.level.pages() && h.mapsAnything()) checkAtEnd(h, start, end);
    }
    for (Range2M r : g.pt.rangesIn(start, end)) {
      if (r.e2m != null && r.e2m.mapsAnything()) checkAtEnd(r.e2m, start, end);
      if (r.mirrorLeaves4k > 0 || r.septLeaves4k > 0) {
        long lo = Math.max(start, r.base);
        long hi = Math.min(end, r.base + Range2M.PAGES);
        for (long gfn = lo; gfn < hi; gfn++) {
          int off = (int) (gfn - r.base);
          if (r.maps4k(off)) checkAtEnd(r.e4k(off), start, end); // a view only for an entry that maps
        }
      }
      if ((r.e2m == null || !r.e2m.mirrorMaps()) && r.mirrorLeaves4k == 0) r.history = Range2M.HIST_NONE;
      assert r.invariant();
    }
  }

  private void checkAtEnd(Entry e, long start, long end) {
    assert e.mapsAnything() : "invalidate_end checks " + e.where() + ", which maps nothing";
    assert e.gfn < end : e.where() + " outside [" + start + ", " + end + ")";
    assert start < e.gfn + e.level.pages() : e.where() + " outside [" + start + ", " + end + ")";
    if (attrsObserved) {
      // guest_memfd starts all private (kvm_gmem_init_inode): only a page converted to shared is not private
      long bad = MappingChecks.firstShared(g.pt, e.gfn, e.gfn + e.level.pages());
      if (bad >= 0) {
        g.v.report(Invariant.MMU_ATTRIBUTES_AT_INVALIDATE_END, "at invalidate_end of [" + Violation.hex(start)
            + ", " + Violation.hex(end) + ") the " + (e.mirrorMaps() ? "mirror" : "S-EPT") + " leaf "
            + e.where() + " maps gfn " + Violation.hex(bad) + " whose attribute is not private",
            RestChecks.actors(e), bad);
        return;
      }
    }
    MappingChecks.checkBacking(g, e, e.mirrorMaps() ? "mirror" : "S-EPT", -1);
  }

  void inhibitSet(GuestInhibitSet o) {
    assert o != null : "a GuestInhibitSet without a level";
    assert o.level() != null : "a GuestInhibitSet without a level";
    Level l = o.level();
    long base = l.base(o.gfn());
    if (l == Level.PG_LEVEL_2M) g.pt.range(base).inhibit2m = true;
    else if (l == Level.PG_LEVEL_1G) g.inhibit1g.add(base);
    else return;
    assert l != Level.PG_LEVEL_2M || g.pt.range(base).inhibit2m : "GUEST_INHIBIT(2M) of " + base + " not recorded";
    assert l != Level.PG_LEVEL_1G || g.inhibit1g.contains(base) : "GUEST_INHIBIT(1G) of " + base + " not recorded";
    Entry leaf = MappingChecks.leafAtOrAbove(g, base, l);
    if (leaf != null) {
      g.v.report(Invariant.MMU_GUEST_INHIBIT_RESPECTED, "GUEST_INHIBIT(" + l.shortName() + ") set on "
          + Violation.hex(base) + " while a " + leaf.level.shortName() + " leaf still maps it (split must come"
          + " first)", RestChecks.actors(leaf), base);
    }
  }

  void inhibitCleared(long gfn, Level l) {
    assert l != null : "GuestInhibitCleared of " + gfn + " at " + l;
    assert gfn >= 0 : "GuestInhibitCleared of " + gfn + " at " + l;
    long base = l.base(gfn);
    g.v.report(Invariant.MMU_GUEST_INHIBIT_MONOTONE, "GUEST_INHIBIT(" + l.shortName() + ") cleared on "
        + Violation.hex(base), base);
    if (l == Level.PG_LEVEL_2M) {
      Range2M r = g.pt.peekRange(base);
      if (r != null) r.inhibit2m = false;
    } else if (l == Level.PG_LEVEL_1G) {
      g.inhibit1g.remove(base);
    }
  }

  void acceptCompleted(int vcpu, long gfn, Level level, TdxStatus status) {
    assert vcpu >= 0 : "ACCEPT by vcpu " + vcpu + " at " + level;
    assert level != null : "ACCEPT by vcpu " + vcpu + " at " + level;
    g.counters.accepts++;
    if (status == null) {
      g.counters.acceptExits++;
      Range2M r = g.pt.range(gfn);
      if (r.minAccept == null || level.ordinal() < r.minAccept.ordinal()) r.minAccept = level;
      assert r.minAccept != null : "min ACCEPT of " + r.base;
      assert r.minAccept.ordinal() <= level.ordinal() : "min ACCEPT of " + r.base;
    } else if (status.isBusy()) {
      g.counters.acceptBusy++;
    }
    g.liveness.accept(vcpu, gfn, level, status);
  }

  /** Quiescence: no leaf larger than the smallest ACCEPT level that TD-exited in its 2M range [R2]. */
  void checkAcceptLevels() {
    assert g.pt != null : "ACCEPT levels judged without page tables";
    for (Range2M r : g.pt.ranges()) {
      if (r.minAccept == null) continue;
      Entry h = g.pt.peek(r.base, Level.PG_LEVEL_1G);
      Entry big = h != null && h.mapsAnything() ? h : null;
      if (big == null && r.minAccept == Level.PG_LEVEL_4K && r.e2m != null && r.e2m.mapsAnything()) big = r.e2m;
      if (big != null) {
        g.v.report(Invariant.MMU_ACCEPT_LEVEL_HONOURED, "the guest asked for a " + r.minAccept.shortName()
            + " ACCEPT in " + Violation.hex(r.base) + " but a " + big.level.shortName() + " leaf still maps it",
            List.of(), r.base);
        return;
      }
    }
  }
}
