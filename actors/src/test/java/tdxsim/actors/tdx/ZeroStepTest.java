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
import tdxsim.protocol.ExitReason;
import tdxsim.protocol.GuestResult;
import tdxsim.protocol.Level;
import tdxsim.protocol.SeptState;
import tdxsim.protocol.TdxModuleMsg;

/**
 * The zero-step (EPF stepping) mitigation [TDXM td_exit_stepping.c]: a vCPU that keeps taking EPT violations
 * without forward progress gets the faulting gfn on its list; while the list is non-empty TDH.VP.ENTER takes
 * the S-EPT tree lock exclusive (TDX_OPERAND_BUSY if it is held), and refuses to enter while a listed gfn would
 * fault again.
 */
class ZeroStepTest extends ModuleTestBase {
  private static final int THRESHOLD = 2;

  private ModuleHarness running() {
    ModuleHarness h = harness(
        TdxModuleConfig.of(2, ModuleHarness.BASE, Level.PG_LEVEL_1G.pages()).withZeroStepThreshold(THRESHOLD));
    h.finalizeTd();
    h.ept().seed(GFN_2M, PG_LEVEL_2M, SeptState.NL_MAPPED, 0x3000, 0);
    return h;
  }

  /** Enter, touch the (unmapped) gfn, exit with an EPT violation: one EPF without progress. */
  private static void faultOnce(ModuleHarness h, int vcpu, long gfn) {
    h.enterOk(vcpu);
    GuestResult.TdExit exit = assertInstanceOf(GuestResult.TdExit.class, h.access(vcpu, gfn, false));
    assertEquals(ExitReason.EPT_VIOLATION, exit.reason());
    assertFalse(exit.isAcceptExit());
  }

  private ModuleHarness withZeroStepListed() {
    ModuleHarness h = running();
    for (int i = 0; i <= THRESHOLD; i++) faultOnce(h, 0, GFN_4K);
    assertEquals(List.of(GFN_4K), h.state.vcpu(0).zeroStepList());
    return h;
  }

  @Test
  void repeatedEptViolationsWithoutProgressListTheGfn() {
    ModuleHarness h = running();
    for (int i = 0; i < THRESHOLD; i++) faultOnce(h, 0, GFN_4K);
    assertTrue(h.state.vcpu(0).zeroStepList().isEmpty(), "below the threshold");
    assertEquals(THRESHOLD, h.state.vcpu(0).possiblyEpfStepping());
    faultOnce(h, 0, GFN_4K);
    assertEquals(List.of(GFN_4K), h.state.vcpu(0).zeroStepList());
    assertTrue(h.state.vcpu(1).zeroStepList().isEmpty(), "per vCPU");
  }

  @Test
  void vpEnterIsBusyWhileTheTreeLockIsHeld() {
    ModuleHarness h = withZeroStepListed();
    h.ept().seed(GFN_4K + 1, PG_LEVEL_4K, SeptState.MAPPED, PFN_2M + 4, 0);
    assertNull(h.issue(h.block(GFN_4K + 1, PG_LEVEL_4K))); // tree lock exclusive, in flight

    h.send(new TdxModuleMsg.TdhVpEnter(0, h.vcpu(0).getRef(), h.nextTag()));
    GuestResult r = h.vcpu(0).receiveMessage();
    assertEquals(TDX_OPERAND_BUSY, assertInstanceOf(GuestResult.VpEnterFailed.class, r).status());
    assertEquals(0, h.state.epochs().refcount(1), "the TLB tracking state was reverted");

    // A shared holder blocks it too: VP.ENTER wants the lock exclusive.
    assertEquals(TDX_SUCCESS, h.result().status());
    assertNull(h.issue(h.aug(GFN_4K + 2, PG_LEVEL_4K, PFN_2M + 5)));
    h.send(new TdxModuleMsg.TdhVpEnter(0, h.vcpu(0).getRef(), h.nextTag()));
    assertEquals(TDX_OPERAND_BUSY,
        assertInstanceOf(GuestResult.VpEnterFailed.class, h.vcpu(0).receiveMessage()).status());
    assertEquals(TDX_SUCCESS, h.result().status());

    // Without a zero-step list, VP.ENTER takes no tree lock: vCPU 1 enters while a BLOCK is in flight.
    assertNull(h.issue(h.block(GFN_4K + 1, PG_LEVEL_4K)));
    h.send(new TdxModuleMsg.TdhVpEnter(1, h.vcpu(1).getRef(), h.nextTag()));
    assertInstanceOf(GuestResult.TdEntered.class, h.vcpu(1).receiveMessage());
    h.continueAll();
  }

