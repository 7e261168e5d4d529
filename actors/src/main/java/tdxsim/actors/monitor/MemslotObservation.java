package tdxsim.actors.monitor;

/** Memslot deletion (KVM_SET_USER_MEMORY_REGION2 with size 0) and what the vCPUs see of it [LNX kvm_main.c]. */
public sealed interface MemslotObservation extends Observation {

  /** The VMM's ioctl began deleting the memslot [start, end). */
  record DeleteBegin(long start, long end) implements MemslotObservation {
    public DeleteBegin {
      assert start >= 0 : "deletion of the memslot [" + start + ", " + end + ")";
      assert start < end : "deletion of the memslot [" + start + ", " + end + ")";
    }
  }

  /**
   * kvm_arch_flush_shadow_memslot returned (kvm_mmu_zap_memslot released mmu_lock): from here on no mapping of
   * the memslot's gfns may exist, since every fault that could still see the slot valid has left SRCU.
   */
  record Flushed(long start, long end) implements MemslotObservation {
    public Flushed {
      assert start <= end : "flush of the memslot [" + start + ", " + end + ")";
    }
  }

  /** The memslot is gone (kvm_swap_active_memslots published NULL and synchronized) and unbound from gmem. */
  record DeleteDone(long start, long end) implements MemslotObservation {
    public DeleteDone {
      assert start < end : "deletion of the memslot [" + start + ", " + end + ") done";
    }
  }

  /**
   * KVM_RUN of {@code vcpu} returned -EFAULT with KVM_EXIT_MEMORY_FAULT for {@code gfn}, which no memslot covers
   * any more: the VMM has nothing to convert and stops the vCPU (its legitimate end).
   */
  record NoMemslotExit(int vcpu, long gfn) implements MemslotObservation {
    public NoMemslotExit {
      assert vcpu >= 0 : "vcpu " + vcpu + " stopped on the gfn " + gfn;
      assert gfn >= 0 : "vcpu " + vcpu + " stopped on the gfn " + gfn;
    }
  }

  /** {@code vcpu}'s thread entered ({@code entered}) or left its kvm->srcu read-side section. */
  record SrcuSection(int vcpu, boolean entered) implements MemslotObservation {
    public SrcuSection {
      assert vcpu >= 0 : "the SRCU section of vcpu " + vcpu;
    }
  }

  /** kvm_mmu_faultin_pfn found {@code gfn}'s memslot flagged KVM_MEMSLOT_INVALID: RET_PF_RETRY (or -EAGAIN). */
  record InvalidSlotRetry(int vcpu, long gfn) implements MemslotObservation {
    public InvalidSlotRetry {
      assert vcpu >= 0 && gfn >= 0 : "vcpu " + vcpu + " retried on an invalid memslot at gfn " + gfn;
    }
  }
}
