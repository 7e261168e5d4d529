package tdxsim.actors.invariants;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static tdxsim.actors.invariants.Script.GMEM;
import static tdxsim.actors.invariants.Script.M2;
import static tdxsim.actors.invariants.Script.R;

import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import tdxsim.actors.monitor.Violation;
import tdxsim.protocol.LockMode;
import tdxsim.protocol.SeamcallLeaf;
import tdxsim.protocol.SeptState;
import tdxsim.protocol.Spte;
import tdxsim.protocol.TdxStatus;

/** tdx.demote-blocked-tracked: every way of skipping BLOCK, TRACK or the kick, and the legal re-entry. */
class BlockTrackTest {
  enum Variant {
    PROPER(false), NO_BLOCK(true), NO_TRACK(true), NO_KICK(true), REENTER_AFTER_TRACK(false),
    TRACK_BEFORE_BLOCK(true), MODULE_SAYS_NOT_TRACKED(true), DEMOTE_WITHOUT_BLOCK(true);

    final boolean fires;

    Variant(boolean fires) {
      this.fires = fires;
    }
  }

  @ParameterizedTest
  @EnumSource(Variant.class)
  void zapOfAPendingLeafInAPunchHole(Variant v) {
    Script s = InvariantCatalogueTest.base(new Script(2)).fault(0, R(0), M2).begin("punch_hole", R(0), R(1));
    s.setSpte(R(0), M2, Spte.SHADOW_NONPRESENT_VALUE).step();
    if (v == Variant.TRACK_BEFORE_BLOCK) s.track(GMEM);
    if (v != Variant.NO_BLOCK && v != Variant.DEMOTE_WITHOUT_BLOCK) {
      s.setSept(R(0), M2, SeptState.PENDING_BLOCKED).seamcall(SeamcallLeaf.TDH_MEM_RANGE_BLOCK, R(0), M2,
          TdxStatus.TDX_SUCCESS, GMEM).step();
    }
    if (v != Variant.NO_TRACK && v != Variant.TRACK_BEFORE_BLOCK) s.track(GMEM);
    if (v != Variant.NO_KICK) {
      s.exit(0).exit(1);
      if (v == Variant.REENTER_AFTER_TRACK) s.enter(0).enter(1);
    }
    if (v == Variant.MODULE_SAYS_NOT_TRACKED) {
      s.seamcall(SeamcallLeaf.TDH_MEM_PAGE_REMOVE, R(0), M2, TdxStatus.TDX_TLB_TRACKING_NOT_DONE, GMEM).step();
    } else if (v == Variant.DEMOTE_WITHOUT_BLOCK) {
      s.setSept(R(0), M2, SeptState.NL_MAPPED).step();
    } else {
      s.setSept(R(0), M2, SeptState.FREE).seamcall(SeamcallLeaf.TDH_MEM_PAGE_REMOVE, R(0), M2,
          TdxStatus.TDX_SUCCESS, GMEM).seamcall(SeamcallLeaf.TDH_PHYMEM_PAGE_WBINVD, R(0), M2,
          TdxStatus.TDX_SUCCESS, GMEM).step();
    }
    Optional<Violation> r = s.result();
    assertEquals(v.fires ? Optional.of(Invariant.TDX_DEMOTE_BLOCKED_TRACKED.id()) : Optional.empty(),
        r.map(Violation::invariant), r.map(Violation::oneLine).orElse(""));
    if (!v.fires) assertEquals(Optional.empty(), s.unlock(GMEM, LockMode.EXCLUSIVE).result());
  }
}
