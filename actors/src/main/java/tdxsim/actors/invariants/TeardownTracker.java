package tdxsim.actors.invariants;

import java.util.HashSet;
import java.util.Set;
import tdxsim.actors.monitor.TeardownObservation;
import tdxsim.actors.monitor.Violation;

/**
 * TD teardown (R8's use-after-free argument [T08 Yan 06-05]): a page goes back to the host only once the TDX
 * module has let it go. An S-EPT page is freed only after TDH.PHYMEM.PAGE.RECLAIM succeeded on it; when the
 * teardown ends with the HKID freed, no S-EPT leaf maps a page any more (kvm_gmem_release zapped everything with
 * the HKID still assigned, so truncation frees no mapped page); and a teardown that began ends (liveness).
 */
final class TeardownTracker {
  private final GlobalState g;
  private final Set<Long> reclaimed = new HashSet<>();
  private boolean begun;
  private boolean ended;

  TeardownTracker(GlobalState g) {
    this.g = g;
  }

  void on(TeardownObservation o) {
    assert o != null : "a null teardown observation";
    assert begun || !ended : "the TD teardown ended without beginning";
    if (o instanceof TeardownObservation.TeardownBegin) {
      begun = true;
      assert !ended : "a TD teardown began after the teardown ended";
    } else if (o instanceof TeardownObservation.PageReclaimed x) {
      reclaimed.add(x.pfn());
      assert x.pfn() >= 0 : "TDH.PHYMEM.PAGE.RECLAIM of the pfn " + x.pfn();
    } else if (o instanceof TeardownObservation.SeptPageFreed x) {
      assert x.pfn() >= 0 : "an S-EPT page freed at the pfn " + x.pfn();
      if (!reclaimed.contains(x.pfn())) {
        g.v.report(Invariant.TDX_FREED_PAGE_RECLAIMED, "S-EPT page pfn " + Violation.hex(x.pfn())
            + " freed to the host before TDH.PHYMEM.PAGE.RECLAIM");
      }
    } else if (o instanceof TeardownObservation.TeardownDone x) {
      assert begun : "the TD teardown ended without beginning";
      ended = true;
      if (x.hkidFreed()) checkNothingMapped();
    }
  }

  private void checkNothingMapped() {
    assert begun : "the HKID freed outside a TD teardown";
    assert ended : "the HKID freed outside a TD teardown";
    for (Range2M r : g.pt.ranges()) {
      Entry e = g.pt.firstMappingIn(r.base, r.base + Range2M.PAGES, false, true);
      if (e != null) {
        g.v.report(Invariant.TDX_TEARDOWN_UNMAPPED, "HKID freed with the S-EPT leaf " + e.where()
            + " still mapping a page", e.gfn);
        assert g.v.any() : "a mapping left at the HKID's release not reported";
        return;
      }
    }
  }

  /** At quiescence: a teardown that began has ended. */
  void atQuiescence() {
    assert begun || !ended : "a TD teardown ended without beginning";
    if (begun && !ended) {
      g.v.report(Invariant.LIVENESS_TEARDOWN_DONE, "quiescent with the TD teardown unfinished");
    }
  }
}
