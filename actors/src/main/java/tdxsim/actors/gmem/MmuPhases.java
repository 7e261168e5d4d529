package tdxsim.actors.gmem;

import java.util.function.Consumer;
import tdxsim.actors.kvm.KvmContext;
import tdxsim.actors.mmu.SplitCrossBoundaryLeafs;
import tdxsim.actors.mmu.ZapPrivateLeafs;
import tdxsim.protocol.Errno;
import tdxsim.protocol.Level;
import tdxsim.protocol.LockMode;
import tdxsim.protocol.TdpMmuMsg;

/**
 * The KVM steps guest_memfd's ioctls run, each as its own mmu_lock (write) critical section where the base takes
 * and drops KVM_MMU_LOCK per phase (__kvm_gmem_invalidate_begin, __kvm_gmem_split_private, __kvm_gmem_zap,
 * __kvm_gmem_invalidate_end) [GMEM-BASE], and the pieces the VM-attribute path runs inside one critical section.
 */
final class MmuPhases {
  private final KvmContext kvm;
  private final GmemFile file;

  MmuPhases(KvmContext kvm, GmemFile file) {
    assert kvm != null && file != null : "phases without a file";
    this.kvm = kvm;
    this.file = file;
  }

  /** KVM_MMU_LOCK, one phase, KVM_MMU_UNLOCK; then k with the phase's error. */
  void locked(Consumer<Consumer<Errno>> phase, Consumer<Errno> k) {
    assert kvm.held() == null : "KVM_MMU_LOCK nested in " + kvm.held();
    kvm.<Errno>locked(LockMode.EXCLUSIVE, (g, out) -> phase.accept(err -> {
      kvm.assertWriteLocked("KVM_MMU_UNLOCK after a guest_memfd phase");
      out.accept(err);
    }), k);
  }

  /** __kvm_gmem_invalidate_begin: kvm_mmu_invalidate_begin + kvm_mmu_invalidate_range_add. */
  void invalidateBegin(long start, long end, Runnable k) {
    assert start < end : "__kvm_gmem_invalidate_begin of [" + start + ", " + end + ")";
    locked(u -> kvm.invalidateBegin(start, end, () -> u.accept(null)), err -> k.run());
  }

  /** __kvm_gmem_invalidate_end: kvm_mmu_invalidate_end. */
  void invalidateEnd(long start, long end, Runnable k) {
    assert start < end : "__kvm_gmem_invalidate_end of [" + start + ", " + end + ")";
    locked(u -> kvm.invalidateEnd(start, end, () -> u.accept(null)), err -> k.run());
  }

  /** __kvm_gmem_split_private: kvm_split_cross_boundary_leafs (-ENOMEM, or -EIO after a KVM_BUG_ON) [P3-16]. */
  void splitPrivate(long start, long end, Consumer<Errno> k) {
    assert start < end : "__kvm_gmem_split_private of [" + start + ", " + end + ")";
    locked(u -> SplitCrossBoundaryLeafs.run(kvm, start, end, u), k);
  }

  /** __kvm_gmem_zap: kvm_unmap_gfn_range (private), infallible [S16]. */
  void zap(long start, long end, Runnable k) {
    assert start < end : "__kvm_gmem_zap of [" + start + ", " + end + ")";
    locked(u -> ZapPrivateLeafs.run(kvm, start, end, () -> u.accept(null)), err -> k.run());
  }

  /**
   * MUT_ONE_PASS_SPLIT_ZAP: split then zap one 2M range at a time [R6], each step its own critical section
   * ({@code lockEach}) or all inside the caller's.
   */
  void onePass(long cur, long end, boolean lockEach, Consumer<Errno> k) {
    if (cur >= end) {
      k.accept(null);
      return;
    }
    if (!lockEach) kvm.assertLocked("one-pass split and zap inside the caller's critical section");
    long next = Math.min(end, file.hugePageEnd(cur + 1));
    assert next > cur && (next == end || next == file.hugePageStart(next))
        : "one-pass step from " + cur + " to " + next + " is not one 2M range";
    Consumer<Errno> zapNext = err -> {
      if (err != null) {
        k.accept(err);
        return;
      }
      Runnable rest = () -> onePass(next, end, lockEach, k);
      if (lockEach) {
        zap(cur, next, rest);
      } else {
        ZapPrivateLeafs.run(kvm, cur, next, rest);
      }
    };
    if (lockEach) {
      splitPrivate(cur, next, zapNext);
    } else {
      SplitCrossBoundaryLeafs.run(kvm, cur, next, zapNext);
    }
  }

  /** kvm_arch_post_set_memory_attributes: KVM_LPAGE_MIXED_FLAG of each 2M range of [start, end) (write lock held). */
  void updateMixed(long start, long end, Runnable k) {
    assert start < end : "KVM_LPAGE_MIXED_FLAG update of [" + start + ", " + end + ")";
    kvm.assertWriteLocked("kvm_arch_post_set_memory_attributes"); // lockdep_assert_held_write(&kvm->mmu_lock)
    updateMixed(file.firstRange(start), file.lastRange(end), k);
  }

  private void updateMixed(int r, int last, Runnable k) {
    kvm.assertWriteLocked("kvm_arch_post_set_memory_attributes: lpage_info"); // each update under the lock
    if (r > last) {
      k.run();
      return;
    }
    kvm.updateLpageInfo(file.rangeBase(r), Level.PG_LEVEL_2M, TdpMmuMsg.KVM_LPAGE_MIXED_FLAG, !file.uniform(r),
        () -> updateMixed(r + 1, last, k));
  }
}
