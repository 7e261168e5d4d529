package tdxsim.actors.invariants;

import static tdxsim.actors.invariants.InvariantCatalogueTest.base;
import static tdxsim.actors.invariants.InvariantCatalogueTest.row;
import static tdxsim.actors.invariants.Script.M2;
import static tdxsim.actors.invariants.Script.R;

import tdxsim.actors.monitor.MmuObservation.FaultBegin;
import tdxsim.actors.monitor.MmuObservation.FaultEnd;
import tdxsim.actors.monitor.MmuObservation.InvalidateBegin;
import tdxsim.actors.monitor.MmuObservation.InvalidateEnd;
import tdxsim.actors.monitor.SeptObservation.AcceptCompleted;
import tdxsim.protocol.RetPf;
import tdxsim.protocol.TdxStatus;

/**
 * The rows of {@link InvariantCatalogueTest} for the explained waits that starve silently (bound 3 there): ACCEPTs
 * that keep finding the entry's HP bit set, and fault retries inside an invalidation that does not end.
 */
final class StarvationRows {
  private StarvationRows() {}

  /** vCPU 0's ACCEPT of R(0) at 2M returns BUSY_HOST_PRIORITY {@code n} times. */
  static Script hostPriority(Script s, int n) {
    for (int i = 0; i < n; i++) {
      s.obs(new AcceptCompleted(0, R(0), M2, TdxStatus.TDX_OPERAND_BUSY_HOST_PRIORITY)).step();
    }
    return s;
  }

  /** vCPU 0's fault on R(0) returns RET_PF_RETRY {@code n} times. */
  static Script retries(Script s, int n) {
    for (int i = 0; i < n; i++) s.obs(new FaultBegin(0, R(0))).obs(new FaultEnd(0, R(0), RetPf.RET_PF_RETRY)).step();
    return s;
  }

  static void add() {
    row(Invariant.LIVENESS_ACCEPT_HOST_PRIORITY,
        s -> hostPriority(base(s).fault(0, R(0), M2), 3).accept(0, R(0), M2).finish(),
        s -> hostPriority(base(s).fault(0, R(0), M2), 4).result());
    row(Invariant.LIVENESS_FAULT_INVALIDATE_RETRIES, s -> {
      retries(base(s).obs(new InvalidateBegin(R(0), R(1), 0, 1)), 3).obs(new InvalidateEnd(R(0), R(1), 1, 0));
      return s.fault(0, R(0), M2).finish();
    }, s -> retries(base(s).obs(new InvalidateBegin(R(0), R(1), 0, 1)), 4).result());
  }
}
