package tdxsim.actors.invariants;

import java.util.ArrayList;
import java.util.List;

/**
 * The in-progress invalidation ranges (kvm_mmu_invalidate_begin/range_add ... invalidate_end). Kept exactly (one
 * [start, end) per begin) rather than merged as KVM's mmu_invalidate_range_start/end are, because the invariant
 * is about the ranges really being invalidated; KVM's merged range only makes faults retry more [LNX kvm_host.h].
 */
final class InvalidationTracker {
  private final List<long[]> active = new ArrayList<>(2);

  void begin(long start, long end) {
    assert start <= end : "kvm_mmu_invalidate_range_add of [" + start + ", " + end + ")"; // empty: legal, as in MmuLock
    active.add(new long[] {start, end});
    assert invariant();
  }

  /** Removes the matching range (exact, else the first overlapping); false if none was in progress. */
  boolean end(long start, long end) {
    assert start <= end : "kvm_mmu_invalidate_end of [" + start + ", " + end + ")";
    assert invariant();
    for (int i = 0; i < active.size(); i++) {
      long[] r = active.get(i);
      if (r[0] == start && r[1] == end) {
        active.remove(i);
        return true;
      }
    }
    for (int i = 0; i < active.size(); i++) {
      long[] r = active.get(i);
      if (r[0] < end && start < r[1]) {
        active.remove(i);
        return true;
      }
    }
    return false;
  }

  /** An in-progress range intersecting [start, end), or null. */
  long[] intersecting(long start, long end) {
    assert start <= end : "intersecting [" + start + ", " + end + ")";
    for (long[] r : active) if (r[0] < end && start < r[1]) return r;
    return null;
  }

  /** Is all of [start, end) inside one in-progress range? */
  boolean covers(long start, long end) {
    assert start <= end : "covers [" + start + ", " + end + ")";
    for (long[] r : active) if (r[0] <= start && end <= r[1]) return true;
    return false;
  }

  boolean isEmpty() {
    assert invariant();
    return active.isEmpty();
  }

  /** Each in-progress range is a well-formed [start, end) pair; invalidations nest a few deep, so the scan is O(1). */
  private boolean invariant() {
    for (long[] r : active) {
      assert r.length == 2 : "an invalidation range of " + r.length + " bounds";
      assert r[0] <= r[1] : "the in-progress invalidation [" + r[0] + ", " + r[1] + ")";
    }
    return true;
  }

  List<long[]> active() {
    return active;
  }
}
