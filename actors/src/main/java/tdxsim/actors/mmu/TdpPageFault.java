package tdxsim.actors.mmu;

import java.util.function.BiConsumer;
import java.util.function.Consumer;
import tdxsim.actors.kvm.KvmContext;
import tdxsim.actors.monitor.Flow;
import tdxsim.actors.options.DesignOption;
import tdxsim.protocol.Errno;
import tdxsim.protocol.KvmReply;
import tdxsim.protocol.Level;
import tdxsim.protocol.LockMode;
import tdxsim.protocol.PfResult;

/**
 * kvm_tdp_mmu_page_fault for a private gfn, as a vCPU runs it (also for KVM_PRE_FAULT_MEMORY):
 * <ol>
 *   <li>kvm_mmu_faultin_pfn: snapshot {@code fault->mmu_seq = kvm->mmu_invalidate_seq} (lockless), the
 *       mmu_invalidate_retry_gfn_unsafe pre-check, kvm_gmem_get_pfn (pfn, max_order; the private-vs-attribute
 *       check reads the attribute kvm_gmem_get_pfn reports), and the second _unsafe check;</li>
 *   <li>read_lock(mmu_lock); is_page_fault_stale → mmu_invalidate_retry_gfn → RET_PF_RETRY;</li>
 *   <li>kvm_tdp_mmu_map ({@link TdpMmuMap}), whose kvm_mmu_hugepage_adjust takes max_level = min(folio order,
 *       gmem_max_mapping_level hook) under the lock [LNX mmu.c]; read_unlock.</li>
 * </ol>
 */
public final class TdpPageFault {

  /** The private_max_mapping_level / gmem_max_mapping_level hook (TDX) for this fault. */
  @FunctionalInterface
  public interface MaxMappingLevel {
    Level privateMaxMappingLevel(long gfn, boolean prefetch);
  }

  private final KvmContext ctx;
  private final long gfn;
  private final boolean prefetch;
  private final MaxMappingLevel hook;
  private final Runnable ignoreSharedSplit;
  /** mmu_invalidate_retry_gfn is checked (mutation 2 removes every check). */
  private final boolean retryCheck;
  private TdpMmuMap map;
  /** kvm_mmu_prepare_memory_fault_exit filled vcpu->run->memory_fault: the attribute is not what was accessed. */
  private boolean memoryFaultExit;

  public TdpPageFault(KvmContext ctx, long gfn, boolean prefetch, MaxMappingLevel hook, Runnable ignoreSharedSplit) {
    assert ctx != null && hook != null && gfn >= 0 : "a fault on gfn " + gfn;
    this.ctx = ctx;
    this.gfn = gfn;
    this.prefetch = prefetch;
    this.hook = hook;
    this.ignoreSharedSplit = ignoreSharedSplit;
    this.retryCheck = !ctx.config().has(DesignOption.MUT_NO_RETRY_CHECK);
  }

  /** The fault ended in -EFAULT with a KVM_EXIT_MEMORY_FAULT for gfn (a private access to a shared gfn). */
  public boolean memoryFaultExit() {
    return memoryFaultExit;
  }

  /** The level mapped (after RET_PF_FIXED / RET_PF_SPURIOUS), else null. */
  public Level mappedLevel() {
    return map == null ? null : map.mappedLevel();
  }

  /**
   * kvm_mmu_faultin_pfn, first part: {@code fault->mmu_seq = kvm->mmu_invalidate_seq} (smp_rmb) and the
   * mmu_invalidate_retry_gfn_unsafe pre-check, then {@link #gmemGetPfn}.
   */
  public void run(BiConsumer<PfResult, TdpPageFault> done) {
    assert ctx.held() == null : "kvm_mmu_faultin_pfn runs without mmu_lock, " + ctx.held() + " is held";
    assert map == null && !memoryFaultExit : "one TdpPageFault per fault";
    ctx.readInvalidateSeq(snap -> {
      long mmuSeq = snap.seq();
      if (retryCheck && snap.retryGfnUnsafe(mmuSeq, gfn)) {
        stale(done);
        return;
      }
      gmemGetPfn(mmuSeq, done);
    });
  }

