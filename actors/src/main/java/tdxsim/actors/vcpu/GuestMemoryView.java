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
 */
final class GuestMemoryView {
  private static final int RANGE_SHIFT = 9;
  private static final int WORDS = (1 << RANGE_SHIFT) / 64;
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
    long[] w = words(i >>> RANGE_SHIFT, false);
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
      long[] w = words(r, set);
      while (w != null && i < rangeEnd) {
        int lo = (int) (i & 63);
        int hi = (int) Math.min(64, lo + (rangeEnd - i));
        long mask = (hi == 64 ? -1L : (1L << hi) - 1) & (-1L << lo);
        int k = (int) (i >>> 6) & (WORDS - 1);
        w[k] = set ? w[k] | mask : w[k] & ~mask;
        i += hi - lo;
      }
      i = rangeEnd;
    }
  }

  /** Range {@code r}'s words, made if {@code make}, else null if it has none. */
  private long[] words(int r, boolean make) {
    for (int k = 0; k < count; k++) if (ranges[k] == r) return words[k];
    if (!make) return null;
    if (count == ranges.length) {
      ranges = java.util.Arrays.copyOf(ranges, count * 2);
      words = java.util.Arrays.copyOf(words, count * 2);
    }
    ranges[count] = r;
    return words[count++] = new long[WORDS];
  }

  private int index(long gfn) {
    long i = gfn - base;
    if (i < 0 || i > Integer.MAX_VALUE) throw new IndexOutOfBoundsException("gfn below the view: " + gfn);
    return (int) i;
  }
}
