package tdxsim.stress.parallel;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import tdxsim.actors.monitor.SeptObservation.AcceptCompleted;
import tdxsim.protocol.Level;
import tdxsim.protocol.TdxStatus;

/** The stress summary's ACCEPT counts: every BUSY, and of them those answered BUSY_HOST_PRIORITY. */
class StressStatsTest {
  @Test
  void anAcceptAnsweredBusyHostPriorityCountsAsBusyAndOnItsOwn() {
    StressStats stats = new StressStats(2);
    long gfn = 0x100003;
    stats.observe(0, new AcceptCompleted(0, gfn, Level.PG_LEVEL_4K, TdxStatus.TDX_OPERAND_BUSY_HOST_PRIORITY));
    stats.observe(0, new AcceptCompleted(1, gfn, Level.PG_LEVEL_4K, TdxStatus.TDX_OPERAND_BUSY));
    stats.observe(0, new AcceptCompleted(0, gfn, Level.PG_LEVEL_4K, TdxStatus.TDX_SUCCESS));
    stats.observe(0, new AcceptCompleted(1, gfn, Level.PG_LEVEL_4K, null)); // a TD exit
    StressStats.Totals t = stats.totals();
    assertEquals(4, t.accepts);
    assertEquals(2, t.acceptsBusy);
    assertEquals(1, t.acceptsBusyHostPriority);
    assertEquals(2, t.busy, "BUSY in all counts both");
  }
}
