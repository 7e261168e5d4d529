package tdxsim.actors.invariants;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tdxsim.protocol.Level;

/**
 * Index of the checker's per-position state: 2M ranges (holding 2M and 4K entries) and 1G entries, keyed by gfn
 * (never by identity, so iteration is replayable). Also remembers at which levels each side (mirror, S-EPT)
 * reports at all: a level above everything one side reports is fixed structure on that side (for example a
 * mirror whose 1G entries are the roots of its shards), and agreement or parent checks are skipped there.
 */
final class PageTables {
  /** The 2M ranges in creation order (what {@link #ranges()} iterates) and their index by 2M number. */
  private final List<Range2M> ranges = new ArrayList<>();
  /**
   * Open addressing by 2M index (gfn / 512), linear probing, a power of two at most half full: the checker
   * looks a range up several times per observation, and a boxed-Long map made that a tenth of a small world's
   * exploration time (JFR). Ranges are never removed.
   */
  private Range2M[] index = new Range2M[64];
  private final Map<Long, Entry> huge = new LinkedHashMap<>();
  private Range2M last;
  private final boolean[] mirrorLevels = new boolean[Level.values().length];
  private final boolean[] septLevels = new boolean[Level.values().length];

  Range2M range(long gfn) {
    assert gfn >= 0 : "the 2M range of the gfn " + gfn;
    long b = gfn & ~(Range2M.PAGES - 1L);
    Range2M r = last;
    if (r != null && r.base == b) return r;
    r = lookup(b);
    if (r == null) r = add(new Range2M(b));
    assert r.base == b : "the 2M range of " + gfn + " found at " + r.base;
    return last = r;
  }

  Range2M peekRange(long gfn) {
    long b = gfn & ~(Range2M.PAGES - 1L);
    Range2M r = last;
    if (r != null && r.base == b) return r;
    r = lookup(b);
    if (r != null) last = r;
    return r;
  }

  private Range2M lookup(long base) {
    assert (base & (Range2M.PAGES - 1)) == 0 : "lookup of the unaligned 2M base " + base;
    Range2M[] t = index;
    int mask = t.length - 1;
    for (int i = slot(base, mask); ; i = (i + 1) & mask) {
      Range2M r = t[i];
      if (r == null || r.base == base) return r;
    }
  }

  private Range2M add(Range2M r) {
    assert lookup(r.base) == null : "a second 2M range at " + r.base;
    ranges.add(r);
    if (2 * ranges.size() > index.length) {
      index = new Range2M[index.length * 2];
      for (Range2M x : ranges) insert(x);
    } else {
      insert(r);
    }
    // open addressing at load factor <= 1/2 in a power-of-two table: lookup's probe always meets a null slot
    assert 2 * ranges.size() <= index.length && Integer.bitCount(index.length) == 1 : "index of " + index.length;
    return r;
  }

  private void insert(Range2M r) {
    assert 2 * ranges.size() <= index.length : "insert into a full index of " + index.length;
    int mask = index.length - 1;
    int i = slot(r.base, mask);
    while (index[i] != null) i = (i + 1) & mask;
    index[i] = r;
    assert lookup(r.base) == r : "2M range " + r.base + " not found after its insert";
  }

  private static int slot(long base, int mask) {
    assert Integer.bitCount(mask + 1) == 1 : "mask " + mask + " of a table that is no power of two";
    long k = (base >>> 9) * 0x9E3779B97F4A7C15L; // Fibonacci hashing: consecutive 2M numbers spread
    return (int) (k >>> 40) & mask;
  }

  Entry entry(long gfn, Level level) {
    assert level != null : "entry at " + gfn + " level " + level;
    assert gfn >= 0 : "entry at " + gfn + " level " + level;
    long b = level.base(gfn);
    return switch (level) {
      case PG_LEVEL_4K -> range(b).e4kCreate((int) (b & (Range2M.PAGES - 1)));
      case PG_LEVEL_2M -> range(b).e2mCreate();
      case PG_LEVEL_1G -> huge.computeIfAbsent(b, k -> new Entry(k, Level.PG_LEVEL_1G));
    };
  }

