package tdxsim.actors.invariants;

import java.util.List;
import tdxsim.actors.monitor.GmemObservation.ConversionEnd;
import tdxsim.actors.monitor.GmemObservation.FolioChanged;
import tdxsim.actors.monitor.GmemObservation.FolioRefChanged;
import tdxsim.actors.monitor.GmemObservation.UserMapping;
import tdxsim.actors.monitor.Violation;
import tdxsim.protocol.Level;

/**
 * guest_memfd's observations: folios (a folio is never freed or reallocated under a mapping, never split under a
 * larger mapping [C3 Base; R8, R9]), attributes (never shared under a private leaf [R5]), invalidation users, the
 * all-or-nothing outcome of conversions [R6, R7] and TDX folio refs of the v1 option [P1-08; T08].
 */
final class GmemTracker {
  private final GlobalState g;
  private final KvmTracker kvm;

  GmemTracker(GlobalState g, KvmTracker kvm) {
    this.g = g;
    this.kvm = kvm;
    assert g != null : "a guest_memfd tracker without its state";
    assert kvm != null : "a guest_memfd tracker without its state";
  }

  void folioChanged(FolioChanged o) {
    assert o.order() != null : "FolioChanged at " + o.gfn() + " of order " + o.order();
    assert o.gfn() >= 0 : "FolioChanged at " + o.gfn() + " of order " + o.order();
    long end = o.gfn() + o.order().pages();
    FolioTracker.Folio old = g.folios.changed(g.pt, o.gfn(), o.order(), o.pfn(), o.live());
    assert o.live() == (g.folios.backing(g.pt, o.gfn()) != null) : "folio at " + o.gfn() + " live " + o.live();
    if (!o.live() || (old != null && old.pfn != o.pfn())) {
      Entry m = g.pt.firstMappingIn(o.gfn(), end, true, true);
      if (m != null) {
        g.v.report(Invariant.GMEM_FREED_FOLIO_MAPPED, "folio at gfn " + Violation.hex(o.gfn()) + " "
            + (o.live() ? "reallocated" : "freed") + " while the " + (m.mirrorMaps() ? "mirror" : "S-EPT")
            + " leaf " + m.where() + " still maps it", RestChecks.actors(m), Math.max(m.gfn, o.gfn()));
        return;
      }
    }
    if (old != null && old.refs != 0 && (!o.live() || old.pfn != o.pfn())) {
      g.v.report(Invariant.GMEM_TDX_REFS_BALANCED, "folio pfn " + Violation.hex(old.pfn) + " freed while TDX"
          + " still holds " + old.refs + " refs on it", old.gfn);
    }
  }

  void folioSplit(long gfn) {
    long base = Level.PG_LEVEL_2M.base(gfn);
    FolioTracker.Folio big = g.folios.split(g.pt, base);
    assert g.pt.range(base).folioOrder.get(0) <= Range2M.orderCode(Level.PG_LEVEL_4K) : "2M folio " + base;
    Entry leaf = MappingChecks.leafAtOrAbove(g, base, Level.PG_LEVEL_2M);
    if (leaf != null) {
      g.v.report(Invariant.MMU_LEVEL_LE_FOLIO, "2M folio at " + Violation.hex(base) + " split while the "
          + (leaf.mirrorMaps() ? "mirror" : "S-EPT") + " " + leaf.level.shortName() + " leaf " + leaf.where()
          + " maps it (zap/split mappings first)", RestChecks.actors(leaf), base);
    } else if (big != null && big.refs != 0) {
      g.v.report(Invariant.GMEM_FOLIO_SPLIT_WITH_TDX_REFS, "2M folio pfn " + Violation.hex(big.pfn)
          + " restructured while TDX holds " + big.refs + " refs on it", base);
    }
  }

  void attributesChanged(long start, long end, boolean isPrivate) {
    assert start <= end : "attributes of [" + start + ", " + end + ")";
    kvm.attrsObserved = true;
    byte a = isPrivate ? Range2M.ATTR_PRIVATE : Range2M.ATTR_SHARED;
    for (long b = start & ~(Range2M.PAGES - 1L); b < end; b += Range2M.PAGES) {
      Range2M r = g.pt.range(b);
      long lo = Math.max(start, b);
      long hi = Math.min(end, b + Range2M.PAGES);
      r.attr.set((int) (lo - b), (int) (hi - b), a);
      assert r.attr.get((int) (lo - b)) == a : "attributes of " + b;
      assert r.attr.get((int) (hi - 1 - b)) == a : "attributes of " + b;
    }
    if (!isPrivate) {
      Entry m = g.pt.firstMappingIn(start, end, true, true);
      if (m != null) {
        g.v.report(Invariant.GMEM_PRIVATE_MAPPING_OF_SHARED, "[" + Violation.hex(start) + ", "
            + Violation.hex(end) + ") became shared while the " + (m.mirrorMaps() ? "mirror" : "S-EPT")
            + " leaf " + m.where() + " still maps it", RestChecks.actors(m), Math.max(m.gfn, start));
      }
    }
  }

  void userMapping(UserMapping o) {
    assert o.user() != null : "a user mapping of no user";
    long lost = g.users.change(g.pt, o.user(), o.start(), o.end(), o.mapped());
    if (lost >= 0) g.conv.userLost(o.user(), lost);
  }

