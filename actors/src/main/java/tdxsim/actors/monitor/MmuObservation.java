package tdxsim.actors.monitor;

import tdxsim.protocol.Level;
import tdxsim.protocol.LockMode;
import tdxsim.protocol.PfResult;
import tdxsim.protocol.Spte;

/** What the KVM side (TDP MMU mirror root, mmu_lock, vCPUs, fault/split/zap flows) reports. */
public sealed interface MmuObservation extends Observation {

  /** A mirror SPTE at (gfn, level) changed; gfn is the first gfn the entry covers. */
  record SpteChanged(long gfn, Level level, Spte from, Spte to) implements MmuObservation {
    public SpteChanged {
      assert gfn >= 0 : "an SPTE at the gfn " + gfn;
      assert level != null && level.isAligned(gfn) : "a " + level + " SPTE at the unaligned gfn " + gfn;
    }
  }

  /**
   * A try_cmpxchg64 on the mirror SPTE at (gfn, level) by {@code owner} (an actor name) failed: the entry held
   * {@code found}, not {@code expected}. Nothing changed; reported for the bounded-retry liveness check [S5-02].
   */
  record SpteCmpxchgFailed(String owner, long gfn, Level level, Spte expected, Spte found)
      implements MmuObservation {
    public SpteCmpxchgFailed {
      assert owner != null : "a failed cmpxchg by " + owner + " at " + level;
      assert level != null : "a failed cmpxchg by " + owner + " at " + level;
      assert found != null : owner + "'s cmpxchg at " + gfn + " found " + found;
      assert level.isAligned(gfn) : owner + "'s cmpxchg at " + gfn + " found " + found;
    }
  }

  /** {@code owner} (an actor name) acquired or released kvm->mmu_lock in {@code mode}. */
  record MmuLockChanged(String owner, LockMode mode, boolean acquired) implements MmuObservation {
    public MmuLockChanged {
      assert !owner.isEmpty() : "mmu_lock changed by an unnamed actor";
      assert owner != null && mode != null : "mmu_lock " + mode + " changed by " + owner;
    }
  }

  /** {@code owner} started waiting for kvm->mmu_lock in {@code mode} (for the starvation bound). */
  record MmuLockWaiting(String owner, LockMode mode) implements MmuObservation {
    public MmuLockWaiting {
      assert owner != null : owner + " waiting for mmu_lock " + mode;
      assert mode != null : owner + " waiting for mmu_lock " + mode;
    }
  }

  /** kvm_mmu_invalidate_begin + range_add over [start, end). */
  record InvalidateBegin(long start, long end, long seq, int inProgress) implements MmuObservation {
    public InvalidateBegin {
      assert seq >= 0 : "mmu_invalidate_seq " + seq; // starts at 0 and only grows
      // an empty range is legal: kvm_mmu_invalidate_range_add checks none, and a design may pass one
      assert start <= end : "kvm_mmu_invalidate_range_add of [" + start + ", " + end + ")";
    }
  }

  /** kvm_mmu_invalidate_end over [start, end): seq++ and in_progress--. */
  record InvalidateEnd(long start, long end, long seq, int inProgress) implements MmuObservation {
    public InvalidateEnd {
      assert seq >= 0 : "mmu_invalidate_seq " + seq;
      assert start <= end : "kvm_mmu_invalidate_end of [" + start + ", " + end + ")";
    }
  }

  /** lpage_info.disallow_lpage |= KVM_LPAGE_GUEST_INHIBIT_FLAG for the {@code level} range containing gfn. */
  record GuestInhibitSet(long gfn, Level level) implements MmuObservation {
    public GuestInhibitSet {
      assert level != null : "GUEST_INHIBIT set at " + gfn + " level " + level;
      assert gfn >= 0 : "GUEST_INHIBIT set at " + gfn + " level " + level;
    }
  }

  /** lpage_info.disallow_lpage bit 30 was cleared: must never happen (the flag is one-way) [S5-40]. */
  record GuestInhibitCleared(long gfn, Level level) implements MmuObservation {
    public GuestInhibitCleared {
      assert level != null : "GUEST_INHIBIT cleared at " + gfn + " level " + level;
      assert gfn >= 0 : "GUEST_INHIBIT cleared at " + gfn + " level " + level;
    }
  }

