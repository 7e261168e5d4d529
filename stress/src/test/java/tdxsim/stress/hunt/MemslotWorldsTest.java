package tdxsim.stress.hunt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import tdxsim.actors.vcpu.WorkloadStep;
import tdxsim.actors.vm.VmmAction;
import tdxsim.stress.runtime.Budget;
import tdxsim.stress.scenario.ScenarioLoader;
import tdxsim.stress.strategy.StrategyKind;
import tdxsim.stress.trace.Trace;
import tdxsim.stress.workers.IndexedSearch;

/**
 * Worlds that delete a memslot a vCPU faults in (the TDX local-retry loop on a KVM_MEMSLOT_INVALID slot,
 * MEMSLOT-RETRY): drawn often enough, only as a guest that copes with the fault's failure would run them, and the
 * hunt finds mutation 16 in them.
 */
class MemslotWorldsTest {
  private static final String M16 = "mut-local-retry-ignores-invalid-slot";

  /** What faults in the deleted slot: a touch or a tolerant ACCEPT; nothing else but a prefetch meets it. */
  @Test
  void someWorldsDeleteASlotAVcpuFaultsInAndNoLinuxAcceptOrMapGpaUsesIt() {
    int faulting = 0;
    for (long seed = 1; seed <= 1000; seed++) {
      String name = WorldGenerator.name(seed);
      var c = ScenarioLoader.parse(name, name, WorldGenerator.generate(seed)).config();
      for (VmmAction a : c.vmmActions()) {
        if (!(a instanceof VmmAction.DeleteMemslot d)) continue;
        boolean faults = false;
        for (List<WorkloadStep> w : c.workloads()) {
          for (WorkloadStep s : w) {
            long[] r = span(s);
            if (r == null || r[0] >= d.end() || d.gfn() >= r[0] + r[1]) continue;
            boolean fault = s instanceof WorkloadStep.Touch
                || s instanceof WorkloadStep.Accept acc && acc.style() == WorkloadStep.AcceptStyle.TOLERANT;
            assertTrue(fault || s instanceof WorkloadStep.Prefetch, name + ": " + s + " in the deleted slot");
            faults |= fault;
          }
        }
        if (faults) faulting++;
      }
    }
    assertTrue(faulting >= 150, "worlds deleting a slot a vCPU faults in, of 1000: " + faulting);
  }

  private static long[] span(WorkloadStep s) {
    if (s instanceof WorkloadStep.Touch t) return new long[] {t.gfn(), t.pages()};
    if (s instanceof WorkloadStep.Accept a) return new long[] {a.gfn(), a.pages()};
    if (s instanceof WorkloadStep.Prefetch p) return new long[] {p.gfn(), p.pages()};
    if (s instanceof WorkloadStep.MapGpa m) return new long[] {m.gfn(), m.pages()};
    return null;
  }

  private static HuntTotals hunt(List<String> options, int worlds) {
    HuntSpec spec = new HuntSpec(options, StrategyKind.PCTCP, 5, 8, Budget.DEFAULT, "test");
    return HuntTotals.of(IndexedSearch.run(new HuntJob(spec), worlds, 1, Duration.ofDays(1), null));
  }

  /**
   * Seed 5's first world deletes a slot while a vCPU faults in it: with mutation 16 the local-retry loop keeps the
   * vCPU inside SRCU and the deleter's synchronize_srcu waits (liveness.srcu-section); the v3 baseline runs the
   * same world clean.
   */
  @Test
  void theHuntFindsMutation16InAWorldThatDeletesASlotUnderAFault() {
    HuntTotals m = hunt(List.of(M16), 4);
    Trace t = m.violation();
    assertNotNull(t, "mutation 16 not found in seed 5's first 4 worlds");
    assertEquals("liveness.srcu-section", t.violation().invariant());
    assertEquals(0, m.violationWorld());
    assertTrue(t.scenario().source().contains("op = delete-memslot"), t.scenario().source());
    HuntTotals base = hunt(List.of(), 1);
    assertNull(base.violation(), () -> "the baseline broke in world 0: " + base.violation().violation());
    assertEquals(8, base.schedules());
  }
}
