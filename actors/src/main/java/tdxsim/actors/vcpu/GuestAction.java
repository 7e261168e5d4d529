package tdxsim.actors.vcpu;

import tdxsim.protocol.Level;

/** The next thing the guest program on a vCPU wants to do. */
sealed interface GuestAction {
  /** TDG.MEM.PAGE.ACCEPT(gfn, level), in the guest. */
  record AcceptOp(long gfn, Level level) implements GuestAction {}

  /** A guest store to a private gfn, in the guest. */
  record AccessOp(long gfn) implements GuestAction {}

  /** TDG.VP.VMCALL&lt;MapGPA&gt;: a TD exit to the host, then to the VMM. */
  record MapGpaCall(long start, long end, boolean toShared) implements GuestAction {}

  /** KVM_PRE_FAULT_MEMORY issued by the VMM on this vCPU: host side, outside KVM_RUN. */
  record PrefetchIoctl(long start, long end) implements GuestAction {}

  /** The workload is complete. */
  record Finished() implements GuestAction {}

  /** The guest panicked. */
  record Dead() implements GuestAction {}
}
