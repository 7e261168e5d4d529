package tdxsim.actors.invariants;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static tdxsim.actors.invariants.InvariantCatalogueTest.base;
import static tdxsim.actors.invariants.Script.K4;
import static tdxsim.actors.invariants.Script.M2;
import static tdxsim.actors.invariants.Script.R;

import java.util.Optional;
import org.junit.jupiter.api.Test;
import tdxsim.actors.monitor.MemslotObservation.DeleteBegin;
import tdxsim.actors.monitor.MemslotObservation.DeleteDone;
import tdxsim.actors.monitor.MemslotObservation.Flushed;
import tdxsim.actors.monitor.Violation;

/**
 * The flushed-memslot check looks only after a flush or a change over a flushed memslot: a leaf installed in a
 * flushed memslot deliveries after its flush is still caught, in the first and in a later (merged) memslot, and one
 * installed outside every flushed memslot is not.
 */
class MemslotFlushedTest {
  private static Script deleted(Script s, int from, int to) {
    return s.obs(new DeleteBegin(R(from), R(to))).obs(new Flushed(R(from), R(to))).step()
        .obs(new DeleteDone(R(from), R(to))).step();
  }

  private static void assertZappedMapped(Optional<Violation> v) {
    assertTrue(v.isPresent(), "no violation");
    assertEquals(Invariant.KVM_MEMSLOT_ZAPPED_UNMAPPED.id(), v.get().invariant(), v.get().toString());
  }

  @Test
  void aLeafInstalledAfterTheFlushIsCaught() {
    Script s = deleted(base(new Script(2)), 0, 1);
    s.step().step(); // deliveries with nothing over the memslot: nothing to look at
    assertZappedMapped(s.fault(0, R(0), M2).result());
  }

  @Test
  void aLeafInALaterAdjacentMemslotIsCaught() {
    Script s = deleted(deleted(base(new Script(2)), 0, 1), 1, 2); // merged into one interval
    assertZappedMapped(s.fault(0, R(1) + 7, K4).result());
  }

  @Test
  void aLeafOutsideEveryFlushedMemslotIsNot() {
    Script s = deleted(deleted(base(new Script(2)), 0, 1), 2, 3);
    assertEquals(Optional.empty(), s.fault(0, R(1) + 7, K4).result());
  }
}
