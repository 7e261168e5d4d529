package tdxsim.actors.invariants;

import java.util.ArrayList;
import java.util.List;
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
    /** The split huge folio this 4K folio is a page of, or null for a folio allocated as it is. */
    final Split split;
    long refs;
    boolean refsDirty;

    Folio(long gfn, Level order, long pfn) {
      this(gfn, order, pfn, null);
    }

    private Folio(long gfn, Level order, long pfn, Split split) {
      this.gfn = gfn;
      this.order = order;
      this.pfn = pfn;
      this.split = split;
      assert gfn >= 0 : "a folio at gfn " + gfn + ", pfn " + pfn;
      assert pfn >= 0 : "a folio at gfn " + gfn + ", pfn " + pfn;
      assert order != null : "a folio at gfn " + gfn + ", pfn " + pfn;
      assert split == null || order == Level.PG_LEVEL_4K : "a " + order + " piece of a split folio at " + gfn;
    }

    long end() {
      assert order.isAligned(gfn) : "a " + order + " folio at the unaligned gfn " + gfn;
      return gfn + order.pages();
    }
  }

  /**
   * A huge folio split to 4K folios (same pfns), held as one object: a bit per page that is still live, and a
   * 4K {@link Folio} made only when someone asks for that page (a split does not make 512 objects).
   */
  static final class Split {
    final long gfn;
    final long pfn;
    final int pages;
    private final long[] live;
    private int liveCount;
    private Folio[] pieces;

    Split(long gfn, long pfn, int pages) {
      this.gfn = gfn;
      this.pfn = pfn;
      this.pages = pages;
      this.live = new long[(pages + 63) / 64];
      for (int i = 0; i < pages; i++) live[i >>> 6] |= 1L << i;
      this.liveCount = pages;
      assert invariant();
    }

    boolean isLive(int i) {
      return (live[i >>> 6] & (1L << i)) != 0;
    }

    Folio piece(int i) {
      assert isLive(i) : "page " + i + " of the split folio at pfn " + pfn + " is not live";
      if (pieces == null) pieces = new Folio[pages];
      assert pieces.length == pages : pieces.length + " pieces of " + pages + " pages";
      Folio f = pieces[i];
      if (f == null) pieces[i] = f = new Folio(gfn + i, Level.PG_LEVEL_4K, pfn + i, this);
      return f;
    }

    /** Field invariants (O(1)): the live count within the pages, a live bit per page, pieces per page. */
    boolean invariant() {
      assert pages > 0 : pages + " pages with " + live.length + " words";
      assert live.length == (pages + 63) / 64 : pages + " pages with " + live.length + " words";
      assert liveCount >= 0 : liveCount + " live pages of " + pages;
      assert liveCount <= pages : liveCount + " live pages of " + pages;
      assert pieces == null || pieces.length == pages : "pieces of a split of " + pages + " pages";
      return true;
    }

    void setLive(int i, boolean on) {
      if (isLive(i) == on) return;
      live[i >>> 6] ^= 1L << i;
      liveCount += on ? 1 : -1;
      assert isLive(i) == on;
      assert invariant();
    }
  }

  /** Any FolioChanged seen: only then is "a leaf with no live folio" a violation. */
  boolean observed;
  /** Any FolioRefChanged seen: only then are TDX refs checked (they exist in the v1 design option only). */
  boolean refsObserved;
  /** Live folios as allocated, by first pfn; split huge folios by their first pfn. */
  private final TreeMap<Long, Folio> byPfn = new TreeMap<>();
  private final TreeMap<Long, Split> splits = new TreeMap<>();
  private final List<Folio> refsDirty = new ArrayList<>();

  /**
   * Record a live folio or a freed one in the per-gfn arrays and the pfn index; returns the first folio that
   * backed these gfns before (freed or replaced), or null.
   */
  Folio changed(PageTables pt, long gfn, Level order, long pfn, boolean live) {
    observed = true;
    byte code = live ? Range2M.orderCode(order) : 0;
    long pages = order.pages();
    assert pt != null : "a folio change at gfn " + gfn + ", pfn " + pfn;
    assert order != null : "a folio change at gfn " + gfn + ", pfn " + pfn;
    assert pfn >= 0 : "a folio change at gfn " + gfn + ", pfn " + pfn;
    // a folio of order N covers the naturally aligned 2^N pages from its index (and its pfn, from the allocator)
    assert order.isAligned(gfn) && pfn % pages == 0 : "a " + order + " folio at gfn " + gfn + ", pfn " + pfn;
    Folio replaced = null;
    long carried = 0; // refs of the pieces a merge (kvm_gmem_restructure back to the huge order) joins
    for (long g = gfn; g < gfn + pages; ) {
      Folio old = backing(pt, g);
      if (old == null) {
        g++;
        continue;
      }
      drop(old);
      if (replaced == null) replaced = old;
      if (live && old.pfn >= pfn && old.pfn < pfn + pages) carried += old.refs;
      g = Math.max(g + 1, old.end());
    }
    for (long g = gfn; g < gfn + pages; ) {
      Range2M r = pt.range(g);
      int off = (int) (g & (Range2M.PAGES - 1));
      int to = (int) Math.min(Range2M.PAGES, off + (gfn + pages - g));
      r.setFolio(off, to, pfn + (g - gfn), code);
      assert to > off : "folio pages [" + off + ", " + to + ") of " + r.base;
      assert r.invariant() : "folio pages [" + off + ", " + to + ") of " + r.base;
      g += to - off;
    }
    Folio same = remove(pfn);
    assert live || backing(pt, gfn) == null : "a freed folio at gfn " + gfn + " still backs it";
    if (replaced == null) replaced = same;
    if (live && replaced != null && replaced.pfn == pfn && replaced.gfn == gfn && replaced.order == order) {
      put(replaced); // the same folio reported again: keep its refs
      return null;
    }
    if (live) {
      Folio f = new Folio(gfn, order, pfn);
      f.refs = carried;
      put(f);
      if (replaced != null && replaced.pfn == pfn) return null; // merged from its own pages: nothing freed
      assert containing(pfn) == f : "the new folio at pfn " + pfn + " is not found by its pfn";
    }
    return replaced;
  }

  /** A 2M folio at gfn became 512 4K folios; returns the 2M folio that was split (or null if unknown). */
  Folio split(PageTables pt, long gfn) {
    assert Level.PG_LEVEL_2M.isAligned(gfn) : "split of a 2M folio at the unaligned gfn " + gfn;
    Range2M r = pt.range(gfn);
    Folio big = at(r.folioPfn(0));
    r.folioOrder.replaceNonZero(Range2M.orderCode(Level.PG_LEVEL_4K));
    if (big != null && big.order != Level.PG_LEVEL_4K) {
      byPfn.remove(big.pfn);
      splits.put(big.pfn, new Split(big.gfn, big.pfn, (int) big.order.pages()));
      assert !byPfn.containsKey(big.pfn) : "split " + gfn;
      assert splits.get(big.pfn).liveCount == big.order.pages() : "split " + gfn;
    }
    return big;
  }

  /** The live 4K folio at pfn that is a page of a split huge folio, or null. */
  private Folio livePiece(Long pfn) {
    Long floor = splits.floorKey(pfn); // not floorEntry: it copies the entry on every lookup (JFR)
    if (floor == null) return null;
    Split s = splits.get(floor);
    long i = pfn - s.pfn;
    assert i >= 0 : "floorKey gave the split at " + s.pfn + " for pfn " + pfn;
    return i < s.pages && s.isLive((int) i) ? s.piece((int) i) : null;
  }

  /** The live folio whose first pfn is pfn, or null. */
  private Folio at(long pfn) {
    assert pfn >= 0 : "the folio at the pfn " + pfn;
    Long key = pfn; // boxed once for both maps
    Folio p = livePiece(key);
    return p != null ? p : byPfn.get(key);
  }

  /** Removes and returns the live folio whose first pfn is pfn, or null. */
  private Folio remove(long pfn) {
    assert pfn >= 0 : "removal of the folio at the pfn " + pfn;
    Long key = pfn; // boxed once for both maps
    Folio p = livePiece(key);
    if (p == null) return byPfn.remove(key);
    drop(p);
    return p;
  }

  private void drop(Folio f) {
    Split s = f.split;
    if (s == null) {
      byPfn.remove(f.pfn);
      assert byPfn.get(f.pfn) != f : "the dropped folio at pfn " + f.pfn + " is still indexed";
      return;
    }
    s.setLive((int) (f.pfn - s.pfn), false);
    if (s.liveCount == 0) splits.remove(s.pfn);
    assert !s.isLive((int) (f.pfn - s.pfn)) : "the dropped page at pfn " + f.pfn + " is still live";
  }

  private void put(Folio f) {
    Split s = f.split;
    if (s == null) {
      byPfn.put(f.pfn, f);
      assert byPfn.get(f.pfn) == f : "folio at pfn " + f.pfn + " not indexed";
      return;
    }
    if (s.liveCount == 0) splits.put(s.pfn, s);
    s.setLive((int) (f.pfn - s.pfn), true);
    assert splits.get(s.pfn) == s : "page at pfn " + f.pfn + " not live";
    assert s.isLive((int) (f.pfn - s.pfn)) : "page at pfn " + f.pfn + " not live";
  }

  /** The live folio containing pfn, or null. */
  Folio containing(long pfn) {
    Long key = pfn; // boxed once for both maps
    Folio p = livePiece(key);
    if (p != null) return p;
    Long floor = byPfn.floorKey(key);
    if (floor == null) return null;
    Folio f = byPfn.get(floor);
    return pfn < f.pfn + f.order.pages() ? f : null;
  }

  /** The live folio backing gfn (looked up by the gfn's pfn), or null. */
  Folio backing(PageTables pt, long gfn) {
    Range2M r = pt.peekRange(gfn);
    if (r == null) return null;
    int off = (int) (gfn & (Range2M.PAGES - 1));
    return r.folioOrder.get(off) == 0 ? null : containing(r.folioPfn(off));
  }

  void markRefsDirty(Folio f) {
    if (f != null && !f.refsDirty) {
      f.refsDirty = true;
      refsDirty.add(f);
      assert f.refsDirty : "folio at pfn " + f.pfn + " queued but not marked";
    }
  }

  /** Mark every folio backing [gfn, gfn + pages) for a refs check at the next rest point. */
  void markRefsDirty(PageTables pt, long gfn, long pages) {
    assert pages > 0 : "markRefsDirty of " + pages + " pages";
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
    assert refsObserved || refsDirty.isEmpty() : "folios queued for a refs check though no refs were seen";
    return refsDirty;
  }

  /**
   * The live folios on which TDX holds references, by pfn (the pages of a split folio that nobody looked at hold
   * none).
   */
  List<Folio> withRefs() {
    List<Folio> out = new ArrayList<>();
    for (Folio f : byPfn.values()) if (f.refs != 0) out.add(f);
    for (Split s : splits.values()) {
      if (s.pieces == null) continue;
      for (int i = 0; i < s.pages; i++) {
        Folio f = s.pieces[i];
        if (f != null && f.refs != 0 && s.isLive(i)) out.add(f);
      }
    }
    out.sort((a, b) -> Long.compare(a.pfn, b.pfn));
    assert refsObserved || out.isEmpty() : "TDX refs on folios though no FolioRefChanged was seen";
    return out;
  }

  /** Pages of [f.gfn, f.end()) that some live S-EPT leaf maps: what v1's refcount must equal [P1-08]. */
  static long mappedPages(PageTables pt, Folio f) {
    assert f != null : "mapped pages of no folio";
    assert f.order != null : "mapped pages of no folio";
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
    assert total >= 0 : total + " mapped pages of the folio at pfn " + f.pfn;
    return total;
  }

  private static long overlap(long a0, long a1, long b0, long b1) {
    assert a0 <= a1 : "overlap of [" + a0 + ", " + a1 + ") and [" + b0 + ", " + b1 + ")";
    assert b0 <= b1 : "overlap of [" + a0 + ", " + a1 + ") and [" + b0 + ", " + b1 + ")";
    return Math.max(0, Math.min(a1, b1) - Math.max(a0, b0));
  }
}
