package tdxsim.actors.kvm;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.LongConsumer;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorRef;
import tdxsim.actors.monitor.Flow;
import tdxsim.actors.monitor.MmuObservation.FlowStep;
import tdxsim.actors.monitor.MmuObservation.KvmBugOn;
import tdxsim.actors.monitor.Monitor;
import tdxsim.actors.monitor.Observation;
import tdxsim.actors.options.DesignOption;
import tdxsim.protocol.GuestMemfdMsg;
import tdxsim.protocol.KvmPeers;
import tdxsim.protocol.KvmReply;
import tdxsim.protocol.Level;
import tdxsim.protocol.LockMode;
import tdxsim.protocol.MmuLockMsg;
import tdxsim.protocol.SeamcallResult;
import tdxsim.protocol.Spte;
import tdxsim.protocol.TdpMmuMsg;
import tdxsim.protocol.TdxModuleMsg;
import tdxsim.protocol.VcpuMsg;

/**
 * One KVM execution context (a vCPU thread, the VMM's ioctl thread, the guest_memfd ioctl context), as the KVM
 * procedures (fault, split, zap, tdh_do_no_vcpus, ...) see it: the per-context state the kernel keeps on the
 * stack or in the task (which lock it holds, the split page cache it owns while it holds the write lock) and
 * the requests it can issue to the other actors.
 *
 * <p>Procedures are written in continuation style: each request mints a tag (sender id, per-sender sequence),
 * registers what to do with the reply, and returns; the host actor passes every {@link KvmReply} it receives to
 * {@link #dispatch}. One context runs one procedure chain at a time, as one CPU does, except that kick acks are
 * collected in parallel. Every mutation of another actor's state is acknowledged before the procedure goes on,
 * so that causality holds under any delivery order the runtime picks.
 */
public final class KvmContext {
  private final String name;
  private final int vcpuId;
  private final long tagBase;
  private final Monitor monitor;
  private final KvmConfig config;
  private KvmPeers peers;
  private ActorRef<KvmReply> self;
  private ActorRef<SeamcallResult> selfSeamcall;

  private long tagSeq;
  private final ReplyWaits waiting = new ReplyWaits();
  private final VcpuRequests requests = new VcpuRequests(this);

  /** kvm_tdx->state == TD_STATE_RUNNABLE, as this context has learnt it. */
  private boolean tdRunnable;
  private final MmuLockHold lock = new MmuLockHold(this);
  private long sptPfnSeq;
  /** kvm->vm_dead as this context has learnt it: set here, or KVM_REQ_VM_DEAD received (vCPUs). */
  private boolean vmDead;

  /**
   * @param name the host actor's name (lock owner, SEAMCALL caller)
   * @param senderId a small id unique per VM, used to mint tags and external_spt pfns
   * @param vcpuId the vCPU id when the host is a vCPU (it does not kick or wait for itself), else -1
   */
  public KvmContext(String name, int senderId, int vcpuId, KvmConfig config, Monitor monitor) {
    this.name = name;
    this.vcpuId = vcpuId;
    this.tagBase = ((long) senderId) << 40;
    this.config = config;
    this.monitor = monitor;
    assert name != null && config != null && monitor != null && senderId >= 0 && senderId < (1 << 23) : name;
  }

  public void wire(KvmPeers peers, ActorRef<KvmReply> self) {
    assert this.peers == null && peers != null && self != null : name + " wired twice, or to nothing";
    this.peers = peers;
    this.self = self;
    this.selfSeamcall = self.narrow();
  }

  // ------------------------------------------------------------------------------------------ identity, state

  public String name() {
    return name;
  }

  public int vcpuId() {
    return vcpuId;
  }

  public KvmConfig config() {
    return config;
  }

  public KvmPeers peers() {
    return peers;
  }

  public ActorRef<KvmReply> self() {
    return self;
  }

  public boolean tdRunnable() {
    return tdRunnable;
  }

  public void setTdRunnable() {
    tdRunnable = true;
  }

  /** The mmu_lock mode this context holds, or null. */
  public LockMode held() {
    return lock.held();
  }

  /**
   * kvm->vm_dead as this context knows it: what kvm_check_request(KVM_REQ_VM_DEAD) sees in the local-retry loop
   * and kvm_tdp_map_page, and the -EIO check of KVM_RUN and the vCPU ioctls.
   */
  public boolean vmDead() {
    return vmDead;
  }

  /** KVM_REQ_VM_DEAD received from another context (VcpuMsg.VmDead). */
  public void learnVmDead() {
    assert vcpuId >= 0 : name + ": KVM_REQ_VM_DEAD is a vCPU request";
    vmDead = true;
  }

