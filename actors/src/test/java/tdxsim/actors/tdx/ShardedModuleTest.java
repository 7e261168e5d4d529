package tdxsim.actors.tdx;

import org.junit.jupiter.api.Nested;

/**
 * The module's tests again on the sharded module ({@link ShardedTdxModule}: a TD-wide front and an S-EPT shard):
 * the SEAMCALL status table, the lock windows, TLB tracking, the ACCEPT outcomes, guest transitions, DEMOTE and
 * PROMOTE, and the zero-step filter give the same results as on the one-actor module.
 */
class ShardedModuleTest {
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