  /** A vCPU began handling a private EPT violation on gfn (fault flow entry). */
  record FaultBegin(int vcpu, long gfn) implements MmuObservation {
    public FaultBegin {
      assert vcpu >= 0 : "vcpu " + vcpu + "'s fault at the gfn " + gfn;
      assert gfn >= 0 : "vcpu " + vcpu + "'s fault at the gfn " + gfn;
    }
  }

  /** The fault flow ended: {@code result} is what kvm_tdp_mmu_page_fault returned. */
  record FaultEnd(int vcpu, long gfn, PfResult result) implements MmuObservation {
    public FaultEnd {
      assert gfn >= 0 : "vcpu " + vcpu + "'s fault at the gfn " + gfn;
      assert vcpu >= 0 && result != null : "vcpu " + vcpu + "'s fault at " + gfn + " ended with " + result;
    }
  }

  /** A flow step worth counting (AUG_2M, AUG_4K, DEMOTE, REMOVE, BUSY_RETRY, ...): feeds explore --json. */
  record FlowStep(Flow flow, long gfn, Level level) implements MmuObservation {
    public FlowStep {
      assert flow != null : "a flow step " + flow + " at " + level;
      assert level != null : "a flow step " + flow + " at " + level;
    }
  }

  /** KVM_BUG_ON / TDX_BUG_ON fired: the VM is bugged (kvm->vm_bugged), e.g. a SEAMCALL error on a no-fail path. */
  record KvmBugOn(String where, String detail, long gfn) implements MmuObservation {
    public KvmBugOn {
      assert where != null : "KVM_BUG_ON without its site: " + detail;
      assert detail != null : "KVM_BUG_ON without its site: " + detail;
    }
  }

  /** The guest panicked, e.g. arch_accept_memory(): "TDX: Failed to accept memory" [LNX unaccepted_memory.h]. */
  record GuestPanic(int vcpu, String reason, long gfn) implements MmuObservation {
    public GuestPanic {
      assert vcpu >= 0 : "vcpu " + vcpu + " panicked for no reason";
      assert reason != null : "vcpu " + vcpu + " panicked for no reason";
    }
  }

  /**
   * KVM killed the VM from a vCPU's exit handler (kvm_vm_dead, not a KVM_BUG_ON): tdx_handle_ept_violation on an
   * unexpected pending S-EPT violation, "Guest access before accepting" [LNX tdx.c].
   */
  record VmDead(int vcpu, String reason, long gfn) implements MmuObservation {
    public VmDead {
      assert vcpu >= 0 : "kvm_vm_dead from vcpu " + vcpu + " for no reason";
      assert reason != null : "kvm_vm_dead from vcpu " + vcpu + " for no reason";
    }
  }

  /** The guest found accepted data gone (an accepted private page no longer accessible). */
  record GuestDataLost(int vcpu, long gfn) implements MmuObservation {
    public GuestDataLost {
      assert vcpu >= 0 : "vcpu " + vcpu + " lost data at the gfn " + gfn;
      assert gfn >= 0 : "vcpu " + vcpu + " lost data at the gfn " + gfn;
    }
  }

  /** A vCPU finished its workload (liveness: every vCPU must). */
  record VcpuWorkloadDone(int vcpu) implements MmuObservation {
    public VcpuWorkloadDone {
      assert vcpu >= 0 : "the workload of vcpu " + vcpu;
    }
  }

  /** The guest ACCEPTed [gfn, gfn + level.pages()) successfully (first or ALREADY_ACCEPTED at that level). */
  record GuestAccepted(int vcpu, long gfn, Level level) implements MmuObservation {
    public GuestAccepted {
      assert vcpu >= 0 : "vcpu " + vcpu + " accepted at " + level;
      assert level != null : "vcpu " + vcpu + " accepted at " + level;
      assert level.isAligned(gfn) : "vcpu " + vcpu + " accepted " + level + " at the unaligned gfn " + gfn;
    }
  }
}
