package tdxsim.stress.catalogue;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tdxsim.stress.runtime.DeterministicSystem;
import tdxsim.stress.strategy.StrategyKind;

/** Every comparison of the catalogue runs, with one column per variant and one row per counter it names. */
class ComparisonRunTest {
  private static DeterministicSystem system;

  @BeforeAll
  static void start() {
    system = DeterministicSystem.create("comparison-test");
  }

  @AfterAll
  static void stop() {
    system.close();
  }

  static Stream<Named<Comparison>> comparisons() {
    return Catalogue.load().comparisons().stream().map(c -> Named.of(c.id(), c));
  }

  @ParameterizedTest(name = "{0}", allowZeroInvocations = true)
  @MethodSource("comparisons")
  void runsEveryVariantOverTheSameSchedules(Comparison c) {
    ComparisonReport r = new ComparisonRun(system, StrategyKind.PCT, 1, 2, TestBudgets.SCHEDULE, line -> { })
        .run(c);
    assertEquals(c.variants().size(), r.variants().size());
    for (VariantOutcome v : r.variants()) assertEquals(2, v.sweep().schedules(), v.variant().name());
    Table t = ComparisonTable.of(r);
    assertEquals(1 + c.variants().size(), t.header().size());
    assertEquals(5 + c.rowsOrDefault().size(), t.rows().size());
  }
}
