package tdxsim.actors.vm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import tdxsim.actors.kvm.testkit.CollectingMonitor;
import tdxsim.actors.monitor.Flow;
import tdxsim.actors.monitor.GmemObservation.ConversionEnd;
import tdxsim.actors.monitor.MmuObservation.FaultBegin;
import tdxsim.actors.monitor.MmuObservation.FaultEnd;
import tdxsim.actors.monitor.MmuObservation.FlowStep;
import tdxsim.actors.monitor.MmuObservation.GuestDataLost;
import tdxsim.actors.monitor.MmuObservation.GuestPanic;
import tdxsim.actors.monitor.MmuObservation.KvmBugOn;
import tdxsim.actors.monitor.MmuObservation.VcpuWorkloadDone;

/** The whole VM on real threads (plain ActorTestKit): every vCPU finishes its workload, nothing fatal fires. */
class VmSmokeTest {
  private static final ActorTestKit testKit = ActorTestKit.create();

  @AfterAll
  static void cleanup() {
    testKit.shutdownTestKit();
  }

  private static CollectingMonitor run(VmConfig config, String name, long conversions) throws InterruptedException {
    CollectingMonitor mon = new CollectingMonitor();
    testKit.spawn(Vm.create(config, mon), name);
    boolean finished = mon.awaitCondition(m -> m.count(VcpuWorkloadDone.class) == config.vcpus()
        && m.count(ConversionEnd.class) == conversions
        || m.count(GuestPanic.class) > 0 || m.count(KvmBugOn.class) > 0, 120, TimeUnit.SECONDS);
    assertTrue(finished, () -> "did not finish: done=" + mon.count(VcpuWorkloadDone.class) + " conversions="
        + mon.count(ConversionEnd.class));
    return mon;
  }

  private static void assertClean(CollectingMonitor mon) {
    assertEquals(0, mon.count(KvmBugOn.class), () -> "KVM_BUG_ON: " + mon.of(KvmBugOn.class));
    assertEquals(0, mon.count(GuestPanic.class), () -> "guest panic: " + mon.of(GuestPanic.class));
    assertEquals(0, mon.count(GuestDataLost.class), () -> "data lost: " + mon.of(GuestDataLost.class));
    assertEquals(mon.count(FaultBegin.class), mon.count(FaultEnd.class), "every fault ends");
  }

  @Test
  void defaultScenarioRunsToCompletion() throws InterruptedException {
    VmConfig config = VmConfig.defaultScenario();
    CollectingMonitor mon = run(config, "vm-default", 10); // 8, and the two 2M batches of the 1024-page MapGPA
    assertClean(mon);
    for (String flow : new String[] {"AUG_2M", "AUG_4K", "SEPT_ADD", "PAGE_ADD", "DEMOTE", "REMOVE", "TRACK",
        "KICK", "ACCEPT_2M", "ACCEPT_4K", "CONVERSION", "PUNCH_HOLE", "ACCEPT_LEVEL_SPLIT"}) {
      assertTrue(mon.count(FlowStep.class, f -> f.flow() == Flow.valueOf(flow)) > 0, "flow " + flow + " happened");
    }
  }

  @Test
  void smallScenarioRunsToCompletion() throws InterruptedException {
    VmConfig config = VmConfig.small();
    CollectingMonitor mon = run(config, "vm-small", 3);
    assertClean(mon);
  }
}
