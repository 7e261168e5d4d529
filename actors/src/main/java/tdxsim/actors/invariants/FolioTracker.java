package tdxsim.actors.invariants;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import tdxsim.protocol.Level;

/**
 * guest_memfd's folios as observed: per gfn, the order and pfn of the live folio backing it (in
 * {@link Range2M}), plus an index of live folios by first pfn for the TDX reference counts of the v1 design option
 * ({@code folio_ref_add(folio, KVM_PAGES_PER_HPAGE(level))} at map, {@code folio_put_refs} at remove [P1-08]).
 */
final class FolioTracker {
  static final class Folio {
    final long gfn;
    final Level order;
    final long pfn;
    long refs;
    boolean refsDirty;

    Folio(long gfn, Level order, long pfn) {
      this.gfn = gfn;
      this.order = order;
      this.pfn = pfn;
    }

    long end() {
      return gfn + order.pages();
    }
  }

  /** Any FolioChanged seen: only then is "a leaf with no live folio" a violation. */
  boolean observed;
  /** Any FolioRefChanged seen: only then are TDX refs checked (they exist in the v1 design option only). */
  boolean refsObserved;
  private final TreeMap<Long, Folio> byPfn = new TreeMap<>();
  private final List<Folio> refsDirty = new ArrayList<>();

  /**
   * Record a live folio or a freed one in the per-gfn arrays and the pfn index; returns the first folio that
   * backed these gfns before (freed or replaced), or null.
   */
  Folio changed(PageTables pt, long gfn, Level order, long pfn, boolean live) {
    observed = true;
    byte code = live ? Range2M.orderCode(order) : 0;
    long pages = order.pages();
    Folio replaced = null;
    long carried = 0; // refs of the pieces a merge (kvm_gmem_restructure back to the huge order) joins
    for (long g = gfn; g < gfn + pages; ) {
      Folio old = backing(pt, g);
      if (old == null) {
        g++;
        continue;
      }
      byPfn.remove(old.pfn);
      if (replaced == null) replaced = old;
      if (live && old.pfn >= pfn && old.pfn < pfn + pages) carried += old.refs;
      g = Math.max(g + 1, old.end());
    }
    for (long i = 0; i < pages; i++) {
      Range2M r = pt.range(gfn + i);
      int off = (int) ((gfn + i) & (Range2M.PAGES - 1));
      r.folioOrder[off] = code;
      r.folioPfn[off] = pfn + i;
    }
    Folio same = byPfn.remove(pfn);
    if (replaced == null) replaced = same;
    if (live && replaced != null && replaced.pfn == pfn && replaced.gfn == gfn && replaced.order == order) {
      byPfn.put(pfn, replaced); // the same folio reported again: keep its refs
      return null;
    }
    if (live) {
      Folio f = new Folio(gfn, order, pfn);
      f.refs = carried;
      byPfn.put(pfn, f);
      if (replaced != null && replaced.pfn == pfn) return null; // merged from its own pages: nothing freed
    }
    return replaced;
  }

  /** A 2M folio at gfn became 512 4K folios; returns the 2M folio that was split (or null if unknown). */
  Folio split(PageTables pt, long gfn) {
    Range2M r = pt.range(gfn);
    Folio big = byPfn.get(r.folioPfn[0]);
    for (int off = 0; off < Range2M.PAGES; off++) {
      if (r.folioOrder[off] != 0) r.folioOrder[off] = Range2M.orderCode(Level.PG_LEVEL_4K);
    }
    if (big != null && big.order != Level.PG_LEVEL_4K) {
      byPfn.remove(big.pfn);
      for (long i = 0; i < big.order.pages(); i++) byPfn.put(big.pfn + i, new Folio(big.gfn + i, Level.PG_LEVEL_4K,
          big.pfn + i));
    }
    return big;
  }

  /** The live folio containing pfn, or null. */
  Folio containing(long pfn) {
    Map.Entry<Long, Folio> e = byPfn.floorEntry(pfn);
    if (e == null) return null;
    Folio f = e.getValue();
    return pfn < f.pfn + f.order.pages() ? f : null;
  }

  /** The live folio backing gfn (looked up by the gfn's pfn), or null. */
  Folio backing(PageTables pt, long gfn) {
    Range2M r = pt.peekRange(gfn);
    if (r == null) return null;
    int off = (int) (gfn & (Range2M.PAGES - 1));
    return r.folioOrder[off] == 0 ? null : containing(r.folioPfn[off]);
  }

  void markRefsDirty(Folio f) {
    if (f != null && !f.refsDirty) {
      f.refsDirty = true;
      refsDirty.add(f);
    }
  }

  /** Mark every folio backing [gfn, gfn + pages) for a refs check at the next rest point. */
  void markRefsDirty(PageTables pt, long gfn, long pages) {
    if (!refsObserved) return;
    Folio last = null;
    for (long g = gfn; g < gfn + pages; g++) {
      Folio f = backing(pt, g);
      if (f != null && f != last) markRefsDirty(f);
      last = f;
      if (f != null && f.end() > g + 1) g = f.end() - 1;
    }
  }

  List<Folio> refsDirty() {
    return refsDirty;
  }

  Iterable<Folio> live() {
    return byPfn.values();
  }

  /** Pages of [f.gfn, f.end()) that some live S-EPT leaf maps: what v1's refcount must equal [P1-08]. */
  static long mappedPages(PageTables pt, Folio f) {
    long total = 0;
    for (Entry h : pt.hugeEntries()) {
      if (h.septLeaf()) total += overlap(h.gfn, h.gfn + h.level.pages(), f.gfn, f.end());
    }
    for (long b = f.gfn & ~(Range2M.PAGES - 1L); b < f.end(); b += Range2M.PAGES) {
      Range2M r = pt.peekRange(b);
      if (r == null) continue;
      if (r.e2m != null && r.e2m.septLeaf()) {
        total += overlap(b, b + Range2M.PAGES, f.gfn, f.end());
        continue;
      }
      if (r.septLeaves4k == 0) continue;
      long lo = Math.max(f.gfn, b);
      long hi = Math.min(f.end(), b + Range2M.PAGES);
      for (long g = lo; g < hi; g++) {
        Entry e = r.e4k((int) (g - b));
        if (e != null && e.septLeaf()) total++;
      }
    }
    return total;
  }

  private static long overlap(long a0, long a1, long b0, long b1) {
    return Math.max(0, Math.min(a1, b1) - Math.max(a0, b0));
  }
}
