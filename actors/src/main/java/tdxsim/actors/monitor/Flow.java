package tdxsim.actors.monitor;

import tdxsim.protocol.Level;

/**
 * The flow steps worth counting ({@link MmuObservation.FlowStep}): each feeds a counter of explore --json and the
 * catalogue's rows under {@code flow.NAME}, so the constant's name is the counter's name and must not change.
 */
public enum Flow {
  // the fault path (kvm_tdp_mmu_page_fault, kvm_tdp_mmu_map, tdx_honor_guest_accept_level)
  STALE_RETRY, FROZEN_RETRY, BUSY_RETRY, SPURIOUS, MEMORY_FAULT_EXIT, ACCEPT_LEVEL_SPLIT,
  IGNORE_SHARED_SPLIT, SHARED_SPLIT_EOPNOTSUPP, SHARED_SPLIT, PROMOTE,
  PAGE_ADD, AUG_2M, AUG_4K,
  // KVM's TDX hooks and their SEAMCALLs (tdx.c)
  SEPT_ADD, BLOCK, BLOCK_BUSY, TRACK, TRACK_BUSY, DEMOTE, DEMOTE_BUSY, DEMOTE_RESTART, PROMOTE_BUSY,
  REMOVE, WBINVD, CLEAR_PAGE, NO_VCPUS_RETRY, KICK, KICK_WAIT_FOR_SEPT_ZAP, KVM_VM_DEAD,
  // split and zap under the write lock
  SPLIT, SPLIT_ENOMEM, ZAP, FLUSH_REMOTE_TLBS,
  // the windows: the split's allocation with mmu_lock dropped, the zap's tdp_mmu_iter_cond_resched
  SPLIT_ALLOC_UNLOCK, SPLIT_SP_FREED, ZAP_YIELD,
  // NON-BLOCKING-RESIZE: the split under the read lock, DEMOTE without BLOCK
  NON_BLOCKING_SPLIT, NON_BLOCKING_DEMOTE_BUSY,
  // teardown
  GMEM_RELEASE, VP_FLUSH_WARN, CACHE_WB_WARN, RECLAIM_PAGE_LEAKED,
  // guest_memfd and the VM attributes
  CONVERSION, CONVERT_ERROR_OFFSET, PUNCH_HOLE, PUNCH_HOLE_EINVAL, SET_MEMORY_ATTRIBUTES, PRE_SET_FAILED,
  USER_REFUSED_IOMMU, USER_REFUSED_USERSPACE,
  // the VMM
  INIT_MEM_REGION_FAILED, NMI_BURST,
  // the vCPU and its guest
  VP_ENTER_FAILED, KVM_RUN_EIO, VCPU_HALTED, MAPGPA_SHARED, MAPGPA_PRIVATE, MAPGPA_FAILED, PREFETCH_FAILED,
  ACCEPT_4K, ACCEPT_2M, ACCEPT_1G, ACCEPT_FALLBACK, ACCEPT_BUSY_RETRY,
  // MapGPA as a TDVMCALL, chunk by chunk
  MAPGPA_RETRY,
  // the local-retry loop's exits, interrupts and signals
  LOCAL_RETRY, LOCAL_RETRY_EVENT_EXIT, LOCAL_RETRY_INVALID_SLOT_EXIT, INTERRUPT, INTERRUPT_POSTED,
  INTERRUPT_DELIVERED, SIGNAL, KVM_EXIT_INTR, PREFAULT_EINTR,
  // memslots: deletion, move, and the fault path's slot checks
  MEMSLOT_DELETE, MEMSLOT_MOVE_EINVAL, ZAP_MEMSLOT, GMEM_UNBIND, MEMSLOT_INVALID_RETRY, MEMORY_FAULT_EXIT_NO_MEMSLOT,
  NO_MEMSLOT_EXIT, PREFAULT_EAGAIN, PREFAULT_NO_MEMSLOT;

  /** The guest's successful TDG.MEM.PAGE.ACCEPT at {@code level}. */
  public static Flow accept(Level level) {
    assert level != null : "the ACCEPT flow of no level";
    return switch (level) {
      case PG_LEVEL_4K -> ACCEPT_4K;
      case PG_LEVEL_2M -> ACCEPT_2M;
      case PG_LEVEL_1G -> ACCEPT_1G;
    };
  }

  /** The SEAMCALL step's retryable failure (TDX_OPERAND_BUSY and kin) under the shared lock (mutations 1, 3). */
  public Flow busy() {
    return switch (this) {
      case BLOCK -> BLOCK_BUSY;
      case TRACK -> TRACK_BUSY;
      case DEMOTE -> DEMOTE_BUSY;
      case PROMOTE -> PROMOTE_BUSY;
      default -> throw new IllegalArgumentException("no BUSY step for " + this);
    };
  }
}
