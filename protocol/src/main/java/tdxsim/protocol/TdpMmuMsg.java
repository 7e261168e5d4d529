package tdxsim.protocol;

import org.apache.pekko.actor.typed.ActorRef;

/**
 * One shard (a 1G region) of the TDP MMU mirror root: its SPTEs and the lpage_info (disallow_lpage) of its 2M and
 * 1G ranges. Each message is one atomic step a CPU does on the page table (a READ_ONCE of one SPTE, one
 * try_cmpxchg64, one WRITE_ONCE), so that two faults under the shared mmu_lock interleave where real CPUs can.
 * Every mutation is answered: the caller continues (and releases mmu_lock) only after the write is done.
 */
public sealed interface TdpMmuMsg {

  /**
   * READ_ONCE of the SPTE at (gfn, level), as tdp_iter does while walking; the answer also carries
   * lpage_info(gfn, 2M).disallow_lpage, which only changes under the write lock (hugepage adjust reads it).
   */
  record ReadSpte(long gfn, Level level, ActorRef<KvmReply> replyTo, long tag) implements TdpMmuMsg {}

  /**
   * try_cmpxchg64(sptep, &old, new): on failure the answer carries the current value (iter->old_spte is
   * refreshed [S5-02]).
   */
  record CmpxchgSpte(long gfn, Level level, Spte expected, Spte newSpte, ActorRef<KvmReply> replyTo, long tag)
      implements TdpMmuMsg {}

  /**
   * __kvm_tdp_mmu_write_spte: unconditional write, either of the final value over a FROZEN_SPTE the caller owns
   * (shared lock), or any write under the write lock (tdp_mmu_set_spte). Writing a non-leaf at 2M links an empty
   * child page table.
   */
  record WriteSpte(long gfn, Level level, Spte newSpte, ActorRef<KvmReply> replyTo, long tag) implements TdpMmuMsg {}

  /**
   * tdp_mmu_split_huge_page under the write lock: the 2M leaf at gfn becomes a non-leaf pointing at a child page
   * ({@code sptPfn}) populated with 512 4K leaves mapping the huge page's pfns.
   */
  record SplitHugeSpte(long gfn, long sptPfn, ActorRef<KvmReply> replyTo, long tag) implements TdpMmuMsg {}

  /**
   * The final write of a shared-lock split (tdp_mmu_split_huge_page(shared = true), only reached with protocol
   * mutation 1): the 2M entry at gfn, FROZEN by the caller, becomes a non-leaf pointing at {@code sptPfn} with 512
   * 4K leaves mapping the pfns of {@code leaf}, the value that was frozen.
   */
  record SplitFrozenHugeSpte(long gfn, Spte leaf, long sptPfn, ActorRef<KvmReply> replyTo, long tag)
      implements TdpMmuMsg {}

  /**
   * The present leaf SPTEs overlapping [start, end), in gfn order (a walk under the write lock, during which no
   * SPTE can change).
   */
  record CollectLeafs(long start, long end, ActorRef<KvmReply> replyTo, long tag) implements TdpMmuMsg {}

  /**
   * The present non-leaf SPTEs of [start, end) at 2M and 1G, children first (the order tdp_mmu_zap_root frees
   * them in), answered as a LeafList whose pfn is the child page table's (its external_spt's) pfn.
   */
  record CollectPageTables(long start, long end, ActorRef<KvmReply> replyTo, long tag) implements TdpMmuMsg {}

  /** Lockless read of lpage_info(gfn) at 2M and 1G (hugepage_test_guest_inhibit without mmu_lock). */
  record ReadLpageInfo(long gfn, ActorRef<KvmReply> replyTo, long tag) implements TdpMmuMsg {}

  /**
   * Under the write lock: set (or clear) {@code flag} in lpage_info(gfn, level).disallow_lpage.
   * KVM_LPAGE_GUEST_INHIBIT_FLAG is one-way (hugepage_set_guest_inhibit); KVM_LPAGE_MIXED_FLAG follows the
   * memory attributes (hugepage_set_mixed / hugepage_clear_mixed).
   */
  record UpdateLpageInfo(long gfn, Level level, int flag, boolean set, ActorRef<KvmReply> replyTo, long tag)
      implements TdpMmuMsg {}

  /** lpage_info.disallow_lpage bit 31: the range has mixed memory attributes. */
  int KVM_LPAGE_MIXED_FLAG = 1 << 31;

  /** lpage_info.disallow_lpage bit 30: the guest accepted at a smaller level; one-way [S5-40]. */
  int KVM_LPAGE_GUEST_INHIBIT_FLAG = 1 << 30;
}
