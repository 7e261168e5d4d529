package tdxsim.actors.kvm.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.apache.pekko.actor.testkit.typed.javadsl.TestInbox;
import org.apache.pekko.actor.typed.ActorRef;
import tdxsim.protocol.GuestMemfdMsg;
import tdxsim.protocol.InvalidationUserMsg;
import tdxsim.protocol.KvmPeers;
import tdxsim.protocol.KvmReply;
import tdxsim.protocol.LockMode;
import tdxsim.protocol.MmuLockMsg;
import tdxsim.protocol.SeamcallResult;
import tdxsim.protocol.Spte;
import tdxsim.protocol.TdpMmuMsg;
import tdxsim.protocol.TdxModuleMsg;
import tdxsim.protocol.TdxStatus;
import tdxsim.protocol.VcpuMsg;
import tdxsim.protocol.VmmMsg;

/**
 * Every peer of a KVM context as a synchronous {@link TestInbox}: with the context's actor under a
 * BehaviorTestKit, a test scripts a flow step by step (take the next request, answer it) and can check exactly
 * which requests are outstanding at any point, without threads or timeouts.
 */
public final class ScriptedPeers {
  public final TestInbox<TdxModuleMsg> module = TestInbox.create("tdx-module");
  public final TestInbox<MmuLockMsg> mmuLock = TestInbox.create("mmu-lock");
  public final TestInbox<TdpMmuMsg> tdp = TestInbox.create("tdp-mmu-0");
  public final TestInbox<GuestMemfdMsg> gmem = TestInbox.create("guest-memfd");
  public final TestInbox<VmmMsg> vmm = TestInbox.create("vmm");
  public final TestInbox<InvalidationUserMsg> iommu = TestInbox.create("iommu");
  public final TestInbox<InvalidationUserMsg> userspace = TestInbox.create("userspace");
  public final List<TestInbox<VcpuMsg>> vcpus = new ArrayList<>();
  private final Consumer<Object> deliver;

  /** @param deliver runs one message in the actor under test (BehaviorTestKit::run) */
  public ScriptedPeers(int vcpuCount, Consumer<Object> deliver) {
    for (int i = 0; i < vcpuCount; i++) vcpus.add(TestInbox.create("vcpu-" + i));
    this.deliver = deliver;
  }

  public KvmPeers peers() {
    List<ActorRef<VcpuMsg>> v = new ArrayList<>();
    for (TestInbox<VcpuMsg> i : vcpus) v.add(i.getRef());
    return new KvmPeers(module.getRef(), mmuLock.getRef(), List.of(tdp.getRef()), gmem.getRef(), vmm.getRef(), v,
        iommu.getRef(), userspace.getRef());
  }

  public void deliver(Object m) {
    deliver.accept(m);
  }

  /** No request is outstanding anywhere. */
  public void assertQuiet() {
    assertFalse(module.hasMessages(), "tdx-module inbox: " + module.getAllReceived());
    assertFalse(mmuLock.hasMessages(), "mmu-lock inbox");
    assertFalse(tdp.hasMessages(), "tdp-mmu inbox");
    assertFalse(gmem.hasMessages(), "guest-memfd inbox");
    assertFalse(vmm.hasMessages(), "vmm inbox");
    for (TestInbox<VcpuMsg> v : vcpus) assertFalse(v.hasMessages(), "vcpu inbox");
  }

  /** kvm_vm_dead after a KVM_BUG_ON: KVM_REQ_VM_DEAD went to every vCPU (the host is not one of them). */
  public void expectVmDead() {
    for (TestInbox<VcpuMsg> v : vcpus) next(v, VcpuMsg.VmDead.class);
  }

  public static <T> T next(TestInbox<? super T> inbox, Class<T> type) {
    assertTrue(inbox.hasMessages(), "expected a " + type.getSimpleName());
    Object m = inbox.receiveMessage();
    assertTrue(type.isInstance(m), "expected " + type.getSimpleName() + ", got " + m);
    return type.cast(m);
  }

  // ------------------------------------------------------------------------------------------ TDX module

  public <T extends TdxModuleMsg> T module(Class<T> type) {
    return next(module, type);
  }

  public void complete(TdxModuleMsg.Seamcall s, TdxStatus status) {
    deliver(new SeamcallResult(s.leaf(), s.gfn(), s.level(), status, s.caller().tag()));
  }

