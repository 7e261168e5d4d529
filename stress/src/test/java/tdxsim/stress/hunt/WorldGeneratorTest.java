package tdxsim.stress.hunt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import tdxsim.actors.vm.VmmAction;
import tdxsim.stress.scenario.Scenario;
import tdxsim.stress.scenario.ScenarioLoader;

class WorldGeneratorTest {
  private static final int WORLDS = 1000;

  @Test
  void theSameSeedDrawsTheSameWorldText() {
    for (long seed = 1; seed <= 50; seed++) assertEquals(WorldGenerator.generate(seed), WorldGenerator.generate(seed));
    assertNotEquals(WorldGenerator.generate(1), WorldGenerator.generate(2));
  }

  @Test
  void everyGeneratedWorldPassesTheLoaderAndPunchHolesAre2mAligned() {
    Set<Integer> vcpus = new HashSet<>();
    Set<String> ops = new HashSet<>();
    for (long i = 0; i < WORLDS; i++) {
      long seed = new HuntSpec(java.util.List.of(), tdxsim.stress.strategy.StrategyKind.PCTCP, 1 + i % 4, 1,
          tdxsim.stress.runtime.Budget.DEFAULT, "test").worldSeed(i / 4);
      String name = WorldGenerator.name(seed);
      Scenario s = ScenarioLoader.parse(name, name, WorldGenerator.generate(seed));
      vcpus.add(s.config().vcpus());
      s.config().workloads().forEach(w -> w.forEach(step -> ops.add(step.getClass().getSimpleName())));
      java.util.List<VmmAction> vmm = s.config().vmmActions();
      for (VmmAction a : vmm) {
        ops.add(a.getClass().getSimpleName());
        if (a instanceof VmmAction.Destroy) assertEquals(vmm.get(vmm.size() - 1), a, name + ": destroy not last");
        if (a instanceof VmmAction.PunchHole p) {
          assertEquals(0, p.gfn() % 512, name + ": unaligned punch hole");
          assertEquals(0, p.pages() % 512, name + ": unaligned punch hole");
        }
      }
    }
    assertTrue(vcpus.contains(1) && vcpus.contains(4) && vcpus.stream().anyMatch(v -> v > 4), "vcpus drawn: " + vcpus);
    assertEquals(Set.of("Accept", "Touch", "MapGpa", "Prefetch", "PunchHole", "Convert", "Nmi", "Destroy",
        "Interrupt", "DeleteMemslot"), ops);
  }

  /**
   * One world in eight injects a TDH.PHYMEM.PAGE.WBINVD failure and declares its KVM_BUG_ON and unflushed page
   * expected; on the baseline such worlds are checked past them and stay clean, and the failure does happen.
   */
  @Test
  void someWorldsFailAWbinvdAndAreCheckedPastItsExpectedBugOn() {
    java.util.List<Scenario> failing = new java.util.ArrayList<>();
    for (long seed = 1; seed <= 200; seed++) {
      String name = WorldGenerator.name(seed);
      Scenario s = ScenarioLoader.parse(name, name, WorldGenerator.generate(seed));
      if (s.config().failPageWbinvd() == 0) continue;
      failing.add(s);
      assertEquals(Set.of(tdxsim.actors.invariants.Invariant.KVM_BUG_ON,
          tdxsim.actors.invariants.Invariant.TDX_REMOVED_PAGE_FLUSHED), s.bounds().expectedViolations(), name);
    }
    assertTrue(failing.size() >= 10 && failing.size() <= 50, "WBINVD failures in 200 worlds: " + failing.size());
    long bugOns = 0;
    try (var system = tdxsim.stress.runtime.DeterministicSystem.create("wbinvd-worlds")) {
      for (Scenario s : failing.subList(0, 8)) {
        var r = tdxsim.stress.catalogue.Sweep.run(system, new tdxsim.stress.model.TdxWorldFactory(s),
            tdxsim.stress.strategy.StrategyKind.PCTCP, 1, tdxsim.stress.catalogue.SweepLimits.schedules(4,
                tdxsim.stress.runtime.Budget.DEFAULT), true);
        assertTrue(r.clean(), () -> s.name() + ": " + r.first().violation().oneLine());
        bugOns += r.counters().getOrDefault("expected.kvm.bug-on", 0L);
      }
    }
    assertTrue(bugOns > 0, "no generated world reached its failing WBINVD");
  }

