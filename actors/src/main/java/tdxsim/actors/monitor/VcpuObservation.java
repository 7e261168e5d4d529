package tdxsim.actors.monitor;

/** Guest interrupts and the TDX local-retry loop, as the vCPU thread sees them [LNX tdx.c]. */
public sealed interface VcpuObservation extends Observation {

  /** A posted interrupt became pending for {@code vcpu} (pi_desc.ON): kvm_vcpu_has_events() is true. */
  record InterruptPosted(int vcpu) implements VcpuObservation {}

  /** The guest took the pending interrupt (the TD entry delivered it, or the CPU in guest mode). */
  record InterruptDelivered(int vcpu) implements VcpuObservation {}

  /** A signal is pending for {@code vcpu}'s thread (signal_pending(current)). */
  record SignalPending(int vcpu) implements VcpuObservation {}

  /** The pending signal made a KVM ioctl of {@code vcpu} return -EINTR (the VMM handles it). */
  record SignalHandled(int vcpu) implements VcpuObservation {}

  /** tdx_handle_ept_violation's loop, after a RET_PF_RETRY on {@code gfn}, passed its kvm_vcpu_has_events() check. */
  record LocalRetry(int vcpu, long gfn) implements VcpuObservation {}
}