  /** Take the next SEAMCALL of {@code type} and complete it with {@code status}. */
  public <T extends TdxModuleMsg.Seamcall> T seamcall(Class<T> type, TdxStatus status) {
    T s = module(type);
    complete(s, status);
    return s;
  }

  // ------------------------------------------------------------------------------------------ mmu_lock

  public MmuLockMsg.Acquire acquire(LockMode mode) {
    MmuLockMsg.Acquire a = next(mmuLock, MmuLockMsg.Acquire.class);
    assertEquals(mode, a.mode());
    return a;
  }

  public void grant(MmuLockMsg.Acquire a, long seq, int inProgress, long start, long end, int splitCache) {
    deliver(new KvmReply.MmuLockGranted(a.mode(), seq, inProgress, start, end,
        a.mode() == LockMode.EXCLUSIVE ? splitCache : -1, a.tag()));
  }

  public void grant(LockMode mode, int splitCache) {
    grant(acquire(mode), 0, 0, KvmReply.INVALID_GFN, KvmReply.INVALID_GFN, splitCache);
  }

  public MmuLockMsg.Release release(LockMode mode) {
    MmuLockMsg.Release r = next(mmuLock, MmuLockMsg.Release.class);
    assertEquals(mode, r.mode());
    return r;
  }

  public void snapshot(long seq, int inProgress, long start, long end) {
    MmuLockMsg.ReadInvalidateSeq r = next(mmuLock, MmuLockMsg.ReadInvalidateSeq.class);
    deliver(new KvmReply.InvalidateSnapshot(seq, inProgress, start, end, r.tag()));
  }

  // ------------------------------------------------------------------------------------------ TDP MMU

  public TdpMmuMsg.ReadSpte readSpte(Spte value, int disallowLpage2M) {
    TdpMmuMsg.ReadSpte r = next(tdp, TdpMmuMsg.ReadSpte.class);
    deliver(new KvmReply.SpteValue(r.gfn(), r.level(), value, disallowLpage2M, r.tag()));
    return r;
  }

  public TdpMmuMsg.CmpxchgSpte cmpxchg(boolean ok, Spte current) {
    TdpMmuMsg.CmpxchgSpte c = next(tdp, TdpMmuMsg.CmpxchgSpte.class);
    deliver(new KvmReply.CmpxchgResult(c.gfn(), c.level(), ok, ok ? c.newSpte() : current, c.tag()));
    return c;
  }

  public TdpMmuMsg.WriteSpte write() {
    TdpMmuMsg.WriteSpte w = next(tdp, TdpMmuMsg.WriteSpte.class);
    deliver(new KvmReply.SpteWritten(w.gfn(), w.level(), Spte.FROZEN_SPTE, w.tag()));
    return w;
  }

  public void leafs(List<KvmReply.Leaf> leafs) {
    TdpMmuMsg.CollectLeafs c = next(tdp, TdpMmuMsg.CollectLeafs.class);
    deliver(new KvmReply.LeafList(leafs, c.tag()));
  }

  /**
   * tdp_mmu_split_huge_pages_root's window: the walk reads {@code leafs}, finds a huge leaf to split and no sp,
   * drops mmu_lock to allocate one, retakes it ({@code splitCache} pages left in the budget) and reads them again.
   */
  public void splitAllocWindow(int splitCache, List<KvmReply.Leaf> leafs) {
    leafs(leafs);
    release(LockMode.EXCLUSIVE);
    grant(LockMode.EXCLUSIVE, splitCache);
    leafs(leafs);
  }

  public TdpMmuMsg.UpdateLpageInfo lpageUpdate() {
    TdpMmuMsg.UpdateLpageInfo u = next(tdp, TdpMmuMsg.UpdateLpageInfo.class);
    deliver(new KvmReply.LpageUpdated(u.gfn(), u.level(), u.flag(), u.tag()));
    return u;
  }

  // ------------------------------------------------------------------------------------------ vCPUs

  /** Every vCPU but {@code except} got one KVM_REQ_OUTSIDE_GUEST_MODE kick: check it and ack it. */
  public void ackKicks(int except, boolean waitForSeptZap) {
    for (int i = 0; i < vcpus.size(); i++) {
      if (i == except) continue;
      VcpuMsg.KickRequest k = next(vcpus.get(i), VcpuMsg.KickRequest.class);
      assertEquals(waitForSeptZap, k.waitForSeptZap());
      deliver(new KvmReply.KickAck(i, k.tag()));
    }
  }
}
