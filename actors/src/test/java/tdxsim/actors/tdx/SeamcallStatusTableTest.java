package tdxsim.actors.tdx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static tdxsim.actors.tdx.ModuleHarness.BASE;
import static tdxsim.actors.tdx.ModuleHarness.GFN_2M;
import static tdxsim.actors.tdx.ModuleHarness.GFN_4K;
import static tdxsim.actors.tdx.ModuleHarness.PFN_2M;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tdxsim.actors.monitor.SeptObservation;
import tdxsim.protocol.GuestResult;
import tdxsim.protocol.Level;
import tdxsim.protocol.SeamcallLeaf;
import tdxsim.protocol.SeptState;
import tdxsim.protocol.TdxModuleMsg;
import tdxsim.protocol.TdxStatus;

/**
 * The SEAMCALL status table: every S-EPT SEAMCALL against every relevant entry state, at build time and on a
 * running TD, with walk failures. The table is the spec [domain 1.4; TDXM sept_state_lookup.c,
 * op_state_lookup.c, tdh_mem_*.c].
 *
 * <p>Columns: leaf | level | TD (BUILD = before MR.FINALIZE, RUN = after) | parent = the 2M entry above a 4K
 * target ("-" for a 2M/1G target, whose parent is the 1G root) | state = the target entry ("-": the walk cannot
 * reach it) | tracked = for a *BLOCKED target, whether BLOCK+TRACK has completed (Y: BEPOCH = td_epoch-1, no vCPU
 * counted; N: BEPOCH = td_epoch) | expected status | state after ("=": unchanged) | children of a non-leaf
 * target (PROMOTE): MAPPED / PENDING (512 uniform, contiguous), MIXED (511 MAPPED + 1 PENDING), STRIDE
 * (non-contiguous pfns), BLOCKED, "-" (none).
 */
class SeamcallStatusTableTest extends ModuleTestBase {

