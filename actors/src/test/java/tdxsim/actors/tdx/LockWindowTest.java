package tdxsim.actors.tdx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static tdxsim.actors.tdx.ModuleHarness.GFN_2M;
import static tdxsim.actors.tdx.ModuleHarness.GFN_4K;
import static tdxsim.actors.tdx.ModuleHarness.PFN_2M;
import static tdxsim.protocol.Level.PG_LEVEL_2M;
import static tdxsim.protocol.Level.PG_LEVEL_4K;
import static tdxsim.protocol.TdxStatus.TDX_OPERAND_BUSY;
import static tdxsim.protocol.TdxStatus.TDX_SUCCESS;

import java.util.List;
import org.junit.jupiter.api.Test;
import tdxsim.actors.monitor.SeptObservation.SeamcallCompleted;
import tdxsim.protocol.GuestResult;
import tdxsim.protocol.SeamcallLeaf;
import tdxsim.protocol.SeamcallResult;
import tdxsim.protocol.SeptState;
import tdxsim.protocol.TdxModuleMsg;

/**
 * A SEAMCALL is not atomic in time: a request that arrives between another's lock acquisition and its
 * Continue sees the locks held and gets TDX_OPERAND_BUSY; after the Continue it succeeds.
 */
class LockWindowTest extends ModuleTestBase {

  private ModuleHarness running() {
    ModuleHarness h = harness();
    h.finalizeTd();
    h.ept().seed(GFN_2M, PG_LEVEL_2M, SeptState.NL_MAPPED, 0x3000, 0);
    return h;
  }

  @Test
  void exclusiveTreeLockHolderMakesASharedUserBusyUntilItsContinue() {
    ModuleHarness h = running();
    h.ept().seed(GFN_4K + 1, PG_LEVEL_4K, SeptState.MAPPED, PFN_2M + 4, 0);
    assertNull(h.issue(h.block(GFN_4K + 1, PG_LEVEL_4K)), "BLOCK holds the tree lock exclusive");
    assertTrue(h.state.septTreeLock().isExclusive());

    SeamcallResult aug = h.issue(h.aug(GFN_4K, PG_LEVEL_4K, PFN_2M + 3)); // another entry, same tree
    assertEquals(TDX_OPERAND_BUSY, aug.status());
    assertEquals(SeptState.FREE, h.stateOf(GFN_4K, PG_LEVEL_4K));
    assertEquals(new SeamcallCompleted(SeamcallLeaf.TDH_MEM_PAGE_AUG, GFN_4K, PG_LEVEL_4K, TDX_OPERAND_BUSY, "kvm"),
        h.lastCompletion(), "BUSY completions are observed too");

    assertEquals(TDX_SUCCESS, h.result().status()); // BLOCK's Continue
    assertEquals(SeptState.BLOCKED, h.stateOf(GFN_4K + 1, PG_LEVEL_4K));
    assertEquals(TDX_SUCCESS, h.call(h.aug(GFN_4K, PG_LEVEL_4K, PFN_2M + 3)));
    h.assertQuiescent();
  }

  @Test
  void sharedTreeLockHoldersOverlapOnDifferentEntriesButNotOnTheSameOne() {
    ModuleHarness h = running();
    assertNull(h.issue(h.aug(GFN_4K, PG_LEVEL_4K, PFN_2M + 3)));
    assertNull(h.issue(h.aug(GFN_4K + 1, PG_LEVEL_4K, PFN_2M + 4)), "shared + shared, another entry: in flight");
    assertEquals(2, h.state.septTreeLock().readers());

    SeamcallResult same = h.issue(h.aug(GFN_4K, PG_LEVEL_4K, PFN_2M + 3)); // the same entry: entry lock
    assertEquals(TDX_OPERAND_BUSY, same.status());
    assertTrue(h.ept().entry(GFN_4K, PG_LEVEL_4K).hostPriority(), "sept_lock_acquire_host set HP");

    SeamcallResult block = h.issue(h.block(GFN_4K + 2, PG_LEVEL_4K)); // exclusive vs two shared
    assertEquals(TDX_OPERAND_BUSY, block.status());

    h.continueAll();
    List<SeamcallResult> done = h.kvm.getAllReceived();
    assertEquals(List.of(TDX_SUCCESS, TDX_SUCCESS), done.stream().map(SeamcallResult::status).toList());
    assertEquals(SeptState.PENDING, h.stateOf(GFN_4K, PG_LEVEL_4K));
    assertEquals(SeptState.PENDING, h.stateOf(GFN_4K + 1, PG_LEVEL_4K));
    assertFalse(h.ept().entry(GFN_4K, PG_LEVEL_4K).hostPriority(), "the committed write cleared HP");
    h.assertQuiescent();
  }

  @Test
  void trackHoldsTheEpochLockAgainstTrackAndVpEnter() {
    ModuleHarness h = running();
    assertNull(h.issue(h.track()));
    assertEquals(TDX_OPERAND_BUSY, h.issue(h.track()).status());
    h.send(new TdxModuleMsg.TdhVpEnter(0, h.vcpu(0).getRef(), h.nextTag()));
    GuestResult r = h.vcpu(0).receiveMessage();
    assertEquals(TDX_OPERAND_BUSY, assertInstanceOf(GuestResult.VpEnterFailed.class, r).status());
    assertEquals(0, h.state.epochs().refcount(1), "a failed entry is not counted");
    assertEquals(TDX_SUCCESS, h.result().status());
    h.enterOk(0);
    assertEquals(2, h.state.vcpu(0).countedEpoch());
  }

