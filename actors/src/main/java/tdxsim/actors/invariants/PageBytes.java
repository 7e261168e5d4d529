package tdxsim.actors.invariants;

import java.util.Arrays;

/**
 * One byte per 4K page of a 2M range, held as a single value while every page has it and as an array only once
 * the pages differ: most ranges are written whole (a 2M folio, a 2M conversion), so most never need the array.
 */
final class PageBytes {
  private byte all;
  private byte[] each;

  /** The value of page {@code off} (no assertion here: read for every page of a range; set() checks bounds). */
  byte get(int off) {
    return each == null ? all : each[off];
  }

  /** Sets pages [from, to) to v. */
  void set(int from, int to, byte v) {
    assert 0 <= from && from < to && to <= Range2M.PAGES : "pages [" + from + ", " + to + ") of a 2M range";
    if (from == 0 && to == Range2M.PAGES) {
      each = null;
      all = v;
      assert get(0) == v : "the whole range not set to " + v;
      assert get(Range2M.PAGES - 1) == v : "the whole range not set to " + v;
      return;
    }
    if (each == null) {
      if (all == v) return;
      each = new byte[Range2M.PAGES];
      Arrays.fill(each, all);
    }
    Arrays.fill(each, from, to, v);
    assert get(from) == v : "pages [" + from + ", " + to + ") not set to " + v;
    assert get(to - 1) == v : "pages [" + from + ", " + to + ") not set to " + v;
  }

  /** Every page whose value is not 0 gets {@code v}. */
  void replaceNonZero(byte v) {
    assert v != 0 : "replaceNonZero with 0 would free pages";
    if (each == null) {
      if (all != 0) all = v;
      return;
    }
    for (int i = 0; i < Range2M.PAGES; i++) if (each[i] != 0) each[i] = v;
  }
}
