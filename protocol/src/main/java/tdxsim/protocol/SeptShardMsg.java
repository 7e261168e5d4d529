package tdxsim.protocol;

import java.util.List;

/**
 * Messages of an S-EPT shard of the sharded TDX module (tdxsim.actors.tdx.SeptShard): the entries of some 1G
 * regions of one TD, their locks, and the S-EPT side of the SEAMCALLs and guest operations on them. Only the
 * module's front sends them, after it took the TD-wide locks (TDR, secure_ept_lock, the epoch lock) and checked
 * the vCPU's state; the shard answers the front with {@link TdxModuleMsg.SeptDone}, {@link TdxModuleMsg.SeptWalked},
 * {@link TdxModuleMsg.AcceptDone} and {@link TdxModuleMsg.EpfChecked}, and asks it for TDCS's epoch tracking with
 * {@link TdxModuleMsg.SeptReadEpochs}. Op ids are the front's.
 */
public sealed interface SeptShardMsg {
  /** A host SEAMCALL's walk, entry lock and work (the front holds its TD-wide locks). */
  record SeptSeamcall(long opId, TdxModuleMsg.Seamcall seamcall) implements SeptShardMsg {}

  /**
   * What the front read of TDCS for SEAMCALL {@code opId}, when the shard asked ({@link TdxModuleMsg.SeptReadEpochs}):
   * td_epoch, {@code previousRefcount} (REFCOUNT of td_epoch - 1) and {@code trackingRequired} (OP_STATE RUNNABLE).
   */
  record SeptEpochs(long opId, long tdEpoch, int previousRefcount, boolean trackingRequired)
      implements SeptShardMsg {}

  /** A guest load/store's walk to its leaf. */
  record SeptGuestWalk(long opId, long gfn) implements SeptShardMsg {}

  /** TDG.MEM.PAGE.ACCEPT's walk, guest-side entry lock and steps. */
  record SeptAccept(long opId, TdxModuleMsg.TdgMemPageAccept accept) implements SeptShardMsg {}

  /** An external interrupt is pending on the vCPU whose ACCEPT is {@code opId}: a 2M ACCEPT stops at its next step. */
  record SeptInterruptPending(long opId) implements SeptShardMsg {}

  /** A host interrupt is pending on the LP of SEAMCALL {@code opId} (is_interrupt_pending_host_side). */
  record SeptHostInterrupt(long opId) implements SeptShardMsg {}

  /** TDH.VP.ENTER's zero-step filter (the front holds secure_ept_lock exclusive): would these gfns fault again? */
  record SeptEpfCheck(long opId, List<Long> gfns) implements SeptShardMsg {
    public SeptEpfCheck {
      gfns = List.copyOf(gfns);
    }
  }

  /** The shard's own continuation of op {@code opId} (its work, or an ACCEPT's next step). */
  record SeptContinue(long opId) implements SeptShardMsg {}
}
