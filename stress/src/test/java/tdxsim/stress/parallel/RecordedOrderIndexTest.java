package tdxsim.stress.parallel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import tdxsim.actors.vm.ModelVersion;
import tdxsim.stress.model.StressScenario;
import tdxsim.stress.model.Worlds;
import tdxsim.stress.record.Record;
import tdxsim.stress.record.RecordedOrderStrategy;
import tdxsim.stress.runtime.Budget;
import tdxsim.stress.runtime.DeterministicSystem;
import tdxsim.stress.runtime.ScheduleResult;
import tdxsim.stress.runtime.WorldFactory;
import tdxsim.stress.scenario.Scenario;
import tdxsim.stress.strategy.Delivery;
import tdxsim.stress.strategy.Strategy;
import tdxsim.stress.trace.Trace;

/**
 * Record replay finds each next delivery through the runtime's index (the receivers' next recorded messages on a
 * heap by recorded time) instead of scanning the enabled list, and must choose exactly what the scan chooses: the
 * same record replayed both ways gives the same decisions, step by step, and the same final state.
 */
class RecordedOrderIndexTest {

  @Test
  void theIndexedReplayMakesTheSameDecisionsAsTheScanOfTheEnabledList() {
    Scenario s = StressScenario.scenario(new StressScenario.Spec(24, 8, 32, 2, 3, 8), List.of());
    Record rec;
    try (ParallelSystem sys = ParallelSystem.create("index-test",
        ParallelSettings.defaults().withThreads(2).withRecording(true))) {
      ParallelResult r = ParallelRunner.run(sys, new TdxParallelWorld(s.tds(), s.bounds(), true),
          ParallelRunner.Options.until(Duration.ofMillis(300)).checkingEvery(Duration.ofMillis(50)));
      assertTrue(r.ok(), () -> r.violation().oneLine());
      rec = Records.of(r, "test", ModelVersion.VERSION, new Trace.Scenario(s.name(), StressRun.sourceOf(s)),
          List.of(), s.vcpus(), 0, 2);
    }
    WorldFactory worlds = Worlds.forRecord(rec);
    Budget budget = new Budget(rec.deliveries() + 1, Budget.DEFAULT.maxVirtualTime());
    RecordedOrderStrategy indexed = new RecordedOrderStrategy(rec.orders());
    RecordedOrderStrategy scanned = new RecordedOrderStrategy(rec.orders());
    try (DeterministicSystem sys = DeterministicSystem.create("index-test-replay")) {
      indexed.reset(rec.worldSeed());
      ScheduleResult a = sys.run(worlds.create(rec.worldSeed()), indexed, budget);
      scanned.reset(rec.worldSeed());
      ScheduleResult b = sys.run(worlds.create(rec.worldSeed()), listOnly(scanned), budget);
      assertTrue(indexed.complete() && scanned.complete(), "every recorded message delivered both ways");
      assertEquals(rec.deliveries(), a.steps());
      assertEquals(b.decisions().asList(), a.decisions().asList());
      assertEquals(b.decisions().sequenceHash(), a.decisions().sequenceHash());
      assertEquals(b.stateHash(), a.stateHash());
      assertEquals(0, scanned.directed());
      assertTrue(indexed.directed() > rec.deliveries() * 9 / 10,
          "the index answered " + indexed.directed() + " of " + rec.deliveries() + " steps");
    }
  }

  /** The same strategy seen as a plain one: the driver builds the enabled list for every step. */
  private static Strategy listOnly(RecordedOrderStrategy s) {
    return new Strategy() {
      @Override
      public String name() {
        return s.name();
      }

      @Override
      public void reset(long scheduleSeed) {}

      @Override
      public int pick(List<Delivery> enabled) {
        return s.pick(enabled);
      }
    };
  }
}
