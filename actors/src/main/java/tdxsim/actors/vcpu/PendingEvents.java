package tdxsim.actors.vcpu;

import tdxsim.actors.monitor.Flow;
import tdxsim.actors.monitor.MmuObservation.FlowStep;
import tdxsim.actors.monitor.Monitor;
import tdxsim.actors.monitor.VcpuObservation;
import tdxsim.protocol.Level;

/**
 * What kvm_vcpu_has_events() and signal_pending(current) see for one vCPU thread [LNX tdx.c]: a posted interrupt
 * for the guest (taken by the next TD entry, or at once in guest mode) and a signal for the thread (userspace's
 * SIG_IPI: vcpu_run's xfer_to_guest_mode_handle_work makes KVM_RUN return -EINTR with KVM_EXIT_INTR; the VMM's
 * handler runs and its vCPU loop calls KVM_RUN again).
 */
final class PendingEvents {
  private final int vcpu;
  private final Monitor monitor;
  private boolean interrupt;
  private boolean signal;

  PendingEvents(int vcpu, Monitor monitor) {
    assert vcpu >= 0 && monitor != null : "events of vcpu " + vcpu;
    this.vcpu = vcpu;
    this.monitor = monitor;
  }

  void postInterrupt() {
    if (!interrupt) monitor.observe(new VcpuObservation.InterruptPosted(vcpu));
    interrupt = true;
  }

  /** The guest takes the pending interrupt, if any. */
  void deliverInterrupt() {
    if (!interrupt) return;
    interrupt = false;
    monitor.observe(new VcpuObservation.InterruptDelivered(vcpu));
  }

  void signal() {
    if (!signal) monitor.observe(new VcpuObservation.SignalPending(vcpu));
    signal = true;
  }

  boolean signalPending() {
    return signal;
  }

  /** The pending signal makes the current KVM ioctl return -EINTR ({@code flow}); false if none is pending. */
  boolean takeSignal(Flow flow, long gfn) {
    assert flow != null && gfn >= 0 : "vcpu-" + vcpu + ": -EINTR with flow " + flow + " at gfn " + gfn;
    if (!signal) return false;
    signal = false;
    monitor.observe(new VcpuObservation.SignalHandled(vcpu));
    monitor.observe(new FlowStep(flow, gfn, Level.PG_LEVEL_4K));
    return true;
  }

  /** kvm_vcpu_has_events(vcpu): here, a posted interrupt. */
  boolean hasEvents() {
    return interrupt;
  }

  /** kvm_vcpu_has_events(vcpu) || signal_pending(current): the local-retry loop's first exit. */
  boolean eventsOrSignal() {
    return interrupt || signal;
  }
}
