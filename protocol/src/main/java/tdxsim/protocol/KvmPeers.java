package tdxsim.protocol;

import java.util.List;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * The actors of one VM, as every KVM-side execution context (vCPU, VMM, guest_memfd ioctl context) needs them.
 * Handed out once by the VM root in a {@code Wire} message, after every actor is spawned (the references are
 * circular). Immutable; lists are indexed by vCPU id and by TDP MMU shard (1G region) index.
 */
public record KvmPeers(
    ActorRef<TdxModuleMsg> tdxModule,
    ActorRef<MmuLockMsg> mmuLock,
    List<ActorRef<TdpMmuMsg>> tdpMmu,
    ActorRef<GuestMemfdMsg> guestMemfd,
    ActorRef<VmmMsg> vmm,
    List<ActorRef<VcpuMsg>> vcpus,
    ActorRef<InvalidationUserMsg> iommu,
    ActorRef<InvalidationUserMsg> userspace,
    ActorRef<MemslotsMsg> memslots) {
  public KvmPeers {
    tdpMmu = List.copyOf(tdpMmu);
    vcpus = List.copyOf(vcpus);
  }

  /** A VM whose memslots never change: no {@code memslots} actor (every lookup would find the slot valid). */
  public KvmPeers(ActorRef<TdxModuleMsg> tdxModule, ActorRef<MmuLockMsg> mmuLock, List<ActorRef<TdpMmuMsg>> tdpMmu,
      ActorRef<GuestMemfdMsg> guestMemfd, ActorRef<VmmMsg> vmm, List<ActorRef<VcpuMsg>> vcpus,
      ActorRef<InvalidationUserMsg> iommu, ActorRef<InvalidationUserMsg> userspace) {
    this(tdxModule, mmuLock, tdpMmu, guestMemfd, vmm, vcpus, iommu, userspace, null);
  }
}
