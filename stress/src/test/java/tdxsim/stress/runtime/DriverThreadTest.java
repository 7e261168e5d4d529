package tdxsim.stress.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.Test;
import tdxsim.stress.runtime.fixtures.LockTableWorld;
import tdxsim.stress.strategy.StrategyKind;

class DriverThreadTest {

  @Test
  void allActorCodeRunsOnTheDriverThread() {
    try (DeterministicSystem system = DeterministicSystem.create("driver-thread")) {
      for (StrategyKind kind : StrategyKind.values()) {
        LockTableWorld world = new LockTableWorld(3, 4, 2, 9);
        var strategy = kind.create();
        strategy.reset(9);
        assertTrue(system.run(world, strategy, Budget.DEFAULT).ok());
        assertEquals(Set.of(Thread.currentThread()), world.threads(), kind.name());
      }
    }
  }

  @Test
  void twoSystemsOnTwoThreadsGiveTheSameResultsAsOneAlone() throws Exception {
    List<Long> alone = schedules(40);
    AtomicReference<List<Long>> left = new AtomicReference<>();
    AtomicReference<List<Long>> right = new AtomicReference<>();
    AtomicReference<Throwable> error = new AtomicReference<>();
    Thread a = new Thread(() -> left.set(schedules(40)), "explorer-a");
    Thread b = new Thread(() -> right.set(schedules(40)), "explorer-b");
    for (Thread t : List.of(a, b)) {
      t.setUncaughtExceptionHandler((th, e) -> error.set(e));
      t.start();
    }
    a.join();
    b.join();
    if (error.get() != null) throw new AssertionError("explorer thread failed", error.get());
    assertEquals(alone, left.get());
    assertEquals(alone, right.get());
  }

  /** Sequence hash and final-state hash of n POS schedules of the lock/table model, on a system of this thread. */
  private static List<Long> schedules(int n) {
    List<Long> out = new ArrayList<>();
    try (DeterministicSystem system = DeterministicSystem.create("side-by-side")) {
      var strategy = StrategyKind.POS.create();
      for (int i = 0; i < n; i++) {
        long seed = Seeds.forSchedule(5, i);
        strategy.reset(seed);
        LockTableWorld world = new LockTableWorld(3, 3, 2, seed);
        ScheduleResult r = system.run(world, strategy, Budget.DEFAULT);
        if (!world.threads().equals(Set.of(Thread.currentThread()))) throw new AssertionError(world.threads());
        out.add(r.decisions().sequenceHash());
        out.add(r.stateHash());
      }
    }
    return out;
  }

  @Test
  void aMessageFromAnotherThreadIsRefusedAndReported() throws Exception {
    try (DeterministicSystem system = DeterministicSystem.create("foreign-thread")) {
      List<String> got = new ArrayList<>();
      ActorRef<String> outsider =
          system.system().systemActorOf(Behaviors.<String>receiveMessage(m -> {
            got.add(m);
            return Behaviors.same();
          }), "outsider", Props.empty());
      outsider.tell("from the driver");
      system.runtime().settle();
      assertEquals(List.of("from the driver"), got);
      Thread t = new Thread(() -> outsider.tell("from elsewhere"), "rogue");
      t.start();
      t.join();
      system.runtime().settle();
      assertEquals(List.of("from the driver"), got, "Pekko swallows the refusal; the message is dropped");
      assertNotNull(system.runtime().fault, "and the runtime reports it");
      assertEquals(RuntimeViolations.FOREIGN_THREAD, system.runtime().fault.invariant());
      assertTrue(system.runtime().fault.detail().contains("from thread rogue"), system.runtime().fault::detail);
    }
  }
}
