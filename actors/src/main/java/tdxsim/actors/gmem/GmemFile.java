package tdxsim.actors.gmem;

import java.util.BitSet;
import tdxsim.actors.monitor.GmemObservation.AttributesChanged;
import tdxsim.actors.monitor.GmemObservation.FolioChanged;
import tdxsim.actors.monitor.GmemObservation.FolioRefChanged;
import tdxsim.actors.monitor.GmemObservation.FolioSplit;
import tdxsim.actors.monitor.Monitor;
import tdxsim.protocol.KvmReply;
import tdxsim.protocol.Level;

/**
 * The guest_memfd file bound to the private memslot [base, base + pages) (index = gfn - base): its folios and
 * the per-page shareability (in-place conversion, private by default).
 *
 * <p>Folios: a 2M folio whenever the 2M range is naturally aligned (it always is here), wholly inside the file
 * and uniform in attributes [C1, P1-01]; otherwise 4K folios. A 2M folio is split into 4K folios (restructuring)
 * only by a conversion or punch hole, after KVM's mappings over it were zapped or split [C3 Base]. A split range
 * goes back to huge folios only once all its 4K folios were truncated. Pfns: 2M folios come from a 2M-aligned
 * pool, 4K folios from another; a pfn is never reused, so a reallocated page has a new pfn.
 *
 * <p>v1 design option: folio references held by TDX, counted per 4K page so that a 2M folio's count is the sum
 * over its pages [P1-08].
 */
final class GmemFile {
  private static final int NONE = 0;
  private static final int HUGE = 1;
  private static final int SMALL = 2;
  private static final int PAGES_2M = 512;

  private final long base;
  private final int pages;
  private final Monitor monitor;
  private final int[] folioKind;
  private final long[] hugePfn;
  private final long[] smallPfn;
  private final BitSet shared = new BitSet();
  private final int[] tdxRefs;
  private long next2MPfn = 0x100000L;
  private long next4KPfn = 0x8000000L;

  GmemFile(long base, long pages, Monitor monitor) {
    this.base = base;
    this.pages = (int) pages;
    this.monitor = monitor;
    int ranges = this.pages / PAGES_2M;
    this.folioKind = new int[ranges];
    this.hugePfn = new long[ranges];
    this.smallPfn = new long[this.pages];
    this.tdxRefs = new int[this.pages];
  }

  boolean contains(long gfn) {
    return gfn >= base && gfn < base + pages;
  }

  private int idx(long gfn) {
    return (int) (gfn - base);
  }

  private long gfnOf(int idx) {
    return base + idx;
  }

  boolean isPrivate(long gfn) {
    return !shared.get(idx(gfn));
  }

  /** All pages of the 2M range r have the same attribute. */
  boolean uniform(int r) {
    int from = r * PAGES_2M;
    int firstShared = shared.nextSetBit(from);
    boolean anyShared = firstShared >= 0 && firstShared < from + PAGES_2M;
    int firstPrivate = shared.nextClearBit(from);
    boolean anyPrivate = firstPrivate < from + PAGES_2M;
    return !(anyShared && anyPrivate);
  }

  /**
   * kvm_gmem_get_pfn: the folio for gfn, allocated (kvm_gmem_get_folio) if the page has none: a 2M folio if the
   * range allows it. The maximum mapping level is the folio's order.
   */
  KvmReply.PfnResult getPfn(long gfn, long tag) {
    if (!contains(gfn)) return new KvmReply.PfnResult(gfn, 0, Level.PG_LEVEL_4K, false, "-EFAULT", tag);
    int i = idx(gfn);
    int r = i / PAGES_2M;
    if (folioKind[r] == NONE) {
      if (uniform(r)) {
        folioKind[r] = HUGE;
        hugePfn[r] = next2MPfn;
        next2MPfn += PAGES_2M;
        monitor.observe(new FolioChanged(gfnOf(r * PAGES_2M), Level.PG_LEVEL_2M, hugePfn[r], true));
      } else {
        folioKind[r] = SMALL;
      }
    }
    if (folioKind[r] == HUGE) {
      return new KvmReply.PfnResult(gfn, hugePfn[r] + (i % PAGES_2M), Level.PG_LEVEL_2M, isPrivate(gfn), null, tag);
    }
    if (smallPfn[i] == 0) {
      smallPfn[i] = next4KPfn++;
      monitor.observe(new FolioChanged(gfn, Level.PG_LEVEL_4K, smallPfn[i], true));
    }
    return new KvmReply.PfnResult(gfn, smallPfn[i], Level.PG_LEVEL_4K, isPrivate(gfn), null, tag);
  }

