package tdxsim.actors.vm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import tdxsim.actors.kvm.testkit.CollectingMonitor;
import tdxsim.actors.monitor.MmuObservation.KvmBugOn;
import tdxsim.actors.monitor.SeptObservation.SeamcallCompleted;
import tdxsim.actors.monitor.TeardownObservation.SeptPageFreed;
import tdxsim.actors.monitor.TeardownObservation.TeardownDone;
import tdxsim.actors.options.DesignOption;
import tdxsim.actors.vcpu.WorkloadStep;
import tdxsim.protocol.Level;
import tdxsim.protocol.SeamcallLeaf;
import tdxsim.protocol.TdxStatus;

/**
 * The TD's destroy on real threads, in the kernel's order: every private leaf REMOVEd (the 2M one whole, no DEMOTE)
 * while the HKID is assigned, then VP.FLUSH of each vCPU, VPFLUSHDONE, CACHE.WB, KEY.FREEID, and only then the
 * RECLAIM of each S-EPT page before it is freed [LNX guest_memfd.c, LNX tdx.c].
 */
class TeardownOrderTest {
  private static final ActorTestKit testKit = ActorTestKit.create();

  @AfterAll
  static void cleanup() {
    testKit.shutdownTestKit();
  }

  private static CollectingMonitor destroy(String name, EnumSet<DesignOption> options) throws InterruptedException {
    VmConfig e = VmConfig.empty(name, 2, 2);
    VmConfig config = e.withWorkloads(List.of(List.of(WorkloadStep.Accept.linux(e.range(0), 512)),
        List.of(WorkloadStep.Accept.linux(e.range(1), 4))), List.of(new VmmAction.Destroy())).withOptions(options);
    CollectingMonitor mon = new CollectingMonitor();
    testKit.spawn(Vm.create(config, mon), name);
    assertTrue(mon.awaitCondition(m -> m.count(TeardownDone.class) == 1, 60, TimeUnit.SECONDS), "teardown ended");
    return mon;
  }

  /** The leaves of the SEAMCALLs issued, in completion order. */
  private static List<SeamcallLeaf> leaves(CollectingMonitor mon) {
    return mon.of(SeamcallCompleted.class).stream().map(SeamcallCompleted::leaf).toList();
  }

  @Test
  void everyLeafIsRemovedWithTheHkidAssignedThenTheKeyGoesThenTheSeptPagesAreReclaimed()
      throws InterruptedException {
    CollectingMonitor mon = destroy("vm-teardown", EnumSet.noneOf(DesignOption.class));
    assertEquals(0, mon.count(KvmBugOn.class), () -> "KVM_BUG_ON: " + mon.of(KvmBugOn.class));
    assertTrue(mon.of(SeamcallCompleted.class).stream().allMatch(c -> c.status() == TdxStatus.TDX_SUCCESS),
        () -> "a SEAMCALL failed: " + mon.of(SeamcallCompleted.class));
    List<SeamcallLeaf> l = leaves(mon);
    int flushDone = l.indexOf(SeamcallLeaf.TDH_MNG_VPFLUSHDONE);
    assertTrue(l.lastIndexOf(SeamcallLeaf.TDH_MEM_PAGE_REMOVE) < l.indexOf(SeamcallLeaf.TDH_VP_FLUSH),
        "every REMOVE before the HKID release: " + l);
    assertEquals(5, mon.count(SeamcallCompleted.class, c -> c.leaf() == SeamcallLeaf.TDH_MEM_PAGE_REMOVE),
        "one 2M and four 4K leaves removed");
    assertEquals(List.of(SeamcallLeaf.TDH_VP_FLUSH, SeamcallLeaf.TDH_VP_FLUSH, SeamcallLeaf.TDH_MNG_VPFLUSHDONE,
        SeamcallLeaf.TDH_PHYMEM_CACHE_WB, SeamcallLeaf.TDH_MNG_KEY_FREEID), l.subList(flushDone - 2, flushDone + 3));
    assertEquals(0, mon.count(SeamcallCompleted.class, c -> c.leaf() == SeamcallLeaf.TDH_MEM_PAGE_DEMOTE), "no split");
    assertEquals(1, mon.count(SeamcallCompleted.class, c -> c.leaf() == SeamcallLeaf.TDH_MEM_PAGE_REMOVE
        && c.level() == Level.PG_LEVEL_2M), "the 2M leaf removed whole");
    List<SeamcallLeaf> tail = l.subList(flushDone + 3, l.size());
    assertTrue(!tail.isEmpty() && tail.stream().allMatch(x -> x == SeamcallLeaf.TDH_PHYMEM_PAGE_RECLAIM),
        tail::toString);
    assertEquals(tail.size(), mon.count(SeptPageFreed.class), "every reclaimed S-EPT page freed");
    assertEquals(List.of(new TeardownDone(true)), mon.of(TeardownDone.class));
  }

  @Test
  void keyFreeIdBeforeVpFlushDoneIsRefusedAndEveryPageLeaked() throws InterruptedException {
    CollectingMonitor mon = destroy("vm-teardown-mut",
        EnumSet.of(DesignOption.MUT_FREEID_BEFORE_VPFLUSHDONE));
    assertEquals(1, mon.count(SeamcallCompleted.class, c -> c.leaf() == SeamcallLeaf.TDH_MNG_KEY_FREEID
        && c.status() == TdxStatus.TDX_LIFECYCLE_STATE_INCORRECT));
    assertTrue(mon.count(KvmBugOn.class) > 0);
    assertEquals(0, mon.count(SeamcallCompleted.class, c -> c.leaf() == SeamcallLeaf.TDH_PHYMEM_PAGE_RECLAIM));
    assertEquals(0, mon.count(SeptPageFreed.class));
    assertEquals(List.of(new TeardownDone(false)), mon.of(TeardownDone.class));
  }
}
