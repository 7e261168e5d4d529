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
 * The generator's swarm draws for windows that need a configuration: worlds that delete a memslot a vCPU faults in
 * (the TDX local-retry loop on a KVM_MEMSLOT_INVALID slot, MEMSLOT-RETRY), drawn only as a guest that copes with
 * the fault's failure would run them, where the hunt finds mutation 16; an IOMMU pin on a round trip's pages (R7);
 * the neighbour collision's 2M range left to it (M11).
 */
class SwarmWorldsTest {
  private static final String M16 = "mut-local-retry-ignores-invalid-slot";

  /** What faults in the deleted slot: a touch or a tolerant ACCEPT; nothing else but a prefetch meets it. */
  @Test
  void someWorldsDeleteASlotAVcpuFaultsInAndNoLinuxAcceptOrMapGpaUsesIt() {
    int faulting = 0;
    for (long seed = 1; seed <= 1000; seed++) {
      String name = WorldGenerator.name(seed);
      var c = world(seed);
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

  private static tdxsim.actors.vm.VmConfig world(long seed) {
    String name = WorldGenerator.name(seed);
    return ScenarioLoader.parse(name, name, WorldGenerator.generate(seed)).config();
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

  /** One world in two with a round trip pins its pages: the conversion back to private meets the IOMMU pin (R7). */
  @Test
  void aFairShareOfWorldsPinsThePagesOfARoundTrip() {
    int pinnedTrips = 0;
    for (long seed = 1; seed <= 1000; seed++) {
      var c = world(seed);
      List<long[]> back = new java.util.ArrayList<>();
      c.workloads().forEach(w -> w.forEach(s -> {
        if (s instanceof WorkloadStep.MapGpa m && !m.toShared()) back.add(new long[] {m.gfn(), m.end()});
      }));
      for (VmmAction a : c.vmmActions()) {
        if (a instanceof VmmAction.Convert v && v.toPrivate()) back.add(new long[] {v.gfn(), v.gfn() + v.pages()});
      }
      boolean hit = c.iommuPinned().stream().anyMatch(p -> back.stream()
          .anyMatch(b -> p.gfn() < b[1] && b[0] < p.gfn() + p.pages()));
      if (hit) pinnedTrips++;
    }
    assertTrue(pinnedTrips >= 80, "worlds converting pinned pages back to private, of 1000: " + pinnedTrips);
  }

  /** A neighbour collision's 2M range is left to it: no other guest op of the world uses that range. */
  @Test
  void theNeighbourCollisionsRangeHasNoOtherGuestOp() {
    int collisions = 0;
    int clean = 0;
    for (long seed = 1; seed <= 1000; seed++) {
      var c = world(seed);
      if (c.vmmActions().isEmpty() || !(c.vmmActions().get(0) instanceof VmmAction.Convert v) || v.toPrivate()
          || c.workloads().isEmpty() || c.workloads().get(0).isEmpty()
          || !(c.workloads().get(0).get(0) instanceof WorkloadStep.Prefetch p) || p.pages() != 1
          || p.gfn() / 512 != v.gfn() / 512 || (p.gfn() >= v.gfn() && p.gfn() < v.gfn() + v.pages())) {
        continue;
      }
      collisions++;
      long huge = p.gfn() / 512 * 512;
      long users = c.workloads().stream().flatMap(List::stream).map(SwarmWorldsTest::span)
          .filter(r -> r != null && r[0] < huge + 512 && huge < r[0] + r[1]).count();
      if (users == 1) clean++;
    }
    // a world may draw the same shapes by chance (a 1-page prefetch and a conversion of one 2M), with other ops
    assertTrue(clean >= 150 && clean >= collisions * 9 / 10, clean + " of " + collisions + " collisions alone");
  }
}