  @ParameterizedTest(name = "{0} {1} {2} parent={3} state={4} tracked={5} -> {6} / {7} kids={8}")
  @CsvSource(delimiter = '|', textBlock = """
      # ---- TDH.MEM.PAGE.ADD: FREE -> MAPPED, 4K, build time only
      ADD      | 4K | BUILD | NL_MAPPED  | FREE             | - | TDX_SUCCESS                        | MAPPED          | -
      ADD      | 4K | BUILD | NL_MAPPED  | MAPPED           | - | TDX_EPT_ENTRY_STATE_INCORRECT      | =               | -
      ADD      | 4K | BUILD | NL_MAPPED  | PENDING          | - | TDX_EPT_ENTRY_STATE_INCORRECT      | =               | -
      ADD      | 4K | BUILD | NL_MAPPED  | REMOVED          | - | TDX_EPT_ENTRY_STATE_INCORRECT      | =               | -
      ADD      | 4K | BUILD | FREE       | -                | - | TDX_EPT_WALK_FAILED                | -               | -
      ADD      | 4K | BUILD | MAPPED     | -                | - | TDX_EPT_WALK_FAILED                | -               | -
      ADD      | 4K | RUN   | NL_MAPPED  | FREE             | - | TDX_OP_STATE_INCORRECT             | =               | -
      # ---- TDH.MEM.SEPT.ADD: FREE -> NL_MAPPED, level >= 2M
      SEPT_ADD | 2M | RUN   | -          | FREE             | - | TDX_SUCCESS                        | NL_MAPPED       | -
      SEPT_ADD | 2M | BUILD | -          | FREE             | - | TDX_SUCCESS                        | NL_MAPPED       | -
      SEPT_ADD | 2M | RUN   | -          | NL_MAPPED        | - | TDX_EPT_ENTRY_STATE_INCORRECT      | =               | -
      SEPT_ADD | 2M | RUN   | -          | NL_BLOCKED       | Y | TDX_EPT_ENTRY_STATE_INCORRECT      | =               | -
      SEPT_ADD | 2M | RUN   | -          | REMOVED          | - | TDX_EPT_ENTRY_STATE_INCORRECT      | =               | -
      SEPT_ADD | 2M | RUN   | -          | MAPPED           | - | TDX_EPT_ENTRY_STATE_INCORRECT      | =               | -
      SEPT_ADD | 2M | RUN   | -          | PENDING          | - | TDX_EPT_ENTRY_STATE_INCORRECT      | =               | -
      SEPT_ADD | 1G | RUN   | -          | NL_MAPPED        | - | TDX_EPT_ENTRY_STATE_INCORRECT      | =               | -
      SEPT_ADD | 4K | RUN   | NL_MAPPED  | FREE             | - | TDX_OPERAND_INVALID                | =               | -
      # ---- TDH.MEM.PAGE.AUG: FREE / REMOVED -> PENDING, 4K or 2M (allowed by OP_STATE at build time too)
      AUG      | 4K | RUN   | NL_MAPPED  | FREE             | - | TDX_SUCCESS                        | PENDING         | -
      AUG      | 4K | RUN   | NL_MAPPED  | REMOVED          | - | TDX_SUCCESS                        | PENDING         | -
      AUG      | 4K | BUILD | NL_MAPPED  | FREE             | - | TDX_SUCCESS                        | PENDING         | -
      AUG      | 4K | RUN   | NL_MAPPED  | MAPPED           | - | TDX_EPT_ENTRY_STATE_INCORRECT      | =               | -
      AUG      | 4K | RUN   | NL_MAPPED  | PENDING          | - | TDX_EPT_ENTRY_STATE_INCORRECT      | =               | -
      AUG      | 4K | RUN   | NL_MAPPED  | BLOCKED          | Y | TDX_EPT_ENTRY_STATE_INCORRECT      | =               | -
      AUG      | 4K | RUN   | NL_MAPPED  | BLOCKEDW         | - | TDX_EPT_ENTRY_STATE_INCORRECT      | =               | -
      AUG      | 4K | RUN   | NL_MAPPED  | PENDING_BLOCKED  | Y | TDX_EPT_ENTRY_STATE_INCORRECT      | =               | -
      AUG      | 4K | RUN   | NL_MAPPED  | PENDING_BLOCKEDW | - | TDX_EPT_ENTRY_STATE_INCORRECT      | =               | -
      AUG      | 4K | RUN   | MAPPED     | -                | - | TDX_EPT_WALK_FAILED                | -               | -
      AUG      | 4K | RUN   | PENDING    | -                | - | TDX_EPT_WALK_FAILED                | -               | -
      AUG      | 4K | RUN   | BLOCKED    | -                | - | TDX_EPT_WALK_FAILED                | -               | -
      AUG      | 4K | RUN   | FREE       | -                | - | TDX_EPT_WALK_FAILED                | -               | -
      AUG      | 4K | RUN   | NL_BLOCKED | -                | - | TDX_EPT_WALK_FAILED                | -               | -
      AUG      | 2M | RUN   | -          | FREE             | - | TDX_SUCCESS                        | PENDING         | -
      AUG      | 2M | RUN   | -          | REMOVED          | - | TDX_SUCCESS                        | PENDING         | -
      AUG      | 2M | RUN   | -          | NL_MAPPED        | - | TDX_EPT_ENTRY_STATE_INCORRECT      | =               | -
      AUG      | 2M | RUN   | -          | NL_BLOCKED       | Y | TDX_EPT_ENTRY_STATE_INCORRECT      | =               | -
      AUG      | 2M | RUN   | -          | MAPPED           | - | TDX_EPT_ENTRY_STATE_INCORRECT      | =               | -
      AUG      | 2M | RUN   | -          | PENDING          | - | TDX_EPT_ENTRY_STATE_INCORRECT      | =               | -
      AUG      | 1G | RUN   | -          | NL_MAPPED        | - | TDX_OPERAND_INVALID                | =               | -
      # ---- TDH.MEM.RANGE.BLOCK: NL_MAPPED, MAPPED, BLOCKEDW, PENDING, PENDING_BLOCKEDW -> *BLOCKED
      BLOCK    | 4K | RUN   | NL_MAPPED  | MAPPED           | - | TDX_SUCCESS                        | BLOCKED         | -
      BLOCK    | 4K | RUN   | NL_MAPPED  | BLOCKEDW         | - | TDX_SUCCESS                        | BLOCKED         | -
      BLOCK    | 4K | RUN   | NL_MAPPED  | PENDING          | - | TDX_SUCCESS                        | PENDING_BLOCKED | -
      BLOCK    | 4K | RUN   | NL_MAPPED  | PENDING_BLOCKEDW | - | TDX_SUCCESS                        | PENDING_BLOCKED | -
      BLOCK    | 2M | RUN   | -          | NL_MAPPED        | - | TDX_SUCCESS                        | NL_BLOCKED      | -
      BLOCK    | 2M | RUN   | -          | MAPPED           | - | TDX_SUCCESS                        | BLOCKED         | -
      BLOCK    | 2M | RUN   | -          | PENDING          | - | TDX_SUCCESS                        | PENDING_BLOCKED | -
      BLOCK    | 2M | BUILD | -          | MAPPED           | - | TDX_SUCCESS                        | BLOCKED         | -
      BLOCK    | 4K | RUN   | NL_MAPPED  | BLOCKED          | Y | TDX_GPA_RANGE_ALREADY_BLOCKED      | =               | -
      BLOCK    | 4K | RUN   | NL_MAPPED  | PENDING_BLOCKED  | Y | TDX_GPA_RANGE_ALREADY_BLOCKED      | =               | -
      BLOCK    | 2M | RUN   | -          | NL_BLOCKED       | Y | TDX_GPA_RANGE_ALREADY_BLOCKED      | =               | -
      BLOCK    | 2M | RUN   | -          | BLOCKED          | N | TDX_GPA_RANGE_ALREADY_BLOCKED      | =               | -
      BLOCK    | 4K | RUN   | NL_MAPPED  | FREE             | - | TDX_EPT_ENTRY_STATE_INCORRECT      | =               | -
      BLOCK    | 4K | RUN   | NL_MAPPED  | REMOVED          | - | TDX_EPT_ENTRY_STATE_INCORRECT      | =               | -
      BLOCK    | 2M | RUN   | -          | FREE             | - | TDX_EPT_ENTRY_STATE_INCORRECT      | =               | -
      BLOCK    | 4K | RUN   | MAPPED     | -                | - | TDX_EPT_WALK_FAILED                | -               | -
      BLOCK    | 4K | RUN   | NL_BLOCKED | -                | - | TDX_EPT_WALK_FAILED                | -               | -
      # ---- TDH.MEM.RANGE.UNBLOCK: NL_BLOCKED, BLOCKED, PENDING_BLOCKED -> unblocked; tracked if running
      UNBLOCK  | 4K | RUN   | NL_MAPPED  | BLOCKED          | Y | TDX_SUCCESS                        | MAPPED          | -
      UNBLOCK  | 4K | RUN   | NL_MAPPED  | PENDING_BLOCKED  | Y | TDX_SUCCESS                        | PENDING         | -
      UNBLOCK  | 2M | RUN   | -          | NL_BLOCKED       | Y | TDX_SUCCESS                        | NL_MAPPED       | -
      UNBLOCK  | 2M | RUN   | -          | BLOCKED          | Y | TDX_SUCCESS                        | MAPPED          | -
      UNBLOCK  | 4K | RUN   | NL_MAPPED  | BLOCKED          | N | TDX_TLB_TRACKING_NOT_DONE          | =               | -
      UNBLOCK  | 4K | BUILD | NL_MAPPED  | BLOCKED          | N | TDX_SUCCESS                        | MAPPED          | -
      UNBLOCK  | 4K | RUN   | NL_MAPPED  | MAPPED           | - | TDX_EPT_ENTRY_STATE_INCORRECT      | =               | -
      UNBLOCK  | 4K | RUN   | NL_MAPPED  | PENDING          | - | TDX_EPT_ENTRY_STATE_INCORRECT      | =               | -
      UNBLOCK  | 4K | RUN   | NL_MAPPED  | BLOCKEDW         | - | TDX_EPT_ENTRY_STATE_INCORRECT      | =               | -
      UNBLOCK  | 4K | RUN   | NL_MAPPED  | PENDING_BLOCKEDW | - | TDX_EPT_ENTRY_STATE_INCORRECT      | =               | -
      UNBLOCK  | 4K | RUN   | NL_MAPPED  | FREE             | - | TDX_EPT_ENTRY_STATE_INCORRECT      | =               | -
      UNBLOCK  | 2M | RUN   | -          | NL_MAPPED        | - | TDX_EPT_ENTRY_STATE_INCORRECT      | =               | -
      UNBLOCK  | 4K | RUN   | BLOCKED    | -                | - | TDX_EPT_WALK_FAILED                | -               | -
      # ---- TDH.MEM.PAGE.REMOVE: leaf -> FREE; *BLOCKED and tracked if running
      REMOVE   | 4K | RUN   | NL_MAPPED  | BLOCKED          | Y | TDX_SUCCESS                        | FREE            | -
      REMOVE   | 4K | RUN   | NL_MAPPED  | PENDING_BLOCKED  | Y | TDX_SUCCESS                        | FREE            | -
      REMOVE   | 2M | RUN   | -          | BLOCKED          | Y | TDX_SUCCESS                        | FREE            | -
      REMOVE   | 2M | RUN   | -          | PENDING_BLOCKED  | Y | TDX_SUCCESS                        | FREE            | -
      REMOVE   | 4K | RUN   | NL_MAPPED  | BLOCKED          | N | TDX_TLB_TRACKING_NOT_DONE          | =               | -
      REMOVE   | 4K | RUN   | NL_MAPPED  | MAPPED           | - | TDX_GPA_RANGE_NOT_BLOCKED          | =               | -
      REMOVE   | 4K | RUN   | NL_MAPPED  | PENDING          | - | TDX_GPA_RANGE_NOT_BLOCKED          | =               | -
      REMOVE   | 4K | RUN   | NL_MAPPED  | BLOCKEDW         | - | TDX_GPA_RANGE_NOT_BLOCKED          | =               | -
      REMOVE   | 4K | RUN   | NL_MAPPED  | PENDING_BLOCKEDW | - | TDX_GPA_RANGE_NOT_BLOCKED          | =               | -
      REMOVE   | 2M | RUN   | -          | MAPPED           | - | TDX_GPA_RANGE_NOT_BLOCKED          | =               | -
      REMOVE   | 4K | BUILD | NL_MAPPED  | MAPPED           | - | TDX_SUCCESS                        | FREE            | -
      REMOVE   | 4K | BUILD | NL_MAPPED  | PENDING          | - | TDX_SUCCESS                        | FREE            | -
      REMOVE   | 4K | RUN   | NL_MAPPED  | FREE             | - | TDX_EPT_ENTRY_STATE_INCORRECT      | =               | -
      REMOVE   | 4K | RUN   | NL_MAPPED  | REMOVED          | - | TDX_EPT_ENTRY_STATE_INCORRECT      | =               | -
      REMOVE   | 2M | RUN   | -          | NL_MAPPED        | - | TDX_EPT_ENTRY_STATE_INCORRECT      | =               | -
      REMOVE   | 2M | RUN   | -          | NL_BLOCKED       | Y | TDX_EPT_ENTRY_STATE_INCORRECT      | =               | -
      REMOVE   | 4K | RUN   | BLOCKED    | -                | - | TDX_EPT_WALK_FAILED                | -               | -
      # ---- TDH.MEM.PAGE.DEMOTE: MAPPED, BLOCKED, PENDING, PENDING_BLOCKED at 2M; *BLOCKED and tracked if running
      DEMOTE   | 2M | RUN   | -          | BLOCKED          | Y | TDX_SUCCESS                        | NL_MAPPED       | -
      DEMOTE   | 2M | RUN   | -          | PENDING_BLOCKED  | Y | TDX_SUCCESS                        | NL_MAPPED       | -
      DEMOTE   | 2M | BUILD | -          | MAPPED           | - | TDX_SUCCESS                        | NL_MAPPED       | -
      DEMOTE   | 2M | RUN   | -          | BLOCKED          | N | TDX_TLB_TRACKING_NOT_DONE          | =               | -
      DEMOTE   | 2M | RUN   | -          | MAPPED           | - | TDX_GPA_RANGE_NOT_BLOCKED          | =               | -
      DEMOTE   | 2M | RUN   | -          | PENDING          | - | TDX_GPA_RANGE_NOT_BLOCKED          | =               | -
      DEMOTE   | 2M | RUN   | -          | BLOCKEDW         | - | TDX_EPT_ENTRY_STATE_INCORRECT      | =               | -
      DEMOTE   | 2M | RUN   | -          | PENDING_BLOCKEDW | - | TDX_EPT_ENTRY_STATE_INCORRECT      | =               | -
      DEMOTE   | 2M | RUN   | -          | FREE             | - | TDX_EPT_ENTRY_STATE_INCORRECT      | =               | -
      DEMOTE   | 2M | RUN   | -          | REMOVED          | - | TDX_EPT_ENTRY_STATE_INCORRECT      | =               | -
      DEMOTE   | 2M | RUN   | -          | NL_MAPPED        | - | TDX_EPT_ENTRY_STATE_INCORRECT      | =               | -
      DEMOTE   | 2M | RUN   | -          | NL_BLOCKED       | Y | TDX_EPT_ENTRY_STATE_INCORRECT      | =               | -
      DEMOTE   | 1G | RUN   | -          | NL_MAPPED        | - | TDX_EPT_ENTRY_STATE_INCORRECT      | =               | -
      DEMOTE   | 4K | RUN   | NL_MAPPED  | MAPPED           | - | TDX_OPERAND_INVALID                | =               | -
      # ---- TDH.MEM.PAGE.PROMOTE: NL_MAPPED / NL_BLOCKED, *BLOCKED and tracked if running, 512 uniform children
      PROMOTE  | 2M | RUN   | -          | NL_BLOCKED       | Y | TDX_SUCCESS                        | MAPPED          | MAPPED
      PROMOTE  | 2M | RUN   | -          | NL_BLOCKED       | Y | TDX_SUCCESS                        | PENDING         | PENDING
      PROMOTE  | 2M | BUILD | -          | NL_MAPPED        | - | TDX_SUCCESS                        | MAPPED          | MAPPED
      PROMOTE  | 2M | RUN   | -          | NL_BLOCKED       | Y | TDX_EPT_INVALID_PROMOTE_CONDITIONS | =               | MIXED
      PROMOTE  | 2M | RUN   | -          | NL_BLOCKED       | Y | TDX_EPT_INVALID_PROMOTE_CONDITIONS | =               | STRIDE
      PROMOTE  | 2M | RUN   | -          | NL_BLOCKED       | Y | TDX_EPT_INVALID_PROMOTE_CONDITIONS | =               | BLOCKED
      PROMOTE  | 2M | RUN   | -          | NL_BLOCKED       | Y | TDX_EPT_INVALID_PROMOTE_CONDITIONS | =               | -
      PROMOTE  | 2M | RUN   | -          | NL_BLOCKED       | N | TDX_TLB_TRACKING_NOT_DONE          | =               | MAPPED
      PROMOTE  | 2M | RUN   | -          | NL_MAPPED        | - | TDX_GPA_RANGE_NOT_BLOCKED          | =               | MAPPED
      PROMOTE  | 2M | RUN   | -          | MAPPED           | - | TDX_EPT_ENTRY_STATE_INCORRECT      | =               | -
      PROMOTE  | 2M | RUN   | -          | BLOCKED          | Y | TDX_EPT_ENTRY_STATE_INCORRECT      | =               | -
      PROMOTE  | 2M | RUN   | -          | FREE             | - | TDX_EPT_ENTRY_STATE_INCORRECT      | =               | -
      PROMOTE  | 4K | RUN   | NL_MAPPED  | MAPPED           | - | TDX_OPERAND_INVALID                | =               | -
      """)
  void statusTable(String leaf, String level, String td, String parent, String target, String tracked,
      TdxStatus expected, String after, String kids) {
    ModuleHarness h = harness();
    if (td.equals("RUN")) h.finalizeTd();
    // Three TRACKs: td_epoch = 4, so "tracked" (BEPOCH 3 = td_epoch-1) and "not tracked" (BEPOCH 4) differ.
    for (int i = 0; i < 3; i++) assertEquals(TdxStatus.TDX_SUCCESS, h.call(h.track()));
    long epoch = h.state.epochs().tdEpoch();
    long bepoch = tracked.equals("N") ? epoch : epoch - 1;

    Level lvl = level(level);
    long gfn = lvl == Level.PG_LEVEL_4K ? GFN_4K : lvl == Level.PG_LEVEL_2M ? GFN_2M : BASE;
    if (lvl == Level.PG_LEVEL_4K) {
      SeptState p = SeptState.valueOf(parent);
      h.ept().seed(GFN_2M, Level.PG_LEVEL_2M, p, p.isLeaf() ? PFN_2M : 0x3000, bepoch);
    }
    if (!target.equals("-")) {
      SeptState t = SeptState.valueOf(target);
      long pfn = lvl == Level.PG_LEVEL_4K ? PFN_2M + 3 : PFN_2M;
      h.ept().seed(gfn, lvl, t, t.isLeaf() ? pfn : 0x3000, bepoch);
    }
    seedChildren(h, kids);

    TdxStatus status = h.call(seamcall(h, leaf, gfn, lvl));

    assertEquals(expected, status);
    SeptObservation.SeamcallCompleted c = h.lastCompletion();
    assertEquals(expected, c.status());
    assertEquals(gfn, c.gfn());
    if (target.equals("-")) {
      assertEquals(SeptState.valueOf(parent), h.stateOf(GFN_2M, Level.PG_LEVEL_2M), "parent unchanged");
    } else {
      SeptState want = after.equals("=") ? SeptState.valueOf(target) : SeptState.valueOf(after);
      assertEquals(want, h.stateOf(gfn, lvl));
    }
    h.assertQuiescent();
  }