  void conversionEnd(ConversionEnd o) {
    g.counters.conversion(o.kind(), o.ok());
    ConversionTracker.Conversion c = g.conv.end(o.kind(), o.start(), o.end());
    if (c == null) return;
    assert c.start == o.start() && c.end == o.end() || c.start < o.end() && o.start() < c.end : "ended " + c.kind;
    String what = c.kind + " [" + Violation.hex(c.start) + ", " + Violation.hex(c.end) + ")";
    if (!o.ok()) {
      String why = o.error() == null ? "" : " (" + o.error() + ")";
      if (c.zaps() > 0) {
        g.v.report(Invariant.GMEM_FAILED_CONVERSION_NO_ZAP, what + " failed" + why + " after zapping " + c.zaps()
            + " private mapping(s)", c.firstZapGfn);
      } else if (!c.lostUsers.isEmpty()) {
        g.v.report(Invariant.GMEM_CONVERSION_ALL_OR_NOTHING, what + " failed" + why + " but "
            + String.join(", ", c.lostUsers) + " lost mappings", List.copyOf(c.lostUsers), c.firstLostGfn);
      } else {
        long changed = changedAttr(c);
        if (changed >= 0) {
          g.v.report(Invariant.GMEM_CONVERSION_ALL_OR_NOTHING, what + " failed" + why
              + " but the attribute of gfn " + Violation.hex(changed) + " changed", changed);
        }
      }
      return;
    }
    ConversionTracker.Target t = c.target;
    if (kvm.attrsObserved && (t == ConversionTracker.Target.SHARED || t == ConversionTracker.Target.PRIVATE)) {
      byte want = t == ConversionTracker.Target.SHARED ? Range2M.ATTR_SHARED : Range2M.ATTR_PRIVATE;
      for (long gfn = c.start; gfn < c.end; gfn++) {
        Range2M r = g.pt.peekRange(gfn);
        if (r == null || r.attr.get((int) (gfn & (Range2M.PAGES - 1))) != want) {
          g.v.report(Invariant.GMEM_CONVERSION_ALL_OR_NOTHING, what + " succeeded but gfn " + Violation.hex(gfn)
              + " is not " + t.name().toLowerCase(java.util.Locale.ROOT), gfn);
          return;
        }
      }
    }
    if (t == ConversionTracker.Target.SHARED || t == ConversionTracker.Target.PUNCH_HOLE) {
      Entry m = g.pt.firstMappingIn(c.start, c.end, true, true);
      if (m != null) {
        g.v.report(Invariant.GMEM_CONVERSION_ALL_OR_NOTHING, what + " succeeded but the "
            + (m.mirrorMaps() ? "mirror" : "S-EPT") + " leaf " + m.where() + " still maps it",
            RestChecks.actors(m), Math.max(m.gfn, c.start));
        return;
      }
    }
    if (t == ConversionTracker.Target.PRIVATE || t == ConversionTracker.Target.PUNCH_HOLE) {
      Object[] u = g.users.firstMapped(g.pt, c.start, c.end, "kvm");
      if (u != null) {
        g.v.report(Invariant.GMEM_CONVERSION_ALL_OR_NOTHING, what + " succeeded but user " + u[0]
            + " still maps gfn " + Violation.hex((Long) u[1]), List.of((String) u[0]), (Long) u[1]);
      }
    }
  }

  /** First gfn whose attribute differs from the snapshot taken at ConversionBegin, or -1. */
  private long changedAttr(ConversionTracker.Conversion c) {
    assert c.attrsAtBegin == null || c.attrsAtBegin.length == c.end - c.start : "snapshot of " + c.kind;
    if (c.attrsAtBegin == null) return -1;
    for (long gfn = c.start; gfn < c.end; gfn++) {
      Range2M r = g.pt.peekRange(gfn);
      byte now = r == null ? Range2M.ATTR_UNKNOWN : r.attr.get((int) (gfn & (Range2M.PAGES - 1)));
      if (now != c.attrsAtBegin[(int) (gfn - c.start)]) return gfn;
    }
    return -1;
  }

  void folioRefChanged(FolioRefChanged o) {
    assert o.pfn() >= 0 : "TDX refs on the pfn " + o.pfn();
    g.folios.refsObserved = true;
    FolioTracker.Folio f = g.folios.containing(o.pfn());
    if (f != null) f.refs += o.delta();
    if (o.refs() < 0 || (f != null && f.refs < 0)) {
      g.v.report(Invariant.GMEM_TDX_REFS_UNDERFLOW, "TDX refs on pfn " + Violation.hex(o.pfn()) + " went to "
          + (o.refs() < 0 ? o.refs() : f.refs) + " (delta " + o.delta() + ")",
          f == null ? new long[0] : new long[] {f.gfn});
      return;
    }
    if (f == null) return;
    if (f.refs == 0) {
      Entry m = g.pt.firstMappingIn(f.gfn, f.end(), false, true);
      if (m != null) {
        g.v.report(Invariant.GMEM_TDX_REFS_ZERO_MAPPED, "TDX refs on folio pfn " + Violation.hex(f.pfn)
            + " dropped to 0 while S-EPT leaf " + m.where() + " (" + m.sept + ") still maps it",
            RestChecks.actors(m), Math.max(m.gfn, f.gfn));
      }
    }
    g.folios.markRefsDirty(f);
    assert f.refsDirty : "folio at pfn " + f.pfn + " not queued for its refs check";
  }
}
