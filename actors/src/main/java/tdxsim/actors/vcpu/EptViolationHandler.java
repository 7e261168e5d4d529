package tdxsim.actors.vcpu;

import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import tdxsim.actors.kvm.KvmContext;
import tdxsim.actors.kvm.TdxMappingLevel;
import tdxsim.actors.mmu.SplitCrossBoundaryLeafs;
import tdxsim.actors.mmu.TdpPageFault;
import tdxsim.actors.monitor.Flow;
import tdxsim.actors.monitor.MmuObservation.FaultBegin;
import tdxsim.actors.monitor.MmuObservation.FaultEnd;
import tdxsim.actors.monitor.MmuObservation.VmDead;
import tdxsim.actors.monitor.VcpuObservation.LocalRetry;
import tdxsim.actors.options.DesignOption;
import tdxsim.protocol.Errno;
import tdxsim.protocol.Level;
import tdxsim.protocol.LockMode;
import tdxsim.protocol.PfResult;
import tdxsim.protocol.MemslotsMsg;
import tdxsim.protocol.TdpMmuMsg;

/**
 * tdx_handle_ept_violation for a private gfn, on the vCPU thread [LNX tdx.c]:
 * <ol>
 *   <li>v2/v3: tdx_honor_guest_accept_level first [P3-13]: for an ACCEPT exit at 4K or 2M whose
 *       GUEST_INHIBIT(level+1) is not set (read without mmu_lock), take mmu_lock for write, split the leafs
 *       crossing the aligned [base, base + pages(level)) (kvm_split_cross_boundary_leafs), and only then set the
 *       one-way inhibit on level+1 (and level+2 for 4K). An error goes back to userspace (KVM_RUN fails).</li>
 *   <li>kvm_mmu_page_fault → kvm_tdp_mmu_page_fault ({@link MemslotView#fault}), retried in place while it
 *       returns RET_PF_RETRY ({@code local_retry}, the zero-step mitigation: a private fault is not bounced back
 *       to the guest). The loop leaves, in the kernel's order, on kvm_vcpu_has_events() or signal_pending() (a
 *       posted interrupt or a signal is pending: RET_PF_RETRY, KVM_RUN returns -EINTR for a signal, the guest is
 *       entered, takes the interrupt and faults again), on KVM_REQ_VM_DEAD (-EIO), and on a memslot flagged
 *       KVM_MEMSLOT_INVALID (RET_PF_RETRY: the vCPU leaves its SRCU read-side section on entry, so the deleter's
 *       synchronize_srcu can end) [MEMSLOT-RETRY].</li>
 * </ol>
 * It also owns the private_max_mapping_level hook's per-vCPU inputs: the v1 violation_request_level and
 * violation_gfn_start/end [P1-12, P1-21].
 */
final class EptViolationHandler {
  private final KvmContext ctx;
  private final int vcpu;
  private final MemslotView slots;
  private final BooleanSupplier hasEvents;
  /** Mutation 16: no break on an invalid memslot. */
  private final boolean ignoresInvalidSlot;
  /** Mutation 17: no break on a pending event. */
  private final boolean ignoresEvents;
  private final boolean v1AcceptLevel;
  private final boolean ignoreSharedSplit;
  private Level violationRequestLevel = Level.PG_LEVEL_2M;
  private long violationGfnStart = -1;
  private long violationGfnEnd = -1;
  /** vcpu->run->memory_fault of the last fault: the gfn, or -1 if the fault did not prepare a memory-fault exit. */
  private long memoryFaultGfn = -1;

