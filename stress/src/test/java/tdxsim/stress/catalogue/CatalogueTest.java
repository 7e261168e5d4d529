package tdxsim.stress.catalogue;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tdxsim.stress.model.TdxWorldFactory;
import tdxsim.stress.runtime.DeterministicSystem;
import tdxsim.stress.scenario.ScenarioLoader;
import tdxsim.stress.strategy.StrategyKind;

/**
 * The catalogue as tests, one per entry of {@code catalogue.conf} (adding an entry adds its tests): every race's
 * v3 baseline is clean, and every race exposure and every mutation is caught, by one of its listed invariants,
 * within {@link TestBudgets} under fixed seeds. All on one deterministic system, created once.
 */
class CatalogueTest {
  private static DeterministicSystem system;

  @BeforeAll
  static void start() {
    system = DeterministicSystem.create("catalogue-test");
  }

  @AfterAll
  static void stop() {
    system.close();
  }

  static Stream<Named<Race>> races() {
    return Catalogue.load().races().stream().map(r -> Named.of(r.id() + " on " + r.scenario(), r));
  }

  static Stream<Named<Target>> raceExposures() {
    return targets(Target.Kind.RACE);
  }

  static Stream<Named<Target>> mutations() {
    return targets(Target.Kind.MUTATION);
  }

  private static Stream<Named<Target>> targets(Target.Kind kind) {
    return Catalogue.load().targets().stream().filter(t -> t.kind() == kind).map(t -> Named.of(t.label(), t));
  }

  @ParameterizedTest(name = "{0}: v3 baseline clean", allowZeroInvocations = true)
  @MethodSource("races")
  void baselineIsClean(Race race) {
    for (StrategyKind kind : TestBudgets.BASELINE_STRATEGIES) {
      TdxWorldFactory worlds = new TdxWorldFactory(ScenarioLoader.load(race.scenario()));
      SweepResult r = Sweep.run(system, worlds, kind, 1, TestBudgets.BASELINE, true);
      assertTrue(r.clean(), () -> race.id() + ": the baseline broke on " + race.scenario() + " (" + kind.cliName()
          + ", seed 1, schedule " + r.schedulesToFirstViolation().orElseThrow() + "): "
          + r.first().violation().oneLine());
      assertTrue(r.schedules() > 0);
    }
  }

  @ParameterizedTest(name = "{0}: caught", allowZeroInvocations = true)
  @MethodSource("raceExposures")
  void raceExposureIsCaughtByItsInvariant(Target target) {
    assertCaught(target);
  }

  @ParameterizedTest(name = "{0}: caught", allowZeroInvocations = true)
  @MethodSource("mutations")
  void mutationIsCaughtByItsInvariant(Target target) {
    assertCaught(target);
  }

  private static void assertCaught(Target t) {
    for (long seed : TestBudgets.HUNT_SEEDS) {
      TdxWorldFactory worlds = new TdxWorldFactory(Hunter.scenario(t));
      SweepResult r = Sweep.run(system, worlds, StrategyKind.PCT, seed, TestBudgets.HUNT, true);
      assertFalse(r.clean(), () -> t.label() + " was not caught by pct seed " + seed + " in " + r.schedules()
          + " schedules (" + r.deliveries() + " deliveries): if it needs more, its scenario is too big");
      String fired = r.first().violation().invariant();
      assertTrue(t.expects(fired), () -> t.label() + " (pct seed " + seed + ") was caught by " + fired
          + ", not by one of " + t.invariants() + ": " + r.first().violation().oneLine());
    }
  }
}
