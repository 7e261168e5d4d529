package tdxsim.actors.monitor;

/** TD teardown: the VMM's destroy, the TDX module's page reclaim, KVM giving pages back to the host. */
public sealed interface TeardownObservation extends Observation {

  /** The VMM started the teardown (closed the guest_memfd, then the VM fd). */
  record TeardownBegin() implements TeardownObservation {}

  /** TDH.PHYMEM.PAGE.RECLAIM succeeded on the page at {@code pfn}: the module no longer owns it. */
  record PageReclaimed(long pfn) implements TeardownObservation {
    public PageReclaimed {
      assert pfn >= 0 : "TDH.PHYMEM.PAGE.RECLAIM of the pfn " + pfn;
    }
  }

  /** KVM freed the S-EPT page (external_spt) at {@code pfn} back to the host allocator. */
  record SeptPageFreed(long pfn) implements TeardownObservation {
    public SeptPageFreed {
      assert pfn >= 0 : "an S-EPT page freed at the pfn " + pfn;
    }
  }

  /** kvm_destroy_vm returned; {@code hkidFreed}: TDH.MNG.KEY.FREEID succeeded (else the HKID is leaked). */
  record TeardownDone(boolean hkidFreed) implements TeardownObservation {}
}
