package tdxsim.actors.invariants;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static tdxsim.actors.invariants.Script.M2;
import static tdxsim.actors.invariants.Script.R;

import java.util.Optional;
import org.junit.jupiter.api.Test;
import tdxsim.actors.monitor.MmuObservation.FaultBegin;
import tdxsim.actors.monitor.MmuObservation.FaultEnd;
import tdxsim.actors.monitor.MmuObservation.InvalidateBegin;
import tdxsim.actors.monitor.MmuObservation.InvalidateEnd;
import tdxsim.actors.monitor.SeptObservation.AcceptCompleted;
import tdxsim.actors.monitor.Violation;
import tdxsim.protocol.LockMode;
import tdxsim.protocol.RetPf;
import tdxsim.protocol.SeamcallLeaf;
import tdxsim.protocol.Spte;
import tdxsim.protocol.TdxStatus;

/**
 * Retries that wait for another flow in flight are the protocol working, not a livelock: they neither count
 * toward nor reset a liveness streak (bound 3 here).
 */
class RetryExplanationTest {
  static final Bounds TIGHT = new Bounds(3, 3, 3, 3);

  static Optional<String> id(Optional<Violation> v) {
    return v.map(Violation::invariant);
  }

  static void staleRetries(Script s, int n) {
    for (int i = 0; i < n; i++) s.obs(new FaultBegin(0, R(0))).obs(new FaultEnd(0, R(0), RetPf.RET_PF_RETRY)).step();
  }

  @Test
  void faultRetriesDuringAnInvalidationOfTheGfnDoNotCount() {
    Script s = InvariantCatalogueTest.base(new Script(2, TIGHT)).obs(new InvalidateBegin(R(0), R(1), 0, 1));
    staleRetries(s, 10);
    assertEquals(Optional.empty(), id(s.result()));
    s.obs(new InvalidateEnd(R(0), R(1), 1, 0));
    staleRetries(s, 3);
    assertEquals(Optional.empty(), id(s.result()), "explained retries did not count toward the streak");
    staleRetries(s, 1);
    assertEquals(Optional.of(Invariant.LIVENESS_FAULT_RETRIES.id()), id(s.result()));
  }

  @Test
  void faultRetriesBehindAnotherWritersFrozenSpteOrAnExclusiveHolderDoNotCount() {
    Script s = InvariantCatalogueTest.base(new Script(2, TIGHT)).lock("vcpu-1", LockMode.SHARED);
    s.setSpte(R(0), M2, Spte.FROZEN_SPTE).step();
    staleRetries(s, 10);
    assertEquals(Optional.empty(), id(s.result()));
    Script t = InvariantCatalogueTest.base(new Script(2, TIGHT)).lock("vmm", LockMode.EXCLUSIVE);
    staleRetries(t, 10);
    assertEquals(Optional.empty(), id(t.result()));
  }

  @Test
  void faultRetriesAfterABusyAugDoNotCount() {
    Script s = InvariantCatalogueTest.base(new Script(2, TIGHT));
    for (int i = 0; i < 10; i++) {
      s.lock("vcpu-0", LockMode.SHARED).setSpte(R(0), M2, Spte.FROZEN_SPTE).step();
      s.seamcall(SeamcallLeaf.TDH_MEM_PAGE_AUG, R(0), M2, TdxStatus.TDX_OPERAND_BUSY, "vcpu-0").step();
      s.setSpte(R(0), M2, Spte.SHADOW_NONPRESENT_VALUE).unlock("vcpu-0", LockMode.SHARED);
      staleRetries(s, 1);
    }
    assertEquals(Optional.empty(), id(s.result()));
  }

  @Test
  void busyAcceptsAndExitsDuringAnInvalidationDoNotCount() {
    Script s = InvariantCatalogueTest.base(new Script(2, TIGHT)).fault(0, R(0), M2);
    for (int i = 0; i < 10; i++) s.obs(new AcceptCompleted(0, R(0), M2, TdxStatus.TDX_OPERAND_BUSY_HOST_PRIORITY));
    s.obs(new InvalidateBegin(R(0), R(1), 0, 1));
    for (int i = 0; i < 10; i++) s.obs(new AcceptCompleted(0, R(0), M2, null));
    assertEquals(Optional.empty(), id(s.result()));
  }

  @Test
  void hostPriorityStreaksCountOnlyHostPriorityAndEndAtAFinalStatusOrATdExit() {
    Bounds hp = new Bounds(3, 3, 3, 3, 3, 3);
    Script s = InvariantCatalogueTest.base(new Script(2, hp)).fault(0, R(0), M2);
    StarvationRows.hostPriority(s, 3).obs(new AcceptCompleted(0, R(0), M2, TdxStatus.TDX_OPERAND_BUSY)).step();
    assertEquals(Optional.empty(), id(s.result()), "a plain BUSY (the lock held) neither counts nor resets");
    s.obs(new AcceptCompleted(0, R(0), M2, null)).step();
    StarvationRows.hostPriority(s, 3);
    assertEquals(Optional.empty(), id(s.result()), "the TD exit ended the streak");
    StarvationRows.hostPriority(s, 1);
    assertEquals(Optional.of(Invariant.LIVENESS_ACCEPT_HOST_PRIORITY.id()), id(s.result()));
  }

