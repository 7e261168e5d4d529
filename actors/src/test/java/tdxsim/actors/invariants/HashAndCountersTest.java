package tdxsim.actors.invariants;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static tdxsim.actors.invariants.Script.M2;
import static tdxsim.actors.invariants.Script.R;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tdxsim.actors.monitor.Flow;
import tdxsim.actors.monitor.MmuObservation.FlowStep;

/** stateHash() is a function of the final state only; counters() has a fixed, deterministic order. */
class HashAndCountersTest {
  static Script mapped(int vcpu, int range) {
    return InvariantCatalogueTest.base(new Script(2)).fault(vcpu, R(range), M2);
  }

  @Test
  void sameStateSameHashWhoeverGotThere() {
    assertEquals(mapped(0, 0).c.stateHash(), mapped(0, 0).c.stateHash());
    assertEquals(mapped(0, 0).c.stateHash(), mapped(1, 0).c.stateHash(), "the faulting vCPU is not state");
    assertNotEquals(mapped(0, 0).c.stateHash(), mapped(0, 1).c.stateHash());
    Script split = mapped(0, 0).split("vmm", R(0));
    assertNotEquals(mapped(0, 0).c.stateHash(), split.c.stateHash());
  }

  @Test
  void touchedButDefaultPositionsDoNotChangeTheHash() {
    Script a = mapped(0, 0);
    Script b = mapped(0, 0);
    b.c.minAcceptLevel(R(3)); // a read
    b.c.check();
    assertEquals(a.c.stateHash(), b.c.stateHash());
  }

  @Test
  void countersSummaryFirstThenSortedDetails() {
    Script s = mapped(0, 0).split("vmm", R(0));
    s.obs(new FlowStep(Flow.SPLIT, R(0), M2)).obs(new FlowStep(Flow.AUG_2M, R(0), M2)).step();
    Map<String, Long> m = s.c.counters();
    List<String> keys = List.copyOf(m.keySet());
    assertEquals("aug.2m", keys.get(0));
    assertEquals(1L, m.get("aug.2m"));
    assertEquals(1L, m.get("demote"));
    assertEquals(1L, m.get("block"));
    assertEquals(1L, m.get("faults"));
    assertEquals(1L, m.get("mirror.splits"));
    assertEquals(1L, m.get("seamcall.TDH.MEM.PAGE.AUG.2M.SUCCESS"));
    assertEquals(1L, m.get("flow.AUG_2M"));
    int first = keys.indexOf("flow.AUG_2M");
    assertTrue(first > keys.indexOf("monitor.from_mismatch"), "details after the summary");
    List<String> details = keys.subList(first, keys.size());
    assertEquals(details.stream().sorted().toList(), details);
    assertEquals(keys, List.copyOf(mapped(0, 0).split("vmm", R(0)).obs(new FlowStep(Flow.SPLIT, R(0), M2))
        .obs(new FlowStep(Flow.AUG_2M, R(0), M2)).c.counters().keySet()));
  }
}
