package tdxsim.actors.tdx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static tdxsim.protocol.Level.PG_LEVEL_1G;
import static tdxsim.protocol.Level.PG_LEVEL_2M;
import static tdxsim.protocol.Level.PG_LEVEL_4K;
import static tdxsim.protocol.TdxStatus.TDX_SUCCESS;

import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import tdxsim.protocol.ExitReason;
import tdxsim.protocol.GuestResult;
import tdxsim.protocol.SeptState;

/**
 * The module's tests again on the sharded module ({@link ShardedTdxModule}: a TD-wide front and an S-EPT shard):
 * the SEAMCALL status table, the lock windows, TLB tracking, the ACCEPT outcomes, guest transitions, DEMOTE and
 * PROMOTE, and the zero-step filter give the same results as on the one-actor module.
 */
class ShardedModuleTest {
  private static final long G1 = PG_LEVEL_1G.pages();

  /**
   * A TD over two 1G regions, one shard each: every entry lives in its region's shard, and TDH.VP.ENTER's zero-step
   * filter asks both shards (secure_ept_lock exclusive meanwhile) and refuses on the gfn that only the second can see
   * would fault, in the list's order.
   */
  @Test
  void twoRegionsLiveInTheirShardsAndTheZeroStepFilterAsksBoth() {
    TdxModuleConfig c = TdxModuleConfig.of(2, ModuleHarness.BASE, 2 * G1).withZeroStepThreshold(0);
    ModuleHarness h = ModuleHarness.sharded(c, true, 2);
    long a = ModuleHarness.BASE + 0x200;
    long b = a + G1;
    assertEquals(SeptState.NL_MAPPED, h.ept(a).state(a, PG_LEVEL_1G), "the 1G entry of region 0, in shard 0");
    assertEquals(SeptState.FREE, h.ept(a).state(b, PG_LEVEL_1G), "shard 0 holds none of region 1");
    assertEquals(SeptState.NL_MAPPED, h.ept(b).state(b, PG_LEVEL_1G), "the 1G entry of region 1, in shard 1");
    h.finalizeTd();
    assertEquals(TDX_SUCCESS, h.call(h.septAdd(a, PG_LEVEL_2M)));
    assertEquals(TDX_SUCCESS, h.call(h.septAdd(b, PG_LEVEL_2M)));
    assertEquals(SeptState.FREE, h.ept(a).state(b, PG_LEVEL_2M));

    violation(h, a + 3); // threshold 0: listed at once
    h.ept(a).seed(a + 3, PG_LEVEL_4K, SeptState.MAPPED, 0x80003, 0); // a + 3 would no longer fault
    h.enterOk(0);
    assertEquals(GuestResult.TdExit.class, h.access(0, b + 3, false).getClass()); // no progress: b + 3 is listed too
    assertEquals(List.of(a + 3, b + 3), h.state.vcpu(0).zeroStepList());

    GuestResult.TdExit refused = assertInstanceOf(GuestResult.TdExit.class, h.enter(0));
    assertEquals(ExitReason.EPT_VIOLATION, refused.reason());
    assertEquals(b + 3, refused.gfn(), "shard 1's answer: b + 3 would fault again");
    h.ept(b).seed(b + 3, PG_LEVEL_4K, SeptState.MAPPED, 0x90003, 0);
    h.enterOk(0);
    h.assertQuiescent();
  }

  private static void violation(ModuleHarness h, long gfn) {
    h.enterOk(0);
    GuestResult.TdExit exit = assertInstanceOf(GuestResult.TdExit.class, h.access(0, gfn, false));
    assertEquals(ExitReason.EPT_VIOLATION, exit.reason());
  }

  @Nested
  class StatusTable extends SeamcallStatusTableTest {
    @Override
    boolean sharded() {
      return true;
    }
  }

  @Nested
  class TlbTracking extends TlbTrackingTest {
    @Override
    boolean sharded() {
      return true;
    }
  }

  @Nested
  class ZeroStep extends ZeroStepTest {
    @Override
    boolean sharded() {
      return true;
    }
  }

  @Nested
  class LockWindow extends LockWindowTest {
    @Override
    boolean sharded() {
      return true;
    }
  }

  @Nested
  class AcceptOutcomes extends AcceptOutcomesTest {
    @Override
    boolean sharded() {
      return true;
    }
  }

  @Nested
  class GuestTransitions extends GuestTransitionsTest {
    @Override
    boolean sharded() {
      return true;
    }
  }

  @Nested
  class DemotePromote extends DemotePromoteTest {
    @Override
    boolean sharded() {
      return true;
    }
  }
}
