package tdxsim.actors.tdx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static tdxsim.actors.tdx.ModuleHarness.GFN_2M;
import static tdxsim.actors.tdx.ModuleHarness.GFN_4K;
import static tdxsim.actors.tdx.ModuleHarness.PFN_2M;
import static tdxsim.protocol.Level.PG_LEVEL_2M;
import static tdxsim.protocol.Level.PG_LEVEL_4K;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tdxsim.actors.monitor.SeptObservation.SeamcallCompleted;
import tdxsim.actors.monitor.SeptObservation.VcpuGuestMode;
import tdxsim.protocol.ExitReason;
import tdxsim.protocol.GuestResult;
import tdxsim.protocol.Level;
import tdxsim.protocol.SeamcallLeaf;
import tdxsim.protocol.SeptState;
import tdxsim.protocol.TdxModuleMsg;
import tdxsim.protocol.TdxStatus;

/** TD entry and exit, guest accesses, kicks and epoch accounting. */
class GuestTransitionsTest extends ModuleTestBase {

  /**
   * Guest access outcome by the leaf the walk finds [TDXM td_ept_violation.c]. Columns: 2M entry | 4K entry |
   * write | SEPT_VE_DISABLE | expected: OK, VE (#VE injected), EXIT (EPT-violation TD exit) or PEXIT (the same
   * with the extended exit qualification type PENDING_EPT_VIOLATION, which KVM kills the VM for).
   */
  @ParameterizedTest(name = "2M={0} 4K={1} write={2} veDisable={3} -> {4}")
  @CsvSource(delimiter = '|', textBlock = """
      MAPPED          | -        | true  | true  | OK
      NL_MAPPED       | MAPPED   | true  | true  | OK
      NL_MAPPED       | BLOCKEDW | false | true  | OK
      NL_MAPPED       | BLOCKEDW | true  | true  | EXIT
      PENDING         | -        | false | false | VE
      NL_MAPPED       | PENDING  | false | false | VE
      NL_MAPPED       | PENDING  | false | true  | PEXIT
      PENDING         | -        | true  | true  | PEXIT
      PENDING_BLOCKED | -        | false | false | EXIT
      BLOCKED         | -        | false | true  | EXIT
      FREE            | -        | false | true  | EXIT
      NL_BLOCKED      | -        | false | true  | EXIT
      NL_MAPPED       | FREE     | false | true  | EXIT
      """)
  void accessOutcome(String at2m, String at4k, boolean write, boolean veDisable, String expected) {
    ModuleHarness h = harness(
        TdxModuleConfig.of(1, ModuleHarness.BASE, Level.PG_LEVEL_1G.pages()).withSeptVeDisable(veDisable));
    h.finalizeTd();
    SeptState s2 = SeptState.valueOf(at2m);
    h.ept().seed(GFN_2M, PG_LEVEL_2M, s2, s2.isLeaf() ? PFN_2M : 0x3000, 0);
    if (!at4k.equals("-")) h.ept().seed(GFN_4K, PG_LEVEL_4K, SeptState.valueOf(at4k), PFN_2M + 3, 0);
    h.enterOk(0);
    GuestResult r = h.access(0, GFN_4K, write);
    switch (expected) {
      case "OK" -> assertInstanceOf(GuestResult.GuestAccessOk.class, r);
      case "VE" -> assertInstanceOf(GuestResult.VirtualizationException.class, r);
      default -> {
        GuestResult.TdExit exit = assertInstanceOf(GuestResult.TdExit.class, r);
        assertEquals(ExitReason.EPT_VIOLATION, exit.reason());
        assertEquals(GFN_4K, exit.gfn());
        assertNull(exit.acceptLevel());
        assertEquals(expected.equals("PEXIT"), exit.pendingEptViolation());
        assertFalse(h.state.vcpu(0).inGuest());
      }
    }
    assertEquals(!expected.endsWith("EXIT"), h.state.vcpu(0).inGuest());
  }

  @Test
  void entryCountsTheVcpuInTheCurrentEpochAndEveryExitUncountsIt() {
    ModuleHarness h = harness();
    h.finalizeTd();
    h.enterOk(0);
    assertEquals(1, h.state.epochs().refcount(1));
    assertEquals(TdxStatus.TDX_SUCCESS, h.call(h.track()));
    h.enterOk(1);
    assertEquals(1, h.state.epochs().refcount(2));
    GuestResult.TdExit exit = h.kick(0);
    assertEquals(ExitReason.EXTERNAL_INTERRUPT, exit.reason());
    h.kick(1);
    assertEquals(0, h.state.epochs().refcount(1));
    assertEquals(0, h.state.epochs().refcount(2));
    assertEquals(List.of(new VcpuGuestMode(0, true, 1), new VcpuGuestMode(1, true, 2),
        new VcpuGuestMode(0, false, 1), new VcpuGuestMode(1, false, 2)), h.observed(VcpuGuestMode.class));
    // TDH.VP.ENTER completes at the exit
    SeamcallCompleted c = h.lastCompletion();
    assertEquals(SeamcallLeaf.TDH_VP_ENTER, c.leaf());
    assertEquals("vcpu1", c.caller());
  }

  @Test
  void aKickToAVcpuOutsideTheGuestIsIgnored() {
    ModuleHarness h = harness();
    h.finalizeTd();
    h.send(new TdxModuleMsg.ExternalInterrupt(0));
    assertFalse(h.vcpu(0).hasMessages());
    h.enterOk(0);
    h.kick(0);
    h.send(new TdxModuleMsg.ExternalInterrupt(0));
    assertFalse(h.vcpu(0).hasMessages());
  }

  @Test
  void anAccessRacingAKickIsDropped() {
    ModuleHarness h = harness();
    h.finalizeTd();
    h.ept().seed(GFN_2M, PG_LEVEL_2M, SeptState.MAPPED, PFN_2M, 0);
    h.enterOk(0);
    h.kick(0);
    h.send(new TdxModuleMsg.GuestMemAccess(0, GFN_4K, false, h.vcpu(0).getRef(), h.nextTag()));
    assertFalse(h.vcpu(0).hasMessages());
  }

  @Test
  void enteringTwiceIsAProtocolError() {
    ModuleHarness h = harness();
    h.finalizeTd();
    h.enterOk(0);
    assertThrows(IllegalStateException.class,
        () -> h.send(new TdxModuleMsg.TdhVpEnter(0, h.vcpu(0).getRef(), h.nextTag())));
  }

  @Test
  void aGuestAccessDuringTheVcpusOwnAcceptIsAProtocolError() {
    ModuleHarness h = harness();
    h.finalizeTd();
    h.ept().seed(GFN_2M, PG_LEVEL_2M, SeptState.PENDING, PFN_2M, 0);
    h.enterOk(0);
    h.send(h.acceptMsg(0, GFN_2M, PG_LEVEL_2M));
    assertTrue(h.hasContinue());
    assertThrows(IllegalStateException.class,
        () -> h.send(new TdxModuleMsg.GuestMemAccess(0, GFN_4K, false, h.vcpu(0).getRef(), h.nextTag())));
  }
}
