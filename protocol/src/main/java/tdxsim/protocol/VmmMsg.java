package tdxsim.protocol;

import org.apache.pekko.actor.typed.ActorRef;

/** What the userspace VMM actor receives: wiring, start, KVM exits to userspace and ioctl completions. */
public sealed interface VmmMsg permits VmmMsg.Wire, VmmMsg.Start, VmmMsg.MapGpaExit, KvmReply,
    VmmMsg.MemoryFaultExit {

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

  /**
   * KVM_RUN returned -EFAULT with KVM_EXIT_MEMORY_FAULT: the guest accessed [gfn, gfn + pages) as private
   * ({@code isPrivate}, KVM_MEMORY_EXIT_FLAG_PRIVATE) or shared, and its attribute says otherwise. The VMM
   * converts the range as QEMU's kvm_convert_memory does and answers {@link KvmReply.MemoryFaultHandled}; the
   * vCPU thread then runs KVM_RUN again.
   */
  record MemoryFaultExit(int vcpu, long gfn, long pages, boolean isPrivate, ActorRef<KvmReply> replyTo, long tag)
      implements VmmMsg {}
}
