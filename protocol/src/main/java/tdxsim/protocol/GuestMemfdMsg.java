package tdxsim.protocol;

import org.apache.pekko.actor.typed.ActorRef;

/**
 * guest_memfd: folios, shareability (in-place conversion), kvm_gmem_get_pfn, conversion and punch hole. The
 * conversion and punch-hole ioctls run in this actor (the ioctl context), which also runs the KVM flows they
 * invoke under mmu_lock (invalidate, split, zap): their replies arrive as {@link KvmReply}.
 */
public sealed interface GuestMemfdMsg
    permits GuestMemfdMsg.Wire, GuestMemfdMsg.TdRunnable, GuestMemfdMsg.GetPfn, GuestMemfdMsg.FolioRef,
        GuestMemfdMsg.Convert, GuestMemfdMsg.PunchHole, GuestMemfdMsg.NmiBurst, KvmReply {

  record Wire(KvmPeers peers) implements GuestMemfdMsg {}

  /** kvm_tdx->state = TD_STATE_RUNNABLE, as the KVM code run from this context sees it. */
  record TdRunnable() implements GuestMemfdMsg {}

  /** kvm_gmem_get_pfn(kvm, slot, gfn, &pfn, &page, &max_order), answered by {@link KvmReply.PfnResult}. */
  record GetPfn(String caller, long gfn, ActorRef<KvmReply> replyTo, long tag) implements GuestMemfdMsg {}

  /**
   * v1 design option only [P1-08]: folio_ref_add (delta &gt; 0) or folio_put_refs (delta &lt; 0) of
   * {@code |delta|} references on the folio(s) backing [pfn, pfn + pages). Answered by
   * {@link KvmReply.FolioRefDone}.
   */
  record FolioRef(long gfn, long pfn, long pages, int delta, ActorRef<KvmReply> replyTo, long tag)
      implements GuestMemfdMsg {}

  /**
   * In-place conversion of [start, end) to private ({@code toPrivate}) or shared (KVM_SET_MEMORY_ATTRIBUTES2 /
   * kvm_gmem_convert) [P3-15, P3-16]. Answered by {@link KvmReply.GmemIoctlDone}.
   */
  record Convert(long start, long end, boolean toPrivate, ActorRef<KvmReply> replyTo, long tag)
      implements GuestMemfdMsg {}

  /** fallocate(FALLOC_FL_PUNCH_HOLE) over [start, end). Answered by {@link KvmReply.GmemIoctlDone}. */
  record PunchHole(long start, long end, ActorRef<KvmReply> replyTo, long tag) implements GuestMemfdMsg {}

  /**
   * A burst of host NMIs (perf sampling, the NMI watchdog) on the logical processor that runs this context's KVM
   * code: each of its next {@code count} host SEAMCALLs has an NMI racing it
   * (TdxModuleMsg.HostInterrupt right behind the SEAMCALL), which the explorer lands before or after the
   * module's Continue: inside the SEAMCALL (pending: DEMOTE returns TDX_INTERRUPTED_RESTARTABLE without
   * ENHANCED_DEMOTE_INTERRUPTIBILITY) or after it (handled by the host).
   */
  record NmiBurst(int count) implements GuestMemfdMsg {}
}
