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
    assert base >= 0 : "a 2M range at the unaligned gfn " + base;
    assert (base & (PAGES - 1)) == 0 : "a 2M range at the unaligned gfn " + base;
    assert invariant();
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

  /** The 4K entry at {@code off} if it is not packed, else null (no view made). */
  Entry e4kUnpacked(int off) {
    return e4k == null ? null : e4k[off];
  }

  /** The 4K entry at {@code off} is packed: {@link #packed()} reads it without making a view. */
  boolean isPacked(int off) {
    return e4k != null && e4k[off] == null && packed != null && packed.has(off);
  }

  Packed4k packed() {
    return packed;
  }

  /** What {@link Entry#mapsAnything} says of the 4K entry at {@code off} (false if none), making no view. */
  boolean maps4k(int off) {
    Entry e = e4kUnpacked(off);
    if (e != null) return e.mapsAnything();
    return isPacked(off) && (packed.mirrorLeaf(off) || packed.sept(off).isLeaf()); // packed: never frozen
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
    assert e.gfn == base + off : "4K entry " + off + " is " + e.where();
    assert e.level == Level.PG_LEVEL_4K : "4K entry " + off + " is " + e.where();
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
    assert e2m.gfn == base : "the 2M entry of " + base + " is " + e2m.where();
    assert e2m.level == Level.PG_LEVEL_2M : "the 2M entry of " + base + " is " + e2m.where();
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
    assert folioPfn(from) == pfn : "folio pfns of [" + from + ", " + to + ")";
    assert folioPfn(to - 1) == pfn + (to - 1 - from) : "folio pfns of [" + from + ", " + to + ")";
  }

  boolean has4kEntries() {
    assert e4k == null || e4k.length == PAGES : "4K entries of " + e4k.length + " pages";
    return e4k != null;
  }

  /**
   * Field invariants (O(1)), checked after each mutation by the trackers: the leaf and FROZEN counts within what
   * one 2M range holds (512 4K entries and its 2M entry), the level history one of its three values, the 2M entry
   * at the range's base.
   */
  boolean invariant() {
    assert mirrorLeaves4k >= 0 : mirrorLeaves4k + " 4K mirror leaves in " + base;
    assert mirrorLeaves4k <= PAGES : mirrorLeaves4k + " 4K mirror leaves in " + base;
    assert septLeaves4k >= 0 : septLeaves4k + " 4K S-EPT leaves in " + base;
    assert septLeaves4k <= PAGES : septLeaves4k + " 4K S-EPT leaves in " + base;
    assert frozen >= 0 : frozen + " FROZEN SPTEs in " + base;
    assert frozen <= PAGES + 1 : frozen + " FROZEN SPTEs in " + base;
    assert history == HIST_NONE || history == HIST_HUGE || history == HIST_SPLIT : "level history " + history;
    assert e2m == null || e2m.gfn == base && e2m.level == Level.PG_LEVEL_2M : "the 2M entry of " + base;
    assert (septLeaves4k == 0 && mirrorLeaves4k == 0) || e4k != null : "4K leaves counted without 4K entries";
    return true;
  }

  /**
   * The counts kept incrementally equal what the entries hold (O(512)): for the end of a run, never per delivery.
   */
  boolean countsExact() {
    int mirror = 0, sept = 0, frozenNow = e2m != null && e2m.isFrozen() ? 1 : 0;
    for (int i = 0; e4k != null && i < PAGES; i++) {
      Entry e = e4k[i];
      if (e == null && packed != null && packed.has(i)) { // read from its code byte, no view made: never frozen
        if (packed.mirrorLeaf(i)) mirror++;
        if (packed.sept(i).isLeaf()) sept++;
        continue;
      }
      if (e == null) continue;
      if (e.mirrorMaps()) mirror++;
      if (e.septLeaf()) sept++;
      if (e.isFrozen()) frozenNow++;
    }
    assert mirror == mirrorLeaves4k : "2M range " + base + " counts " + mirrorLeaves4k + " 4K mirror leaves of " + mirror;
    assert sept == septLeaves4k : "2M range " + base + " counts " + septLeaves4k + " 4K S-EPT leaves of " + sept;
    assert frozenNow == frozen : "2M range " + base + " counts " + frozen + " FROZEN SPTEs of " + frozenNow;
    return true;
  }

  static byte orderCode(Level l) {
    assert l != null : "the order code of no level";
    return (byte) (l.ordinal() + 1);
  }
}
