package tdxsim.actors.kvm;

import tdxsim.actors.monitor.Flow;
import tdxsim.actors.mmu.ZapPrivateLeafs;
import tdxsim.actors.monitor.MemslotObservation;
import tdxsim.protocol.Level;
import tdxsim.protocol.LockMode;
import tdxsim.protocol.MemslotsMsg.SlotState;

/**
 * KVM_SET_USER_MEMORY_REGION2 on a guest_memfd-backed memslot, as the VMM's ioctl runs it ({@link Memslots} is its
 * KVM context) [LNX kvm_main.c, LNX mmu.c]:
 * <ul>
 *   <li>DELETE (size 0): kvm_set_memslot → kvm_invalidate_memslot: the slot is replaced by a copy flagged
 *       KVM_MEMSLOT_INVALID and kvm_swap_active_memslots publishes it and waits (synchronize_srcu_expedited) for
 *       every vCPU that could still see the slot valid; then kvm_arch_flush_shadow_memslot → kvm_mmu_zap_memslot
 *       (a TD never takes the zap-all quirk): under write_lock(mmu_lock), kvm_unmap_gfn_range of the slot's
 *       private leafs, whole (a memslot is 2M aligned, so nothing is split [C3 §6]), each BLOCKed, TRACKed and
 *       REMOVEd, and the TLB flush. Then kvm_delete_memslot publishes no slot and synchronizes again, and
 *       kvm_commit_memory_region frees the old slot, whose kvm_gmem_unbind clears the binding under
 *       filemap_invalidate_lock;</li>
 *   <li>MOVE: refused with -EINVAL before anything changes ("Private memslots are immutable, they can only be
 *       deleted").</li>
 * </ul>
 * The zap takes no invalidation (no mmu_invalidate_begin): a fault is kept off the slot by KVM_MEMSLOT_INVALID
 * and SRCU alone.
 */
final class SetMemslot {
  private SetMemslot() {}

  /** kvm_replace_memslot + kvm_swap_active_memslots (publish, synchronize_srcu_expedited), then the continuation. */
  @FunctionalInterface
  interface Swap {
    void swap(long start, long end, SlotState state, Runnable k);
  }

  /** Delete the memslot [start, end); {@code done} once the ioctl returns. */
  static void delete(KvmContext kvm, Swap swap, long start, long end, Runnable done) {
    assert start < end && Level.PG_LEVEL_2M.isAligned(start) && Level.PG_LEVEL_2M.isAligned(end)
        : "KVM_SET_USER_MEMORY_REGION2 delete of [" + start + ", " + end + "): not a 2M-aligned memslot";
    assert kvm.held() == null : "KVM_SET_USER_MEMORY_REGION2 starts without mmu_lock";
    kvm.observe(new MemslotObservation.DeleteBegin(start, end));
    kvm.flow(Flow.MEMSLOT_DELETE, start, Level.PG_LEVEL_4K);
    assert swap != null && done != null : "a memslot delete without a continuation";
    swap.swap(start, end, SlotState.INVALID, () -> kvm.locked(LockMode.EXCLUSIVE, (g, out) -> {
      kvm.assertWriteLocked("kvm_mmu_zap_memslot");
      kvm.flow(Flow.ZAP_MEMSLOT, start, Level.PG_LEVEL_4K);
      ZapPrivateLeafs.run(kvm, start, end, () -> {
        kvm.assertWriteLocked("kvm_tdp_mmu_zap_leafs"); // lockdep_assert_held_write(&kvm->mmu_lock)
        out.run();
      });
    }, () -> {
      kvm.observe(new MemslotObservation.Flushed(start, end));
      swap.swap(start, end, SlotState.NONE, () -> {
        assert kvm.held() == null : "kvm_swap_active_memslots waits for SRCU without mmu_lock";
        kvm.flow(Flow.GMEM_UNBIND, start, Level.PG_LEVEL_4K); // kvm_free_memslot → kvm_gmem_unbind
        kvm.observe(new MemslotObservation.DeleteDone(start, end));
        done.run();
      });
    }));
  }

  /** A MOVE of a guest_memfd memslot: the ioctl returns -EINVAL, nothing changes. */
  static void move(KvmContext kvm, long start, Runnable done) {
    assert kvm.held() == null && done != null : "a MOVE under mmu_lock";
    kvm.flow(Flow.MEMSLOT_MOVE_EINVAL, start, Level.PG_LEVEL_4K);
    done.run();
  }
}
