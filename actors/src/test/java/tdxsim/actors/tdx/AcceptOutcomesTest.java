package tdxsim.actors.tdx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static tdxsim.actors.tdx.ModuleHarness.GFN_2M;
import static tdxsim.actors.tdx.ModuleHarness.GFN_4K;
import static tdxsim.actors.tdx.ModuleHarness.PFN_2M;
import static tdxsim.protocol.Level.PG_LEVEL_1G;
import static tdxsim.protocol.Level.PG_LEVEL_2M;
import static tdxsim.protocol.Level.PG_LEVEL_4K;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tdxsim.actors.monitor.SeptObservation.AcceptCompleted;
import tdxsim.actors.monitor.SeptObservation.SeptEntryChanged;
import tdxsim.actors.monitor.SeptObservation.VcpuGuestMode;
import tdxsim.protocol.ExitReason;
import tdxsim.protocol.GuestResult;
import tdxsim.protocol.Level;
import tdxsim.protocol.SeamcallResult;
import tdxsim.protocol.SeptState;
import tdxsim.protocol.TdxStatus;

/** TDG.MEM.PAGE.ACCEPT outcomes (a)-(e) of domain 1.1 [TDXM tdg_mem_page_accept.c]. */
class AcceptOutcomesTest extends ModuleTestBase {

  private ModuleHarness runningWithVcpu0() {
    ModuleHarness h = harness();
    h.finalizeTd();
    h.enterOk(0);
    return h;
  }

  /**
   * Outcome by what the walk finds. Columns: the 2M entry | the 4K entry ("-": none) | requested level |
   * expected TDCALL status, or EXIT for an EPT-violation TD exit with the ACCEPT qualification.
   */
  @ParameterizedTest(name = "2M={0} 4K={1} accept {2} -> {3}")
  @CsvSource(delimiter = '|', textBlock = """
      # (a) guest-accessible leaf larger than the request, or at the requested level
      MAPPED          | -               | 4K | TDX_PAGE_ALREADY_ACCEPTED
      BLOCKEDW        | -               | 4K | TDX_PAGE_ALREADY_ACCEPTED
      MAPPED          | -               | 2M | TDX_PAGE_ALREADY_ACCEPTED
      NL_MAPPED       | MAPPED          | 4K | TDX_PAGE_ALREADY_ACCEPTED
      # (b) non-accessible leaf larger than the request, a missing non-leaf, or a non-PENDING entry at the level
      PENDING         | -               | 4K | EXIT
      BLOCKED         | -               | 4K | EXIT
      PENDING_BLOCKED | -               | 4K | EXIT
      FREE            | -               | 4K | EXIT
      NL_BLOCKED      | -               | 4K | EXIT
      FREE            | -               | 2M | EXIT
      BLOCKED         | -               | 2M | EXIT
      NL_MAPPED       | FREE            | 4K | EXIT
      NL_MAPPED       | BLOCKED         | 4K | EXIT
      NL_MAPPED       | PENDING_BLOCKED | 4K | EXIT
      # (c) a non-leaf exactly at the requested level: 2M requested, mapped as 4K
      NL_MAPPED       | MAPPED          | 2M | TDX_PAGE_SIZE_MISMATCH
      NL_BLOCKED      | -               | 2M | TDX_PAGE_SIZE_MISMATCH
      # (e) PENDING at the requested level
      NL_MAPPED       | PENDING         | 4K | TDX_SUCCESS
      PENDING         | -               | 2M | TDX_SUCCESS
      """)
  void outcomeByWalk(String at2m, String at4k, String level, String expected) {
    ModuleHarness h = runningWithVcpu0();
    SeptState s2 = SeptState.valueOf(at2m);
    h.ept().seed(GFN_2M, PG_LEVEL_2M, s2, s2.isLeaf() ? PFN_2M : 0x3000, 0);
    if (!at4k.equals("-")) h.ept().seed(GFN_4K, PG_LEVEL_4K, SeptState.valueOf(at4k), PFN_2M + 3, 0);
    Level lvl = SeamcallStatusTableTest.level(level);
    long gfn = lvl == PG_LEVEL_4K ? GFN_4K : GFN_2M;

    GuestResult r = h.accept(0, gfn, lvl);

    AcceptCompleted obs = h.observed(AcceptCompleted.class).get(0);
    if (expected.equals("EXIT")) {
      GuestResult.TdExit exit = assertInstanceOf(GuestResult.TdExit.class, r);
      assertEquals(ExitReason.EPT_VIOLATION, exit.reason());
      assertTrue(exit.isAcceptExit());
      assertEquals(lvl, exit.acceptLevel(), "the extended exit qualification carries the requested level");
      assertEquals(gfn, exit.gfn());
      assertNull(obs.status());
      assertFalse(h.state.vcpu(0).inGuest(), "the exit ends the guest run");
      assertEquals(0, h.state.epochs().refcount(1), "uncounted from its epoch");
      assertEquals(new VcpuGuestMode(0, false, 1), h.observed(VcpuGuestMode.class).get(1));
    } else {
      TdxStatus want = TdxStatus.valueOf(expected);
      GuestResult.TdcallReturn ret = assertInstanceOf(GuestResult.TdcallReturn.class, r);
      assertEquals(want, ret.status());
      assertEquals(want, obs.status());
      assertTrue(h.state.vcpu(0).inGuest(), "a TDCALL return keeps the guest running");
      if (want == TdxStatus.TDX_SUCCESS) assertEquals(SeptState.MAPPED, h.stateOf(gfn, lvl));
    }
    h.assertQuiescent();
  }