  /**
   * kvm_mmu_faultin_pfn_private: kvm_gmem_get_pfn (an error prepares a memory-fault exit), the
   * private-vs-attribute check, then the second _unsafe check ({@link #recheckUnsafe}).
   */
  private void gmemGetPfn(long mmuSeq, BiConsumer<PfResult, TdpPageFault> done) {
    assert ctx.held() == null : "kvm_gmem_get_pfn may sleep: not under mmu_lock " + ctx.held();
    ctx.getPfn(gfn, pfn -> {
      if (!pfn.ok()) { // kvm_mmu_prepare_memory_fault_exit
        done.accept(pfn.error(), this);
        return;
      }
      assert pfn.gfn() == gfn && pfn.pfn() >= 0 && pfn.maxLevel() != null : "kvm_gmem_get_pfn answered " + pfn;
      if (!pfn.isPrivate()) { // fault->is_private != kvm_mem_is_private(): KVM_EXIT_MEMORY_FAULT
        ctx.flow(Flow.MEMORY_FAULT_EXIT, gfn, Level.PG_LEVEL_4K);
        memoryFaultExit = true;
        done.accept(Errno.EFAULT, this);
        return;
      }
      ctx.readInvalidateSeq(again -> recheckUnsafe(mmuSeq, again, pfn, done));
    });
  }

  /** kvm_mmu_faultin_pfn's last mmu_invalidate_retry_gfn_unsafe, then read_lock(&kvm->mmu_lock). */
  private void recheckUnsafe(long mmuSeq, KvmReply.InvalidateSnapshot again, KvmReply.PfnResult pfn,
      BiConsumer<PfResult, TdpPageFault> done) {
    assert ctx.held() == null && pfn.ok() : "the _unsafe recheck runs before read_lock, on a pfn: " + pfn;
    if (retryCheck && again.retryGfnUnsafe(mmuSeq, gfn)) {
      stale(done);
      return;
    }
    ctx.<Runnable>locked(LockMode.SHARED, (g, out) -> mapUnderReadLock(mmuSeq, g, pfn, done, out), Runnable::run);
  }

  /**
   * Under the read lock: is_page_fault_stale, kvm_tdp_mmu_map ({@link TdpMmuMap}); {@code out} (read_unlock)
   * with what follows it.
   */
  private void mapUnderReadLock(long mmuSeq, KvmReply.MmuLockGranted g, KvmReply.PfnResult pfn,
      BiConsumer<PfResult, TdpPageFault> done, Consumer<Runnable> out) {
    assert ctx.held() == LockMode.SHARED : "lockdep_assert_held_read(&kvm->mmu_lock): " + ctx.held();
    if (retryCheck && g.mmuInvalidateRetryGfn(mmuSeq, gfn)) { // is_page_fault_stale
      out.accept(() -> stale(done));
      return;
    }
    map = new TdpMmuMap(ctx, gfn, pfn.pfn(),
        () -> min(pfn.maxLevel(), hook.privateMaxMappingLevel(gfn, prefetch)), ignoreSharedSplit);
    map.run(r -> {
      assert ctx.held() == LockMode.SHARED : "kvm_tdp_mmu_map returned without the read lock";
      assert !PfResult.isDone(r) || map.mappedLevel() != null : "kvm_tdp_mmu_map " + r + " without the level mapped";
      out.accept(() -> done.accept(r, this));
    });
  }

  private void stale(BiConsumer<PfResult, TdpPageFault> done) {
    assert ctx.held() == null : "RET_PF_RETRY with mmu_lock still held";
    ctx.flow(Flow.STALE_RETRY, gfn, Level.PG_LEVEL_4K);
    done.accept(PfResult.RET_PF_RETRY, this);
  }

  static Level min(Level a, Level b) {
    assert a != null && b != null : "max_level unset";
    return a.ordinal() <= b.ordinal() ? a : b;
  }
}
