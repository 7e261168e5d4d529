package tdxsim.actors.monitor;

import tdxsim.protocol.Errno;
import tdxsim.protocol.Level;

/** What guest_memfd and the invalidation users report. */
public sealed interface GmemObservation extends Observation {

  /** A folio covering [gfn, gfn + order.pages()) was allocated (live) or freed/truncated (not live). */
  record FolioChanged(long gfn, Level order, long pfn, boolean live) implements GmemObservation {
    public FolioChanged {
      assert order != null && order.isAligned(gfn) : "a folio of order " + order + " at gfn " + gfn;
    }
  }

  /** A 2M folio was split into 4K folios (restructuring); must only happen with no mapping > 4K [C3 Base]. */
  record FolioSplit(long gfn) implements GmemObservation {}

  /** Memory attributes of [start, end) became private (true) or shared (false). */
  record AttributesChanged(long start, long end, boolean isPrivate) implements GmemObservation {
    public AttributesChanged {
      assert start < end : "attributes of [" + start + ", " + end + ")";
    }
  }

  /** A conversion (or punch hole) began over [start, end). */
  record ConversionBegin(String kind, long start, long end) implements GmemObservation {}

  /**
   * A conversion (or punch hole) ended. {@code ok} false = the ioctl failed; then attributes must be unchanged and
   * no user may have lost a mapping (all-or-nothing).
   */
  record ConversionEnd(String kind, long start, long end, boolean ok, Errno error) implements GmemObservation {}

  /** An invalidation user (kvm, iommu, userspace) mapped or unmapped [start, end). */
  record UserMapping(String user, long start, long end, boolean mapped) implements GmemObservation {
    public UserMapping {
      assert user != null && start < end : user + " mapping of [" + start + ", " + end + ")";
    }
  }

  /** Folio references held by the TDX side (v1 design option) changed for pfn; {@code refs} is the new count. */
  record FolioRefChanged(long pfn, long delta, long refs) implements GmemObservation {}
}