  @Test
  void successZeroesThePageAndMapsIt() {
    ModuleHarness h = runningWithVcpu0();
    assertEquals(TdxStatus.TDX_SUCCESS, h.call(h.septAdd(GFN_2M, PG_LEVEL_2M)));
    assertEquals(TdxStatus.TDX_SUCCESS, h.call(h.aug(GFN_4K, PG_LEVEL_4K, PFN_2M + 3)));
    GuestResult r = h.accept(0, GFN_4K, PG_LEVEL_4K);
    assertEquals(TdxStatus.TDX_SUCCESS, assertInstanceOf(GuestResult.TdcallReturn.class, r).status());
    List<SeptEntryChanged> changes = h.observed(SeptEntryChanged.class);
    assertEquals(new SeptEntryChanged(GFN_4K, PG_LEVEL_4K, SeptState.PENDING, SeptState.MAPPED),
        changes.get(changes.size() - 1));
    // and the guest can now use it
    assertInstanceOf(GuestResult.GuestAccessOk.class, h.access(0, GFN_4K, true));
  }

  @Test
  void acceptOnlyAt4kOr2m() {
    ModuleHarness h = runningWithVcpu0();
    GuestResult r = h.accept(0, ModuleHarness.BASE, PG_LEVEL_1G);
    assertEquals(TdxStatus.TDX_OPERAND_INVALID, assertInstanceOf(GuestResult.TdcallReturn.class, r).status());
    r = h.accept(0, GFN_2M + 1, PG_LEVEL_2M); // unaligned
    assertEquals(TdxStatus.TDX_OPERAND_INVALID, assertInstanceOf(GuestResult.TdcallReturn.class, r).status());
  }

  @Test
  void busyWhileAHostSeamcallHoldsTheEntry() {
    ModuleHarness h = runningWithVcpu0();
    h.ept().seed(GFN_2M, PG_LEVEL_2M, SeptState.NL_MAPPED, 0x3000, 0);
    h.ept().seed(GFN_4K, PG_LEVEL_4K, SeptState.PENDING, PFN_2M + 3, 0);
    // RANGE.BLOCK takes the tree lock exclusive and the entry lock; ACCEPT takes no tree lock, only the entry.
    assertNull(h.issue(h.block(GFN_4K, PG_LEVEL_4K)));
    GuestResult r = h.accept(0, GFN_4K, PG_LEVEL_4K); // accept() also delivers BLOCK's Continue afterwards
    assertEquals(TdxStatus.TDX_OPERAND_BUSY, assertInstanceOf(GuestResult.TdcallReturn.class, r).status());
    assertEquals(TdxStatus.TDX_SUCCESS, h.kvm.receiveMessage().status());
    assertEquals(SeptState.PENDING_BLOCKED, h.stateOf(GFN_4K, PG_LEVEL_4K));
  }