  /** lockdep_assert_held_write(&kvm->mmu_lock): a model bug if violated. */
  public void assertWriteLocked(String where) {
    if (held() != LockMode.EXCLUSIVE) {
      throw new IllegalStateException(where + ": lockdep_assert_held_write(&kvm->mmu_lock) failed in " + name);
    }
  }

  public void assertLocked(String where) {
    if (held() == null) throw new IllegalStateException(where + ": lockdep_assert_held(&kvm->mmu_lock) failed in " + name);
  }

  public long mintTag() {
    assert tagSeq < (1L << 40) - 1 : name + ": the tag sequence ran into the sender id";
    return tagBase | ++tagSeq;
  }

  /** A fresh page for a mirror sp's external_spt (SEPT.ADD or DEMOTE); distinct per context. */
  public long allocSptPfn() {
    assert sptPfnSeq < (1L << 40) - 1 : name + ": the external_spt pfns ran into the sender id";
    return 0x4000_0000_0000L | tagBase | ++sptPfnSeq;
  }

  /**
   * Take one split's pages (sp + external_spt, and their DPAMT pages) from the VM's split page budget: the
   * allocation tdp_mmu_alloc_sp_for_split made while mmu_lock was dropped, taken when the write lock is retaken.
   * false = nothing left to allocate (-ENOMEM).
   */
  public boolean takeSplitCachePage() {
    assertWriteLocked("tdp_mmu_alloc_sp_for_split");
    return lock.takeSplitCachePage();
  }

  /** tdp_mmu_free_sp of an sp the split walk allocated and did not use: its pages go back to the budget. */
  public void returnSplitCachePage() {
    assertWriteLocked("tdp_mmu_free_sp");
    lock.returnSplitCachePage();
  }

  public void observe(Observation o) {
    monitor.observe(o);
  }

  public Monitor monitor() {
    return monitor;
  }

  public void flow(Flow flow, long gfn, Level level) {
    monitor.observe(new FlowStep(flow, gfn, level));
  }

  /**
   * KVM_BUG_ON / TDX_BUG_ON: kvm_vm_bugged sets kvm->vm_bugged and calls kvm_vm_dead, which is per VM: every vCPU
   * gets KVM_REQ_VM_DEAD [LNX kvm_host.h].
   */
  public void bugOn(String where, String detail, long gfn) {
    assert where != null && detail != null : name + ": a KVM_BUG_ON without its condition";
    monitor.observe(new KvmBugOn(where, detail, gfn));
    vmDead(gfn);
  }

  /**
   * kvm_vm_dead: kvm->vm_dead = true and kvm_make_all_cpus_request(kvm, KVM_REQ_VM_DEAD), which kicks every vCPU
   * (this context, if a vCPU, sees its own request on its way out). Once only, as the flag is only ever set.
   */
  public void vmDead(long gfn) {
    if (vmDead) return;
    vmDead = true;
    flow(Flow.KVM_VM_DEAD, gfn, Level.PG_LEVEL_4K);
    requests.vmDead();
  }

  // ------------------------------------------------------------------------------------------ replies

  /** One request to another actor: a fresh tag, its continuation registered, then the message sent. */
  public <T extends KvmReply> void request(Class<T> type, Consumer<? super T> k, LongConsumer send) {
    assert peers != null && type != null && k != null : name + ": a request before the wire, or without a reply";
    long tag = mintTag();
    await(tag, type, k);
    send.accept(tag);
  }

  /** Register what to do with the reply carrying {@code tag}. */
  public <T extends KvmReply> void await(long tag, Class<T> type, Consumer<? super T> k) {
    assert !waiting.contains(tag) : name + ": tag " + tag + " awaited twice";
    assert (tag & -(1L << 40)) == tagBase && (tag & ((1L << 40) - 1)) <= tagSeq : name + ": a foreign tag " + tag;
    waiting.put(tag, type, k);
  }

  /** Run the continuation waiting for this reply; a reply nothing waits for fails loudly. */
  @SuppressWarnings("unchecked")
  public void dispatch(KvmReply r) {
    long tag = r.tag();
    Class<?> type = waiting.type(tag);
    Consumer<KvmReply> k = (Consumer<KvmReply>) waiting.remove(tag);
    if (k == null) throw new IllegalStateException(name + ": a reply nothing waits for: " + r);
    if (!type.isInstance(r)) {
      throw new IllegalStateException(name + ": expected " + type.getSimpleName() + " for tag " + tag + ", got " + r);
    }
    k.accept(r);
  }

  /** Nothing in flight (for tests and assertions). */
  public boolean idle() {
    return waiting.isEmpty();
  }

  // ------------------------------------------------------------------------------------------ TDX module

  /** Host NMIs still to come on this context's logical processor (an NMI burst), one per SEAMCALL. */
  private int nmisLeft;

