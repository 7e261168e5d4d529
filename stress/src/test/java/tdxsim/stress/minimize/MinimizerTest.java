package tdxsim.stress.minimize;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tdxsim.stress.minimize.fixtures.FixtureTraces;
import tdxsim.stress.minimize.fixtures.NoisyRaceWorld;
import tdxsim.stress.schedule.Decision;
import tdxsim.stress.runtime.DeterministicSystem;
import tdxsim.stress.trace.ReplayReport;
import tdxsim.stress.trace.Replayer;
import tdxsim.stress.trace.Trace;
import tdxsim.stress.trace.TraceFile;

class MinimizerTest {
  static DeterministicSystem system;
  static Trace noisy;
  static MinimizeResult result;

  @TempDir Path dir;

  @BeforeAll
  static void findAndMinimize() {
    system = DeterministicSystem.create("minimizer-test");
    noisy = FixtureTraces.noisyRace(system);
    result = Minimizer.minimize(system, FixtureTraces.NOISY_RACE, noisy, MinimizeBudget.attempts(2_000), null);
  }

  @AfterAll
  static void stop() {
    system.close();
  }

  @Test
  void theNoisyRaceShrinksToTheDeliveriesTheRaceNeeds() {
    int race = NoisyRaceWorld.standard().raceSteps();
    assertTrue(noisy.decisions().size() > race + 5, "the fixture trace is noisy: " + noisy.decisions().size());
    assertEquals(race, result.minimizedSteps(), result.summary());
    assertEquals(MinimizeResult.Stop.FIXPOINT, result.stop(), result.summary());
    for (Decision d : result.minimized().decisions()) {
      assertTrue(!d.receiver().startsWith("noise-") && !d.receiver().equals("log"), "noise left in: " + d);
    }
    assertTrue(result.minimizedSwitches() < result.originalSwitches(), result.summary());
  }

  @Test
  void theMinimizedTraceBreaksTheSameInvariantAndReplaysExactlyFromItsFile() {
    Path f = dir.resolve("noisy.min.json");
    TraceFile.write(f, result.minimized());
    Trace read = TraceFile.read(f, FixtureTraces.MODEL);
    ReplayReport r = Replayer.replay(system, FixtureTraces.NOISY_RACE, read);
    assertEquals(ReplayReport.Outcome.REPRODUCED, r.outcome(), r.summary());
    assertEquals(NoisyRaceWorld.INVARIANT, r.result().violation().invariant());
    assertEquals(noisy.violation().invariant(), read.violation().invariant());
    assertEquals(noisy.scheduleSeed(), read.scheduleSeed());
    assertEquals(noisy.scenario(), read.scenario());
  }

  @Test
  void minimizingIsDeterministic() {
    MinimizeResult again =
        Minimizer.minimize(FixtureTraces.NOISY_RACE, noisy, MinimizeBudget.attempts(2_000), null); // fresh system
    assertEquals(result.minimized(), again.minimized());
    assertEquals(result.attempts(), again.attempts());
  }

  @Test
  void theSummarySaysWhatHappened() {
    assertTrue(
        result.summary().startsWith("minimized " + noisy.decisions().size() + " -> " + result.minimizedSteps()
            + " deliveries (context switches "),
        result.summary());
    assertTrue(result.summary().endsWith("fixpoint: " + NoisyRaceWorld.INVARIANT), result.summary());
  }

  @Test
  void anAttemptBudgetStopsItWithAValidTrace() {
    MinimizeResult r = Minimizer.minimize(system, FixtureTraces.NOISY_RACE, noisy, MinimizeBudget.attempts(3), null);
    assertEquals(MinimizeResult.Stop.ATTEMPTS, r.stop());
    assertEquals(3, r.attempts());
    assertTrue(r.minimizedSteps() <= noisy.decisions().size());
    assertTrue(r.replay().reproduced(), r.replay().summary());
  }

  @Test
  void progressIsReportedAfterEachImprovement() {
    List<MinimizeProgress> seen = new ArrayList<>();
    MinimizeResult r =
        Minimizer.minimize(system, FixtureTraces.NOISY_RACE, noisy, MinimizeBudget.attempts(50), seen::add);
    assertTrue(!seen.isEmpty());
    MinimizeProgress last = seen.get(seen.size() - 1);
    assertTrue(last.steps() >= r.minimizedSteps());
    assertTrue(last.oneLine().contains("/50 attempts"), last.oneLine());
  }

  @Test
  void anOkTraceIsRefused() {
    Trace ok = new Trace(noisy.toolVersion(), noisy.modelVersion(), noisy.scenario(), noisy.options(),
        noisy.strategy(), noisy.runSeed(), noisy.scheduleIndex(), noisy.scheduleSeed(), noisy.budget(),
        noisy.decisions(), null, noisy.finalStateHash());
    MinimizeException e = assertThrows(MinimizeException.class,
        () -> Minimizer.minimize(system, FixtureTraces.NOISY_RACE, ok, MinimizeBudget.DEFAULT, null));
    assertTrue(e.getMessage().contains("verdict is ok"), e.getMessage());
  }

  @Test
  void aTraceThatDoesNotReplayIsRefusedWithTheDivergence() {
    List<Decision> ds = new ArrayList<>(noisy.decisions());
    ds.set(1, new Decision("nobody", 1, "world", "Start"));
    Trace broken = new Trace(noisy.toolVersion(), noisy.modelVersion(), noisy.scenario(), noisy.options(),
        noisy.strategy(), noisy.runSeed(), noisy.scheduleIndex(), noisy.scheduleSeed(), noisy.budget(), ds,
        noisy.violation(), noisy.finalStateHash());
    MinimizeException e = assertThrows(MinimizeException.class,
        () -> Minimizer.minimize(system, FixtureTraces.NOISY_RACE, broken, MinimizeBudget.DEFAULT, null));
    assertTrue(e.getMessage().contains("does not replay exactly") && e.getMessage().contains("diverged at step 2"),
        e.getMessage());
  }
}
