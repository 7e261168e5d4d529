package tdxsim.actors.mmu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.BehaviorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestInbox;
import org.junit.jupiter.api.Test;
import tdxsim.actors.kvm.testkit.CollectingMonitor;
import tdxsim.actors.monitor.MmuObservation.GuestInhibitCleared;
import tdxsim.actors.monitor.MmuObservation.GuestInhibitSet;
import tdxsim.actors.monitor.MmuObservation.SpteChanged;
import tdxsim.protocol.KvmReply;
import tdxsim.protocol.Level;
import tdxsim.protocol.Spte;
import tdxsim.protocol.TdpMmuMsg;

/** One TDP MMU shard: atomic SPTE steps, FROZEN_SPTE, splits, walks and lpage_info. Synchronous. */
class TdpMmuTest {
  private static final long REGION = 0x100000L; // 1G aligned
  private static final long G2M = REGION + 3 * 512;
  private final CollectingMonitor mon = new CollectingMonitor();
  private final BehaviorTestKit<TdpMmuMsg> mmu = BehaviorTestKit.create(TdpMmu.create(0, REGION, mon));
  private final TestInbox<KvmReply> in = TestInbox.create();

  private Spte read(long gfn, Level level) {
    mmu.run(new TdpMmuMsg.ReadSpte(gfn, level, in.getRef(), 1));
    return ((KvmReply.SpteValue) in.receiveMessage()).spte();
  }

  private KvmReply.CmpxchgResult cmpxchg(long gfn, Level level, Spte expected, Spte neu) {
    mmu.run(new TdpMmuMsg.CmpxchgSpte(gfn, level, expected, neu, in.getRef(), 2));
    return (KvmReply.CmpxchgResult) in.receiveMessage();
  }

  private void write(long gfn, Level level, Spte neu) {
    mmu.run(new TdpMmuMsg.WriteSpte(gfn, level, neu, in.getRef(), 3));
    in.receiveMessage();
  }

  @Test
  void the1gEntryStartsNonPresentTheFirstFaultLinksIt() {
    assertFalse(read(REGION, Level.PG_LEVEL_1G).isPresent());
    assertEquals(0, mon.count(SpteChanged.class, c -> c.level() == Level.PG_LEVEL_1G));
  }

  @Test
  void cmpxchgSucceedsOnlyAgainstTheCurrentValueAndRefreshesOldSpte() {
    KvmReply.CmpxchgResult ok = cmpxchg(G2M, Level.PG_LEVEL_2M, Spte.SHADOW_NONPRESENT_VALUE, Spte.FROZEN_SPTE);
    assertTrue(ok.ok());
    KvmReply.CmpxchgResult lost = cmpxchg(G2M, Level.PG_LEVEL_2M, Spte.SHADOW_NONPRESENT_VALUE, Spte.FROZEN_SPTE);
    assertFalse(lost.ok());
    assertEquals(Spte.FROZEN_SPTE, lost.current(), "iter->old_spte is refreshed with the current value");
  }

  @Test
  void frozenSpteLocksOutOtherWritersUntilTheOwnerWrites() {
    assertTrue(cmpxchg(G2M, Level.PG_LEVEL_2M, Spte.SHADOW_NONPRESENT_VALUE, Spte.FROZEN_SPTE).ok());
    Spte frozen = read(G2M, Level.PG_LEVEL_2M);
    assertTrue(frozen.isFrozen());
    assertFalse(frozen.isPresent(), "FROZEN_SPTE is not present");
    assertFalse(cmpxchg(G2M, Level.PG_LEVEL_2M, Spte.SHADOW_NONPRESENT_VALUE, Spte.leaf(0x200)).ok());
    assertTrue(read(G2M + 7, Level.PG_LEVEL_4K).equals(Spte.SHADOW_NONPRESENT_VALUE), "no table under FROZEN");
    write(G2M, Level.PG_LEVEL_2M, Spte.leaf(0x200)); // the freezer's final write
    assertEquals(Spte.leaf(0x200), read(G2M, Level.PG_LEVEL_2M));
    List<SpteChanged> changes = mon.of(SpteChanged.class);
    SpteChanged toFrozen = changes.get(changes.size() - 2);
    SpteChanged fromFrozen = changes.get(changes.size() - 1);
    assertTrue(toFrozen.to().isFrozen(), "the change to FROZEN is observed");
    assertTrue(fromFrozen.from().isFrozen(), "and the change from FROZEN");
  }

