package tdxsim.actors.tdx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static tdxsim.actors.tdx.ModuleHarness.GFN_2M;
import static tdxsim.actors.tdx.ModuleHarness.PFN_2M;
import static tdxsim.protocol.Level.PG_LEVEL_2M;
import static tdxsim.protocol.Level.PG_LEVEL_4K;
import static tdxsim.protocol.TdxStatus.TDX_EPT_ENTRY_STATE_INCORRECT;
import static tdxsim.protocol.TdxStatus.TDX_GPA_RANGE_NOT_BLOCKED;
import static tdxsim.protocol.TdxStatus.TDX_PREVIOUS_TLB_EPOCH_BUSY;
import static tdxsim.protocol.TdxStatus.TDX_SUCCESS;
import static tdxsim.protocol.TdxStatus.TDX_TLB_TRACKING_NOT_DONE;

import java.util.List;
import org.junit.jupiter.api.Test;
import tdxsim.actors.monitor.SeptObservation.SeptEntryChanged;
import tdxsim.actors.monitor.SeptObservation.TdEpochAdvanced;
import tdxsim.actors.monitor.SeptObservation.VcpuGuestMode;
import tdxsim.protocol.GuestResult;
import tdxsim.protocol.SeptState;
import tdxsim.protocol.TdxStatus;

/** BLOCK / TRACK / vCPU exit before DEMOTE and REMOVE [domain 1.4 "TLB tracking"; TDXM is_tlb_tracked]. */
class TlbTrackingTest extends ModuleTestBase {

  /** A running TD with vCPU 0 in the guest and a 2M page AUGed and accepted by it. */
  private ModuleHarness mapped2mWithVcpuInGuest() {
    ModuleHarness h = harness();
    h.finalizeTd();
    h.enterOk(0);
    assertEquals(TDX_SUCCESS, h.call(h.aug(GFN_2M, PG_LEVEL_2M, PFN_2M)));
    GuestResult r = h.accept(0, GFN_2M, PG_LEVEL_2M);
    assertEquals(TDX_SUCCESS, assertInstanceOf(GuestResult.TdcallReturn.class, r).status());
    assertEquals(SeptState.MAPPED, h.stateOf(GFN_2M, PG_LEVEL_2M));
    return h;
  }

  @Test
  void demoteOrRemoveWithoutBlockIsNotBlocked() {
    ModuleHarness h = mapped2mWithVcpuInGuest();
    assertEquals(TDX_GPA_RANGE_NOT_BLOCKED, h.call(h.demote(GFN_2M, PG_LEVEL_2M)));
    assertEquals(TDX_GPA_RANGE_NOT_BLOCKED, h.call(h.remove(GFN_2M, PG_LEVEL_2M)));
    assertEquals(SeptState.MAPPED, h.stateOf(GFN_2M, PG_LEVEL_2M));
  }

  @Test
  void blockWithoutTrackIsTrackingNotDone() {
    ModuleHarness h = mapped2mWithVcpuInGuest();
    assertEquals(TDX_SUCCESS, h.call(h.block(GFN_2M, PG_LEVEL_2M)));
    assertEquals(1, h.ept().entry(GFN_2M, PG_LEVEL_2M).bepoch(), "BLOCK stamps BEPOCH = td_epoch");
    assertEquals(TDX_TLB_TRACKING_NOT_DONE, h.call(h.demote(GFN_2M, PG_LEVEL_2M)));
    assertEquals(TDX_TLB_TRACKING_NOT_DONE, h.call(h.remove(GFN_2M, PG_LEVEL_2M)));
    assertEquals(TDX_TLB_TRACKING_NOT_DONE, h.call(h.unblock(GFN_2M, PG_LEVEL_2M)));
    assertEquals(SeptState.BLOCKED, h.stateOf(GFN_2M, PG_LEVEL_2M));
  }

  /**
   * BLOCK reads td_epoch for BEPOCH after it wrote the blocked entry, not when it arrived: a TRACK that completes in
   * between (it takes no lock BLOCK holds) stamps the later epoch [TDXM tdh_mem_range_block.c].
   */
  @Test
  void blockStampsTheEpochOfItsWriteNotOfItsArrival() {
    ModuleHarness h = mapped2mWithVcpuInGuest();
    h.kick(0); // nobody counted: the TRACK succeeds
    assertNull(h.issue(h.track())); // epoch lock taken, in flight
    assertNull(h.issue(h.block(GFN_2M, PG_LEVEL_2M))); // TDR shared and the tree lock: no conflict with TRACK
    assertEquals(1, h.state.epochs().tdEpoch());
    assertEquals(TDX_SUCCESS, h.result().status()); // TRACK's work first (the oldest), then BLOCK's
    assertEquals(TDX_SUCCESS, h.result().status());
    assertEquals(2, h.state.epochs().tdEpoch());
    assertEquals(2, h.ept().entry(GFN_2M, PG_LEVEL_2M).bepoch(), "BEPOCH is td_epoch at BLOCK's write");
  }

  @Test
  void trackWhileAVcpuIsStillCountedInThePreviousEpochIsBusy() {
    ModuleHarness h = mapped2mWithVcpuInGuest(); // vCPU 0 counted in epoch 1
    assertEquals(TDX_SUCCESS, h.call(h.track())); // epoch 2; nobody in epoch 0
    assertEquals(TDX_PREVIOUS_TLB_EPOCH_BUSY, h.call(h.track()));
    assertEquals(2, h.state.epochs().tdEpoch());
    h.kick(0);
    assertEquals(TDX_SUCCESS, h.call(h.track()));
    assertEquals(List.of(new TdEpochAdvanced(2), new TdEpochAdvanced(3)), h.observed(TdEpochAdvanced.class));
  }

