package tdxsim.actors.vcpu;

import tdxsim.protocol.Level;

/**
 * What the guest on one vCPU knows of its private memory: the pages it has accepted (and that have not been
 * converted away since). A #VE on such a page means the accepted data is gone (GuestDataLost). Knowledge is per
 * vCPU, because actors share no state: a scenario gives each vCPU's conversions its own pages.
 *
 * <p>Sparse: a bit per page of each 2M range the vCPU has accepted in, found by a short linear search (a vCPU
 * accepts in a few ranges). A bit set over the whole span from the TD's first private page made a vCPU whose ranges
 * lie far up the memslot hold kilobytes of zero words, the largest per-vCPU array of a stress run (class histogram).
 * A range whose pages are all accepted shares one array of ones (copied before a bit is cleared), and one whose
 * pages are all forgotten (given back, converted) drops its words: a stress vCPU accepts a fresh 2M range whole
 * and gives it back, and its dead words were 3 arrays per vCPU in a heap dump at 10,000 vCPUs.
 */
final class GuestMemoryView {
  private static final int RANGE_SHIFT = 9;
  private static final int WORDS = (1 << RANGE_SHIFT) / 64;
  /** The words of a range accepted whole: shared, never written. */
  private static final long[] ALL = {-1L, -1L, -1L, -1L, -1L, -1L, -1L, -1L};
  private final long base;
  /** The 2M ranges (page index >> 9) with a word array, and their 8 words of accepted bits. */
  private int[] ranges = new int[2];
  private long[][] words = new long[2][];
  private int count;

  GuestMemoryView(long base) {
    assert base >= 0 : "guest memory at gfn " + base;
    this.base = base;
  }

  boolean isAccepted(long gfn) {
    int i = index(gfn);
    long[] w = words(i >>> RANGE_SHIFT);
    return w != null && (w[(i >>> 6) & (WORDS - 1)] & (1L << i)) != 0;
  }

  void accepted(long gfn, long pages) {
    assert pages > 0 && pages <= Level.PG_LEVEL_1G.pages() : "accepted " + pages + " pages at " + gfn;
    apply(index(gfn), pages, true);
  }

  /** The range was converted (to shared, or to private and not yet accepted) or its data is known lost. */
  void forget(long gfn, long pages) {
    assert pages > 0 : "forget " + pages + " pages at " + gfn;
    apply(index(gfn), pages, false);
  }

  /** Sets or clears the bits of pages [from, from + pages), a word at a time. */
  private void apply(int from, long pages, boolean set) {
    if (pages < 0) throw new IndexOutOfBoundsException("pages < 0: " + pages);
    long end = from + pages;
    for (long i = from; i < end; ) {
      int r = (int) (i >>> RANGE_SHIFT);
      long rangeEnd = Math.min(end, (long) (r + 1) << RANGE_SHIFT);
      int slot = slot(r, set);
      if (slot >= 0 && set && words[slot] == ALL) slot = -1; // all accepted already
      long[] w = slot < 0 ? null : words[slot] == ALL ? (words[slot] = ALL.clone()) : words[slot];
      while (w != null && i < rangeEnd) {
        int lo = (int) (i & 63);
        int hi = (int) Math.min(64, lo + (rangeEnd - i));
        long mask = (hi == 64 ? -1L : (1L << hi) - 1) & (-1L << lo);
        int k = (int) (i >>> 6) & (WORDS - 1);
        w[k] = set ? w[k] | mask : w[k] & ~mask;
        i += hi - lo;
      }
      if (w != null) compact(slot, w);
      i = rangeEnd;
    }
  }

  /** Range slot {@code k}'s words {@code w} just changed: all ones are shared, all zeros dropped. */
  private void compact(int k, long[] w) {
    long and = -1L;
    long or = 0;
    for (long x : w) {
      and &= x;
      or |= x;
    }
    if (and == -1L) {
      words[k] = ALL;
    } else if (or == 0) { // the last slot takes its place: the order of the slots means nothing
      count--;
      ranges[k] = ranges[count];
      words[k] = words[count];
      words[count] = null;
    }
  }

  /** Range {@code r}'s words, or null if it has none. */
  private long[] words(int r) {
    int k = slot(r, false);
    return k < 0 ? null : words[k];
  }

  /** The slot of range {@code r}'s words, made (zero) if {@code make}, else -1 if it has none. */
  private int slot(int r, boolean make) {
    for (int k = 0; k < count; k++) if (ranges[k] == r) return k;
    if (!make) return -1;
    if (count == ranges.length) {
      ranges = java.util.Arrays.copyOf(ranges, count * 2);
      words = java.util.Arrays.copyOf(words, count * 2);
    }
    ranges[count] = r;
    words[count] = new long[WORDS];
    return count++;
  }

  private int index(long gfn) {
    long i = gfn - base;
    if (i < 0 || i > Integer.MAX_VALUE) throw new IndexOutOfBoundsException("gfn below the view: " + gfn);
    return (int) i;
  }
}
