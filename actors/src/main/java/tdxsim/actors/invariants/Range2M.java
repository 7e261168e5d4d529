package tdxsim.actors.invariants;

import tdxsim.protocol.Level;

/**
 * Everything the checker tracks for one naturally aligned 2M range of gfns: its 2M entry, its 512 4K entries
 * (allocated on first touch), per-gfn memory attributes and backing folios (one value for the whole range until
 * its pages differ), the GUEST_INHIBIT bit for 2M, the
 * level history (R2), the smallest ACCEPT level requested, and per-user mapping bits. Keying state by 2M range keeps
 * every incremental check local to the ranges an observation touches.
 */
final class Range2M {
  static final int PAGES = 512;

  static final byte ATTR_UNKNOWN = 0;
  static final byte ATTR_PRIVATE = 1;
  static final byte ATTR_SHARED = 2;

  /** {@link #history}: no 2M leaf yet / a 2M leaf was installed / split to 4K after a 2M leaf. */
  static final int HIST_NONE = 0;
  static final int HIST_HUGE = 1;
  static final int HIST_SPLIT = 2;

  final long base;
  Entry e2m;
  private Entry[] e4k;
  /** 4K entries packed to a byte after their checks ({@link #pack}); a slot is in e4k or here, not both. */
  private Packed4k packed;

  /** 4K entries with a mirror mapping / an S-EPT leaf; entries (2M or 4K) whose SPTE is FROZEN. */
  int mirrorLeaves4k;
  int septLeaves4k;
  int frozen;

  /** Per gfn: the memory attribute, and the order of the live folio backing it (0 = none, else Level.ordinal() + 1). */
  final PageBytes attr = new PageBytes();
  final PageBytes folioOrder = new PageBytes();
  /**
   * The pfn last recorded for each gfn (kept when its folio is freed): {@code pfnOrigin + off} for every page while
   * {@code folioPfn} is null (0 for all before the first folio), per page once a folio's pages are not those of one
   * run of pfns over the range.
   */
  private long pfnOrigin;
  private boolean pfnSet;
  private long[] folioPfn;

  boolean inhibit2m;
  int history = HIST_NONE;
  /** Smallest ACCEPT level any vCPU requested in this range, or null. */
  Level minAccept;
  /** mapped bits per invalidation user (index from {@link UserMappings}); allocated on first mapping. */
  long[][] userBits;

  Range2M(long base) {
    this.base = base;
  }

  /**
   * The 4K entry at {@code off} to read, or null: a packed one is made afresh and stays packed, so a caller must not
   * change it (the trackers change entries they get from {@link #e4kCreate}).
   */
  Entry e4k(int off) {
    if (e4k == null) return null;
    Entry e = e4k[off];
    return e != null || packed == null || !packed.has(off) ? e : packed.view(base + off, off);
  }

  /** The 4K entry at {@code off} to change (a packed one is unpacked), or null if there is none. */
  Entry e4kIfAny(int off) {
    return e4k == null || (e4k[off] == null && (packed == null || !packed.has(off))) ? null : e4kCreate(off);
  }

  Entry e4kCreate(int off) {
    assert off >= 0 && off < PAGES : "4K entry " + off + " of the 2M range " + base;
    if (e4k == null) e4k = new Entry[PAGES];
    Entry e = e4k[off];
    if (e == null) {
      e = packed != null && packed.has(off) ? packed.unpack(base + off, off) : new Entry(base + off, Level.PG_LEVEL_4K);
      e4k[off] = e;
    }
    return e;
  }

  /** Packs the 4K entry {@code e} of this range if it holds nothing but its states (see {@link Packed4k}). */
  void pack(Entry e) {
    int off = (int) (e.gfn - base);
    assert e.level == Level.PG_LEVEL_4K && e4k != null && e4k[off] == e : e.where() + " is not this range's entry";
    if (packed == null) packed = new Packed4k();
    if (packed.pack(e, off)) e4k[off] = null;
  }

  Entry e2mCreate() {
    if (e2m == null) e2m = new Entry(base, Level.PG_LEVEL_2M);
    return e2m;
  }

  long folioPfn(int off) {
    if (folioPfn != null) return folioPfn[off];
    return pfnSet ? pfnOrigin + off : 0;
  }

  /** Records a folio's pages [from, to) of this range: pfn {@code pfn} at {@code from} and on, order {@code code}. */
  void setFolio(int from, int to, long pfn, byte code) {
    assert 0 <= from && from < to && to <= PAGES && code >= 0 : "folio [" + from + ", " + to + ") order " + code;
    assert code != orderCode(Level.PG_LEVEL_2M) || from == 0 && to == PAGES : "a 2M folio over part of " + base;
    folioOrder.set(from, to, code);
    if (from == 0 && to == PAGES) {
      folioPfn = null;
      pfnSet = true;
      pfnOrigin = pfn;
      return;
    }
    if (folioPfn == null) {
      if (pfnSet && pfnOrigin + from == pfn) return; // the same run of pfns: nothing changes
      long[] each = new long[PAGES];
      for (int i = 0; i < PAGES; i++) each[i] = folioPfn(i);
      folioPfn = each;
    }
    for (int i = from; i < to; i++) folioPfn[i] = pfn + (i - from);
  }

  boolean has4kEntries() {
    return e4k != null;
  }

  static byte orderCode(Level l) {
    return (byte) (l.ordinal() + 1);
  }
}
