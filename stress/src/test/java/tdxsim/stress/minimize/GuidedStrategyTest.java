package tdxsim.stress.minimize;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tdxsim.stress.minimize.fixtures.FixtureTraces;
import tdxsim.stress.schedule.Decision;
import tdxsim.stress.runtime.DeterministicSystem;
import tdxsim.stress.runtime.ScheduleResult;
import tdxsim.stress.trace.Trace;

class GuidedStrategyTest {
  static DeterministicSystem system;
  static Trace noisy;

  @BeforeAll
  static void start() {
    system = DeterministicSystem.create("guided-test");
    noisy = FixtureTraces.noisyRace(system);
  }

  @AfterAll
  static void stop() {
    system.close();
  }

  private static ScheduleResult run(List<Decision> candidates, long maxPicks) {
    GuidedStrategy g = new GuidedStrategy(candidates, maxPicks);
    g.reset(noisy.scheduleSeed());
    return system.run(FixtureTraces.NOISY_RACE.create(noisy.scheduleSeed()), g, noisy.budget());
  }

  @Test
  void followingATraceExactlyReproducesIt() {
    ScheduleResult r = run(noisy.decisions(), Long.MAX_VALUE);
    assertEquals(noisy.decisions(), r.decisions().asList());
    assertEquals(noisy.violation(), r.violation());
  }

  @Test
  void withNoCandidatesItKeepsToOneReceiverThenTakesTheFirstEnabled() {
    ScheduleResult r = run(List.of(), Long.MAX_VALUE);
    List<Decision> ds = r.decisions().asList();
    // vcpu-0 (created before vcpu-1 and the noise) runs its Start and Step back to back
    assertEquals("vcpu-0", ds.get(0).receiver());
    assertEquals("vcpu-0", ds.get(1).receiver());
    assertEquals(ContextSwitches.count(ds), ContextSwitches.count(ds)); // deterministic
    assertEquals(ds, run(List.of(), Long.MAX_VALUE).decisions().asList());
  }

  @Test
  void leftOutCandidatesArePostponedSoNoiseEndsUpPastTheViolation() {
    List<Decision> raceOnly = new ArrayList<>();
    for (Decision d : noisy.decisions()) {
      if (!d.receiver().startsWith("noise-") && !d.receiver().equals("log")) raceOnly.add(d);
    }
    ScheduleResult r = run(raceOnly, Long.MAX_VALUE);
    assertEquals(noisy.violation().invariant(), r.violation().invariant());
    assertEquals(raceOnly, r.decisions().asList());
  }

  @Test
  void aLeftOutDeliveryTheRaceNeedsStillHappensLater() {
    List<Decision> without = new ArrayList<>(noisy.decisions());
    int at = indexOf(without, "vcpu-1", "Start");
    Decision start = without.remove(at);
    List<Decision> ds = run(without, Long.MAX_VALUE).decisions().asList();
    int now = ds.indexOf(start);
    assertTrue(now > at, start + " ran at " + now + ", first at " + at);
  }

  private static int indexOf(List<Decision> ds, String receiver, String message) {
    for (int i = 0; i < ds.size(); i++) {
      if (ds.get(i).receiver().equals(receiver) && ds.get(i).message().equals(message)) return i;
    }
    throw new AssertionError("no " + message + " to " + receiver);
  }

  @Test
  void itStopsTheScheduleAfterMaxPicks() {
    ScheduleResult r = run(noisy.decisions(), 5);
    assertEquals(5, r.steps());
    assertTrue(r.stoppedByStrategy());
    assertTrue(r.ok());
  }
}