  EptViolationHandler(KvmContext ctx, int vcpu, MemslotView slots, BooleanSupplier hasEvents) {
    assert ctx != null && vcpu >= 0 && slots != null && hasEvents != null : "EPT violations of vcpu " + vcpu;
    assert ctx.vcpuId() == vcpu : ctx.name() + " handles the EPT violations of vcpu " + vcpu;
    this.ctx = ctx;
    this.vcpu = vcpu;
    this.slots = slots;
    this.hasEvents = hasEvents;
    this.ignoresInvalidSlot = ctx.config().has(DesignOption.MUT_LOCAL_RETRY_IGNORES_INVALID_SLOT);
    this.ignoresEvents = ctx.config().has(DesignOption.MUT_LOCAL_RETRY_IGNORES_EVENTS);
    // v1's per-vCPU ACCEPT level [P1-12]; mutation 1 keeps it but splits the huge leaf in the way under the read
    // lock instead of ignoring it (P1-21) [P3-09]
    this.v1AcceptLevel = ctx.config().has(DesignOption.V1_IGNORE_SHARED_SPLIT)
        || ctx.config().has(DesignOption.MUT_DEMOTE_SHARED_LOCK);
    this.ignoreSharedSplit = ctx.config().has(DesignOption.V1_IGNORE_SHARED_SPLIT);
  }

  /**
   * Handle one EPT-violation TD exit; {@code done} gets RET_PF_FIXED / RET_PF_SPURIOUS / RET_PF_RETRY or an errno
   * name. {@code pendingEpt}: tdx_is_sept_violation_unexpected_pending (extended exit qualification type
   * PENDING_EPT_VIOLATION): the guest touched a page it has not accepted, with SEPT_VE_DISABLE set. KVM does not
   * fault it in (the mirror SPTE is already present, and a second install would be a KVM_BUG_ON): kvm_vm_dead,
   * -EIO [LNX tdx.c].
   */
  void handle(long gfn, Level acceptLevel, boolean pendingEpt, Consumer<PfResult> done) {
    assert ctx.held() == null : "tdx_handle_ept_violation entered with mmu_lock " + ctx.held();
    assert gfn >= 0 && done != null : ctx.name() + ": EPT violation at gfn " + gfn;
    assert memoryFaultGfn == -1 : ctx.name() + ": the memory-fault exit for " + memoryFaultGfn + " was never taken";
    assert !pendingEpt || acceptLevel == null : ctx.name() + ": a PENDING_EPT_VIOLATION is an access, not an ACCEPT";
    if (pendingEpt) {
      ctx.observe(new VmDead(vcpu, "Guest access before accepting", gfn));
      ctx.vmDead(gfn);
      done.accept(Errno.EIO);
      return;
    }
    ctx.observe(new FaultBegin(vcpu, gfn));
    if (v1AcceptLevel) {
      recordRequestLevel(gfn, acceptLevel);
      faultLoop(gfn, done);
      return;
    }
    if (acceptLevel == null) {
      faultLoop(gfn, done);
      return;
    }
    honorGuestAcceptLevel(gfn, acceptLevel, err -> {
      assert ctx.held() == null : ctx.name() + ": tdx_honor_guest_accept_level returned under " + ctx.held();
      if (err != null) {
        ctx.observe(new FaultEnd(vcpu, gfn, err));
        done.accept(err);
        return;
      }
      faultLoop(gfn, done);
    });
  }

  private void faultLoop(long gfn, Consumer<PfResult> done) {
    assert ctx.held() == null : ctx.name() + ": kvm_mmu_page_fault entered under mmu_lock " + ctx.held();
    slots.fault(gfn, false, this::privateMaxMappingLevel, ignoreSharedSplit ? this::raiseRequestLevel : null, o -> {
      assert ctx.held() == null : ctx.name() + ": kvm_mmu_page_fault returned under mmu_lock " + ctx.held();
      ctx.observe(new FaultEnd(vcpu, gfn, o.result()));
      if (PfResult.isRetry(o.result())) {
        localRetry(gfn, done);
        return;
      }
      memoryFaultGfn = o.memoryFaultExit() ? gfn : -1;
      done.accept(o.result());
    });
  }

