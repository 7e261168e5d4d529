package tdxsim.stress.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tdxsim.stress.runtime.fixtures.TimerWorld;
import tdxsim.stress.strategy.StrategyKind;

class VirtualTimeTest {
  private static DeterministicSystem system;

  @BeforeAll
  static void start() {
    system = DeterministicSystem.create("virtual-time");
  }

  @AfterAll
  static void stop() {
    system.close();
  }

  private static long ms(long ms) {
    return Duration.ofMillis(ms).toNanos();
  }

  @Test
  void timersFireInVirtualTimeOrderAndEqualDeadlinesInInsertionOrderWithoutSleeping() {
    for (StrategyKind kind : StrategyKind.values()) {
      TimerWorld world = new TimerWorld(system::virtualNanos);
      var strategy = kind.create();
      strategy.reset(1);
      ScheduleResult r = system.run(world, strategy, Budget.DEFAULT);
      assertTrue(r.ok());
      // an hour of virtual time passes in this test; F was cancelled
      assertEquals(
          List.of("B@" + ms(10), "D@" + ms(10), "A@" + ms(50), "C@" + ms(50), "E@" + Duration.ofHours(1).toNanos()),
          world.fired(),
          kind.name());
      assertEquals(Duration.ofHours(1).toNanos(), r.virtualNanos());
      assertEquals("timer", r.decisions().get(0).sender());
    }
  }

  @Test
  void everyScheduleStartsAtVirtualTimeZero() {
    var strategy = StrategyKind.RANDOM.create();
    TimerWorld first = new TimerWorld(system::virtualNanos);
    system.run(first, strategy, Budget.DEFAULT);
    TimerWorld second = new TimerWorld(system::virtualNanos);
    system.run(second, strategy, Budget.DEFAULT);
    assertEquals(first.fired(), second.fired());
  }

  @Test
  void schedulerOrdersByDeadlineThenInsertionAndHonoursCancelAndPeriods() {
    VirtualTimeScheduler clock = system.runtime().scheduler();
    StringBuilder log = new StringBuilder();
    scala.concurrent.ExecutionContext inline = org.apache.pekko.dispatch.ExecutionContexts.fromExecutor(Runnable::run);
    clock.scheduleOnce(Duration.ofMillis(5), () -> log.append("x5 "), inline);
    clock.scheduleOnce(Duration.ofMillis(1), () -> log.append("y1 "), inline);
    var cancelled = clock.scheduleOnce(Duration.ofMillis(3), () -> log.append("never "), inline);
    clock.scheduleOnce(Duration.ofMillis(5), () -> log.append("z5 "), inline);
    var tick = clock.scheduleAtFixedRate(Duration.ofMillis(2), Duration.ofMillis(2), () -> log.append("t "), inline);
    assertTrue(cancelled.cancel());
    assertTrue(cancelled.isCancelled());
    while (clock.hasTimers() && clock.nextDeadline() <= ms(6)) system.runtime().advanceTo(clock.nextDeadline());
    assertEquals("y1 t t x5 z5 t ", log.toString());
    assertEquals(ms(6), clock.now());
    assertTrue(tick.cancel());
    assertFalse(clock.hasTimers());
    clock.reset();
  }
}
