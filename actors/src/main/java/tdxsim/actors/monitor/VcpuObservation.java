package tdxsim.actors.monitor;

/** Guest interrupts and the TDX local-retry loop, as the vCPU thread sees them [LNX tdx.c]. */
public sealed interface VcpuObservation extends Observation {

  /** A posted interrupt became pending for {@code vcpu} (pi_desc.ON): kvm_vcpu_has_events() is true. */
  record InterruptPosted(int vcpu) implements VcpuObservation {
    public InterruptPosted {
      assert vcpu >= 0 : "an interrupt posted to vcpu " + vcpu;
    }
  }

  /** The guest took the pending interrupt (the TD entry delivered it, or the CPU in guest mode). */
  record InterruptDelivered(int vcpu) implements VcpuObservation {
    public InterruptDelivered {
      assert vcpu >= 0 : "an interrupt delivered to vcpu " + vcpu;
    }
  }

  /** A signal is pending for {@code vcpu}'s thread (signal_pending(current)). */
  record SignalPending(int vcpu) implements VcpuObservation {
    public SignalPending {
      assert vcpu >= 0 : "a signal pending for vcpu " + vcpu;
    }
  }

  /** The pending signal made a KVM ioctl of {@code vcpu} return -EINTR (the VMM handles it). */
  record SignalHandled(int vcpu) implements VcpuObservation {
    public SignalHandled {
      assert vcpu >= 0 : "a signal handled by vcpu " + vcpu;
    }
  }

  /** tdx_handle_ept_violation's loop, after a RET_PF_RETRY on {@code gfn}, passed its kvm_vcpu_has_events() check. */
  record LocalRetry(int vcpu, long gfn) implements VcpuObservation {
    public LocalRetry {
      assert vcpu >= 0 : "vcpu " + vcpu + "'s local retry on the gfn " + gfn;
      assert gfn >= 0 : "vcpu " + vcpu + "'s local retry on the gfn " + gfn;
    }
  }
}