  Entry peek(long gfn, Level level) {
    assert level != null : "peek at " + gfn + " level " + level;
    assert gfn >= 0 : "peek at " + gfn + " level " + level;
    long b = level.base(gfn);
    if (level == Level.PG_LEVEL_1G) return huge.get(b);
    Range2M r = peekRange(b);
    if (r == null) return null;
    return level == Level.PG_LEVEL_2M ? r.e2m : r.e4k((int) (b & (Range2M.PAGES - 1)));
  }

  /** The parent position's entry (not created), or null for 1G or an untouched parent. */
  Entry parent(Entry e) {
    assert e != null : "the parent of no entry";
    if (e.level == Level.PG_LEVEL_1G) return null;
    Level up = e.level.upper();
    return peek(up.base(e.gfn), up);
  }

  void sawMirror(Level l) {
    assert l != null : "the mirror reported no level";
    mirrorLevels[l.ordinal()] = true;
  }

  void sawSept(Level l) {
    assert l != null : "the S-EPT reported no level";
    septLevels[l.ordinal()] = true;
  }

  /**
   * Does the S-EPT side report {@code l} or a level above it? Both page tables are trees reported from some top
   * level down, so such a level is part of the reported tree even before its first entry is reported (a child
   * installed before its parent exists is exactly R1's bug).
   */
  boolean septCovers(Level l) {
    assert l != null : "septCovers of " + l;
    assert l.ordinal() < septLevels.length : "septCovers of " + l;
    for (int i = l.ordinal(); i < septLevels.length; i++) if (septLevels[i]) return true;
    return false;
  }

  /** Does the mirror side report {@code l} or a level above it? (See {@link #septCovers}.) */
  boolean mirrorCovers(Level l) {
    assert l != null : "mirrorCovers of " + l;
    assert l.ordinal() < mirrorLevels.length : "mirrorCovers of " + l;
    for (int i = l.ordinal(); i < mirrorLevels.length; i++) if (mirrorLevels[i]) return true;
    return false;
  }

  Iterable<Range2M> ranges() {
    assert ranges.size() * 2 <= index.length : ranges.size() + " ranges in an index of " + index.length;
    return ranges;
  }

  Iterable<Entry> hugeEntries() {
    assert huge.size() >= 0 : "1G entries";
    return huge.values();
  }

  /** 2M ranges intersecting [start, end) that exist (touched before). */
  List<Range2M> rangesIn(long start, long end) {
    assert start <= end : "rangesIn [" + start + ", " + end + ")";
    List<Range2M> out = new ArrayList<>(2);
    for (long b = start & ~(Range2M.PAGES - 1L); b < end; b += Range2M.PAGES) {
      Range2M r = peekRange(b);
      if (r != null) out.add(r);
    }
    return out;
  }

  /**
   * The first entry intersecting [start, end) that maps memory: with {@code mirror}, a mirror leaf (or frozen
   * leaf); with {@code sept}, an S-EPT leaf in any state. Null if none. Cost: O(2M ranges) plus O(pages) only in
   * ranges that have 4K leaves.
   */
  Entry firstMappingIn(long start, long end, boolean mirror, boolean sept) {
    assert start <= end : "firstMappingIn [" + start + ", " + end + ") of neither side";
    assert (mirror || sept) : "firstMappingIn [" + start + ", " + end + ") of neither side";
    for (Entry h : huge.values()) {
      if (h.gfn < end && start < h.gfn + h.level.pages() && maps(h, mirror, sept)) return h;
    }
    for (long b = start & ~(Range2M.PAGES - 1L); b < end; b += Range2M.PAGES) {
      Range2M r = peekRange(b);
      if (r == null) continue;
      if (r.e2m != null && maps(r.e2m, mirror, sept)) return r.e2m;
      if ((mirror && r.mirrorLeaves4k > 0) || (sept && r.septLeaves4k > 0)) {
        long lo = Math.max(start, b);
        long hi = Math.min(end, b + Range2M.PAGES);
        for (long g = lo; g < hi; g++) {
          Entry e = r.e4k((int) (g - b));
          if (e != null && maps(e, mirror, sept)) return e;
        }
      }
    }
    return null;
  }

  private static boolean maps(Entry e, boolean mirror, boolean sept) {
    assert e != null : "maps() of no entry";
    return (mirror && e.mirrorMaps()) || (sept && e.septLeaf());
  }
}
