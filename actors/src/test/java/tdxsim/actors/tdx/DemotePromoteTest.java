package tdxsim.actors.tdx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static tdxsim.actors.tdx.ModuleHarness.GFN_2M;
import static tdxsim.actors.tdx.ModuleHarness.PFN_2M;
import static tdxsim.protocol.Level.PG_LEVEL_2M;
import static tdxsim.protocol.Level.PG_LEVEL_4K;
import static tdxsim.protocol.TdxStatus.TDX_EPT_INVALID_PROMOTE_CONDITIONS;
import static tdxsim.protocol.TdxStatus.TDX_INTERRUPTED_RESTARTABLE;
import static tdxsim.protocol.TdxStatus.TDX_SUCCESS;

import org.junit.jupiter.api.Test;
import tdxsim.actors.monitor.SeptObservation.SeptEntryChanged;
import tdxsim.protocol.Level;
import tdxsim.protocol.SeptState;
import tdxsim.protocol.TdxModuleMsg;

/** DEMOTE with a host interrupt, ENHANCED_DEMOTE_INTERRUPTIBILITY, and PROMOTE's conditions. */
class DemotePromoteTest extends ModuleTestBase {

  /** A running TD with a 2M MAPPED page that is blocked and tracked, ready for DEMOTE. */
  private ModuleHarness readyToDemote(TdxModuleConfig config) {
    ModuleHarness h = harness(config);
    h.finalizeTd();
    h.ept().seed(GFN_2M, PG_LEVEL_2M, SeptState.MAPPED, PFN_2M, 0);
    assertEquals(TDX_SUCCESS, h.call(h.block(GFN_2M, PG_LEVEL_2M)));
    assertEquals(TDX_SUCCESS, h.call(h.track()));
    return h;
  }

  private static TdxModuleConfig config() {
    return TdxModuleConfig.of(2, ModuleHarness.BASE, Level.PG_LEVEL_1G.pages());
  }

  @Test
  void aHostInterruptDuringDemoteIsInterruptedRestartableAndCommitsNothing() {
    ModuleHarness h = readyToDemote(config());
    TdxModuleMsg.TdhMemPageDemote demote = h.demote(GFN_2M, PG_LEVEL_2M);
    int changesBefore = h.observed(SeptEntryChanged.class).size();
    assertNull(h.issue(demote));
    h.send(new TdxModuleMsg.HostInterrupt(demote.caller().tag()));
    assertEquals(TDX_INTERRUPTED_RESTARTABLE, h.result().status());

    assertEquals(SeptState.BLOCKED, h.stateOf(GFN_2M, PG_LEVEL_2M), "still the blocked 2M leaf");
    assertEquals(SeptState.FREE, h.stateOf(GFN_2M, PG_LEVEL_4K), "no child table");
    assertEquals(changesBefore, h.observed(SeptEntryChanged.class).size(), "no S-EPT change at all");
    h.assertQuiescent();

    // restartable: the retry (still blocked and tracked) succeeds
    assertEquals(TDX_SUCCESS, h.call(h.demote(GFN_2M, PG_LEVEL_2M)));
    assertEquals(SeptState.NL_MAPPED, h.stateOf(GFN_2M, PG_LEVEL_2M));
  }

  @Test
  void withEnhancedDemoteInterruptibilityTheInterruptDoesNotStopTheDemote() {
    ModuleHarness h = readyToDemote(config().withEnhancedDemoteInterruptibility(true));
    TdxModuleMsg.TdhMemPageDemote demote = h.demote(GFN_2M, PG_LEVEL_2M);
    assertNull(h.issue(demote));
    h.send(new TdxModuleMsg.HostInterrupt(demote.caller().tag()));
    assertEquals(TDX_SUCCESS, h.result().status());
    assertEquals(SeptState.NL_MAPPED, h.stateOf(GFN_2M, PG_LEVEL_2M));
    assertEquals(SeptState.MAPPED, h.stateOf(GFN_2M + 511, PG_LEVEL_4K));
  }

  @Test
  void nonBlockingResizeDemotesAMappedLeafWithoutBlockWhereThePlainDemoteIsRefused() {
    ModuleHarness h = harness(config().withEnhancedDemoteInterruptibility(true));
    h.finalizeTd();
    h.ept().seed(GFN_2M, PG_LEVEL_2M, SeptState.MAPPED, PFN_2M, 0);
    assertEquals(tdxsim.protocol.TdxStatus.TDX_GPA_RANGE_NOT_BLOCKED, h.call(h.demote(GFN_2M, PG_LEVEL_2M)));
    TdxModuleMsg.TdhMemPageDemoteNonBlocking nb =
        new TdxModuleMsg.TdhMemPageDemoteNonBlocking(GFN_2M, PG_LEVEL_2M, 0x2000 + GFN_2M, h.caller());
    assertEquals(TDX_SUCCESS, h.call(nb), "NON-BLOCKING-RESIZE: no BLOCK, no TRACK");
    assertEquals(SeptState.NL_MAPPED, h.stateOf(GFN_2M, PG_LEVEL_2M));
    assertEquals(SeptState.MAPPED, h.stateOf(GFN_2M + 511, PG_LEVEL_4K), "the 4K entries keep the 2M state");
    assertEquals(1, h.observed(tdxsim.actors.monitor.SeptObservation.NonBlockingDemote.class).size());
  }

