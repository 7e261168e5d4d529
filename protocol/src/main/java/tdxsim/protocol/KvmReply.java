package tdxsim.protocol;

import java.util.List;

/**
 * A reply to a request issued by a KVM-side execution context (a vCPU, the VMM, the guest_memfd ioctl context):
 * SEAMCALL completions, mmu_lock grants, TDP MMU step results, kick acks, guest_memfd answers. Every reply echoes
 * the {@code tag} its requester minted, so that a context can match it to the step that waits for it.
 */
public sealed interface KvmReply extends VcpuMsg, VmmMsg, GuestMemfdMsg, MemslotsMsg
    permits SeamcallResult, KvmReply.MmuLockGranted, KvmReply.InvalidateSnapshot, KvmReply.InvalidateDone,
        KvmReply.SpteValue, KvmReply.CmpxchgResult, KvmReply.SpteWritten, KvmReply.LeafList,
        KvmReply.LpageInfo, KvmReply.LpageUpdated, KvmReply.KickAck, KvmReply.PfnResult, KvmReply.FolioRefDone,
        KvmReply.GmemIoctlDone, KvmReply.MapGpaDone, KvmReply.UserAck, KvmReply.MemoryFaultHandled,
        KvmReply.VcpuJoined, KvmReply.MemslotLookup, KvmReply.MemslotUpdated {

  long tag();

  /** INVALID_GPA for mmu_invalidate_range_start/end (no range added since in_progress became 1). */
  long INVALID_GFN = -1L;

  /**
   * mmu_lock granted. Carries the invalidation state, which only changes under the write lock and therefore stays
   * valid while any lock is held, and (write lock only) the split page cache's free count.
   */
  record MmuLockGranted(LockMode mode, long invalidateSeq, int invalidateInProgress, long rangeStart,
      long rangeEnd, int splitCacheFree, long tag) implements KvmReply {

    /** mmu_invalidate_retry_gfn(kvm, mmu_seq, gfn), evaluated under mmu_lock [LNX kvm_host.h]. */
    public boolean mmuInvalidateRetryGfn(long mmuSeq, long gfn) {
      if (invalidateInProgress > 0) {
        // Dropping mmu_lock after bumping in_progress without adding a range is a KVM bug: retry.
        if (rangeStart == INVALID_GFN) return true;
        if (gfn >= rangeStart && gfn < rangeEnd) return true;
      }
      return invalidateSeq != mmuSeq;
    }
  }

  /** A lockless snapshot of the invalidation state (mmu_seq, and what the _unsafe pre-check reads). */
  record InvalidateSnapshot(long seq, int inProgress, long rangeStart, long rangeEnd, long tag)
      implements KvmReply {

    /** mmu_invalidate_retry_gfn_unsafe(kvm, mmu_seq, gfn): the lockless pre-check [LNX kvm_host.h]. */
    public boolean retryGfnUnsafe(long mmuSeq, long gfn) {
      if (inProgress > 0 && rangeStart != INVALID_GFN && gfn >= rangeStart && gfn < rangeEnd) return true;
      return seq != mmuSeq;
    }
  }

  /** kvm_mmu_invalidate_begin/range_add or invalidate_end done; the state after it. */
  record InvalidateDone(long seq, int inProgress, long tag) implements KvmReply {}

  /** A READ_ONCE of one SPTE, plus lpage_info(gfn, 2M).disallow_lpage. */
  record SpteValue(long gfn, Level level, Spte spte, int disallowLpage2M, long tag) implements KvmReply {}

  /** try_cmpxchg64 result: {@code current} is the value found (= new value on success). */
  record CmpxchgResult(long gfn, Level level, boolean ok, Spte current, long tag) implements KvmReply {}

  /** A write (or split) is done; {@code old} is the value it replaced. */
  record SpteWritten(long gfn, Level level, Spte old, long tag) implements KvmReply {}

  /** One present leaf SPTE. */
  record Leaf(long gfn, Level level, long pfn) {
    public long end() {
      return gfn + level.pages();
    }
  }

  /** The present leaf SPTEs found by a write-locked walk, in gfn order. */
  record LeafList(List<Leaf> leafs, long tag) implements KvmReply {
    public LeafList {
      leafs = List.copyOf(leafs);
    }
  }

  /** lpage_info(gfn, 2M) and lpage_info(gfn, 1G) disallow_lpage flags, read without mmu_lock. */
  record LpageInfo(long gfn, int disallowLpage2M, int disallowLpage1G, long tag) implements KvmReply {}

  record LpageUpdated(long gfn, Level level, int disallowLpage, long tag) implements KvmReply {}

  /** The kicked vCPU is (now) outside guest mode. */
  record KickAck(int vcpu, long tag) implements KvmReply {}

  /**
   * kvm_gmem_get_pfn: the pfn backing gfn, the largest mapping level the folio allows (max_order), whether the
   * gfn is private (kvm_mem_is_private), or an error (-EFAULT outside the file).
   */
  record PfnResult(long gfn, long pfn, Level maxLevel, boolean isPrivate, Errno error, long tag)
      implements KvmReply {
    public boolean ok() {
      return error == null;
    }
  }

  record FolioRefDone(long tag) implements KvmReply {}

  /** A guest_memfd ioctl ("convert-private", "convert-shared", "punch-hole") completed (error: its errno). */
  record GmemIoctlDone(String kind, long start, long end, boolean ok, Errno error, long tag) implements KvmReply {}

  /** The VMM completed the MapGPA hypercall: ok = TDVMCALL_STATUS_SUCCESS. */
  record MapGpaDone(boolean ok, String error, long tag) implements KvmReply {}

  /** The VMM handled a KVM_EXIT_MEMORY_FAULT: ok = the conversion succeeded and KVM_RUN is entered again. */
  record MemoryFaultHandled(boolean ok, long tag) implements KvmReply {}

  /** An invalidation user's answer: ok = mapped / can drop / dropped; false = refused. */
  record UserAck(String user, boolean ok, long tag) implements KvmReply {}

  /** The answer to VcpuMsg.Join: the vCPU's thread is gone. */
  record VcpuJoined(int vcpu, long tag) implements KvmReply {}

  /** The answer to MemslotsMsg.GfnToMemslot: what the reader found for {@code gfn}. */
  record MemslotLookup(long gfn, MemslotsMsg.SlotState state, long tag) implements KvmReply {}

  /** KVM_SET_USER_MEMORY_REGION2 returned: {@code error} is an errno name, or null on success. */
  record MemslotUpdated(Errno error, long tag) implements KvmReply {}
}
