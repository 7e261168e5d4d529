package tdxsim.actors.invariants;

import tdxsim.actors.monitor.Flow;
import java.util.Arrays;
import java.util.List;
import tdxsim.actors.monitor.VcpuObservation;
import tdxsim.actors.monitor.Violation;

/**
 * A pending interrupt or signal is not held up by the TDX local-retry loop [LNX tdx.c]: the loop leaves on
 * kvm_vcpu_has_events() || signal_pending() ("Breaking out of local retries for kvm_vcpu_has_events() is for
 * interrupt injection"), so it never goes round again while either waits; the guest is entered (after KVM_RUN's
 * -EINTR for a signal), takes the interrupt, and faults again.
 */
final class InterruptTracker {
  private final GlobalState g;
  private boolean[] pending = new boolean[8];
  private boolean[] signal = new boolean[8];

  InterruptTracker(GlobalState g) {
    this.g = g;
  }

  void on(VcpuObservation o) {
    assert o != null : "a null vCPU observation";
    assert pending.length == signal.length : "per-vCPU arrays of " + pending.length + " and " + signal.length;
    if (o instanceof VcpuObservation.InterruptPosted x) {
      grow(x.vcpu());
      pending[x.vcpu()] = true;
      g.counters.flow(Flow.INTERRUPT_POSTED);
    } else if (o instanceof VcpuObservation.InterruptDelivered x) {
      grow(x.vcpu());
      pending[x.vcpu()] = false;
      g.counters.flow(Flow.INTERRUPT_DELIVERED);
    } else if (o instanceof VcpuObservation.SignalPending x) {
      grow(x.vcpu());
      signal[x.vcpu()] = true;
    } else if (o instanceof VcpuObservation.SignalHandled x) {
      grow(x.vcpu());
      signal[x.vcpu()] = false;
    } else if (o instanceof VcpuObservation.LocalRetry x) {
      grow(x.vcpu());
      g.counters.flow(Flow.LOCAL_RETRY);
      assert x.vcpu() < pending.length : "vcpu " + x.vcpu() + " beyond the per-vCPU arrays";
      if (pending[x.vcpu()] || signal[x.vcpu()]) {
        g.v.report(Invariant.LIVENESS_LOCAL_RETRY_EVENTS, "vcpu " + x.vcpu() + " retried its fault on "
            + Violation.hex(x.gfn()) + " in the local-retry loop with a posted interrupt or a signal pending",
            List.of(Names.vcpu(x.vcpu())), x.gfn());
      }
    }
  }

  private void grow(int vcpu) {
    assert vcpu >= 0 : "vcpu id " + vcpu;
    if (vcpu >= pending.length) {
      pending = Arrays.copyOf(pending, vcpu * 2 + 1);
      signal = Arrays.copyOf(signal, vcpu * 2 + 1);
    }
    assert pending.length == signal.length && vcpu < pending.length : "per-vCPU arrays of " + pending.length;
  }
}
