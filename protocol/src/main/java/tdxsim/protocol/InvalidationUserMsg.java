package tdxsim.protocol;

import org.apache.pekko.actor.typed.ActorRef;

/**
 * A non-KVM user of guest_memfd's shared memory (an IOMMU mapping for device DMA, a userspace mmap): it maps
 * shared ranges and must drop them before they become private (or are punched out). Every message is answered
 * by {@link KvmReply.UserAck}.
 */
public sealed interface InvalidationUserMsg {

  /** The VMM maps [start, end) of shared memory into this user (IOMMU map for DMA, mmap). */
  record MapShared(long start, long end, ActorRef<KvmReply> replyTo, long tag) implements InvalidationUserMsg {}

  /**
   * The fallible pre-phase [R7, Yan's fix]: can this user drop its mappings of [start, end)? It refuses if a
   * mapping there is pinned (e.g. DMA in flight). Nothing is unmapped.
   */
  record PrepareInvalidate(long start, long end, ActorRef<KvmReply> replyTo, long tag)
      implements InvalidationUserMsg {}

  /**
   * Drop every mapping of [start, end). {@code failable}: the user may refuse (a pinned mapping) and keeps its
   * mappings (FAILABLE_NOTIFIER design option); otherwise the unmap is infallible.
   */
  record Invalidate(long start, long end, boolean failable, ActorRef<KvmReply> replyTo, long tag)
      implements InvalidationUserMsg {}
}
