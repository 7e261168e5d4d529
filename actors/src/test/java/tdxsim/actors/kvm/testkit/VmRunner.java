package tdxsim.actors.kvm.testkit;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import tdxsim.actors.monitor.GmemObservation.ConversionEnd;
import tdxsim.actors.monitor.MmuObservation.VcpuWorkloadDone;
import tdxsim.actors.vm.VmConfig;
import tdxsim.actors.vm.Vm;

/** Runs a whole VM on real threads until every vCPU is done and the expected ioctls have completed. */
public final class VmRunner {
  private VmRunner() {}

  private static int seq;

  public static CollectingMonitor run(ActorTestKit kit, VmConfig config, long ioctls) throws InterruptedException {
    return runUntil(kit, config, m -> m.count(VcpuWorkloadDone.class) == config.vcpus()
        && m.count(ConversionEnd.class) == ioctls);
  }

  /** Runs until {@code done} holds over the observations. */
  public static CollectingMonitor runUntil(ActorTestKit kit, VmConfig config,
      java.util.function.Predicate<CollectingMonitor> done) throws InterruptedException {
    CollectingMonitor mon = new CollectingMonitor();
    String name;
    synchronized (VmRunner.class) {
      name = "vm-" + config.name() + "-" + (++seq);
    }
    var vm = kit.spawn(Vm.create(config, mon), name);
    boolean ok = mon.awaitCondition(done, 120, TimeUnit.SECONDS);
    kit.stop(vm); // a livelocked VM would spin on
    assertTrue(ok, () -> "the VM did not get there: done " + mon.count(VcpuWorkloadDone.class) + "/"
        + config.vcpus() + ", ioctls " + mon.count(ConversionEnd.class));
    return mon;
  }
}