  @Test
  void anInterruptForAnotherSeamcallOrOutsideTheWindowDoesNothing() {
    ModuleHarness h = readyToDemote(config());
    h.send(new TdxModuleMsg.HostInterrupt(12345)); // before: nothing in flight
    TdxModuleMsg.TdhMemPageDemote demote = h.demote(GFN_2M, PG_LEVEL_2M);
    assertNull(h.issue(demote));
    h.send(new TdxModuleMsg.HostInterrupt(demote.caller().tag() + 1000)); // another SEAMCALL's tag
    assertEquals(TDX_SUCCESS, h.result().status());
  }

  @Test
  void interruptStillLosesToAnEarlierCheck() {
    ModuleHarness h = harness(config());
    h.finalizeTd();
    h.ept().seed(GFN_2M, PG_LEVEL_2M, SeptState.MAPPED, PFN_2M, 0);
    TdxModuleMsg.TdhMemPageDemote demote = h.demote(GFN_2M, PG_LEVEL_2M);
    assertNull(h.issue(demote));
    h.send(new TdxModuleMsg.HostInterrupt(demote.caller().tag()));
    assertEquals(tdxsim.protocol.TdxStatus.TDX_GPA_RANGE_NOT_BLOCKED, h.result().status());
  }

  /**
   * R10: after a 4K round trip (demote, one child removed and re-AUGed), the children are 511 MAPPED + 1
   * PENDING and PROMOTE fails with TDX_EPT_INVALID_PROMOTE_CONDITIONS [C1 "Page merging"].
   */
  @Test
  void promoteWithMixedChildrenIsInvalid() {
    ModuleHarness h = readyToDemote(config());
    assertEquals(TDX_SUCCESS, h.call(h.demote(GFN_2M, PG_LEVEL_2M)));
    long child = GFN_2M + 9;
    assertEquals(TDX_SUCCESS, h.call(h.block(child, PG_LEVEL_4K)));
    assertEquals(TDX_SUCCESS, h.call(h.track()));
    assertEquals(TDX_SUCCESS, h.call(h.remove(child, PG_LEVEL_4K)));
    assertEquals(TDX_SUCCESS, h.call(h.aug(child, PG_LEVEL_4K, PFN_2M + 9)));
    assertEquals(SeptState.PENDING, h.stateOf(child, PG_LEVEL_4K));

    assertEquals(TDX_SUCCESS, h.call(h.block(GFN_2M, PG_LEVEL_2M)));
    assertEquals(SeptState.NL_BLOCKED, h.stateOf(GFN_2M, PG_LEVEL_2M));
    assertEquals(TDX_SUCCESS, h.call(h.track()));
    assertEquals(TDX_EPT_INVALID_PROMOTE_CONDITIONS, h.call(h.promote(GFN_2M, PG_LEVEL_2M)));
    assertEquals(SeptState.NL_BLOCKED, h.stateOf(GFN_2M, PG_LEVEL_2M));
    assertEquals(SeptState.MAPPED, h.stateOf(GFN_2M, PG_LEVEL_4K), "children untouched");
    h.assertQuiescent();
  }

  @Test
  void promoteOfUniformChildrenMergesThemAndDemoteSplitsThemAgain() {
    ModuleHarness h = readyToDemote(config());
    assertEquals(TDX_SUCCESS, h.call(h.demote(GFN_2M, PG_LEVEL_2M)));
    assertEquals(TDX_SUCCESS, h.call(h.block(GFN_2M, PG_LEVEL_2M)));
    assertEquals(TDX_SUCCESS, h.call(h.track()));
    TdxModuleMsg.TdhMemPagePromote promote = h.promote(GFN_2M, PG_LEVEL_2M);
    assertNull(h.issue(promote));
    h.send(new TdxModuleMsg.HostInterrupt(promote.caller().tag()));
    assertEquals(TDX_INTERRUPTED_RESTARTABLE, h.result().status(), "PROMOTE is always interruptible");
    assertEquals(SeptState.NL_BLOCKED, h.stateOf(GFN_2M, PG_LEVEL_2M));

    assertEquals(TDX_SUCCESS, h.call(h.promote(GFN_2M, PG_LEVEL_2M)));
    assertEquals(SeptState.MAPPED, h.stateOf(GFN_2M, PG_LEVEL_2M));
    assertEquals(PFN_2M, h.ept().entry(GFN_2M, PG_LEVEL_2M).pfn());
    assertEquals(SeptState.FREE, h.stateOf(GFN_2M + 3, PG_LEVEL_4K));
    h.assertQuiescent();
  }
}
