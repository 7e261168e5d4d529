package tdxsim.stress.strategy;

import java.util.Arrays;

/**
 * How many deliveries touched each 2M range ({@link Footprint}) in the schedule so far, and the most any earlier
 * schedule of this strategy saw: {@link ConflictStrategy}'s estimate of how many conflicting steps a held message
 * can be placed after, as PCT's k is the longest schedule seen. Indexed from the lowest range seen (a world's
 * memslot is a few contiguous ranges); no allocation once the ranges are known.
 */
final class RangeTouches {
  private int base = -1;
  private long[] now = new long[0];
  private long[] most = new long[0];

  /** A delivery with footprint {@code f} ran. */
  void touch(long f) {
    if (f == Footprint.NONE) return;
    int lo = Footprint.lo(f);
    int hi = Footprint.hi(f);
    cover(lo, hi);
    assert lo <= hi : "ranges [" + lo + ", " + hi + "] from " + base;
    assert lo >= base : "ranges [" + lo + ", " + hi + "] from " + base;
    assert hi - base < now.length : "ranges [" + lo + ", " + hi + "] from " + base;
    for (int r = lo; r <= hi; r++) now[r - base]++;
    assert now[lo - base] > 0 : "range " + lo + " touched but not counted";
  }

  /** The schedule ended: fold its counts into the maxima and start from zero. */
  void endSchedule() {
    assert now.length == most.length : "touch columns of " + now.length + " and " + most.length;
    for (int i = 0; i < now.length; i++) most[i] = Math.max(most[i], now[i]);
    Arrays.fill(now, 0);
    assert now.length == 0 || now[0] == 0 : "touches not cleared";
  }

  /** The most touches any earlier schedule saw on the ranges of {@code f} (summed over them); 0 if none. */
  long estimate(long f) {
    if (f == Footprint.NONE || base < 0) return 0;
    long sum = 0;
    assert most.length == now.length : "touch columns from " + base;
    assert base >= 0 : "touch columns from " + base;
    int from = Math.max(Footprint.lo(f), base);
    int to = Math.min(Footprint.hi(f), base + most.length - 1);
    for (int r = from; r <= to; r++) sum += most[r - base];
    assert sum >= 0 : "a negative touch estimate " + sum;
    return sum;
  }

  private void cover(int lo, int hi) {
    assert lo >= 0 : "cover of [" + lo + ", " + hi + "]";
    assert lo <= hi : "cover of [" + lo + ", " + hi + "]";
    if (base < 0) base = lo;
    if (lo < base) {
      int shift = base - lo;
      now = shifted(now, shift);
      most = shifted(most, shift);
      base = lo;
    }
    if (hi - base >= now.length) {
      int size = Math.max(hi - base + 1, now.length * 2);
      now = Arrays.copyOf(now, size);
      most = Arrays.copyOf(most, size);
    }
    assert base <= lo : "cover of [" + lo + ", " + hi + "]";
    assert hi - base < now.length : "cover of [" + lo + ", " + hi + "]";
    assert now.length == most.length : "cover of [" + lo + ", " + hi + "]";
  }

  private static long[] shifted(long[] a, int shift) {
    assert shift > 0 : "shift by " + shift;
    long[] b = new long[a.length + shift];
    System.arraycopy(a, 0, b, shift, a.length);
    return b;
  }
}
