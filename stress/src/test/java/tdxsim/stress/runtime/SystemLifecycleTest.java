package tdxsim.stress.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import org.junit.jupiter.api.Test;
import tdxsim.stress.runtime.fixtures.LockTableWorld;
import tdxsim.stress.runtime.fixtures.PingPongWorld;
import tdxsim.stress.strategy.StrategyKind;

class SystemLifecycleTest {

  @Test
  void oneSystemRunsManyWorldsAndCloseReleasesTheRuntime() {
    int before = DetRuntime.REGISTRY.size();
    DeterministicSystem system = DeterministicSystem.create("lifecycle");
    assertEquals(before + 1, DetRuntime.REGISTRY.size());
    var strategy = StrategyKind.RANDOM.create();
    for (int i = 0; i < 50; i++) {
      strategy.reset(i);
      assertTrue(system.run(new LockTableWorld(2, 2, 2, i), strategy, Budget.DEFAULT).ok());
      assertEquals(0, system.runtime().liveWorldQueues(), "the world is gone after its schedule");
    }
    system.close();
    assertEquals(before, DetRuntime.REGISTRY.size());
    assertTrue(system.system().whenTerminated().isCompleted(), "the actor system terminated");
    assertThrows(IllegalStateException.class, () -> system.run(new PingPongWorld(1), strategy, Budget.DEFAULT));
  }

  @Test
  void theSystemStartsNoThreadOfItsOwn() {
    try (DeterministicSystem system = DeterministicSystem.create("no-threads")) {
      system.run(new LockTableWorld(2, 2, 2, 1), StrategyKind.POS.create(), Budget.DEFAULT);
      for (Thread t : Thread.getAllStackTraces().keySet()) {
        assertTrue(!t.getName().startsWith("no-threads"), () -> "Pekko started a thread: " + t.getName());
      }
    }
  }

  @Test
  void pekkoReadsTheDeterministicExecutorMailboxAndScheduler() {
    try (DeterministicSystem system = DeterministicSystem.create("config")) {
      Config c = system.system().settings().config();
      String pkg = "tdxsim.stress.runtime.";
      assertEquals(pkg + "DetExecutorConfigurator", c.getString("pekko.actor.default-dispatcher.executor"));
      assertEquals(pkg + "DetExecutorConfigurator", c.getString("pekko.actor.internal-dispatcher.executor"));
      assertEquals(1, c.getInt("pekko.actor.internal-dispatcher.throughput"));
      assertEquals(pkg + "DetMailboxType", c.getString("pekko.actor.typed.default-mailbox.mailbox-type"));
      assertEquals(pkg + "DetMailboxType", c.getString("pekko.actor.default-mailbox.mailbox-type"));
      assertTrue(system.system().scheduler() != null);
      assertTrue(
          org.apache.pekko.actor.typed.javadsl.Adapter.toClassic(system.system()).scheduler()
              instanceof VirtualTimeScheduler);
    }
  }
}
