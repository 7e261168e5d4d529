package tdxsim.protocol;

import org.apache.pekko.actor.typed.ActorRef;

/**
 * kvm->mmu_lock (an rwlock on x86, queued fairly like qrwlock) and the state it protects for the invalidation
 * retry protocol: mmu_invalidate_seq, mmu_invalidate_in_progress, mmu_invalidate_range_start/end [LNX
 * kvm_host.h], plus the VM's split page cache (the write-lock holder owns it while it holds the lock).
 */
public sealed interface MmuLockMsg {

  /** read_lock / write_lock by {@code owner} (an actor name); answered by {@link KvmReply.MmuLockGranted}. */
  record Acquire(String owner, LockMode mode, ActorRef<KvmReply> replyTo, long tag) implements MmuLockMsg {}

  /**
   * read_unlock / write_unlock. A write-lock holder hands back the split page cache's free count
   * ({@code splitCacheFree}); a reader passes -1.
   */
  record Release(String owner, LockMode mode, int splitCacheFree) implements MmuLockMsg {}

  /**
   * kvm_mmu_invalidate_begin() + kvm_mmu_invalidate_range_add(start, end): only under the write lock. Answered by
   * {@link KvmReply.InvalidateDone} so that the holder's next steps (zaps) are ordered after it.
   */
  record InvalidateBegin(String owner, long start, long end, ActorRef<KvmReply> replyTo, long tag)
      implements MmuLockMsg {}

  /** kvm_mmu_invalidate_end(): seq++, in_progress--; only under the write lock. */
  record InvalidateEnd(String owner, long start, long end, ActorRef<KvmReply> replyTo, long tag)
      implements MmuLockMsg {}

  /**
   * Lockless read of mmu_invalidate_seq (and, for mmu_invalidate_retry_gfn_unsafe(), in_progress and the range):
   * the fault's {@code fault->mmu_seq = kvm->mmu_invalidate_seq; smp_rmb()}.
   */
  record ReadInvalidateSeq(ActorRef<KvmReply> replyTo, long tag) implements MmuLockMsg {}
}
