package tdxsim.stress.junit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tdxsim.stress.minimize.MinimizeBudget;
import tdxsim.stress.minimize.fixtures.AtomicCounterWorld;
import tdxsim.stress.minimize.fixtures.NoisyRaceWorld;
import tdxsim.stress.runtime.WorldFactory;
import tdxsim.stress.strategy.StrategyKind;
import tdxsim.stress.trace.ReplayReport;
import tdxsim.stress.trace.Replayer;
import tdxsim.stress.trace.Trace;
import tdxsim.stress.trace.TraceFile;

class ScheduleExplorationTest {
  static final WorldFactory CORRECT = seed -> new AtomicCounterWorld(3, 3);
  static final WorldFactory RACY = seed -> NoisyRaceWorld.standard();

  @TempDir Path dir;

  @Test
  void aCorrectModelPassesEverySchedule() {
    ExplorationOutcome o =
        Schedules.explore(CORRECT).strategy(StrategyKind.PCT).schedules(300).seed(1).traceDir(dir)
            .assertNoViolation();
    assertTrue(o.ok());
    assertEquals(300, o.exploration().schedules());
    assertNull(o.traceFile());
    assertEquals("ScheduleExplorationTest.aCorrectModelPassesEverySchedule", o.testName());
  }

  @Test
  void aRaceFailsWithTheViolationTheTraceAndTheReplayCommand() {
    AssertionError e =
        assertThrows(
            AssertionError.class,
            () -> Schedules.explore(RACY).strategy(StrategyKind.RANDOM).schedules(500).seed(1).traceDir(dir)
                .assertNoViolation());
    Path trace = dir.resolve("ScheduleExplorationTest.aRaceFailsWithTheViolationTheTraceAndTheReplayCommand.json")
        .toAbsolutePath();
    List<String> lines = e.getMessage().lines().toList();
    assertEquals("tdxsim: table.lost-update: two increments left the counter at 1 [vcpu-0, vcpu-1] gfn 0x200",
        lines.get(0));
    assertTrue(lines.get(1).matches("  found in schedule \\d+ of \\d+ \\(strategy random, seed 1, .*"), lines.get(1));
    assertTrue(lines.get(2).startsWith("  trace: " + trace + " ("), lines.get(2));
    assertEquals("  replay: ./tdxsim replay " + trace, lines.get(3));
    assertTrue(Files.isRegularFile(trace));

    Trace t = TraceFile.read(trace, "unversioned");
    ReplayReport r = Replayer.replay(RACY, t);
    assertEquals(ReplayReport.Outcome.REPRODUCED, r.outcome(), r.summary());
    assertEquals(NoisyRaceWorld.INVARIANT, r.result().violation().invariant());
  }

  @Test
  void theDefaultTraceFileIsNamedAfterTheTestUnderTarget() throws Exception {
    Path expected = Path.of("target", "tdxsim-traces",
        "ScheduleExplorationTest.theDefaultTraceFileIsNamedAfterTheTestUnderTarget.json").toAbsolutePath();
    Files.deleteIfExists(expected);
    ExplorationOutcome o = Schedules.explore(RACY).strategy(StrategyKind.POS).schedules(200).run();
    assertEquals(expected, o.traceFile());
    assertTrue(Files.isRegularFile(expected));
  }

  @Test
  void minimizingWritesTheShortRace() {
    AssertionError e = assertThrows(AssertionError.class,
        () -> Schedules.explore(RACY).strategy(StrategyKind.RANDOM).schedules(500).traceDir(dir)
            .minimize(MinimizeBudget.attempts(1_000)).assertNoViolation());
    int race = NoisyRaceWorld.standard().raceSteps();
    assertTrue(e.getMessage().contains("(" + race + " deliveries, minimized from "), e.getMessage());
    Trace t = TraceFile.read(dir.resolve("ScheduleExplorationTest.minimizingWritesTheShortRace.json"), "unversioned");
    assertEquals(race, t.decisions().size());
    assertTrue(Replayer.replay(RACY, t).reproduced());
  }

  @Test
  void assertViolationReturnsTheTraceOfTheExpectedInvariant() {
    Trace t = Schedules.explore(RACY).schedules(500).traceDir(dir).traceName("expected")
        .assertViolation(NoisyRaceWorld.INVARIANT);
    assertEquals(NoisyRaceWorld.INVARIANT, t.violation().invariant());
    assertTrue(Files.isRegularFile(dir.resolve("expected.json")));
  }

  @Test
  void assertViolationFailsWhenNothingOrSomethingElseBreaks() {
    AssertionError none = assertThrows(AssertionError.class,
        () -> Schedules.explore(CORRECT).schedules(50).traceDir(dir).assertViolation("table.lost-update"));
    assertEquals("tdxsim: expected a violation of table.lost-update, but 50 schedules (strategy pct, seed 1) "
        + "broke no invariant", none.getMessage());
    AssertionError other = assertThrows(AssertionError.class,
        () -> Schedules.explore(RACY).schedules(500).traceDir(dir).assertViolation("table.overcount"));
    assertTrue(other.getMessage().startsWith(
        "tdxsim: expected a violation of table.overcount, but got table.lost-update: "), other.getMessage());
    assertTrue(other.getMessage().contains("replay: ./tdxsim replay "), other.getMessage());
  }

  @Test
  void traceInfoNamesTheScenarioSoTheCommandLineCanReplayIt() {
    TraceInfo info = new TraceInfo("tdxsim 0.1.0", "model-7", new Trace.Scenario("small", "vcpus = 2"), List.of("x"));
    ExplorationOutcome o = Schedules.explore(RACY).schedules(500).traceDir(dir).traceInfo(info).run();
    Trace t = TraceFile.read(o.traceFile(), "model-7");
    assertEquals(info.scenario(), t.scenario());
    assertEquals(List.of("x"), t.options());
    assertEquals("pct", t.strategy());
  }

  @Test
  void theSameExplorationWritesTheSameTrace() {
    // the same TraceInfo: a trace's final-state hash covers the scenario it names (WorldHash)
    TraceInfo info = TraceInfo.forTest("racy");
    ExplorationOutcome a =
        Schedules.explore(RACY).schedules(500).seed(3).traceDir(dir).traceName("a").traceInfo(info).run();
    ExplorationOutcome b =
        Schedules.explore(RACY).schedules(500).seed(3).traceDir(dir).traceName("b").traceInfo(info).run();
    assertEquals(a.trace().decisions(), b.trace().decisions());
    assertEquals(a.trace().violation(), b.trace().violation());
    assertEquals(a.trace().finalStateHash(), b.trace().finalStateHash());
    assertEquals(a.trace().scheduleSeed(), b.trace().scheduleSeed());
  }
}