  /**
   * (d) with host priority: the guest's ACCEPT holds the entry lock; a host AUG fails on it and sets HP; the
   * ACCEPT then fails (entry FREE: EPT violation) and releases only the lock bit; the guest's retry finds the
   * lock free but HP set: TDX_OPERAND_BUSY_HOST_PRIORITY. The host's retry takes the lock (clearing HP), and the
   * guest's next ACCEPT succeeds [TDXM tdx_locks.h sept_lock_acquire_host/_guest].
   */
  @Test
  void busyHostPriorityAfterAHostBusySetHp() {
    ModuleHarness h = runningWithVcpu0();
    h.ept().seed(GFN_2M, PG_LEVEL_2M, SeptState.NL_MAPPED, 0x3000, 0);
    SeptEntry e = h.ept().entry(GFN_4K, PG_LEVEL_4K);

    h.send(h.acceptMsg(0, GFN_4K, PG_LEVEL_4K)); // locks the (FREE) 4K entry, Continue pending
    assertTrue(e.isLocked());
    SeamcallResult busy = h.issue(h.aug(GFN_4K, PG_LEVEL_4K, PFN_2M + 3));
    assertEquals(TdxStatus.TDX_OPERAND_BUSY, busy.status());
    assertTrue(e.hostPriority(), "the host's failed acquisition sets HP");

    h.continueAll(); // ACCEPT finds the entry FREE: EPT violation, lock released, HP kept
    GuestResult.TdExit exit = assertInstanceOf(GuestResult.TdExit.class, h.vcpu(0).receiveMessage());
    assertTrue(exit.isAcceptExit());
    assertFalse(e.isLocked());
    assertTrue(e.hostPriority());

    h.enterOk(0);
    GuestResult r = h.accept(0, GFN_4K, PG_LEVEL_4K);
    assertEquals(TdxStatus.TDX_OPERAND_BUSY_HOST_PRIORITY,
        assertInstanceOf(GuestResult.TdcallReturn.class, r).status());
    assertEquals(TdxStatus.TDX_OPERAND_BUSY_HOST_PRIORITY, h.observed(AcceptCompleted.class).get(1).status());

    assertEquals(TdxStatus.TDX_SUCCESS, h.call(h.aug(GFN_4K, PG_LEVEL_4K, PFN_2M + 3)));
    assertFalse(e.hostPriority(), "the host's successful acquisition clears HP");
    r = h.accept(0, GFN_4K, PG_LEVEL_4K);
    assertEquals(TdxStatus.TDX_SUCCESS, assertInstanceOf(GuestResult.TdcallReturn.class, r).status());
    h.assertQuiescent();
  }

  /** A successful ACCEPT writes back the entry image it read after locking (HP clear): HP does not survive. */
  @Test
  void aSuccessfulAcceptWriteClearsHp() {
    ModuleHarness h = runningWithVcpu0();
    h.ept().seed(GFN_2M, PG_LEVEL_2M, SeptState.NL_MAPPED, 0x3000, 0);
    h.ept().seed(GFN_4K, PG_LEVEL_4K, SeptState.PENDING, PFN_2M + 3, 0);
    h.send(h.acceptMsg(0, GFN_4K, PG_LEVEL_4K));
    assertEquals(TdxStatus.TDX_OPERAND_BUSY, h.issue(h.block(GFN_4K, PG_LEVEL_4K)).status());
    assertTrue(h.ept().entry(GFN_4K, PG_LEVEL_4K).hostPriority());
    h.continueAll();
    assertEquals(TdxStatus.TDX_SUCCESS,
        assertInstanceOf(GuestResult.TdcallReturn.class, h.vcpu(0).receiveMessage()).status());
    assertFalse(h.ept().entry(GFN_4K, PG_LEVEL_4K).hostPriority());
  }

  @Test
  void a2mAcceptTakesSeveralStepsAndHoldsTheEntryMeanwhile() {
    ModuleHarness h = harness(
        TdxModuleConfig.of(2, ModuleHarness.BASE, PG_LEVEL_1G.pages()).withAccept2mPagesPerStep(128));
    h.finalizeTd();
    h.enterOk(0);
    assertEquals(TdxStatus.TDX_SUCCESS, h.call(h.aug(GFN_2M, PG_LEVEL_2M, PFN_2M)));
    SeptEntry e = h.ept().entry(GFN_2M, PG_LEVEL_2M);

    h.send(h.acceptMsg(0, GFN_2M, PG_LEVEL_2M));
    h.continueOne();
    h.continueOne();
    assertEquals(256, e.acceptCounter());
    assertFalse(h.vcpu(0).hasMessages());
    // the host cannot touch the entry while the ACCEPT holds it
    assertEquals(TdxStatus.TDX_OPERAND_BUSY, h.issue(h.block(GFN_2M, PG_LEVEL_2M)).status());
    h.continueOne();
    h.continueOne();
    assertEquals(TdxStatus.TDX_SUCCESS,
        assertInstanceOf(GuestResult.TdcallReturn.class, h.vcpu(0).receiveMessage()).status());
    assertFalse(h.hasContinue());
    assertEquals(SeptState.MAPPED, e.state());
    assertEquals(0, e.acceptCounter());
    h.assertQuiescent();
  }