  /** The local-retry loop after a RET_PF_RETRY: its exits in the kernel's order, else the next attempt. */
  private void localRetry(long gfn, Consumer<PfResult> done) {
    assert ctx.held() == null : ctx.name() + ": the local-retry loop runs outside mmu_lock, not under " + ctx.held();
    if (hasEvents.getAsBoolean() && !ignoresEvents) { // kvm_vcpu_has_events(vcpu) || signal_pending(current)
      ctx.flow(Flow.LOCAL_RETRY_EVENT_EXIT, gfn, Level.PG_LEVEL_4K);
      done.accept(PfResult.RET_PF_RETRY);
      return;
    }
    if (ctx.vmDead()) {
      done.accept(Errno.EIO); // kvm_check_request(KVM_REQ_VM_DEAD, vcpu): -EIO
      return;
    }
    ctx.observe(new LocalRetry(vcpu, gfn)); // past the kvm_vcpu_has_events() check
    slots.lookup(gfn, slot -> {
      assert ctx.held() == null : ctx.name() + ": the local retry's memslot lookup under mmu_lock " + ctx.held();
      if (slot == MemslotsMsg.SlotState.INVALID && !ignoresInvalidSlot) {
        ctx.flow(Flow.LOCAL_RETRY_INVALID_SLOT_EXIT, gfn, Level.PG_LEVEL_4K);
        done.accept(PfResult.RET_PF_RETRY);
        return;
      }
      ctx.observe(new FaultBegin(vcpu, gfn)); // local_retry
      faultLoop(gfn, done);
    });
  }

  /** The gfn of the KVM_EXIT_MEMORY_FAULT the last fault prepared (KVM_RUN returns -EFAULT with it), or -1. */
  long takeMemoryFaultExit() {
    assert ctx.held() == null : ctx.name() + ": KVM_EXIT_MEMORY_FAULT taken under mmu_lock";
    long g = memoryFaultGfn;
    memoryFaultGfn = -1;
    return g;
  }

  /**
   * tdx_honor_guest_accept_level(vcpu, gfn) [P3-13]: only an ACCEPT at 4K or 2M, and only while
   * hugepage_test_guest_inhibit(slot, gfn, level + 1) is clear (read without mmu_lock), goes on to
   * {@link #splitCrossBoundary}.
   */
  void honorGuestAcceptLevel(long gfn, Level level, Consumer<Errno> done) {
    assert !v1AcceptLevel && ctx.held() == null : ctx.name() + ": tdx_honor_guest_accept_level under " + ctx.held();
    if (level != Level.PG_LEVEL_4K && level != Level.PG_LEVEL_2M) {
      done.accept(null);
      return;
    }
    ctx.readLpageInfo(gfn, info -> {
      int flags = level == Level.PG_LEVEL_4K ? info.disallowLpage2M() : info.disallowLpage1G();
      assert ctx.held() == null : ctx.name() + ": hugepage_test_guest_inhibit reads lpage_info without mmu_lock";
      if ((flags & TdpMmuMsg.KVM_LPAGE_GUEST_INHIBIT_FLAG) != 0) {
        done.accept(null);
        return;
      }
      // write_lock(&kvm->mmu_lock); NON-BLOCKING-RESIZE: split and inhibit under the read lock [P3-13]
      LockMode mode = ctx.config().has(DesignOption.NON_BLOCKING_RESIZE) ? LockMode.SHARED : LockMode.EXCLUSIVE;
      ctx.<Errno>locked(mode, (g, out) -> splitCrossBoundary(gfn, level, out), done);
    });
  }

  /**
   * Under mmu_lock: kvm_split_cross_boundary_leafs over the aligned [base, base + pages(level)); {@code out}
   * (write_unlock, return r) with its error.
   */
  private void splitCrossBoundary(long gfn, Level level, Consumer<Errno> out) {
    long base = level.base(gfn);
    assert base <= gfn && gfn < base + level.pages() : ctx.name() + ": " + level + " base " + base + " of " + gfn;
    ctx.assertLocked("kvm_split_cross_boundary_leafs");
    ctx.flow(Flow.ACCEPT_LEVEL_SPLIT, base, level);
    SplitCrossBoundaryLeafs.run(ctx, base, base + level.pages(), err -> {
      ctx.assertLocked("kvm_split_cross_boundary_leafs returns with mmu_lock held (goto out unlocks)");
      if (err != null) {
        out.accept(err); // goto out
        return;
      }
      setGuestInhibit(gfn, level, out);
    });
  }

