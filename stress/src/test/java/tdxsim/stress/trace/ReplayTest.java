package tdxsim.stress.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tdxsim.actors.monitor.Violation;
import tdxsim.stress.runtime.Budget;
import tdxsim.stress.runtime.Counterexample;
import tdxsim.stress.schedule.Decision;
import tdxsim.stress.runtime.DeterministicSystem;
import tdxsim.stress.runtime.Explorer;
import tdxsim.stress.runtime.WorldFactory;
import tdxsim.stress.runtime.fixtures.LockTableWorld;
import tdxsim.stress.runtime.fixtures.LostUpdateWorld;
import tdxsim.stress.strategy.PctStrategy;
import tdxsim.stress.strategy.RandomWalkStrategy;

class ReplayTest {
  static final String MODEL = "fixture-model-1";
  static final WorldFactory LOST_UPDATE = seed -> new LostUpdateWorld(30);
  static DeterministicSystem system;
  static Trace found;

  @TempDir Path dir;

  @BeforeAll
  static void explore() {
    system = DeterministicSystem.create("replay");
    Counterexample c =
        Explorer.explore(system, LOST_UPDATE, new PctStrategy(), 1, 100, Duration.ofMinutes(1), Budget.DEFAULT, null,
                () -> false)
            .violation()
            .orElseThrow();
    found =
        Trace.of("0.1.0", MODEL, new Trace.Scenario("lost-update", "fixture"), List.of(), "pct", 1, Budget.DEFAULT, c);
  }

  @AfterAll
  static void stop() {
    system.close();
  }

  private Trace viaFile(Trace t) {
    Path f = dir.resolve("trace.json");
    TraceFile.write(f, t);
    return TraceFile.read(f, MODEL);
  }

  private static Trace withDecisions(Trace t, List<Decision> ds) {
    return new Trace(t.toolVersion(), t.modelVersion(), t.scenario(), t.options(), t.strategy(), t.runSeed(),
        t.scheduleIndex(), t.scheduleSeed(), t.budget(), ds, t.violation(), t.finalStateHash());
  }

  @Test
  void aViolationTraceReplaysExactlyFromItsFile() {
    ReplayReport r = Replayer.replay(system, LOST_UPDATE, viaFile(found));
    assertTrue(r.reproduced(), r.summary());
    assertEquals("table.lost-update", r.result().violation().invariant());
    assertEquals(found.decisions(), r.result().decisions().asList());
  }

  @Test
  void anOkTraceOfACorrectModelReplaysExactlyOnAFreshSystem() {
    WorldFactory worlds = seed -> new LockTableWorld(3, 3, 2, seed);
    RandomWalkStrategy random = new RandomWalkStrategy();
    random.reset(99);
    var result = system.run(worlds.create(99), random, Budget.DEFAULT);
    Trace t = Trace.of("0.1.0", MODEL, new Trace.Scenario("lock-table", "fixture"), List.of(), "random", 5,
        Budget.DEFAULT, new Counterexample(0, 99, result));
    ReplayReport r = Replayer.replay(worlds, viaFile(t)); // a system of its own
    assertTrue(r.reproduced(), r.summary());
    assertTrue(r.summary().startsWith("reproduced exactly: " + result.steps() + " deliveries, ok"), r.summary());
  }

  @Test
  void aChangedDecisionDivergesAtThatStepSayingWhatWasExpectedAndWhatWasEnabled() {
    List<Decision> ds = new ArrayList<>(found.decisions());
    int k = ds.size() - 2;
    Decision d = ds.get(k);
    ds.set(k, new Decision(d.receiver(), d.seq(), "nobody", d.message()));
    ReplayReport r = Replayer.replay(system, LOST_UPDATE, viaFile(withDecisions(found, ds)));
    assertEquals(ReplayReport.Outcome.DIVERGED, r.outcome());
    assertEquals(k + 1, r.divergence().step());
    assertEquals(ds.get(k), r.divergence().expected());
    assertTrue(r.divergence().enabled().contains(d.toString()), r.summary());
    assertTrue(r.summary().startsWith("diverged at step " + (k + 1) + ": expected " + d.receiver() + "#"), r.summary());
  }

  @Test
  void aTruncatedTraceDivergesWhereItEnds() {
    List<Decision> ds = found.decisions().subList(0, 5);
    ReplayReport r = Replayer.replay(system, LOST_UPDATE, withDecisions(found, ds));
    assertEquals(ReplayReport.Outcome.DIVERGED, r.outcome());
    assertEquals(6, r.divergence().step());
    assertTrue(r.summary().contains("expected the end of the trace"), r.summary());
  }

  @Test
  void aChangedHashIsReported() throws IOException {
    Path f = dir.resolve("trace.json");
    TraceFile.write(f, found);
    String hex = TraceJson.hex(found.finalStateHash());
    Files.writeString(f, Files.readString(f).replace(hex, "0x1234"));
    ReplayReport r = Replayer.replay(system, LOST_UPDATE, TraceFile.read(f, MODEL));
    assertEquals(ReplayReport.Outcome.HASH_DIFFERS, r.outcome());
    assertTrue(r.summary().startsWith("final-state hash differs: trace 0x1234, replay " + hex + " "), r.summary());
  }

  @Test
  void aChangedVerdictIsReported() {
    Trace t = new Trace(found.toolVersion(), MODEL, found.scenario(), found.options(), found.strategy(),
        found.runSeed(), found.scheduleIndex(), found.scheduleSeed(), found.budget(), found.decisions(),
        Violation.of("other.invariant", "not this one"), found.finalStateHash());
    ReplayReport r = Replayer.replay(system, LOST_UPDATE, t);
    assertEquals(ReplayReport.Outcome.VERDICT_DIFFERS, r.outcome());
    assertTrue(
        r.summary().startsWith("verdict differs: trace says other.invariant: not this one, replay says table.lost"),
        r.summary());
  }
}
