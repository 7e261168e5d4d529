package tdxsim.actors.vcpu;

import tdxsim.protocol.Level;

/** The next thing the guest program on a vCPU wants to do. */
sealed interface GuestAction {
  /** TDG.MEM.PAGE.ACCEPT(gfn, level), in the guest. */
  record AcceptOp(long gfn, Level level) implements GuestAction {
    public AcceptOp {
      assert gfn >= 0 && level != null && level.isAligned(gfn) : "TDG.MEM.PAGE.ACCEPT of " + gfn + " at " + level;
    }
  }

  /** A guest store to a private gfn, in the guest. */
  record AccessOp(long gfn) implements GuestAction {
    public AccessOp {
      assert gfn >= 0 : "an access to gfn " + gfn;
    }
  }

  /** TDG.VP.VMCALL&lt;MapGPA&gt;: a TD exit to the host, then to the VMM. */
  record MapGpaCall(long start, long end, boolean toShared) implements GuestAction {
    public MapGpaCall {
      assert start >= 0 && start < end : "MapGPA of [" + start + ", " + end + ")";
    }
  }

  /** KVM_PRE_FAULT_MEMORY issued by the VMM on this vCPU: host side, outside KVM_RUN. */
  record PrefetchIoctl(long start, long end) implements GuestAction {
    public PrefetchIoctl {
      assert start >= 0 && start < end : "KVM_PRE_FAULT_MEMORY of [" + start + ", " + end + ")";
    }
  }

  /** The workload is complete. */
  record Finished() implements GuestAction {}

  /** The guest panicked. */
  record Dead() implements GuestAction {}
}
