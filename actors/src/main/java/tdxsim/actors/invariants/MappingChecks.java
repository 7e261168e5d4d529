package tdxsim.actors.invariants;

import tdxsim.actors.monitor.Violation;
import tdxsim.protocol.Level;

/**
 * Checks that apply whenever a private leaf appears, on either side (mirror SPTE or S-EPT entry), and the
 * range queries they share. A new leaf must be 4K at build time [P1-09, R11], be backed by a live folio of at
 * least its order at the pfn the folio has now [C3 Base; T08], map only private memory [R5], and respect
 * GUEST_INHIBIT [P3-13, R4].
 */
final class MappingChecks {
  private MappingChecks() {}

  /** @param pfn the mirror leaf's pfn, or -1 for an S-EPT leaf (whose observation carries no pfn). */
  static void leafInstalled(GlobalState g, Entry e, boolean mirror, long pfn) {
    assert mirror ? e.mirrorMaps() : e.septLeaf() : (mirror ? "mirror " : "S-EPT ") + e.where() + " is no leaf";
    assert mirror ? pfn >= 0 : pfn == -1 : "leaf " + e.where() + " installed with the pfn " + pfn;
    String side = mirror ? "mirror" : "S-EPT";
    long start = e.gfn;
    long end = e.gfn + e.level.pages();
    if (!g.td.runnable() && e.level != Level.PG_LEVEL_4K) {
      g.v.report(Invariant.TDX_BUILD_TIME_4K, side + " leaf " + e.where() + " installed before TD_STATE_RUNNABLE",
          RestChecks.actors(e), e.gfn);
    }
    checkBacking(g, e, side, pfn);
    long shared = firstShared(g.pt, start, end);
    if (shared >= 0) {
      g.v.report(Invariant.GMEM_PRIVATE_MAPPING_OF_SHARED, side + " leaf " + e.where() + " maps gfn "
          + Violation.hex(shared) + " whose memory attribute is shared", RestChecks.actors(e), shared);
    }
    if (e.level != Level.PG_LEVEL_4K) {
      long inh = firstInhibited(g, e);
      if (inh >= 0) {
        g.v.report(Invariant.MMU_GUEST_INHIBIT_RESPECTED, side + " leaf " + e.where()
            + " installed although GUEST_INHIBIT is set for the range at " + Violation.hex(inh),
            RestChecks.actors(e), e.gfn);
      }
    }
  }

  /** Mapping level <= folio order, a live folio behind every gfn, and (mirror) the folio's current pfn. */
  static void checkBacking(GlobalState g, Entry e, String side, long pfn) {
    assert e != null : "checkBacking of no entry";
    assert side != null : "checkBacking of no entry";
    if (!g.folios.observed) return;
    byte need = Range2M.orderCode(e.level);
    long end = e.gfn + e.level.pages();
    assert need >= 1 : "order code " + need + " of " + e.where();
    assert need <= Level.values().length : "order code " + need + " of " + e.where();
    for (long gfn = e.gfn; gfn < end; gfn++) {
      Range2M r = g.pt.peekRange(gfn);
      int off = (int) (gfn & (Range2M.PAGES - 1));
      byte have = r == null ? 0 : r.folioOrder.get(off);
      if (have == 0) {
        g.v.report(Invariant.GMEM_FREED_FOLIO_MAPPED, side + " leaf " + e.where() + " maps gfn "
            + Violation.hex(gfn) + " which has no live folio", RestChecks.actors(e), gfn);
        return;
      }
      if (have < need) {
        g.v.report(Invariant.MMU_LEVEL_LE_FOLIO, side + " leaf " + e.where() + " is larger than the "
            + Level.values()[have - 1].shortName() + " folio backing gfn " + Violation.hex(gfn),
            RestChecks.actors(e), gfn);
        return;
      }
    }
    if (pfn >= 0) {
      Range2M r = g.pt.peekRange(e.gfn);
      long want = r.folioPfn((int) (e.gfn & (Range2M.PAGES - 1)));
      assert r != null : "a live folio recorded behind " + e.where() + " without its 2M range";
      if (want != pfn) {
        g.v.report(Invariant.GMEM_FREED_FOLIO_MAPPED, side + " leaf " + e.where() + " maps pfn "
            + Violation.hex(pfn) + " but gfn " + Violation.hex(e.gfn) + " is now backed by pfn "
            + Violation.hex(want) + " (stale: freed and reallocated)", RestChecks.actors(e), e.gfn);
      }
    }
  }

  /** First gfn in [start, end) whose attribute is known to be shared, or -1. */
  static long firstShared(PageTables pt, long start, long end) {
    assert start <= end : "firstShared of [" + start + ", " + end + ")";
    for (long b = start & ~(Range2M.PAGES - 1L); b < end; b += Range2M.PAGES) {
      Range2M r = pt.peekRange(b);
      if (r == null) continue;
      long lo = Math.max(start, b);
      long hi = Math.min(end, b + Range2M.PAGES);
      for (long g = lo; g < hi; g++) if (r.attr.get((int) (g - b)) == Range2M.ATTR_SHARED) return g;
    }
    return -1;
  }

  /** A base of an inhibited range that forbids a leaf at e.level, or -1. */
  private static long firstInhibited(GlobalState g, Entry e) {
    assert e.level != Level.PG_LEVEL_4K : "GUEST_INHIBIT never forbids a 4K leaf";
    if (e.level == Level.PG_LEVEL_2M) {
      Range2M r = g.pt.peekRange(e.gfn);
      return r != null && r.inhibit2m ? e.gfn : -1;
    }
    if (g.inhibit1g.contains(Level.PG_LEVEL_1G.base(e.gfn))) return e.gfn;
    for (Range2M r : g.pt.rangesIn(e.gfn, e.gfn + e.level.pages())) if (r.inhibit2m) return r.base;
    return -1;
  }

  /** Is there a leaf (either side) of level >= {@code level} over the {@code level} range containing gfn? */
  static Entry leafAtOrAbove(GlobalState g, long gfn, Level level) {
    assert level != Level.PG_LEVEL_4K : "leafAtOrAbove 4K";
    Entry h = g.pt.peek(gfn, Level.PG_LEVEL_1G);
    if (h != null && h.mapsAnything()) return h;
    if (level == Level.PG_LEVEL_2M) {
      Entry e = g.pt.peek(gfn, Level.PG_LEVEL_2M);
      if (e != null && e.mapsAnything()) return e;
    }
    return null;
  }
}