  /** Issue a host SEAMCALL built with this context as the caller. */
  public void seamcall(Function<TdxModuleMsg.Caller, TdxModuleMsg.Seamcall> make, Consumer<SeamcallResult> k) {
    request(SeamcallResult.class, k, tag -> {
      peers.tdxModule().tell(make.apply(new TdxModuleMsg.Caller(name, selfSeamcall, tag)));
      if (nmisLeft > 0) { // an NMI of the burst races this SEAMCALL: it lands during it or after it
        nmisLeft--;
        peers.tdxModule().tell(new TdxModuleMsg.HostInterrupt(tag));
      }
    });
  }

  /** A burst of {@code count} host NMIs on this context's logical processor starts (VcpuMsg.NmiBurst). */
  public void nmiBurst(int count) {
    assert count > 0 && nmisLeft >= 0 : name + ": an NMI burst of " + count + " after " + nmisLeft;
    nmisLeft += count;
  }

  // ------------------------------------------------------------------------------------------ mmu_lock

  /**
   * write_lock / read_lock(&kvm->mmu_lock), {@code body}, then the matching unlock: the body gets the grant and
   * the one way out of the critical section, which releases the lock and runs {@code k} with the body's result.
   */
  public <R> void locked(LockMode mode, BiConsumer<KvmReply.MmuLockGranted, Consumer<R>> body, Consumer<R> k) {
    lock.locked(mode, body, k);
  }

  /** {@link #locked(LockMode, BiConsumer, Consumer)} of a body without a result. */
  public void locked(LockMode mode, BiConsumer<KvmReply.MmuLockGranted, Runnable> body, Runnable k) {
    this.<Void>locked(mode, (g, out) -> body.accept(g, () -> out.accept(null)), v -> k.run());
  }

  /** Drop mmu_lock and take it again in the same mode (cond_resched_rwlock_*, an allocation outside the lock). */
  public void relock(Consumer<KvmReply.MmuLockGranted> k) {
    lock.relock(k);
  }

  public void readInvalidateSeq(Consumer<KvmReply.InvalidateSnapshot> k) {
    request(KvmReply.InvalidateSnapshot.class, k, tag ->
        peers.mmuLock().tell(new MmuLockMsg.ReadInvalidateSeq(self, tag)));
  }

  /** kvm_mmu_invalidate_begin + kvm_mmu_invalidate_range_add (write lock held). */
  public void invalidateBegin(long start, long end, Runnable k) {
    assertWriteLocked("kvm_mmu_invalidate_begin");
    assert start <= end : "an inverted invalidation range"; // empty is legal: range_add checks no range
    request(KvmReply.InvalidateDone.class, d -> k.run(), tag ->
        peers.mmuLock().tell(new MmuLockMsg.InvalidateBegin(name, start, end, self, tag)));
  }

  /** kvm_mmu_invalidate_end (write lock held). */
  public void invalidateEnd(long start, long end, Runnable k) {
    assertWriteLocked("kvm_mmu_invalidate_end");
    assert start <= end : "an inverted invalidation range"; // empty is legal: range_add checks no range
    request(KvmReply.InvalidateDone.class, d -> k.run(), tag ->
        peers.mmuLock().tell(new MmuLockMsg.InvalidateEnd(name, start, end, self, tag)));
  }

  // ------------------------------------------------------------------------------------------ TDP MMU

  public ActorRef<TdpMmuMsg> shard(long gfn) {
    return peers.tdpMmu().get(config.shardOf(gfn));
  }

  public void readSpte(long gfn, Level level, Consumer<KvmReply.SpteValue> k) {
    request(KvmReply.SpteValue.class, k, tag -> shard(gfn).tell(new TdpMmuMsg.ReadSpte(gfn, level, self, tag)));
  }

  public void cmpxchgSpte(long gfn, Level level, Spte expected, Spte newSpte, Consumer<KvmReply.CmpxchgResult> k) {
    assert level.isAligned(gfn) && !expected.equals(newSpte) : name + ": cmpxchg " + expected + " -> " + newSpte;
    request(KvmReply.CmpxchgResult.class, k, tag ->
        shard(gfn).tell(new TdpMmuMsg.CmpxchgSpte(gfn, level, expected, newSpte, self, tag)));
  }

  public void writeSpte(long gfn, Level level, Spte newSpte, Consumer<KvmReply.SpteWritten> k) {
    assertLocked("__kvm_tdp_mmu_write_spte");
    assert level.isAligned(gfn) : name + ": unaligned " + level + " gfn " + gfn;
    request(KvmReply.SpteWritten.class, k, tag ->
        shard(gfn).tell(new TdpMmuMsg.WriteSpte(gfn, level, newSpte, self, tag)));
  }

