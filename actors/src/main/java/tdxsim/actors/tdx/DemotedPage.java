package tdxsim.actors.tdx;

import tdxsim.protocol.SeptState;

/**
 * The children a TDH.MEM.PAGE.DEMOTE wrote into one S-EPT page and nobody has looked up since: child k is in
 * {@code state} (the leaf's unblocked state), maps {@code pfn0 + k * its level's pages}, unlocked, with no BEPOCH
 * and no ACCEPT progress [TDXM tdh_mem_page_demote.c sept_split_entry]. {@link SecureEpt} makes the
 * {@link SeptEntry} of a child when it is first looked up, so a split range whose pages are not touched again
 * costs one bit per page instead of an entry.
 */
final class DemotedPage {
  final SeptState state;
  final long pfn0;
  private final long[] bits = new long[8];
  private int count;

  DemotedPage(SeptState state, long pfn0) {
    assert state.isLeaf() && pfn0 >= 0 : state + " at " + pfn0;
    this.state = state;
    this.pfn0 = pfn0;
  }

  void put(int k) {
    assert !has(k) : "child " + k + " twice";
    bits[k >>> 6] |= 1L << k;
    count++;
    assert count <= 512 : count + " children of one S-EPT page";
  }

  boolean has(int k) {
    assert k >= 0 && k < 512 : "child " + k + " of an S-EPT page of 512";
    return (bits[k >>> 6] & (1L << k)) != 0;
  }

  /** Removes child {@code k}: true if it was still here (not made yet). */
  boolean take(int k) {
    if (!has(k)) return false;
    bits[k >>> 6] &= ~(1L << k);
    count--;
    assert count >= 0 && count <= 512 : count + " children";
    return true;
  }

  boolean isEmpty() {
    return count == 0;
  }
}