  private static TdxModuleMsg.Seamcall seamcall(ModuleHarness h, String leaf, long gfn, Level lvl) {
    return switch (leaf) {
      case "ADD" -> h.pageAdd(gfn, PFN_2M + 3);
      case "SEPT_ADD" -> h.septAdd(gfn, lvl);
      case "AUG" -> h.aug(gfn, lvl, lvl == Level.PG_LEVEL_4K ? PFN_2M + 3 : PFN_2M);
      case "BLOCK" -> h.block(gfn, lvl);
      case "UNBLOCK" -> h.unblock(gfn, lvl);
      case "REMOVE" -> h.remove(gfn, lvl);
      case "DEMOTE" -> h.demote(gfn, lvl);
      case "PROMOTE" -> h.promote(gfn, lvl);
      default -> throw new IllegalArgumentException(leaf);
    };
  }

  private static void seedChildren(ModuleHarness h, String kids) {
    if (kids.equals("-")) return;
    for (int i = 0; i < 512; i++) {
      SeptState st = switch (kids) {
        case "MAPPED", "STRIDE" -> SeptState.MAPPED;
        case "PENDING" -> SeptState.PENDING;
        case "BLOCKED" -> SeptState.BLOCKED;
        case "MIXED" -> i == 7 ? SeptState.PENDING : SeptState.MAPPED; // a 4K round trip [C1 "Page merging"]
        default -> throw new IllegalArgumentException(kids);
      };
      long pfn = PFN_2M + i + (kids.equals("STRIDE") && i >= 100 ? 1 : 0);
      h.ept().seed(GFN_2M + i, Level.PG_LEVEL_4K, st, pfn, 0);
    }
  }

