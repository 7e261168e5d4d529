package tdxsim.protocol;

import org.apache.pekko.actor.typed.ActorRef;

/**
 * What the {@code memslots} actor receives: kvm->memslots as readers see it (a lookup under kvm->srcu) and the
 * SRCU read side, the VMM's KVM_SET_USER_MEMORY_REGION2 ioctls, which it runs as their KVM context, and the
 * replies to that context's requests [LNX kvm_main.c].
 */
public sealed interface MemslotsMsg permits MemslotsMsg.Wire, MemslotsMsg.GfnToMemslot, MemslotsMsg.SrcuReadLock,
    MemslotsMsg.SrcuReadUnlock, MemslotsMsg.SetUserMemoryRegion, KvmReply {

  /** The VM's actors; the first message (others are stashed until it arrives). */
  record Wire(KvmPeers peers) implements MemslotsMsg {}

  /** What a lookup finds for a gfn: the slot, the slot flagged KVM_MEMSLOT_INVALID, or no slot (deleted). */
  enum SlotState { VALID, INVALID, NONE }

  /** kvm_vcpu_gfn_to_memslot by {@code reader} (inside its SRCU read-side section): answered MemslotLookup. */
  record GfnToMemslot(String reader, long gfn, ActorRef<KvmReply> replyTo, long tag) implements MemslotsMsg {}

  /** srcu_read_lock(&kvm->srcu) by {@code reader} (a vCPU thread in KVM code). */
  record SrcuReadLock(String reader) implements MemslotsMsg {}

  /** srcu_read_unlock(&kvm->srcu) by {@code reader}. */
  record SrcuReadUnlock(String reader) implements MemslotsMsg {}

  /**
   * KVM_SET_USER_MEMORY_REGION2 from the VMM on the memslot [start, end): size 0 deletes it ({@code moveTo} &lt; 0),
   * else it is moved to {@code moveTo}. Answered MemslotUpdated with the ioctl's error (null: success).
   */
  record SetUserMemoryRegion(long start, long end, long moveTo, ActorRef<KvmReply> replyTo, long tag)
      implements MemslotsMsg {}
}