  /**
   * Only after the split: hugepage_set_guest_inhibit(slot, gfn, level + 1), and level + 2 for 4K (the inhibit is
   * one-way; a lockless reader that sees it finds no huge leaf); then out.
   */
  private void setGuestInhibit(long gfn, Level level, Consumer<Errno> out) {
    ctx.assertLocked("hugepage_set_guest_inhibit");
    assert level == Level.PG_LEVEL_4K || level == Level.PG_LEVEL_2M : ctx.name() + ": GUEST_INHIBIT above " + level;
    ctx.updateLpageInfo(gfn, level.upper(), TdpMmuMsg.KVM_LPAGE_GUEST_INHIBIT_FLAG, true, () -> {
      ctx.assertLocked("hugepage_set_guest_inhibit(level + 1)");
      if (level != Level.PG_LEVEL_4K) {
        out.accept(null);
        return;
      }
      ctx.updateLpageInfo(gfn, Level.PG_LEVEL_1G, TdpMmuMsg.KVM_LPAGE_GUEST_INHIBIT_FLAG, true, () -> out.accept(null));
    });
  }

  /**
   * The TDX gmem_max_mapping_level hook, called by kvm_mmu_hugepage_adjust under mmu_lock: 4K unless TD_STATE_RUNNABLE (and huge pages enabled, which v3 ties to
   * ENHANCED_DEMOTE_INTERRUPTIBILITY); v1 also 4K for a prefetch [P1-20] and the vCPU's request level inside its
   * violation range [P1-12].
   */
  Level privateMaxMappingLevel(long gfn, boolean prefetch) {
    ctx.assertLocked("gmem_max_mapping_level in kvm_mmu_hugepage_adjust");
    assert violationGfnStart == -1 ? violationGfnEnd == -1 : violationGfnStart < violationGfnEnd
        : ctx.name() + ": violation range [" + violationGfnStart + ", " + violationGfnEnd + ")";
    if (TdxMappingLevel.privateMaxMappingLevel(ctx) == Level.PG_LEVEL_4K) return Level.PG_LEVEL_4K;
    if (prefetch && ctx.config().has(DesignOption.V1_PREFETCH_4K)) return Level.PG_LEVEL_4K;
    if (v1AcceptLevel && gfn >= violationGfnStart && gfn < violationGfnEnd) return violationRequestLevel;
    return Level.PG_LEVEL_2M;
  }

  /** v1: the EPT violation's ACCEPT level becomes this vCPU's request level for the aligned range [P1-12]. */
  private void recordRequestLevel(long gfn, Level acceptLevel) {
    assert v1AcceptLevel : ctx.name() + ": violation_request_level is v1's";
    assert ctx.held() == null : ctx.name() + ": violation_request_level recorded before the fault takes mmu_lock";
    if (acceptLevel == null || acceptLevel == Level.PG_LEVEL_1G) {
      violationGfnStart = violationGfnEnd = -1;
      return;
    }
    violationRequestLevel = acceptLevel;
    violationGfnStart = acceptLevel.base(gfn);
    violationGfnEnd = violationGfnStart + acceptLevel.pages();
    assert violationGfnStart <= gfn && gfn < violationGfnEnd : ctx.name() + ": violation range misses " + gfn;
  }

  /** v1: a huge leaf is found where the request level wants 4K: accept the 2M mapping instead [P1-21]. */
  private void raiseRequestLevel() {
    assert ignoreSharedSplit : ctx.name() + ": the huge leaf is ignored only with v1-ignore-shared-split";
    ctx.assertLocked("the v1 request level raised at a huge leaf found by the fault's walk");
    violationRequestLevel = Level.PG_LEVEL_2M;
  }
}
