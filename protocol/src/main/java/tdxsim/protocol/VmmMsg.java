package tdxsim.protocol;

import org.apache.pekko.actor.typed.ActorRef;

/** What the userspace VMM actor receives: wiring, start, KVM exits to userspace and ioctl completions. */
public sealed interface VmmMsg permits VmmMsg.Wire, VmmMsg.Start, VmmMsg.MapGpaExit, KvmReply {

  record Wire(KvmPeers peers) implements VmmMsg {}

  /** Build the TD (KVM_TDX_INIT_MEM_REGION: PAGE.ADD at 4K; KVM_TDX_FINALIZE_VM), then run the vCPUs. */
  record Start() implements VmmMsg {}

  /**
   * KVM_EXIT_HYPERCALL (KVM_HC_MAP_GPA_RANGE) for the guest's TDG.VP.VMCALL&lt;MapGPA&gt; on [start, end): the VMM
   * converts the range (guest_memfd in-place conversion) and completes the hypercall with
   * {@link KvmReply.MapGpaDone}.
   */
  record MapGpaExit(int vcpu, long start, long end, boolean toShared, ActorRef<KvmReply> replyTo, long tag)
      implements VmmMsg {}
}
