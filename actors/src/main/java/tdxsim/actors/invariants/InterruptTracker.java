package tdxsim.actors.invariants;

import java.util.Arrays;
import java.util.List;
import tdxsim.actors.monitor.VcpuObservation;

/**
 * A pending interrupt is not held up by the TDX local-retry loop [LNX tdx.c]: the loop leaves on
 * kvm_vcpu_has_events() ("Breaking out of local retries for kvm_vcpu_has_events() is for interrupt injection"),
 * so it never goes round again while a posted interrupt waits; the guest is entered, takes it, and faults again.
 */
final class InterruptTracker {
  private final GlobalState g;
  private boolean[] pending = new boolean[8];

  InterruptTracker(GlobalState g) {
    this.g = g;
  }

  void on(VcpuObservation o) {
    if (o instanceof VcpuObservation.InterruptPosted x) {
      grow(x.vcpu());
      pending[x.vcpu()] = true;
      g.counters.flow("INTERRUPT_POSTED");
    } else if (o instanceof VcpuObservation.InterruptDelivered x) {
      grow(x.vcpu());
      pending[x.vcpu()] = false;
      g.counters.flow("INTERRUPT_DELIVERED");
    } else if (o instanceof VcpuObservation.LocalRetry x) {
      grow(x.vcpu());
      g.counters.flow("LOCAL_RETRY");
      if (pending[x.vcpu()]) {
        g.v.report(Invariant.LIVENESS_LOCAL_RETRY_EVENTS, "vcpu " + x.vcpu() + " retried its fault on "
            + Violations.hex(x.gfn()) + " in the local-retry loop with a posted interrupt pending",
            List.of(Names.vcpu(x.vcpu())), x.gfn());
      }
    }
  }

  private void grow(int vcpu) {
    if (vcpu >= pending.length) pending = Arrays.copyOf(pending, vcpu * 2 + 1);
  }
}