  static Level level(String s) {
    return switch (s) {
      case "4K" -> Level.PG_LEVEL_4K;
      case "2M" -> Level.PG_LEVEL_2M;
      case "1G" -> Level.PG_LEVEL_1G;
      default -> throw new IllegalArgumentException(s);
    };
  }

  // ------------------------------------------------------------------ the SEAMCALLs without a target entry

  @Test
  void mrFinalizeOnlyAtBuildTime() {
    ModuleHarness h = harness();
    assertEquals(TdxStatus.TDX_SUCCESS, h.call(new TdxModuleMsg.TdhMrFinalize(h.caller())));
    assertEquals(TdOpState.RUNNABLE, h.state.opState());
    assertEquals(1, h.observed(SeptObservation.TdRunnable.class).size());
    assertEquals(TdxStatus.TDX_OP_STATE_INCORRECT, h.call(new TdxModuleMsg.TdhMrFinalize(h.caller())));
    h.assertQuiescent();
  }

  @Test
  void trackAdvancesTheEpochAtBuildTimeAndWhenRunnable() {
    ModuleHarness h = harness();
    assertEquals(TdxStatus.TDX_SUCCESS, h.call(h.track()));
    h.finalizeTd();
    assertEquals(TdxStatus.TDX_SUCCESS, h.call(h.track()));
    assertEquals(3, h.state.epochs().tdEpoch());
    assertEquals(java.util.List.of(new SeptObservation.TdEpochAdvanced(2), new SeptObservation.TdEpochAdvanced(3)),
        h.observed(SeptObservation.TdEpochAdvanced.class));
  }