  public void splitHugeSpte(long gfn, long sptPfn, Consumer<KvmReply.SpteWritten> k) {
    assertWriteLocked("tdp_mmu_split_huge_page");
    assert Level.PG_LEVEL_2M.isAligned(gfn) && sptPfn >= 0 : name + ": a split of " + gfn + " into " + sptPfn;
    request(KvmReply.SpteWritten.class, k, tag -> shard(gfn).tell(new TdpMmuMsg.SplitHugeSpte(gfn, sptPfn, self, tag)));
  }

  /** Mutation 1 only: the final write of a shared-lock split over the 2M entry this context froze. */
  public void splitFrozenHugeSpte(long gfn, Spte leaf, long sptPfn, Consumer<KvmReply.SpteWritten> k) {
    assertLocked("tdp_mmu_split_huge_page(shared)");
    assert Level.PG_LEVEL_2M.isAligned(gfn) && leaf.isLeaf() : name + ": a shared split of " + leaf + " at " + gfn;
    request(KvmReply.SpteWritten.class, k, tag ->
        shard(gfn).tell(new TdpMmuMsg.SplitFrozenHugeSpte(gfn, leaf, sptPfn, self, tag)));
  }

  /** The present leafs overlapping [start, end), across shards in gfn order (a write-locked walk). */
  public void collectLeafs(long start, long end, Consumer<List<KvmReply.Leaf>> k) {
    assertWriteLocked("for_each_tdp_pte");
    long from = Math.max(start, config.baseGfn());
    long to = Math.min(end, config.endGfn());
    if (from >= to) {
      k.accept(new ArrayList<>());
      return;
    }
    ShardWalk.collect(this, config.shardOf(from), config.shardOf(to - 1), (s, tag) -> new TdpMmuMsg.CollectLeafs(
        Math.max(from, config.shardBase(s)), Math.min(to, config.shardBase(s) + Level.PG_LEVEL_1G.pages()), self,
        tag), k);
  }

  public void readLpageInfo(long gfn, Consumer<KvmReply.LpageInfo> k) {
    request(KvmReply.LpageInfo.class, k, tag -> shard(gfn).tell(new TdpMmuMsg.ReadLpageInfo(gfn, self, tag)));
  }

  public void updateLpageInfo(long gfn, Level level, int flag, boolean set, Runnable k) {
    assert level != Level.PG_LEVEL_4K : name + ": lpage_info is kept for 2M and 1G, not " + level;
    // NON-BLOCKING-RESIZE: hugepage_set_guest_inhibit under the read lock, an atomic bit set [P3-13]
    boolean sharedInhibit = held() == LockMode.SHARED && flag == TdpMmuMsg.KVM_LPAGE_GUEST_INHIBIT_FLAG && set
        && config.has(DesignOption.NON_BLOCKING_RESIZE);
    if (!sharedInhibit) assertWriteLocked("lpage_info update");
    request(KvmReply.LpageUpdated.class, u -> k.run(), tag ->
        shard(gfn).tell(new TdpMmuMsg.UpdateLpageInfo(gfn, level, flag, set, self, tag)));
  }

  // ------------------------------------------------------------------------------------------ guest_memfd

  public void getPfn(long gfn, Consumer<KvmReply.PfnResult> k) {
    request(KvmReply.PfnResult.class, k, tag ->
        peers.guestMemfd().tell(new GuestMemfdMsg.GetPfn(name, gfn, self, tag)));
  }

  /** v1 only: folio_ref_add (delta &gt; 0) / folio_put_refs (delta &lt; 0) [P1-08]. */
  public void folioRef(long gfn, long pfn, long pages, int delta, Runnable k) {
    assert delta != 0 && pages > 0 && Math.abs((long) delta) == pages : name + ": folio refs " + delta + " of " + pages;
    request(KvmReply.FolioRefDone.class, d -> k.run(), tag ->
        peers.guestMemfd().tell(new GuestMemfdMsg.FolioRef(gfn, pfn, pages, delta, self, tag)));
  }

  // ------------------------------------------------------------------------------------------ vCPU requests

  /**
   * kvm_make_all_cpus_request(kvm, KVM_REQ_OUTSIDE_GUEST_MODE), which waits for every vCPU that was in guest
   * mode to have left it. With {@code waitForSeptZap}, WRITE_ONCE(kvm_tdx->wait_for_sept_zap, true) was done
   * first (tdh_do_no_vcpus): the vCPUs learn it with the request.
   */
  public void kickAllVcpus(boolean waitForSeptZap, Runnable k) {
    requests.kickAll(waitForSeptZap, k);
  }

  /** WRITE_ONCE(kvm_tdx->wait_for_sept_zap, false). */
  public void clearWaitForSeptZap() {
    requests.clearWaitForSeptZap();
  }
}
