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
}
