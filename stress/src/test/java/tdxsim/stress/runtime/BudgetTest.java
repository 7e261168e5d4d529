package tdxsim.stress.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tdxsim.stress.runtime.fixtures.EndlessWorld;
import tdxsim.stress.runtime.fixtures.FailingWorld;
import tdxsim.stress.runtime.fixtures.PingPongWorld;
import tdxsim.stress.strategy.StrategyKind;

class BudgetTest {
  private static DeterministicSystem system;

  @BeforeAll
  static void start() {
    system = DeterministicSystem.create("budget");
  }

  @AfterAll
  static void stop() {
    system.close();
  }

  @Test
  void exhaustingTheStepBudgetIsALivenessViolation() {
    ScheduleResult r =
        system.run(new EndlessWorld(EndlessWorld.Mode.MESSAGES), StrategyKind.RANDOM.create(), Budget.steps(500));
    assertEquals(RuntimeViolations.STEP_BUDGET, r.violation().invariant());
    assertEquals(500, r.steps());
  }

  @Test
  void exhaustingTheVirtualTimeBudgetIsALivenessViolation() {
    Budget budget = new Budget(1_000_000, Duration.ofSeconds(10));
    ScheduleResult r = system.run(new EndlessWorld(EndlessWorld.Mode.TIMER), StrategyKind.RANDOM.create(), budget);
    assertEquals(RuntimeViolations.VIRTUAL_TIME_BUDGET, r.violation().invariant());
    assertEquals(Duration.ofSeconds(10).toNanos(), r.virtualNanos(), "the last timer fired at 10 s");
    assertEquals(10, r.steps(), "one delivery per virtual second");
  }

  @Test
  void aWorldThatFinishesWithinBudgetIsOk() {
    ScheduleResult r = system.run(new PingPongWorld(100), StrategyKind.PCT.create(), Budget.steps(200));
    assertTrue(r.ok(), () -> String.valueOf(r.violation()));
    assertEquals(200, r.steps());
  }

  @Test
  void anExceptionInABehaviourIsAViolationAndTheSystemStaysUsable() {
    ScheduleResult r = system.run(new FailingWorld(), StrategyKind.RANDOM.create(), Budget.DEFAULT);
    assertEquals(RuntimeViolations.ACTOR_FAILURE, r.violation().invariant());
    assertTrue(r.violation().detail().startsWith("bomb threw while handling Boom from world"), r.violation()::detail);
    ScheduleResult next = system.run(new PingPongWorld(10), StrategyKind.RANDOM.create(), Budget.DEFAULT);
    assertTrue(next.ok(), () -> String.valueOf(next.violation()));
  }
}
