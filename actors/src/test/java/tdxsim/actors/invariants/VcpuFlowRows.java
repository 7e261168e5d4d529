package tdxsim.actors.invariants;

import static tdxsim.actors.invariants.InvariantCatalogueTest.TIGHT;
import static tdxsim.actors.invariants.InvariantCatalogueTest.base;
import static tdxsim.actors.invariants.InvariantCatalogueTest.mapped2m;
import static tdxsim.actors.invariants.InvariantCatalogueTest.row;
import static tdxsim.actors.invariants.Script.R;

import tdxsim.actors.monitor.MemslotObservation.DeleteBegin;
import tdxsim.actors.monitor.MemslotObservation.DeleteDone;
import tdxsim.actors.monitor.MemslotObservation.Flushed;
import tdxsim.actors.monitor.MemslotObservation.InvalidSlotRetry;
import tdxsim.actors.monitor.MemslotObservation.SrcuSection;
import tdxsim.actors.monitor.VcpuObservation.InterruptDelivered;
import tdxsim.actors.monitor.VcpuObservation.InterruptPosted;
import tdxsim.actors.monitor.VcpuObservation.LocalRetry;
import tdxsim.actors.monitor.VcpuObservation.SignalHandled;
import tdxsim.actors.monitor.VcpuObservation.SignalPending;

/**
 * The vCPU-side flows' rows of {@link InvariantCatalogueTest} (memslot deletion, the local-retry loop's events): a
 * legal and a violating sequence per invariant.
 */
final class VcpuFlowRows {
  private VcpuFlowRows() {}

  /** The deletion of the memslot r0, begun and flushed. */
  private static Script flushed(Script s) {
    return s.obs(new DeleteBegin(R(0), R(1))).obs(new Flushed(R(0), R(1)));
  }

  /** vCPU 0 retries {@code n} times on the invalid slot inside one SRCU section. */
  private static Script retries(Script s, int n) {
    s.obs(new SrcuSection(0, true));
    for (int i = 0; i < n; i++) s.obs(new InvalidSlotRetry(0, R(0)));
    return s.obs(new SrcuSection(0, false));
  }

  static void add() {
    row(Invariant.KVM_MEMSLOT_ZAPPED_UNMAPPED,
        s -> flushed(base(s)).obs(new DeleteDone(R(0), R(1))).finish(),
        s -> flushed(mapped2m(s)).result());
    row(Invariant.LIVENESS_MEMSLOT_DELETED,
        s -> flushed(base(s)).obs(new DeleteDone(R(0), R(1))).finish(),
        s -> flushed(base(s)).finish());
    row(Invariant.LIVENESS_SRCU_SECTION,
        s -> retries(retries(base(s), TIGHT.faultRetries()), TIGHT.faultRetries()).finish(),
        s -> retries(base(s), TIGHT.faultRetries() + 1).result());
    row(Invariant.LIVENESS_LOCAL_RETRY_EVENTS,
        s -> base(s).obs(new LocalRetry(0, R(0))).obs(new InterruptPosted(0)).obs(new InterruptDelivered(0))
            .obs(new SignalPending(0)).obs(new SignalHandled(0)).obs(new LocalRetry(0, R(0))).finish(),
        s -> base(s).obs(new InterruptPosted(0)).obs(new LocalRetry(0, R(0))).result());
  }
}
