package tdxsim.actors.invariants;

import tdxsim.actors.monitor.Flow;
import java.util.ArrayList;
import java.util.List;
import tdxsim.actors.monitor.MemslotObservation;
import tdxsim.actors.monitor.Violation;

/**
 * Memslot deletion [LNX kvm_main.c, LNX mmu.c, MEMSLOT-RETRY]: once kvm_arch_flush_shadow_memslot has zapped a
 * memslot, no mirror or S-EPT leaf maps any of its gfns again (a fault that could still see the slot valid has
 * left SRCU before the zap; a later one sees it invalid or gone and never maps); a deletion that began ends
 * (liveness: the deleter's synchronize_srcu is not blocked for ever by a vCPU retrying inside its read-side
 * section). A vCPU whose KVM_RUN stopped on a gfn of a deleted memslot (KVM_EXIT_MEMORY_FAULT with nothing to
 * convert) has ended legitimately.
 */
final class MemslotTracker {
  private final GlobalState g;
  /** Deletions begun and not ended, [start, end). */
  private final List<long[]> deleting = new ArrayList<>();
  /** Memslots zapped (flushed or deleted), [start, end), in flush order (the order the check reports in). */
  private final List<long[]> flushed = new ArrayList<>();
  /** The same gfns as sorted disjoint intervals [starts[i], ends[i]), to place an entry's change in O(log n). */
  private long[] starts = new long[0];
  private long[] ends = new long[0];
  /**
   * Whether the next {@link #check} must look at the flushed memslots: a memslot was flushed, an entry over one
   * changed ({@link #changed}), or the last look found a leaf there (reported again, as on every delivery). Only
   * then can the answer differ from the last one: looking at every flushed memslot on every delivery cost a run
   * time proportional to the memslots it had ever deleted.
   */
  private boolean look;
  /** Per vCPU: RET_PF_RETRYs on an invalid memslot since its SRCU read-side section began. */
  private int[] invalidRetries = new int[8];

  MemslotTracker(GlobalState g) {
    this.g = g;
    assert g != null : "a memslot tracker without its state";
  }

  void on(MemslotObservation o) {
    assert o != null : "a null memslot observation";
    if (o instanceof MemslotObservation.DeleteBegin x) {
      assert x.start() < x.end() : "deletion of the memslot [" + x.start() + ", " + x.end() + ")";
      deleting.add(new long[] {x.start(), x.end()});
    } else if (o instanceof MemslotObservation.Flushed x) {
      flushed.add(new long[] {x.start(), x.end()});
      assert x.start() <= x.end() : "flush of the memslot [" + x.start() + ", " + x.end() + ")";
      assert flushed.size() <= 1 << 16 : flushed.size() + " flushed memslots"; // KVM_USER_MEM_SLOTS is 32767
      merge(x.start(), x.end());
      look = true;
    } else if (o instanceof MemslotObservation.DeleteDone x) {
      boolean begun = deleting.removeIf(r -> r[0] == x.start() && r[1] == x.end());
      assert begun : "the deletion of [" + x.start() + ", " + x.end() + ") ended without beginning";
    } else if (o instanceof MemslotObservation.SrcuSection x) {
      grow(x.vcpu());
      invalidRetries[x.vcpu()] = 0;
    } else if (o instanceof MemslotObservation.InvalidSlotRetry x) {
      assert x.gfn() >= 0 : "vcpu " + x.vcpu() + " retried on the gfn " + x.gfn();
      grow(x.vcpu());
      if (++invalidRetries[x.vcpu()] == g.bounds.faultRetries() + 1) {
        g.v.report(Invariant.LIVENESS_SRCU_SECTION, "vcpu " + x.vcpu() + " retried its fault on "
            + Violation.hex(x.gfn()) + " " + invalidRetries[x.vcpu()] + " times on an invalid memslot inside one"
            + " SRCU read-side section (bound " + g.bounds.faultRetries() + "): the deleter's synchronize_srcu waits"
            + " for it", List.of(Names.vcpu(x.vcpu())), x.gfn());
      }
    } else if (o instanceof MemslotObservation.NoMemslotExit x) {
      g.counters.flow(Flow.NO_MEMSLOT_EXIT);
      g.td.workloadDone(x.vcpu());
      assert g.td.isDone(x.vcpu()) : "vcpu " + x.vcpu() + " stopped on a deleted memslot but not done";
    }
  }

