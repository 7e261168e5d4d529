package tdxsim.actors.monitor;

import tdxsim.protocol.Errno;
import tdxsim.protocol.Level;

/** What guest_memfd and the invalidation users report. */
public sealed interface GmemObservation extends Observation {

  /** A folio covering [gfn, gfn + order.pages()) was allocated (live) or freed/truncated (not live). */
  record FolioChanged(long gfn, Level order, long pfn, boolean live) implements GmemObservation {
    public FolioChanged {
      assert gfn >= 0 : "a folio at gfn " + gfn + ", pfn " + pfn;
      assert pfn >= 0 : "a folio at gfn " + gfn + ", pfn " + pfn;
      assert order != null && order.isAligned(gfn) : "a folio of order " + order + " at gfn " + gfn;
    }
  }

  /** A 2M folio was split into 4K folios (restructuring); must only happen with no mapping > 4K [C3 Base]. */
  record FolioSplit(long gfn) implements GmemObservation {
    public FolioSplit {
      assert gfn >= 0 : "a folio split at the gfn " + gfn;
    }
  }

  /** Memory attributes of [start, end) became private (true) or shared (false). */
  record AttributesChanged(long start, long end, boolean isPrivate) implements GmemObservation {
    public AttributesChanged {
      assert start >= 0 : "attributes of [" + start + ", " + end + ")";
      assert start < end : "attributes of [" + start + ", " + end + ")";
    }
  }

  /** A conversion (or punch hole) began over [start, end). */
  record ConversionBegin(String kind, long start, long end) implements GmemObservation {
    public ConversionBegin {
      assert kind != null : kind + " of [" + start + ", " + end + ")";
      assert start <= end : kind + " of [" + start + ", " + end + ")";
    }
  }

  /**
   * A conversion (or punch hole) ended. {@code ok} false = the ioctl failed; then attributes must be unchanged and
   * no user may have lost a mapping (all-or-nothing).
   */
  record ConversionEnd(String kind, long start, long end, boolean ok, Errno error) implements GmemObservation {
    public ConversionEnd {
      assert kind != null : kind + " of [" + start + ", " + end + ") ended";
      assert start <= end : kind + " of [" + start + ", " + end + ") ended";
      assert !ok || error == null : kind + " succeeded with the errno " + error;
    }
  }

  /** An invalidation user (kvm, iommu, userspace) mapped or unmapped [start, end). */
  record UserMapping(String user, long start, long end, boolean mapped) implements GmemObservation {
    public UserMapping {
      assert start >= 0 : user + " mapping of [" + start + ", " + end + ")";
      assert user != null && start < end : user + " mapping of [" + start + ", " + end + ")";
    }
  }

  /** Folio references held by the TDX side (v1 design option) changed for pfn; {@code refs} is the new count. */
  record FolioRefChanged(long pfn, long delta, long refs) implements GmemObservation {
    public FolioRefChanged {
      assert pfn >= 0 : "TDX refs changed on the pfn " + pfn;
    }
  }
}
