package tdxsim.stress.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import tdxsim.actors.options.DesignOption;
import tdxsim.actors.vm.VmConfig;
import tdxsim.stress.scenario.Scenario;

/** The generated stress host: how N vCPUs become TDs, and the spec a record names it by. */
class StressScenarioTest {
  @Test
  void nVcpusBecomeFullTdsAndOneSmallerLastTd() {
    Scenario s = StressScenario.scenario(StressScenario.spec(1000), List.of());
    assertEquals(16, s.tds().size());
    assertEquals(1000, s.vcpus());
    for (int i = 0; i < 15; i++) assertEquals(StressScenario.DEFAULT_TD_VCPUS, s.tds().get(i).vcpus());
    assertEquals(1000 - 15 * 64, s.tds().get(15).vcpus());
    assertSame(s.tds().get(0), s.tds().get(14), "full TDs share one config (and its workload lists)");
  }

  @Test
  void theSpecRoundTripsThroughARecordsSourceWithTheOptions() {
    StressScenario.Spec spec = new StressScenario.Spec(100, 48, 9, 4, 4, 8);
    Scenario s = StressScenario.scenario(spec, List.of("mut-skip-track"));
    assertTrue(s.source().contains("td-vcpus=48"), s.source());
    Scenario back = StressScenario.fromSource(s.source(), List.of("mut-skip-track"));
    assertEquals(s.source(), back.source());
    assertEquals(List.of(48, 48, 4), back.tds().stream().map(VmConfig::vcpus).toList());
    assertTrue(back.tds().stream().allMatch(c -> c.options().contains(DesignOption.MUT_SKIP_TRACK)));
    assertEquals(s.tds().get(1).workloads(), back.tds().get(1).workloads());
  }

  @Test
  void aTdHasAtMostMaxVcpusPerTd() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new StressScenario.Spec(1000, 577, 9, 8, 8, 64));
    assertTrue(e.getMessage().contains("MAX_VCPUS_PER_TD"), e.getMessage());
    assertThrows(IllegalArgumentException.class,
        () -> StressScenario.fromSource("stress: vcpus=10 lives=1 split-every=8 conversions=2 touch-pages=8",
            List.of()), "a spec without td-vcpus (an earlier model) is refused");
  }
}