  /** A retry on a gfn whose memslot is being deleted waits for the deleter (it ends when the deletion does). */
  boolean deleting(long gfn) {
    assert deleting.size() <= 64 : deleting.size() + " memslot deletions in flight"; // KVM serialises on slots_lock
    for (long[] r : deleting) if (gfn >= r[0] && gfn < r[1]) return true;
    return false;
  }

  /**
   * The mirror SPTE or S-EPT state of {@code e} changed (the trackers' only two writes of them): if it lies over a
   * flushed memslot, the next {@link #check} looks.
   */
  void changed(Entry e) {
    if (starts.length == 0 || look) return;
    long end = e.gfn + e.level.pages();
    int i = java.util.Arrays.binarySearch(starts, end); // the last interval starting before end
    i = i >= 0 ? i - 1 : -i - 2;
    look = i >= 0 && ends[i] > e.gfn;
  }

  /** After each delivery: nothing maps a flushed memslot. */
  void check() {
    if (!look) return;
    look = false;
    for (long[] r : flushed) {
      Entry e = g.pt.firstMappingIn(r[0], r[1], true, true);
      if (e != null) {
        g.v.report(Invariant.KVM_MEMSLOT_ZAPPED_UNMAPPED, "the leaf " + e.where() + " maps a gfn of the memslot ["
            + Violation.hex(r[0]) + ", " + Violation.hex(r[1]) + ") after kvm_arch_flush_shadow_memslot",
            RestChecks.actors(e), e.gfn);
        look = true;
        return;
      }
    }
  }

  /** Adds [start, end) to the sorted disjoint intervals, merging what it overlaps or touches. */
  private void merge(long start, long end) {
    if (start >= end) return; // an empty memslot: nothing to place
    int n = starts.length;
    long[] s = new long[n + 1];
    long[] t = new long[n + 1];
    int k = 0;
    int i = 0;
    for (; i < n && ends[i] < start; i++, k++) {
      s[k] = starts[i];
      t[k] = ends[i];
    }
    long lo = start;
    long hi = end;
    for (; i < n && starts[i] <= hi; i++) {
      lo = Math.min(lo, starts[i]);
      hi = Math.max(hi, ends[i]);
    }
    s[k] = lo;
    t[k++] = hi;
    for (; i < n; i++, k++) {
      s[k] = starts[i];
      t[k] = ends[i];
    }
    starts = java.util.Arrays.copyOf(s, k);
    ends = java.util.Arrays.copyOf(t, k);
    assert k == 1 || starts[k - 2] < starts[k - 1] && ends[k - 2] < starts[k - 1] : "flushed intervals unsorted";
  }

  private void grow(int vcpu) {
    assert vcpu >= 0 : "vcpu id " + vcpu;
    if (vcpu >= invalidRetries.length) invalidRetries = java.util.Arrays.copyOf(invalidRetries, vcpu * 2 + 1);
    assert vcpu < invalidRetries.length : "vcpu " + vcpu + " beyond " + invalidRetries.length + " counters";
  }

  /** At quiescence: every deletion that began has ended. */
  void atQuiescence() {
    assert g.v != null : "a memslot tracker without a violation sink";
    if (!deleting.isEmpty()) {
      g.v.report(Invariant.LIVENESS_MEMSLOT_DELETED, "quiescent with the deletion of the memslot ["
          + Violation.hex(deleting.get(0)[0]) + ", " + Violation.hex(deleting.get(0)[1]) + ") unfinished",
          deleting.get(0)[0]);
      assert g.v.any() : "the unfinished memslot deletion not reported";
    }
  }
}