  /**
   * The split sequence of P3-08: BLOCK, TRACK, kick (vCPUs exit), DEMOTE. The 2M entry becomes a non-leaf with
   * 512 MAPPED 4K children at consecutive pfns, and nothing has to be UNBLOCKed: the guest uses them at once.
   */
  @Test
  void blockTrackExitDemoteLeaves512UnblockedChildren() {
    ModuleHarness h = mapped2mWithVcpuInGuest();
    assertEquals(TDX_SUCCESS, h.call(h.block(GFN_2M, PG_LEVEL_2M))); // bepoch 1
    assertEquals(TDX_SUCCESS, h.call(h.track())); // td_epoch 2; vCPU 0 still counted in 1
    assertEquals(TDX_TLB_TRACKING_NOT_DONE, h.call(h.demote(GFN_2M, PG_LEVEL_2M)), "vCPU 0 not exited yet");
    GuestResult.TdExit exit = h.kick(0);
    assertEquals(tdxsim.protocol.ExitReason.EXTERNAL_INTERRUPT, exit.reason());
    assertEquals(new VcpuGuestMode(0, false, 1), last(h.observed(VcpuGuestMode.class)));

    int before = h.observed(SeptEntryChanged.class).size();
    assertEquals(TDX_SUCCESS, h.call(h.demote(GFN_2M, PG_LEVEL_2M)));

    assertEquals(SeptState.NL_MAPPED, h.stateOf(GFN_2M, PG_LEVEL_2M));
    for (int i = 0; i < 512; i++) {
      SeptEntry c = h.ept().entry(GFN_2M + i, PG_LEVEL_4K);
      assertEquals(SeptState.MAPPED, c.state(), "child " + i);
      assertEquals(PFN_2M + i, c.pfn());
    }
    List<SeptEntryChanged> changes = h.observed(SeptEntryChanged.class);
    assertEquals(513, changes.size() - before);
    assertEquals(new SeptEntryChanged(GFN_2M, PG_LEVEL_2M, SeptState.BLOCKED, SeptState.NL_MAPPED),
        changes.get(before));
    assertEquals(TDX_EPT_ENTRY_STATE_INCORRECT, h.call(h.unblock(GFN_2M, PG_LEVEL_2M)), "nothing to unblock");
    h.assertQuiescent();

    h.enterOk(0);
    assertInstanceOf(GuestResult.GuestAccessOk.class, h.access(0, GFN_2M + 77, true));
    GuestResult r = h.accept(0, GFN_2M + 77, PG_LEVEL_4K);
    assertEquals(TdxStatus.TDX_PAGE_ALREADY_ACCEPTED, assertInstanceOf(GuestResult.TdcallReturn.class, r).status());
  }

  @Test
  void demoteOfAPendingPageGivesPendingChildrenTheGuestCanAcceptAt4k() {
    ModuleHarness h = harness();
    h.finalizeTd();
    assertEquals(TDX_SUCCESS, h.call(h.aug(GFN_2M, PG_LEVEL_2M, PFN_2M)));
    assertEquals(TDX_SUCCESS, h.call(h.block(GFN_2M, PG_LEVEL_2M)));
    assertEquals(TDX_SUCCESS, h.call(h.track()));
    assertEquals(TDX_SUCCESS, h.call(h.demote(GFN_2M, PG_LEVEL_2M)));
    assertEquals(SeptState.PENDING, h.stateOf(GFN_2M + 5, PG_LEVEL_4K));
    h.enterOk(0);
    GuestResult r = h.accept(0, GFN_2M + 5, PG_LEVEL_4K);
    assertEquals(TDX_SUCCESS, assertInstanceOf(GuestResult.TdcallReturn.class, r).status());
    r = h.accept(0, GFN_2M, PG_LEVEL_2M);
    assertEquals(TdxStatus.TDX_PAGE_SIZE_MISMATCH, assertInstanceOf(GuestResult.TdcallReturn.class, r).status());
  }

  @Test
  void blockTrackExitRemove() {
    ModuleHarness h = mapped2mWithVcpuInGuest();
    assertEquals(TDX_SUCCESS, h.call(h.block(GFN_2M, PG_LEVEL_2M)));
    assertEquals(TDX_SUCCESS, h.call(h.track()));
    h.kick(0);
    assertEquals(TDX_SUCCESS, h.call(h.remove(GFN_2M, PG_LEVEL_2M)));
    assertEquals(SeptState.FREE, h.stateOf(GFN_2M, PG_LEVEL_2M));
    // WBINVD and a new AUG complete the zap / re-fault cycle
    assertEquals(TDX_SUCCESS, h.call(new tdxsim.protocol.TdxModuleMsg.TdhPhymemPageWbinvd(GFN_2M, PG_LEVEL_2M,
        PFN_2M, h.caller())));
    assertEquals(TDX_SUCCESS, h.call(h.aug(GFN_2M, PG_LEVEL_2M, PFN_2M)));
  }

  @Test
  void aVcpuThatEnteredAfterTheTrackDoesNotDelayTheDemote() {
    ModuleHarness h = mapped2mWithVcpuInGuest();
    assertEquals(TDX_SUCCESS, h.call(h.block(GFN_2M, PG_LEVEL_2M)));
    assertEquals(TDX_SUCCESS, h.call(h.track()));
    h.kick(0);
    h.enterOk(1); // counted in epoch 2: it cannot hold a translation from before the BLOCK
    assertEquals(2, h.state.vcpu(1).countedEpoch());
    assertEquals(TDX_SUCCESS, h.call(h.demote(GFN_2M, PG_LEVEL_2M)));
  }

  private static <T> T last(List<T> l) {
    return l.get(l.size() - 1);
  }
}