  @Test
  void pageAddHoldsTheTdrExclusive() {
    ModuleHarness h = harness(); // build time
    h.ept().seed(GFN_2M, PG_LEVEL_2M, SeptState.NL_MAPPED, 0x3000, 0);
    assertNull(h.issue(h.pageAdd(GFN_4K, PFN_2M + 3)));
    assertEquals(TDX_OPERAND_BUSY, h.issue(h.septAdd(GFN_2M + 512, PG_LEVEL_2M)).status());
    assertEquals(TDX_OPERAND_BUSY, h.issue(new TdxModuleMsg.TdhMrFinalize(h.caller())).status());
    assertEquals(TDX_SUCCESS, h.result().status());
    assertEquals(SeptState.MAPPED, h.stateOf(GFN_4K, PG_LEVEL_4K));
    assertEquals(TDX_SUCCESS, h.call(h.septAdd(GFN_2M + 512, PG_LEVEL_2M)));
  }

  @Test
  void aHostSeamcallBetweenAGuestAcceptsLockAndItsContinueIsBusy() {
    ModuleHarness h = running();
    h.ept().seed(GFN_4K, PG_LEVEL_4K, SeptState.PENDING, PFN_2M + 3, 0);
    h.enterOk(0);
    h.send(h.acceptMsg(0, GFN_4K, PG_LEVEL_4K));
    assertEquals(TDX_OPERAND_BUSY, h.issue(h.remove(GFN_4K, PG_LEVEL_4K)).status());
    assertEquals(TDX_OPERAND_BUSY, h.issue(h.block(GFN_4K, PG_LEVEL_4K)).status());
    h.continueAll();
    assertEquals(TDX_SUCCESS,
        assertInstanceOf(GuestResult.TdcallReturn.class, h.vcpu(0).receiveMessage()).status());
    assertEquals(TDX_SUCCESS, h.call(h.block(GFN_4K, PG_LEVEL_4K)));
    h.assertQuiescent();
  }

  /**
   * R3 and tdh_do_no_vcpus: a BLOCK that finds the 2M entry held by a guest's (multi-step) 2M ACCEPT gets BUSY
   * and sets HP; KVM kicks the vCPUs; the ACCEPT stops at its next step (its progress kept in ACCEPT_COUNTER),
   * the vCPU exits, and the retried BLOCK succeeds, dropping the partial progress.
   */
  @Test
  void blockBusyOnAnAcceptingGuestSucceedsAfterTheKick() {
    ModuleHarness h = harness(TdxModuleConfig.of(2, ModuleHarness.BASE,
        tdxsim.protocol.Level.PG_LEVEL_1G.pages()).withAccept2mPagesPerStep(128));
    h.finalizeTd();
    long g2 = GFN_2M + 512;
    assertEquals(TDX_SUCCESS, h.call(h.aug(g2, PG_LEVEL_2M, PFN_2M + 512)));
    h.enterOk(0);
    h.send(h.acceptMsg(0, g2, PG_LEVEL_2M));
    h.continueOne();

    assertEquals(TDX_OPERAND_BUSY, h.issue(h.block(g2, PG_LEVEL_2M)).status());
    assertTrue(h.ept().entry(g2, PG_LEVEL_2M).hostPriority());
    h.send(new TdxModuleMsg.ExternalInterrupt(0)); // tdh_do_no_vcpus kicks
    h.send(new TdxModuleMsg.ExternalInterrupt(1)); // vCPU 1 is not in the guest: ignored
    h.continueAll();
    assertEquals(tdxsim.protocol.ExitReason.EXTERNAL_INTERRUPT,
        assertInstanceOf(GuestResult.TdExit.class, h.vcpu(0).receiveMessage()).reason());
    assertEquals(256, h.ept().entry(g2, PG_LEVEL_2M).acceptCounter());

    assertEquals(TDX_SUCCESS, h.call(h.block(g2, PG_LEVEL_2M)), "the retry is guaranteed to succeed");
    assertEquals(SeptState.PENDING_BLOCKED, h.stateOf(g2, PG_LEVEL_2M));
    assertEquals(0, h.ept().entry(g2, PG_LEVEL_2M).acceptCounter());
    h.assertQuiescent();
  }

  @Test
  void aWalkFailureOrStateErrorReleasesEverything() {
    ModuleHarness h = running();
    assertEquals(tdxsim.protocol.TdxStatus.TDX_EPT_WALK_FAILED,
        h.call(h.aug(GFN_2M + 512 + 1, PG_LEVEL_4K, PFN_2M))); // its 2M is FREE
    assertEquals(tdxsim.protocol.TdxStatus.TDX_EPT_ENTRY_STATE_INCORRECT, h.call(h.block(GFN_4K, PG_LEVEL_4K)));
    h.assertQuiescent();
    assertFalse(h.ept().entry(GFN_4K, PG_LEVEL_4K).hostPriority());
  }
}
