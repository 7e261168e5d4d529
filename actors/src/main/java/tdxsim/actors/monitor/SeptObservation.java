package tdxsim.actors.monitor;

import tdxsim.protocol.Level;
import tdxsim.protocol.SeamcallLeaf;
import tdxsim.protocol.SeptState;
import tdxsim.protocol.TdxStatus;

/** What the TDX module reports. */
public sealed interface SeptObservation extends Observation {

  /** One S-EPT entry (gfn, level) changed state. FREE covers "no entry". */
  record SeptEntryChanged(long gfn, Level level, SeptState from, SeptState to) implements SeptObservation {
    public SeptEntryChanged {
      assert level != null && level.isAligned(gfn) && to != null : "S-EPT entry " + level + " at gfn " + gfn;
    }
  }

  /** A host SEAMCALL completed (every outcome, BUSY included). {@code caller} is the caller's actor name. */
  record SeamcallCompleted(SeamcallLeaf leaf, long gfn, Level level, TdxStatus status, String caller)
      implements SeptObservation {
    public SeamcallCompleted {
      assert leaf != null : "a SEAMCALL completion of " + leaf + " with " + status;
      assert status != null : "a SEAMCALL completion of " + leaf + " with " + status;
      assert level != null : leaf + " completed at " + level + " for " + caller;
      assert caller != null : leaf + " completed at " + level + " for " + caller;
    }
  }

  /** TDG.MEM.PAGE.ACCEPT completed in the guest with {@code status}, or caused a TD exit ({@code status} null). */
  record AcceptCompleted(int vcpu, long gfn, Level level, TdxStatus status) implements SeptObservation {
    public AcceptCompleted {
      assert vcpu >= 0 : "vcpu " + vcpu + "'s ACCEPT at " + level;
      assert level != null : "vcpu " + vcpu + "'s ACCEPT at " + level;
    }
  }

  /** TDH.MEM.TRACK advanced td_epoch. */
  record TdEpochAdvanced(long tdEpoch) implements SeptObservation {
    public TdEpochAdvanced {
      assert tdEpoch >= 1 : "td_epoch advanced to " + tdEpoch + " (it starts at 1)";
    }
  }

  /** A vCPU entered (inGuest) or left TD non-root mode; {@code epoch} is the TLB epoch it was counted in. */
  record VcpuGuestMode(int vcpu, boolean inGuest, long epoch) implements SeptObservation {
    public VcpuGuestMode {
      assert vcpu >= 0 : "vcpu " + vcpu + " counted in the epoch " + epoch;
      assert epoch >= 0 : "vcpu " + vcpu + " counted in the epoch " + epoch;
    }
  }

  /** TDH.MR.FINALIZE: the TD is RUNNABLE. */
  record TdRunnable() implements SeptObservation {}

  /**
   * A TDH.MEM.PAGE.DEMOTE of the NON-BLOCKING-RESIZE feature on (gfn, level) arrived: until its
   * {@link SeamcallCompleted} it may split the leaf without a BLOCK, and from a context holding mmu_lock for read.
   */
  record NonBlockingDemote(long gfn, Level level) implements SeptObservation {
    public NonBlockingDemote {
      assert level != null : "a NON-BLOCKING-RESIZE DEMOTE at " + gfn + " level " + level;
      assert gfn >= 0 : "a NON-BLOCKING-RESIZE DEMOTE at " + gfn + " level " + level;
    }
  }
}