  /**
   * The stress run of 512 vCPUs: vcpu-187's AUG of a 4K page found the entry held by vcpu-186's ACCEPT (FREE, about
   * to exit) and set HP; both faults then waited in kvm_gmem_get_pfn behind queued conversions while a third vCPU's
   * ACCEPT returned BUSY_HOST_PRIORITY 40,001 times. A fault open on the entry owes the host SEAMCALL that clears HP:
   * explained; a fault elsewhere (another 4K page) is not; once the faults end, the streak counts again.
   */
  @Test
  void hostPriorityAcceptsWhileAFaultOnTheEntryIsOpenDoNotCount() {
    Bounds hp = new Bounds(3, 3, 3, 3, 3, 3);
    long page = R(0) + 9;
    Script s = InvariantCatalogueTest.base(new Script(3, hp)).fault(0, R(1), M2);
    s.obs(new FaultBegin(1, page)).obs(new FaultBegin(2, page + 1)).step();
    for (int i = 0; i < 10; i++) {
      s.obs(new AcceptCompleted(0, page, Script.K4, TdxStatus.TDX_OPERAND_BUSY_HOST_PRIORITY)).step();
    }
    assertEquals(Optional.empty(), id(s.result()), "vcpu-1's fault on the page will AUG it and clear HP");
    s.obs(new FaultEnd(1, page, RetPf.RET_PF_RETRY)).step();
    for (int i = 0; i < 3; i++) {
      s.obs(new AcceptCompleted(0, page, Script.K4, TdxStatus.TDX_OPERAND_BUSY_HOST_PRIORITY)).step();
    }
    assertEquals(Optional.empty(), id(s.result()), "explained ACCEPTs neither counted nor reset the streak");
    s.obs(new AcceptCompleted(0, page, Script.K4, TdxStatus.TDX_OPERAND_BUSY_HOST_PRIORITY)).step();
    assertEquals(Optional.of(Invariant.LIVENESS_ACCEPT_HOST_PRIORITY.id()), id(s.result()),
        "vcpu-2's fault on the next page owes nothing to this entry");
  }

  @Test
  void invalidationRetriesEndWhenTheFaultCompletes() {
    Bounds b = new Bounds(3, 3, 3, 3, 3, 3);
    Script s = InvariantCatalogueTest.base(new Script(2, b)).obs(new InvalidateBegin(R(0), R(1), 0, 1));
    StarvationRows.retries(s, 2).obs(new InvalidateEnd(R(0), R(1), 1, 0)).obs(new InvalidateBegin(R(0), R(1), 0, 1));
    StarvationRows.retries(s, 1);
    assertEquals(Optional.empty(), id(s.result()));
    s.obs(new FaultBegin(0, R(0))).obs(new FaultEnd(0, R(0), RetPf.RET_PF_FIXED)).step();
    StarvationRows.retries(s, 3);
    assertEquals(Optional.empty(), id(s.result()), "the completed fault ended the streak");
    StarvationRows.retries(s, 1);
    assertEquals(Optional.of(Invariant.LIVENESS_FAULT_INVALIDATE_RETRIES.id()), id(s.result()));
  }

  @Test
  void invalidationRetriesCountOnlyWhileNoOtherFlowMoves() {
    Bounds b = new Bounds(3, 3, 3, 3, 3, 3);
    Script s = InvariantCatalogueTest.base(new Script(2, b)).obs(new InvalidateBegin(R(0), R(1), 0, 1));
    StarvationRows.retries(s, 3);
    s.lock("vmm", LockMode.EXCLUSIVE).track("vmm").unlock("vmm", LockMode.EXCLUSIVE); // the invalidator moves
    StarvationRows.retries(s, 3);
    assertEquals(Optional.empty(), id(s.result()), "the invalidation's TRACK restarted the count");
    StarvationRows.retries(s, 1);
    assertEquals(Optional.of(Invariant.LIVENESS_FAULT_INVALIDATE_RETRIES.id()), id(s.result()));
  }

  @Test
  void trackWaitingForVcpusOfThePreviousEpochDoesNotCount() {
    Script s = InvariantCatalogueTest.base(new Script(2, TIGHT)).lock("vmm", LockMode.EXCLUSIVE).track("vmm");
    for (int i = 0; i < 10; i++) {
      s.seamcall(SeamcallLeaf.TDH_MEM_TRACK, 0, Script.K4, TdxStatus.TDX_PREVIOUS_TLB_EPOCH_BUSY, "vmm").step();
    }
    assertEquals(Optional.empty(), id(s.result()), "vCPUs 0 and 1 are still counted in epoch 1, td_epoch is 2");
    s.exit(0).exit(1);
    for (int i = 0; i < 4; i++) {
      s.seamcall(SeamcallLeaf.TDH_MEM_TRACK, 0, Script.K4, TdxStatus.TDX_PREVIOUS_TLB_EPOCH_BUSY, "vmm").step();
    }
    assertEquals(Optional.of(Invariant.LIVENESS_SEAMCALL_RETRIES.id()), id(s.result()));
  }
}