  @Test
  void wbinvdAlwaysSucceedsInOneStep() {
    ModuleHarness h = harness();
    var r = h.issue(new TdxModuleMsg.TdhPhymemPageWbinvd(GFN_2M, Level.PG_LEVEL_2M, PFN_2M, h.caller()));
    assertEquals(TdxStatus.TDX_SUCCESS, r.status());
    assertEquals(SeamcallLeaf.TDH_PHYMEM_PAGE_WBINVD, r.leaf());
  }

  @Test
  void vpEnterNeedsARunnableTd() {
    ModuleHarness h = harness();
    GuestResult r = h.enter(0);
    assertEquals(TdxStatus.TDX_OP_STATE_INCORRECT, assertInstanceOf(GuestResult.VpEnterFailed.class, r).status());
    h.finalizeTd();
    h.enterOk(0);
  }

  @Test
  void operandChecks() {
    ModuleHarness h = harness();
    h.finalizeTd();
    // unaligned 2M gfn, gfn outside the private range, 1G AUG, 4K DEMOTE/PROMOTE/SEPT.ADD
    assertEquals(TdxStatus.TDX_OPERAND_INVALID, h.call(h.aug(GFN_2M + 1, Level.PG_LEVEL_2M, PFN_2M)));
    assertEquals(TdxStatus.TDX_OPERAND_INVALID, h.call(h.aug(BASE - 1, Level.PG_LEVEL_4K, PFN_2M)));
    assertEquals(TdxStatus.TDX_OPERAND_INVALID,
        h.call(h.aug(BASE + Level.PG_LEVEL_1G.pages(), Level.PG_LEVEL_4K, PFN_2M)));
    // a 2M AUG of a pfn that is not 2M-aligned
    assertEquals(TdxStatus.TDX_OPERAND_INVALID, h.call(h.aug(GFN_2M, Level.PG_LEVEL_2M, PFN_2M + 1)));
    assertEquals(SeptState.FREE, h.stateOf(GFN_2M, Level.PG_LEVEL_2M));
    h.assertQuiescent();
  }
}
