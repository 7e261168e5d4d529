package tdxsim.actors.kvm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.EnumSet;
import org.apache.pekko.actor.testkit.typed.javadsl.BehaviorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestInbox;
import org.junit.jupiter.api.Test;
import tdxsim.actors.kvm.testkit.CollectingMonitor;
import tdxsim.actors.kvm.testkit.ScriptedPeers;
import tdxsim.actors.options.DesignOption;
import tdxsim.actors.vm.VmConfig;
import tdxsim.actors.vm.Vmm;
import tdxsim.protocol.KvmPeers;
import tdxsim.protocol.KvmReply;
import tdxsim.protocol.MemslotsMsg;
import tdxsim.protocol.MemslotsMsg.SlotState;
import tdxsim.protocol.VmmMsg;

/**
 * The memslots and VMM actors (AbstractBehaviors behind {@link AwaitWire}): what arrives before the Vm root's Wire
 * is replayed after it in order, and a second Wire or a read outside an SRCU section fails loudly.
 */
class WiredOnceTest {
  private static final long BASE = 0x100000L;
  private final CollectingMonitor mon = new CollectingMonitor();
  private final ScriptedPeers p = new ScriptedPeers(1, m -> {});
  private final TestInbox<MemslotsMsg> memslotsRef = TestInbox.create(Memslots.NAME);
  private final TestInbox<KvmReply> reader = TestInbox.create("vcpu-0");

  private KvmPeers peers() {
    KvmPeers k = p.peers();
    return new KvmPeers(k.tdxModule(), k.mmuLock(), k.tdpMmu(), k.guestMemfd(), k.vmm(), k.vcpus(), k.iommu(),
        k.userspace(), memslotsRef.getRef());
  }

  @Test
  void memslotsReplaysWhatPrecedesItsWireAndRefusesASecondOne() {
    KvmConfig cfg = new KvmConfig(1, BASE, 512, EnumSet.noneOf(DesignOption.class), true);
    BehaviorTestKit<MemslotsMsg> kit = BehaviorTestKit.create(Memslots.create(cfg, mon));
    kit.run(new MemslotsMsg.SrcuReadLock("vcpu-0"));
    kit.run(new MemslotsMsg.GfnToMemslot("vcpu-0", BASE + 7, reader.getRef(), 5));
    assertEquals(false, reader.hasMessages(), "a lookup answered before the Wire");
    kit.run(new MemslotsMsg.Wire(peers()));
    assertEquals(new KvmReply.MemslotLookup(BASE + 7, SlotState.VALID, 5), reader.receiveMessage());
    kit.run(new MemslotsMsg.SrcuReadUnlock("vcpu-0"));
    assertThrows(IllegalStateException.class,
        () -> kit.run(new MemslotsMsg.GfnToMemslot("vcpu-0", BASE, reader.getRef(), 6)));
  }

  @Test
  void memslotsWiredTwiceFails() {
    KvmConfig cfg = new KvmConfig(1, BASE, 512, EnumSet.noneOf(DesignOption.class), true);
    BehaviorTestKit<MemslotsMsg> kit = BehaviorTestKit.create(Memslots.create(cfg, mon));
    kit.run(new MemslotsMsg.Wire(peers()));
    assertThrows(IllegalStateException.class, () -> kit.run(new MemslotsMsg.Wire(peers())));
  }

  @Test
  void vmmWiredTwiceFails() {
    BehaviorTestKit<VmmMsg> kit = BehaviorTestKit.create(Vmm.create(VmConfig.empty("wired", 1, 4), mon));
    kit.run(new VmmMsg.Wire(peers()));
    assertThrows(IllegalStateException.class, () -> kit.run(new VmmMsg.Wire(peers())));
  }
}
