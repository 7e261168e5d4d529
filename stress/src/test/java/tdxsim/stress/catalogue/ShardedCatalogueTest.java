package tdxsim.stress.catalogue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tdxsim.actors.options.DesignOption;
import tdxsim.stress.model.TdxWorldFactory;
import tdxsim.stress.runtime.DeterministicSystem;
import tdxsim.stress.scenario.Scenario;
import tdxsim.stress.scenario.ScenarioLoader;
import tdxsim.stress.strategy.StrategyKind;

/**
 * The catalogue under the sharded TDX module ({@code sharded-tdx-module}: a TD-wide front and S-EPT shard actors)
 * against the one-actor module: for every race's v3 baseline, and every race exposure and mutation, under the same
 * strategies, seeds and budgets as {@link CatalogueTest}, the two give the same verdict: clean where one is clean,
 * caught by one of the entry's invariants where one is caught. The schedules differ (the sharded module has more
 * messages), so the first violation found may be another of the entry's invariants, or in another schedule.
 */
class ShardedCatalogueTest {
  private static final String SHARDED = DesignOption.SHARDED_TDX_MODULE.cliName();
  private static DeterministicSystem system;

  @BeforeAll
  static void start() {
    system = DeterministicSystem.create("sharded-catalogue-test");
  }

  @AfterAll
  static void stop() {
    system.close();
  }

  static Stream<Named<Race>> races() {
    return CatalogueTest.races();
  }

  static Stream<Named<Target>> targets() {
    return Stream.concat(CatalogueTest.raceExposures(), CatalogueTest.mutations());
  }

  private static Scenario sharded(Scenario s) {
    return s.withOptions(List.of(SHARDED));
  }

  /** "clean", or "caught by an invariant of the entry" (which one may differ), or what else happened. */
  private static String verdict(SweepResult r, Target t) {
    if (r.clean()) return "clean";
    String fired = r.first().violation().invariant();
    return t == null || t.expects(fired) ? "caught" : "caught by " + fired + ": " + r.first().violation().oneLine();
  }

  @ParameterizedTest(name = "{0}: baseline clean under both modules", allowZeroInvocations = true)
  @MethodSource("races")
  void baselineSameVerdict(Race race) {
    for (StrategyKind kind : TestBudgets.BASELINE_STRATEGIES) {
      Scenario s = ScenarioLoader.load(race.scenario());
      SweepResult one = Sweep.run(system, new TdxWorldFactory(s), kind, 1, TestBudgets.BASELINE, true);
      SweepResult sh = Sweep.run(system, new TdxWorldFactory(sharded(s)), kind, 1, TestBudgets.BASELINE, true);
      assertEquals("clean", verdict(one, null), race.id() + " one-actor module, " + kind.cliName());
      assertEquals("clean", verdict(sh, null), race.id() + " sharded module, " + kind.cliName());
      // where SEAMCALLs ran, the sharded worlds ran the sharded module: its shards' messages are deliveries too
      long seamcalls = one.counters().entrySet().stream().filter(e -> e.getKey().startsWith("seamcall.TDH.MEM"))
          .mapToLong(java.util.Map.Entry::getValue).sum();
      assertTrue(seamcalls == 0 || sh.deliveries() != one.deliveries(), race.id() + ": as many deliveries");
    }
  }

  @ParameterizedTest(name = "{0}: the same verdict under both modules", allowZeroInvocations = true)
  @MethodSource("targets")
  void targetSameVerdict(Target t) {
    for (long seed : TestBudgets.HUNT_SEEDS) {
      Scenario s = Hunter.scenario(t);
      SweepResult one = Sweep.run(system, new TdxWorldFactory(s), StrategyKind.PCT, seed, TestBudgets.HUNT, true);
      SweepResult sh = Sweep.run(system, new TdxWorldFactory(sharded(s)), StrategyKind.PCT, seed, TestBudgets.HUNT,
          true);
      assertEquals("caught", verdict(one, t), t.label() + " one-actor module, pct seed " + seed);
      assertEquals(verdict(one, t), verdict(sh, t), () -> t.label() + ", pct seed " + seed + ": sharded after "
          + sh.schedules() + " schedules, one-actor after " + one.schedules());
    }
  }
}