  @Test
  void vpEnterRefusesToEnterWhileAListedGfnWouldFaultAgain() {
    ModuleHarness h = withZeroStepListed();
    GuestResult r = h.enter(0);
    GuestResult.TdExit exit = assertInstanceOf(GuestResult.TdExit.class, r);
    assertEquals(ExitReason.EPT_VIOLATION, exit.reason());
    assertEquals(GFN_4K, exit.gfn());
    assertFalse(h.state.vcpu(0).inGuest());
    assertEquals(0, h.state.epochs().refcount(1));
    h.assertQuiescent();
  }

  @Test
  void vpEnterHoldsTheTreeLockUntilItsContinueAndProgressClearsTheList() {
    ModuleHarness h = withZeroStepListed();
    // The host maps the page and vCPU 1 accepts it.
    assertEquals(TDX_SUCCESS, h.call(h.aug(GFN_4K, PG_LEVEL_4K, PFN_2M + 3)));
    h.enterOk(1);
    assertEquals(TDX_SUCCESS,
        assertInstanceOf(GuestResult.TdcallReturn.class, h.accept(1, GFN_4K, PG_LEVEL_4K)).status());

    h.send(new TdxModuleMsg.TdhVpEnter(0, h.vcpu(0).getRef(), h.nextTag()));
    assertTrue(h.state.septTreeLock().isExclusive(), "VP.ENTER holds the tree lock exclusive (R3)");
    assertEquals(TDX_OPERAND_BUSY, h.issue(h.aug(GFN_4K + 1, PG_LEVEL_4K, PFN_2M + 4)).status());
    h.continueAll();
    assertInstanceOf(GuestResult.TdEntered.class, h.vcpu(0).receiveMessage());
    h.assertQuiescent();

    // Forward progress; at the next exit the list is cleared and VP.ENTER is lock-free again.
    assertInstanceOf(GuestResult.GuestAccessOk.class, h.access(0, GFN_4K, false));
    h.kick(0);
    assertTrue(h.state.vcpu(0).zeroStepList().isEmpty());
    assertEquals(0, h.state.vcpu(0).possiblyEpfStepping());
    h.send(new TdxModuleMsg.TdhVpEnter(0, h.vcpu(0).getRef(), h.nextTag()));
    assertFalse(h.hasContinue());
    assertInstanceOf(GuestResult.TdEntered.class, h.vcpu(0).receiveMessage());
  }

  @Test
  void acceptInducedExitsAreNotCounted() {
    ModuleHarness h = running();
    h.ept().seed(GFN_2M + 512, PG_LEVEL_2M, SeptState.PENDING, PFN_2M + 512, 0);
    for (int i = 0; i < 3 * THRESHOLD; i++) {
      h.enterOk(0);
      assertTrue(assertInstanceOf(GuestResult.TdExit.class, h.accept(0, GFN_2M + 512 + 1, PG_LEVEL_4K))
          .isAcceptExit());
    }
    assertEquals(0, h.state.vcpu(0).possiblyEpfStepping(), "async_tdexit_ept_violation does not log");
    assertTrue(h.state.vcpu(0).zeroStepList().isEmpty());
  }
}
