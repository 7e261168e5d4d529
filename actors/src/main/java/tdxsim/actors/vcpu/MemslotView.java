package tdxsim.actors.vcpu;

import tdxsim.actors.monitor.Flow;
import java.util.function.Consumer;
import tdxsim.actors.kvm.KvmContext;
import tdxsim.protocol.Errno;
import tdxsim.protocol.PfResult;
import tdxsim.actors.mmu.TdpPageFault;
import tdxsim.actors.monitor.MemslotObservation;
import tdxsim.actors.options.DesignOption;
import tdxsim.protocol.KvmReply;
import tdxsim.protocol.Level;
import tdxsim.protocol.MemslotsMsg;
import tdxsim.protocol.MemslotsMsg.SlotState;

/**
 * One vCPU thread's view of kvm->memslots: its SRCU read-side section (held from the TD exit until the next
 * TDH.VP.ENTER or the return of KVM_RUN, and across a KVM_PRE_FAULT_MEMORY ioctl) and the memslot checks of the
 * fault path [LNX kvm_main.c, LNX mmu.c]:
 * <ul>
 *   <li>kvm_mmu_do_page_fault looks the gfn's slot up; kvm_mmu_faultin_pfn then answers a missing slot with
 *       kvm_handle_noslot_fault: a private fault gets KVM_EXIT_MEMORY_FAULT and -EFAULT; a prefault, which is
 *       private only if kvm_mem_is_private (no slot: shared), is emulated MMIO, which kvm_tdp_map_page turns into
 *       -ENOENT;</li>
 *   <li>a slot flagged KVM_MEMSLOT_INVALID (being deleted or moved) gives RET_PF_RETRY, or -EAGAIN for a prefault
 *       ("KVM's prefaulting ABI doesn't provide the same forward progress guarantees as KVM_RUN").</li>
 * </ul>
 * In a world whose memslots never change there is no {@code memslots} actor: every slot is valid and nothing
 * synchronizes on SRCU, so no message is sent.
 */
final class MemslotView {
  private final KvmContext ctx;
  /** Mutation 15: kvm_mmu_faultin_pfn without the KVM_MEMSLOT_INVALID check. */
  private final boolean noInvalidCheck;
  private boolean held;

  MemslotView(KvmContext ctx) {
    assert ctx != null && ctx.vcpuId() >= 0 : "a memslot view outside a vCPU";
    this.ctx = ctx;
    this.noInvalidCheck = ctx.config().has(DesignOption.MUT_MEMSLOT_NO_INVALID_CHECK);
  }

  private boolean modelled() {
    assert ctx.peers() != null : ctx.name() + ": memslots before the context is wired";
    return ctx.peers().memslots() != null;
  }

  /** srcu_read_lock(&kvm->srcu), once per section. */
  void readLock() {
    if (!modelled() || held) return;
    assert ctx.held() == null : ctx.name() + ": srcu_read_lock taken under mmu_lock";
    held = true;
    ctx.observe(new MemslotObservation.SrcuSection(ctx.vcpuId(), true));
    ctx.peers().memslots().tell(new MemslotsMsg.SrcuReadLock(ctx.name()));
  }

  /** srcu_read_unlock(&kvm->srcu), if held. */
  void readUnlock() {
    if (!held) return;
    assert modelled() && ctx.held() == null : ctx.name() + ": srcu_read_unlock under mmu_lock " + ctx.held();
    held = false;
    ctx.observe(new MemslotObservation.SrcuSection(ctx.vcpuId(), false));
    ctx.peers().memslots().tell(new MemslotsMsg.SrcuReadUnlock(ctx.name()));
  }

  /** kvm_vcpu_gfn_to_memslot, inside the read-side section. */
  void lookup(long gfn, Consumer<SlotState> k) {
    if (!modelled()) {
      k.accept(SlotState.VALID);
      return;
    }
    if (!held) throw new IllegalStateException(ctx.name() + ": memslot lookup outside srcu_read_lock");
    assert gfn >= 0 : ctx.name() + ": memslot lookup of gfn " + gfn;
    ctx.request(KvmReply.MemslotLookup.class, l -> {
      assert l.gfn() == gfn : ctx.name() + ": memslot of gfn " + l.gfn() + " for a lookup of " + gfn;
      assert l.state() != null : ctx.name() + ": memslot lookup answered no state";
      assert held : ctx.name() + ": the SRCU read-side section ended during the lookup of " + gfn;
      k.accept(l.state());
    }, tag -> ctx.peers().memslots().tell(new MemslotsMsg.GfnToMemslot(ctx.name(), gfn, ctx.self(), tag)));
  }

  /** One fault attempt: the slot lookup and kvm_mmu_faultin_pfn's slot checks, then {@link TdpPageFault}. */
  void fault(long gfn, boolean prefetch, TdpPageFault.MaxMappingLevel hook, Runnable ignoreSharedSplit,
      Consumer<FaultOutcome> done) {
    // kvm_mmu_faultin_pfn may sleep (it faults in the pfn from guest_memfd): not under mmu_lock
    assert ctx.held() == null : ctx.name() + ": kvm_mmu_do_page_fault under mmu_lock " + ctx.held();
    assert !modelled() || held : ctx.name() + ": page fault outside srcu_read_lock (srcu_read_lock_held)";
    assert hook != null && done != null : ctx.name() + ": a fault without the max-level hook or a continuation";
    lookup(gfn, slot -> {
      if (slot == SlotState.NONE) {
        ctx.flow(prefetch ? Flow.PREFAULT_NO_MEMSLOT : Flow.MEMORY_FAULT_EXIT_NO_MEMSLOT, gfn, Level.PG_LEVEL_4K);
        done.accept(new FaultOutcome(prefetch ? Errno.ENOENT : Errno.EFAULT, !prefetch, null));
        return;
      }
      assert held || !modelled() : ctx.name() + ": the section ended during the lookup";
      if (slot == SlotState.INVALID && !noInvalidCheck) {
        ctx.flow(Flow.MEMSLOT_INVALID_RETRY, gfn, Level.PG_LEVEL_4K);
        ctx.observe(new MemslotObservation.InvalidSlotRetry(ctx.vcpuId(), gfn));
        done.accept(new FaultOutcome(prefetch ? Errno.EAGAIN : PfResult.RET_PF_RETRY, false, null));
        return;
      }
      new TdpPageFault(ctx, gfn, prefetch, hook, ignoreSharedSplit)
          .run((r, f) -> done.accept(new FaultOutcome(r, f.memoryFaultExit(), f.mappedLevel())));
    });
  }
}
