package tdxsim.stress.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.SplittableRandom;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import tdxsim.stress.runtime.fixtures.FanInWorld;
import tdxsim.stress.runtime.fixtures.LockTableWorld;
import tdxsim.stress.schedule.Decision;
import tdxsim.stress.strategy.Strategy;
import tdxsim.stress.strategy.StrategyKind;

class DeterminismTest {
  private static DeterministicSystem system;

  @BeforeAll
  static void start() {
    system = DeterministicSystem.create("determinism");
  }

  @AfterAll
  static void stop() {
    system.close();
  }

  private static ScheduleResult run(Strategy strategy, long seed) {
    strategy.reset(seed);
    return system.run(new LockTableWorld(3, 3, 2, seed), strategy, Budget.DEFAULT);
  }

  @ParameterizedTest
  @EnumSource(StrategyKind.class)
  void sameSeedGivesSameDeliverySequenceAndFinalStateHashOnTwentyRuns(StrategyKind kind) {
    Strategy strategy = kind.create();
    ScheduleResult first = run(strategy, 42);
    assertTrue(first.ok(), () -> "fixture model is correct: " + first.violation());
    assertTrue(first.steps() > 20, "the model makes many deliveries");
    for (int i = 0; i < 19; i++) {
      ScheduleResult again = run(kind.create(), 42);
      assertEquals(first.decisions().asList(), again.decisions().asList(), "run " + i);
      assertEquals(first.decisions().sequenceHash(), again.decisions().sequenceHash());
      assertEquals(first.stateHash(), again.stateHash());
    }
  }

  @ParameterizedTest
  @EnumSource(StrategyKind.class)
  void twentySeedsGiveTwentyDifferentSequences(StrategyKind kind) {
    Strategy strategy = kind.create();
    Set<List<Decision>> sequences = new HashSet<>();
    Set<Long> hashes = new HashSet<>();
    for (long seed = 1; seed <= 20; seed++) {
      ScheduleResult r = run(strategy, seed);
      sequences.add(r.decisions().asList());
      hashes.add(r.decisions().sequenceHash());
    }
    // 3 workers x 3 rounds contending for one lock: a huge number of interleavings
    assertTrue(sequences.size() >= 18, () -> "distinct sequences: " + sequences.size());
    assertEquals(sequences.size(), hashes.size(), "sequence hash distinguishes sequences");
  }

  @Test
  void fanInShowsEveryPerSenderFifoInterleavingAndNoOther() {
    Strategy strategy = StrategyKind.RANDOM.create();
    Set<List<String>> orders = new HashSet<>();
    for (long seed = 0; seed < 400; seed++) {
      FanInWorld world = new FanInWorld();
      strategy.reset(seed);
      assertTrue(system.run(world, strategy, Budget.DEFAULT).ok());
      List<String> got = world.received();
      assertEquals(6, got.size());
      assertTrue(got.indexOf("a1") < got.indexOf("a2") && got.indexOf("a2") < got.indexOf("a3"), got::toString);
      assertTrue(got.indexOf("b1") < got.indexOf("b2") && got.indexOf("b2") < got.indexOf("b3"), got::toString);
      orders.add(got);
    }
    assertEquals(20, orders.size(), "all C(6,3) per-sender-FIFO interleavings are reachable");
  }

  @Test
  void scheduleSeedIsTheIthDrawOfSplittableRandom() {
    SplittableRandom r = new SplittableRandom(7);
    for (int i = 0; i < 5; i++) assertEquals(r.nextLong(), Seeds.forSchedule(7, i));
  }

  @Test
  void decisionsNameActorsRelativeToTheWorldRoot() {
    ScheduleResult r = run(StrategyKind.RANDOM.create(), 3);
    Set<String> names = new HashSet<>();
    for (Decision d : r.decisions().asList()) {
      names.add(d.receiver());
      names.add(d.sender());
    }
    assertEquals(Set.of("world", "lock", "table", "worker-0", "worker-1", "worker-2"), names);
    assertEquals(1, r.decisions().get(0).seq());
  }
}
