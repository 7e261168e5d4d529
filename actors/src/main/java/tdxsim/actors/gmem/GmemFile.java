package tdxsim.actors.gmem;

import java.util.BitSet;
import tdxsim.actors.monitor.GmemObservation.AttributesChanged;
import tdxsim.actors.monitor.GmemObservation.FolioChanged;
import tdxsim.actors.monitor.GmemObservation.FolioRefChanged;
import tdxsim.actors.monitor.GmemObservation.FolioSplit;
import tdxsim.actors.monitor.Monitor;
import tdxsim.protocol.Errno;
import tdxsim.protocol.KvmReply;
import tdxsim.protocol.Level;

/**
 * The guest_memfd file bound to the private memslot [base, base + pages) (index = gfn - base): a hugetlb
 * guest_memfd of page_order 9 (2M) with in-place conversion, its folios and the per-page shareability (private by
 * default) [C3 Base, GMEM-BASE].
 *
 * <p>Folios: kvm_gmem_get_folio allocates a 2M folio (the 2M range is naturally aligned here), and
 * __maybe_split_fresh_folio splits a fresh one to order 0 unless its whole range is private. kvm_gmem_restructure
 * splits the huge folio to order 0 on every to-shared conversion and merges it back on a to-private conversion that
 * leaves the whole huge page private [GMEM-BASE kvm_gmem_restructure]. A split folio keeps its pages, so it can be
 * merged again. Punch holes are folio-aligned (kvm_gmem_fallocate refuses others with -EINVAL) and truncate whole
 * folios. Pfns are never reused, so a reallocated page has a new pfn.
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
  /** Per 2M range, the pfn of its huge folio; a split folio keeps its pages, so page c of it is hugePfn + c. */
  private final long[] hugePfn;
  private final BitSet shared = new BitSet();
  /** v1 TDX references per 4K page, per 2M range, allocated on a range's first reference. */
  private final int[][] tdxRefs;
  private long next2MPfn = 0x100000L;

  GmemFile(long base, long pages, Monitor monitor) {
    this.base = base;
    this.pages = (int) pages;
    assert pages > 0 && pages % PAGES_2M == 0 && base % PAGES_2M == 0 : "guest_memfd of " + pages + " at " + base;
    this.monitor = monitor;
    int ranges = this.pages / PAGES_2M;
    this.folioKind = new int[ranges];
    this.hugePfn = new long[ranges];
    this.tdxRefs = new int[ranges][];
    assert monitor != null && ranges >= 1 && rangeInvariant(0) : "guest_memfd without a monitor";
  }

  /**
   * The folio fields of 2M range r: a huge folio never covers a shared page (kvm_gmem_get_folio splits a fresh one,
   * kvm_gmem_restructure splits on to-shared); a folio has a 2M-aligned pfn handed out before; no folio, no pfn.
   * (The v1 reference counts are not checked here: the refcount mutation unbalances them on purpose.)
   */
  private boolean rangeInvariant(int r) {
    assert r >= 0 && r < folioKind.length : "no 2M range " + r;
    assert folioKind[r] == NONE || folioKind[r] == HUGE || folioKind[r] == SMALL : "folio kind " + folioKind[r];
    assert folioKind[r] != HUGE || allPrivate(r) : "a huge folio over a shared page in range " + r;
    assert folioKind[r] == NONE ? hugePfn[r] == 0 : hugePfn[r] % PAGES_2M == 0 && hugePfn[r] < next2MPfn
        : "range " + r + " folio pfn " + hugePfn[r];
    return true;
  }

  boolean contains(long gfn) {
    return gfn >= base && gfn < base + pages;
  }

  private int idx(long gfn) {
    return (int) (gfn - base);
  }

  private long gfnOf(int idx) {
    assert idx >= 0 && idx <= pages : "index " + idx + " outside the file";
    return base + idx;
  }

  boolean isPrivate(long gfn) {
    assert contains(gfn) : "kvm_gmem_get_memory_attributes outside the file: " + gfn;
    return !shared.get(idx(gfn));
  }

  /** All pages of the 2M range r have the same attribute (the lpage_info mixed flag of the VM-attribute path). */
  boolean uniform(int r) {
    assert r >= 0 && r < folioKind.length : "no 2M range " + r;
    int from = r * PAGES_2M;
    int firstShared = shared.nextSetBit(from);
    boolean anyShared = firstShared >= 0 && firstShared < from + PAGES_2M;
    int firstPrivate = shared.nextClearBit(from);
    boolean anyPrivate = firstPrivate < from + PAGES_2M;
    return !(anyShared && anyPrivate);
  }

  /**
   * kvm_gmem_get_pfn: the folio for gfn, allocated (kvm_gmem_get_folio) if the page has none: a 2M hugetlb folio,
   * split at once to order 0 unless the whole 2M range is private (__maybe_split_fresh_folio). The maximum mapping
   * level is the folio's order; {@code isPrivate} is the attribute read that the caller passes in (the lockless
   * kvm_mem_is_private read the fault made before kvm_gmem_get_pfn).
   */
  KvmReply.PfnResult getPfn(long gfn, boolean isPrivate, long tag) {
    if (!contains(gfn)) return new KvmReply.PfnResult(gfn, 0, Level.PG_LEVEL_4K, false, Errno.EFAULT, tag);
    int i = idx(gfn);
    int r = i / PAGES_2M;
    if (folioKind[r] == NONE) {
      folioKind[r] = HUGE;
      hugePfn[r] = next2MPfn;
      next2MPfn += PAGES_2M;
      assert hugePfn[r] % PAGES_2M == 0 : "a 2M folio at pfn " + hugePfn[r] + ", not aligned to its order";
      monitor.observe(new FolioChanged(gfnOf(r * PAGES_2M), Level.PG_LEVEL_2M, hugePfn[r], true));
      if (!allPrivate(r)) splitFolio(r);
    }
    assert folioKind[r] != NONE && (folioKind[r] == SMALL || allPrivate(r)) : "a huge folio over a shared page";
    assert rangeInvariant(r);
    if (folioKind[r] == HUGE) {
      return new KvmReply.PfnResult(gfn, hugePfn[r] + (i % PAGES_2M), Level.PG_LEVEL_2M, isPrivate, null, tag);
    }
    return new KvmReply.PfnResult(gfn, smallPfn(i), Level.PG_LEVEL_4K, isPrivate, null, tag);
  }

  /** kvm_gmem_get_pfn answered at once (nothing holds filemap_invalidate_lock): attribute read now. */
  KvmReply.PfnResult getPfn(long gfn, long tag) {
    return getPfn(gfn, contains(gfn) && isPrivate(gfn), tag);
  }

  /** The pfn of the 4K folio at index i of a split huge page (the huge folio's page); 0 where no folio is. */
  private long smallPfn(int i) {
    assert i >= 0 && i < pages : "page " + i + " outside the file";
    int r = i / PAGES_2M;
    return folioKind[r] == NONE ? 0 : hugePfn[r] + i % PAGES_2M;
  }

  /** Every page of the 2M range r is private (kvm_gmem_range_has_attributes(..., PRIVATE)). */
  private boolean allPrivate(int r) {
    assert r >= 0 && r < folioKind.length : "no 2M range " + r;
    int from = r * PAGES_2M;
    int firstShared = shared.nextSetBit(from);
    return firstShared < 0 || firstShared >= from + PAGES_2M;
  }

  /** Set the shareability of [start, end) (the in-place conversion's maple tree update). */
  void setAttributes(long start, long end, boolean toPrivate) {
    assert contains(start) && start < end && end <= base + pages : "attributes outside the file: " + start;
    if (toPrivate) {
      shared.clear(idx(start), idx(end));
    } else {
      shared.set(idx(start), idx(end));
    }
    assert hasAttributes(start, end, toPrivate) : "attributes of [" + start + ", " + end + ") not stored";
    monitor.observe(new AttributesChanged(start, end, toPrivate));
  }

  /** kvm_gmem_fallocate: offset and length aligned to the folio size (PAGE_SIZE << page_order). */
  boolean folioAligned(long start, long end) {
    assert start <= end : "an inverted range [" + start + ", " + end + ")";
    return idx(start) % PAGES_2M == 0 && idx(end) % PAGES_2M == 0;
  }

  /** kvm_gmem_compute_invalidate_start: the index rounded down to the page order. */
  long hugePageStart(long gfn) {
    assert gfn >= base : "kvm_gmem_compute_invalidate_start below the file: " + gfn;
    return gfnOf(Math.floorDiv(idx(gfn), PAGES_2M) * PAGES_2M);
  }

  /** kvm_gmem_compute_invalidate_end: the index rounded up to the page order. */
  long hugePageEnd(long gfn) {
    assert gfn <= base + pages : "kvm_gmem_compute_invalidate_end past the file: " + gfn;
    return gfnOf(Math.floorDiv(idx(gfn) + PAGES_2M - 1, PAGES_2M) * PAGES_2M);
  }

  /** kvm_gmem_range_has_attributes: every page of [start, end) already has the attribute. */
  boolean hasAttributes(long start, long end, boolean isPrivate) {
    assert start <= end : "attributes of the inverted range [" + start + ", " + end + ")";
    int from = idx(start);
    int to = idx(end);
    int first = isPrivate ? shared.nextSetBit(from) : shared.nextClearBit(from);
    return first < 0 || first >= to;
  }

  int firstRange(long start) {
    assert contains(start) : "first range of " + start;
    return idx(start) / PAGES_2M;
  }

  int lastRange(long end) {
    assert end > base && end <= base + pages : "last range before " + end;
    return (idx(end) - 1) / PAGES_2M;
  }

  long rangeBase(int r) {
    assert r >= 0 && r < folioKind.length : "no 2M range " + r;
    return gfnOf(r * PAGES_2M);
  }

  /**
   * v1: TDX holds references on a page of the folios over [start, end) that a restructuring ({@code hugeOnly}:
   * only huge folios are restructured) or a truncation would touch.
   */
  boolean tdxRefsHeld(long start, long end, boolean hugeOnly) {
    assert start < end && contains(start) : "TDX references over [" + start + ", " + end + ")";
    for (int r = firstRange(start); r <= lastRange(end); r++) {
      if (hugeOnly && folioKind[r] != HUGE) continue;
      int[] refs = tdxRefs[r];
      if (refs == null) continue;
      for (int c = 0; c < PAGES_2M; c++) if (refs[c] != 0) return true;
    }
    return false;
  }

  /** Split the huge folio of range r into 512 4K folios (same pfns). */
  void splitFolio(int r) {
    assert r >= 0 && r < folioKind.length && folioKind[r] != NONE : "split of an absent folio in range " + r;
    if (folioKind[r] != HUGE) return;
    folioKind[r] = SMALL;
    assert rangeInvariant(r);
    monitor.observe(new FolioSplit(gfnOf(r * PAGES_2M)));
  }

  /**
   * kvm_gmem_restructure of [start, end) (one batch: inside one huge page): to order 0 when converting to shared;
   * back to the huge order when converting to private and the rest of the huge page is private too
   * [GMEM-BASE kvm_gmem_restructure].
   */
  void restructure(long start, long end, boolean toPrivate) {
    assert contains(start) && start < end && end <= base + pages : "restructure outside the file: " + start;
    for (int r = firstRange(start); r <= lastRange(end); r++) {
      if (folioKind[r] == NONE) continue;
      if (!toPrivate) {
        splitFolio(r);
        assert folioKind[r] == SMALL : "a to-shared conversion leaves no huge folio in range " + r;
        continue;
      }
      int from = r * PAGES_2M;
      int lo = Math.max(from, idx(start));
      int hi = Math.min(from + PAGES_2M, idx(end));
      int s1 = shared.nextSetBit(from);
      boolean headPrivate = s1 < 0 || s1 >= lo;
      int s2 = shared.nextSetBit(hi);
      boolean tailPrivate = s2 < 0 || s2 >= from + PAGES_2M;
      if (folioKind[r] == SMALL && headPrivate && tailPrivate) {
        folioKind[r] = HUGE;
        monitor.observe(new FolioChanged(gfnOf(from), Level.PG_LEVEL_2M, hugePfn[r], true));
      }
    }
  }

  /**
   * merge_truncate_range over the folio-aligned [start, end): every folio in it is freed (a split huge page's 4K
   * folios one by one; the kernel merges them first, which changes nothing the model observes).
   */
  void truncate(long start, long end) {
    if (!folioAligned(start, end)) throw new IllegalStateException("unaligned truncate " + start);
    for (int r = firstRange(start); r <= lastRange(end); r++) {
      int from = r * PAGES_2M;
      if (folioKind[r] == HUGE) {
        monitor.observe(new FolioChanged(gfnOf(from), Level.PG_LEVEL_2M, hugePfn[r], false));
      } else if (folioKind[r] == SMALL) {
        for (int i = from; i < from + PAGES_2M; i++) {
          monitor.observe(new FolioChanged(gfnOf(i), Level.PG_LEVEL_4K, smallPfn(i), false));
        }
      }
      folioKind[r] = NONE;
      hugePfn[r] = 0;
      assert rangeInvariant(r) && (tdxRefs[r] == null || !tdxRefsHeld(rangeBase(r), rangeBase(r) + PAGES_2M, false))
          : "a folio truncated with TDX references in range " + r;
    }
  }

  /**
   * v1 folio_ref_add / folio_put_refs over the pages [gfn, gfn + count) (one reference per 4K page, i.e.
   * KVM_PAGES_PER_HPAGE(level) for a leaf); reported per folio with its new total.
   */
  void folioRef(long gfn, long count, int sign) {
    assert (sign == 1 || sign == -1) && count > 0 && contains(gfn) && contains(gfn + count - 1) : gfn + "+" + count;
    int i0 = idx(gfn);
    int r0 = i0 / PAGES_2M;
    int r1 = (i0 + (int) count - 1) / PAGES_2M;
    for (int r = r0; r <= r1; r++) {
      int from = Math.max(i0, r * PAGES_2M);
      int to = Math.min(i0 + (int) count, (r + 1) * PAGES_2M);
      assert rangeInvariant(r);
      if (tdxRefs[r] == null) tdxRefs[r] = new int[PAGES_2M];
      int[] refs = tdxRefs[r];
      int off = r * PAGES_2M;
      if (folioKind[r] == HUGE) {
        for (int i = from; i < to; i++) refs[i - off] += sign;
        long total = 0;
        for (int c = 0; c < PAGES_2M; c++) total += refs[c];
        monitor.observe(new FolioRefChanged(hugePfn[r], (long) sign * (to - from), total));
      } else {
        for (int i = from; i < to; i++) {
          refs[i - off] += sign;
          monitor.observe(new FolioRefChanged(smallPfn(i), sign, refs[i - off]));
        }
      }
    }
  }
}
