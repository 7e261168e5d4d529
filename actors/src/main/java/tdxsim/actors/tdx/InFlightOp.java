package tdxsim.actors.tdx;

import tdxsim.protocol.TdxModuleMsg;

/**
 * An operation that has acquired its locks and waits for its {@link TdxModuleMsg.Continue}: what it holds and
 * what it needs to finish. Op ids are minted by the module, in the order requests arrive.
 */
abstract sealed class InFlightOp permits InFlightOp.Seamcall, InFlightOp.Accept, InFlightOp.VpEnter {
  /** How a sharex lock is held. */
  enum Hold { NONE, SHARED, EXCLUSIVE }

  final long opId;

  InFlightOp(long opId) {
    this.opId = opId;
  }

  /** A host SEAMCALL on the S-EPT (or TRACK / MR.FINALIZE). */
  static final class Seamcall extends InFlightOp {
    final TdxModuleMsg.Seamcall msg;
    Hold tdrLock = Hold.NONE;
    Hold treeLock = Hold.NONE;
    boolean epochLock;
    /** The entry the walk reached, or null. */
    SeptEntry entry;
    /** Whether this op holds {@link #entry}'s lock (PAGE.ADD takes none: TDR exclusive covers it). */
    boolean entryLocked;
    /** A HostInterrupt arrived while this SEAMCALL was in flight (is_interrupt_pending_host_side). */
    boolean hostInterruptPending;

    Seamcall(long opId, TdxModuleMsg.Seamcall msg) {
      super(opId);
      this.msg = msg;
    }

    @Override
    public String toString() {
      return "op" + opId + ":" + msg.leaf().abiName();
    }
  }

  /** TDG.MEM.PAGE.ACCEPT holding the entry's guest-side lock; a 2M one may take several steps. */
  static final class Accept extends InFlightOp {
    final TdxModuleMsg.TdgMemPageAccept msg;
    final SeptEntry entry;

    Accept(long opId, TdxModuleMsg.TdgMemPageAccept msg, SeptEntry entry) {
      super(opId);
      this.msg = msg;
      this.entry = entry;
    }

    @Override
    public String toString() {
      return "op" + opId + ":TDG.MEM.PAGE.ACCEPT(vcpu" + msg.vcpu() + ")";
    }
  }

  /** TDH.VP.ENTER with a non-empty zero-step list: holds the S-EPT tree lock exclusive. */
  static final class VpEnter extends InFlightOp {
    final TdxModuleMsg.TdhVpEnter msg;

    VpEnter(long opId, TdxModuleMsg.TdhVpEnter msg) {
      super(opId);
      this.msg = msg;
    }

    @Override
    public String toString() {
      return "op" + opId + ":TDH.VP.ENTER(vcpu" + msg.vcpu() + ")";
    }
  }
}