  /** Some worlds draw r9-adjacent's collision: a prefetch of one page and a VMM conversion of others of its 2M. */
  @Test
  void someWorldsPrefetchAPageWhileTheVmmConvertsItsNeighbours() {
    int found = 0;
    for (long seed = 1; seed <= 200; seed++) {
      String name = WorldGenerator.name(seed);
      var c = ScenarioLoader.parse(name, name, WorldGenerator.generate(seed)).config();
      for (VmmAction a : c.vmmActions()) {
        if (!(a instanceof VmmAction.Convert v) || v.toPrivate()) continue;
        boolean hit = c.workloads().stream().flatMap(java.util.List::stream).anyMatch(w ->
            w instanceof tdxsim.actors.vcpu.WorkloadStep.Prefetch p && p.pages() == 1 && p.gfn() / 512 == v.gfn() / 512
                && (p.gfn() < v.gfn() || p.gfn() >= v.gfn() + v.pages()));
        if (hit) found++;
      }
    }
    assertTrue(found >= 10, "neighbour collisions in 200 worlds: " + found);
  }

  /**
   * No world prefetches, on one vCPU's fd, a page a Linux ACCEPT of another vCPU takes: the AUG's entry lock makes
   * that ACCEPT fail with TDX_OPERAND_BUSY and Linux panics (a real window, documented; kept out of the hunt).
   */
  @Test
  void noWorldPrefetchesAPageAnotherVcpuAcceptsTheLinuxWay() {
    for (long seed = 1; seed <= 1000; seed++) {
      String name = WorldGenerator.name(seed);
      var c = ScenarioLoader.parse(name, name, WorldGenerator.generate(seed)).config();
      var w = c.workloads();
      for (int a = 0; a < w.size(); a++) {
        for (int b = 0; b < w.size(); b++) {
          if (a == b) continue;
          for (var p : w.get(a)) {
            if (!(p instanceof tdxsim.actors.vcpu.WorkloadStep.Prefetch f)) continue;
            for (var q : w.get(b)) {
              long from;
              long pages;
              if (q instanceof tdxsim.actors.vcpu.WorkloadStep.Accept acc
                  && acc.style() == tdxsim.actors.vcpu.WorkloadStep.AcceptStyle.LINUX) {
                from = acc.gfn();
                pages = acc.pages();
              } else if (q instanceof tdxsim.actors.vcpu.WorkloadStep.MapGpa m && !m.toShared()) {
                from = m.gfn(); // the Linux ACCEPT after a MapGPA to private
                pages = m.pages();
              } else {
                continue;
              }
              boolean overlap = f.gfn() < from + pages && from < f.gfn() + f.pages();
              assertTrue(!overlap, name + ": vcpu-" + a + " prefetches what vcpu-" + b + " accepts");
            }
          }
        }
      }
    }
  }

  /**
   * With a 1-2 page split cache a MapGPA to shared may fail mid-way, and Linux never converts back what
   * set_memory_decrypted failed on: those worlds draw no way back (whose re-ACCEPT would panic a real guest never
   * could), the others do.
   */
  @Test
  void onlyWorldsWithTheFullSplitCacheConvertBackToPrivate() {
    int tiny = 0;
    int back = 0;
    for (long seed = 1; seed <= 1000; seed++) {
      String name = WorldGenerator.name(seed);
      var c = ScenarioLoader.parse(name, name, WorldGenerator.generate(seed)).config();
      boolean wayBack = c.workloads().stream().flatMap(java.util.List::stream)
          .anyMatch(w -> w instanceof tdxsim.actors.vcpu.WorkloadStep.MapGpa m && !m.toShared());
      if (c.splitCachePages() < 64) {
        tiny++;
        assertTrue(!wayBack, name + ": a way back with a " + c.splitCachePages() + "-page split cache");
      } else if (wayBack) {
        back++;
      }
    }
    assertTrue(tiny >= 100 && back >= 50, "tiny-cache worlds " + tiny + ", worlds with a way back " + back);
  }
}