  /** Set the shareability of [start, end) (the in-place conversion's maple tree update). */
  void setAttributes(long start, long end, boolean toPrivate) {
    if (toPrivate) {
      shared.clear(idx(start), idx(end));
    } else {
      shared.set(idx(start), idx(end));
    }
    monitor.observe(new AttributesChanged(start, end, toPrivate));
  }

  /** The 2M ranges overlapping [start, end) that a restructuring must split: huge folios partly inside it. */
  boolean needsSplit(int r, long start, long end) {
    long rs = gfnOf(r * PAGES_2M);
    long re = rs + PAGES_2M;
    boolean partial = start > rs || end < re;
    return folioKind[r] == HUGE && partial;
  }

  int firstRange(long start) {
    return idx(start) / PAGES_2M;
  }

  int lastRange(long end) {
    return (idx(end) - 1) / PAGES_2M;
  }

  long rangeBase(int r) {
    return gfnOf(r * PAGES_2M);
  }

  /** v1: TDX holds references on a page of the folios this restructuring would split or free. */
  boolean tdxRefsHeld(long start, long end, boolean wholeFoliosOnly) {
    for (int r = firstRange(start); r <= lastRange(end); r++) {
      if (wholeFoliosOnly && !needsSplit(r, start, end)) continue;
      int from = r * PAGES_2M;
      for (int i = from; i < from + PAGES_2M; i++) if (tdxRefs[i] != 0) return true;
    }
    return false;
  }

  /** Split the huge folio of range r into 512 4K folios (same pfns). */
  void splitFolio(int r) {
    if (folioKind[r] != HUGE) return;
    folioKind[r] = SMALL;
    int from = r * PAGES_2M;
    for (int c = 0; c < PAGES_2M; c++) smallPfn[from + c] = hugePfn[r] + c;
    monitor.observe(new FolioSplit(gfnOf(from)));
  }

  /** Restructure for a conversion of [start, end): split the huge folios it covers partly. */
  void splitFoliosFor(long start, long end) {
    for (int r = firstRange(start); r <= lastRange(end); r++) {
      if (needsSplit(r, start, end)) splitFolio(r);
    }
  }

  /** truncate_inode_pages_range over [start, end): free the folios in it (a huge folio partly inside is split). */
  void truncate(long start, long end) {
    for (int r = firstRange(start); r <= lastRange(end); r++) {
      if (needsSplit(r, start, end)) splitFolio(r);
      int from = r * PAGES_2M;
      if (folioKind[r] == HUGE) {
        monitor.observe(new FolioChanged(gfnOf(from), Level.PG_LEVEL_2M, hugePfn[r], false));
        folioKind[r] = NONE;
        hugePfn[r] = 0;
        continue;
      }
      if (folioKind[r] != SMALL) continue;
      for (int i = Math.max(from, idx(start)); i < Math.min(from + PAGES_2M, idx(end)); i++) {
        if (smallPfn[i] != 0) {
          monitor.observe(new FolioChanged(gfnOf(i), Level.PG_LEVEL_4K, smallPfn[i], false));
          smallPfn[i] = 0;
        }
      }
      boolean empty = true;
      for (int i = from; i < from + PAGES_2M && empty; i++) empty = smallPfn[i] == 0;
      if (empty) folioKind[r] = NONE;
    }
  }

  /**
   * v1 folio_ref_add / folio_put_refs over the pages [gfn, gfn + count) (one reference per 4K page, i.e.
   * KVM_PAGES_PER_HPAGE(level) for a leaf); reported per folio with its new total.
   */
  void folioRef(long gfn, long count, int sign) {
    int i0 = idx(gfn);
    int r0 = i0 / PAGES_2M;
    int r1 = (i0 + (int) count - 1) / PAGES_2M;
    for (int r = r0; r <= r1; r++) {
      int from = Math.max(i0, r * PAGES_2M);
      int to = Math.min(i0 + (int) count, (r + 1) * PAGES_2M);
      if (folioKind[r] == HUGE) {
        for (int i = from; i < to; i++) tdxRefs[i] += sign;
        long total = 0;
        for (int i = r * PAGES_2M; i < (r + 1) * PAGES_2M; i++) total += tdxRefs[i];
        monitor.observe(new FolioRefChanged(hugePfn[r], (long) sign * (to - from), total));
      } else {
        for (int i = from; i < to; i++) {
          tdxRefs[i] += sign;
          monitor.observe(new FolioRefChanged(smallPfn[i], sign, tdxRefs[i]));
        }
      }
    }
  }
}