  @Test
  void linkingANonLeafGivesAnEmptyChildTable() {
    assertTrue(cmpxchg(G2M, Level.PG_LEVEL_2M, Spte.SHADOW_NONPRESENT_VALUE, Spte.FROZEN_SPTE).ok());
    write(G2M, Level.PG_LEVEL_2M, Spte.nonLeaf(0x77));
    assertEquals(Spte.SHADOW_NONPRESENT_VALUE, read(G2M + 5, Level.PG_LEVEL_4K));
    assertTrue(cmpxchg(G2M + 5, Level.PG_LEVEL_4K, Spte.SHADOW_NONPRESENT_VALUE, Spte.leaf(0x1005)).ok());
    mmu.run(new TdpMmuMsg.CollectLeafs(G2M, G2M + 512, in.getRef(), 4));
    List<KvmReply.Leaf> leafs = ((KvmReply.LeafList) in.receiveMessage()).leafs();
    assertEquals(List.of(new KvmReply.Leaf(G2M + 5, Level.PG_LEVEL_4K, 0x1005)), leafs);
  }

  @Test
  void splitTurnsAHugeLeafInto512Leafs() {
    write(G2M, Level.PG_LEVEL_2M, Spte.leaf(0x40000));
    mmu.run(new TdpMmuMsg.SplitHugeSpte(G2M, 0x99, in.getRef(), 5));
    assertEquals(Spte.leaf(0x40000), ((KvmReply.SpteWritten) in.receiveMessage()).old());
    assertEquals(Spte.nonLeaf(0x99), read(G2M, Level.PG_LEVEL_2M));
    assertEquals(Spte.leaf(0x40000 + 511), read(G2M + 511, Level.PG_LEVEL_4K));
    assertEquals(512, mon.count(SpteChanged.class, c -> c.level() == Level.PG_LEVEL_4K));
    mmu.run(new TdpMmuMsg.CollectLeafs(G2M + 10, G2M + 12, in.getRef(), 6));
    assertEquals(2, ((KvmReply.LeafList) in.receiveMessage()).leafs().size());
  }

  @Test
  void lpageInfoGuestInhibitIsReportedOnceAndReadWithTheWalk() {
    mmu.run(new TdpMmuMsg.UpdateLpageInfo(G2M, Level.PG_LEVEL_2M, TdpMmuMsg.KVM_LPAGE_GUEST_INHIBIT_FLAG, true,
        in.getRef(), 7));
    mmu.run(new TdpMmuMsg.UpdateLpageInfo(G2M, Level.PG_LEVEL_2M, TdpMmuMsg.KVM_LPAGE_GUEST_INHIBIT_FLAG, true,
        in.getRef(), 8));
    in.getAllReceived();
    assertEquals(1, mon.count(GuestInhibitSet.class));
    mmu.run(new TdpMmuMsg.ReadSpte(G2M + 9, Level.PG_LEVEL_1G, in.getRef(), 9));
    assertEquals(TdpMmuMsg.KVM_LPAGE_GUEST_INHIBIT_FLAG, ((KvmReply.SpteValue) in.receiveMessage()).disallowLpage2M());
    mmu.run(new TdpMmuMsg.ReadLpageInfo(G2M + 9, in.getRef(), 10));
    KvmReply.LpageInfo li = (KvmReply.LpageInfo) in.receiveMessage();
    assertEquals(TdpMmuMsg.KVM_LPAGE_GUEST_INHIBIT_FLAG, li.disallowLpage2M());
    assertEquals(0, li.disallowLpage1G());
    // MIXED is not one-way; clearing it does not touch the inhibit bit.
    mmu.run(new TdpMmuMsg.UpdateLpageInfo(G2M, Level.PG_LEVEL_2M, TdpMmuMsg.KVM_LPAGE_MIXED_FLAG, true, in.getRef(), 11));
    mmu.run(new TdpMmuMsg.UpdateLpageInfo(G2M, Level.PG_LEVEL_2M, TdpMmuMsg.KVM_LPAGE_MIXED_FLAG, false, in.getRef(), 12));
    in.getAllReceived();
    assertEquals(0, mon.count(GuestInhibitCleared.class));
  }
}