  /**
   * A 2M ACCEPT interrupted half-way keeps its progress in ACCEPT_COUNTER, releases the entry and lets the
   * interrupt exit the TD without returning from the TDCALL; re-executed after re-entry, it continues.
   */
  @Test
  void an2mAcceptIsInterruptibleAndResumes() {
    ModuleHarness h = harness(
        TdxModuleConfig.of(2, ModuleHarness.BASE, PG_LEVEL_1G.pages()).withAccept2mPagesPerStep(128));
    h.finalizeTd();
    h.enterOk(0);
    assertEquals(TdxStatus.TDX_SUCCESS, h.call(h.aug(GFN_2M, PG_LEVEL_2M, PFN_2M)));
    SeptEntry e = h.ept().entry(GFN_2M, PG_LEVEL_2M);

    var acceptMsg = h.acceptMsg(0, GFN_2M, PG_LEVEL_2M);
    h.send(acceptMsg);
    h.continueOne(); // 128 pages
    h.send(new tdxsim.protocol.TdxModuleMsg.ExternalInterrupt(0)); // deferred: a TDCALL is executing
    assertFalse(h.vcpu(0).hasMessages());
    h.continueOne(); // 256 pages, then the interrupt is taken
    GuestResult.TdExit exit = assertInstanceOf(GuestResult.TdExit.class, h.vcpu(0).receiveMessage());
    assertEquals(ExitReason.EXTERNAL_INTERRUPT, exit.reason());
    assertEquals(acceptMsg.tag(), exit.tag(), "the exit answers the interrupted ACCEPT");
    assertFalse(h.vcpu(0).hasMessages(), "no TDCALL return: RAX and RIP untouched");
    assertFalse(h.hasContinue());
    assertEquals(SeptState.PENDING, e.state());
    assertEquals(256, e.acceptCounter());
    assertFalse(e.isLocked());
    assertNull(h.observed(AcceptCompleted.class).get(0).status());

    h.enterOk(0);
    h.send(h.acceptMsg(0, GFN_2M, PG_LEVEL_2M));
    h.continueOne();
    h.continueOne();
    assertFalse(h.hasContinue(), "only the remaining 256 pages were zeroed");
    assertEquals(TdxStatus.TDX_SUCCESS,
        assertInstanceOf(GuestResult.TdcallReturn.class, h.vcpu(0).receiveMessage()).status());
    assertEquals(SeptState.MAPPED, e.state());
  }

  @Test
  void blockDropsPartial2mAcceptProgress() {
    ModuleHarness h = harness(
        TdxModuleConfig.of(2, ModuleHarness.BASE, PG_LEVEL_1G.pages()).withAccept2mPagesPerStep(128));
    h.finalizeTd();
    h.enterOk(0);
    assertEquals(TdxStatus.TDX_SUCCESS, h.call(h.aug(GFN_2M, PG_LEVEL_2M, PFN_2M)));
    h.send(h.acceptMsg(0, GFN_2M, PG_LEVEL_2M));
    h.continueOne();
    h.send(new tdxsim.protocol.TdxModuleMsg.ExternalInterrupt(0));
    h.continueOne();
    h.vcpu(0).receiveMessage();
    assertEquals(256, h.ept().entry(GFN_2M, PG_LEVEL_2M).acceptCounter());
    assertEquals(TdxStatus.TDX_SUCCESS, h.call(h.block(GFN_2M, PG_LEVEL_2M)));
    assertEquals(0, h.ept().entry(GFN_2M, PG_LEVEL_2M).acceptCounter(), "sept_cleanup_if_pending in BLOCK");
  }

  @Test
  void aKickDuringA4kAcceptIsTakenAfterTheTdcallReturns() {
    ModuleHarness h = runningWithVcpu0();
    h.ept().seed(GFN_2M, PG_LEVEL_2M, SeptState.NL_MAPPED, 0x3000, 0);
    h.ept().seed(GFN_4K, PG_LEVEL_4K, SeptState.PENDING, PFN_2M + 3, 0);
    h.send(h.acceptMsg(0, GFN_4K, PG_LEVEL_4K));
    h.send(new tdxsim.protocol.TdxModuleMsg.ExternalInterrupt(0));
    assertFalse(h.vcpu(0).hasMessages());
    h.continueAll();
    List<GuestResult> got = h.vcpu(0).getAllReceived();
    assertEquals(2, got.size());
    assertEquals(TdxStatus.TDX_SUCCESS, assertInstanceOf(GuestResult.TdcallReturn.class, got.get(0)).status());
    assertEquals(ExitReason.EXTERNAL_INTERRUPT, assertInstanceOf(GuestResult.TdExit.class, got.get(1)).reason());
  }

  @Test
  void anAcceptFromAVcpuOutsideTheGuestIsDropped() {
    ModuleHarness h = harness();
    h.finalizeTd();
    h.send(h.acceptMsg(1, GFN_4K, PG_LEVEL_4K));
    assertFalse(h.vcpu(1).hasMessages());
    assertFalse(h.hasContinue());
    assertTrue(h.observed(AcceptCompleted.class).isEmpty());
  }
}
