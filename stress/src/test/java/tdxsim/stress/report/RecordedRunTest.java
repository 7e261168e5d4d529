package tdxsim.stress.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import tdxsim.stress.minimize.fixtures.FixtureTraces;
import tdxsim.stress.schedule.Decision;
import tdxsim.stress.runtime.DeterministicSystem;
import tdxsim.stress.trace.Trace;

class RecordedRunTest {
  @Test
  void everyStepComesWithItsMessageAndTheDecisionTheTraceRecords() {
    try (DeterministicSystem system = DeterministicSystem.create("recorded-run-test")) {
      Trace t = FixtureTraces.noisyRace(system);
      RecordedRun run = RecordedRun.replay(system, FixtureTraces.NOISY_RACE, t);
      assertTrue(run.reproduced(), run.replaySummary());
      assertEquals(t.decisions().size(), run.steps().size());
      for (int i = 0; i < run.steps().size(); i++) {
        RecordedStep s = run.steps().get(i);
        assertEquals(i + 1, s.step());
        assertEquals(t.decisions().get(i), s.decision());
        assertEquals(s.decision().message(), s.message().getClass().getSimpleName());
      }
    }
  }

  @Test
  void aDivergingTraceIsDrawnUpToWhereItLeftTheTrace() {
    try (DeterministicSystem system = DeterministicSystem.create("recorded-run-test")) {
      Trace t = FixtureTraces.noisyRace(system);
      List<Decision> ds = new ArrayList<>(t.decisions());
      Decision d = ds.get(9);
      ds.set(9, new Decision(d.receiver(), d.seq(), "nobody", d.message()));
      Trace changed = new Trace(t.toolVersion(), t.modelVersion(), t.scenario(), t.options(), t.strategy(),
          t.runSeed(), t.scheduleIndex(), t.scheduleSeed(), t.budget(), ds, t.violation(), t.finalStateHash());
      RecordedRun run = RecordedRun.replay(system, FixtureTraces.NOISY_RACE, changed);
      assertFalse(run.reproduced());
      assertEquals(9, run.steps().size());
      assertTrue(run.replaySummary().startsWith("replay diverged at step 10: expected " + d.receiver()),
          run.replaySummary());
      RaceDiagram diagram = RaceDiagram.of("x", run, ReportFixtures.VCPUS, MessageFormatter.DEFAULT);
      String text = TextDiagram.render(diagram, TextDiagram.Options.FULL);
      assertTrue(text.contains("replay diverged at step 10"), text);
      assertTrue(text.contains("ok: no violation after step 9"), text);
    }
  }
}
