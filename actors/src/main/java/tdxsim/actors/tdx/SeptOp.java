package tdxsim.actors.tdx;

import tdxsim.protocol.TdxModuleMsg;

/**
 * The S-EPT side of a host SEAMCALL: the entry its walk reached and the entry's host-side lock
 * (sept_lock_acquire_host), with the host interrupt the work checks before it commits. In the one-actor module it
 * is part of the {@link InFlightOp.Seamcall}; in the sharded module the one that holds the entry lives in the
 * {@link SeptShard} of the gfn, while the TD-wide locks stay with the module's front ({@link ShardedTdxModule}),
 * whose own op's copy never walks.
 */
final class SeptOp {
  final long opId;
  final TdxModuleMsg.Seamcall msg;
  /** The entry the walk reached, or null. */
  SeptEntry entry;
  /** Whether this op holds {@link #entry}'s lock (PAGE.ADD takes none: TDR exclusive covers it). */
  boolean entryLocked;
  /** A HostInterrupt arrived while this SEAMCALL was in flight (is_interrupt_pending_host_side). */
  boolean hostInterruptPending;

  SeptOp(long opId, TdxModuleMsg.Seamcall msg) {
    assert opId >= 1 && msg != null : "an S-EPT op without an id or a SEAMCALL";
    this.opId = opId;
    this.msg = msg;
  }

  /** What it says it holds, it holds; its entry is the one its SEAMCALL names. */
  boolean holds() {
    assert !entryLocked || entry.isLocked() && entry.lockHolder == opId : this + " lost the lock of " + entry;
    assert entry == null || entry.level() == msg.level() && entry.gfn() == msg.gfn() : this + " walked to " + entry;
    return true;
  }

  @Override
  public String toString() {
    return "op" + opId + ":" + msg.leaf().abiName();
  }
}
