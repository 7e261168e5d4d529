package tdxsim.actors.tdx;

import tdxsim.protocol.TdxModuleMsg;

/**
 * An operation that has acquired its locks and waits for its {@link TdxModuleMsg.Continue} (in the sharded module's
 * front: or for its shard's answer): what it holds and what it needs to finish. Op ids are minted by the module, in
 * the order requests arrive.
 */
abstract sealed class InFlightOp permits InFlightOp.Seamcall, InFlightOp.Accept, InFlightOp.VpEnter,
    InFlightOp.InShard {
  /** How a sharex lock is held. */
  enum Hold { NONE, SHARED, EXCLUSIVE }

  final long opId;

  /** What this op says it holds is held, in the module's locks, by it (checked at every step). */
  abstract boolean holds(TdxModuleState s);

  InFlightOp(long opId) {
    assert opId >= 1 : "op ids are minted from 1: " + opId;
    this.opId = opId;
  }

  /** A host SEAMCALL on the S-EPT (or TRACK / MR.FINALIZE). */
  static final class Seamcall extends InFlightOp {
    final TdxModuleMsg.Seamcall msg;
    Hold tdrLock = Hold.NONE;
    Hold treeLock = Hold.NONE;
    boolean epochLock;
    /** Its S-EPT side: the entry and the entry lock (held here, or by the gfn's shard in the sharded module). */
    final SeptOp sept;

    Seamcall(long opId, TdxModuleMsg.Seamcall msg) {
      super(opId);
      assert msg != null && msg.caller() != null : "a SEAMCALL without a caller";
      this.msg = msg;
      this.sept = new SeptOp(opId, msg);
    }

    /** Everything but TDH.MEM.TRACK and TDH.MR.FINALIZE walks to an entry and works on it. */
    boolean needsEntry() {
      return !(msg instanceof TdxModuleMsg.TdhMemTrack) && !(msg instanceof TdxModuleMsg.TdhMrFinalize);
    }

    @Override
    boolean holds(TdxModuleState s) {
      assert tdrLock != Hold.NONE : this + " holds no TDR lock";
      assert (tdrLock == Hold.SHARED ? s.tdrLock().readers() > 0 : s.tdrLock().isExclusive())
          : this + " " + s.tdrLock();
      assert treeLock != Hold.SHARED || s.septTreeLock().readers() > 0 : this + " " + s.septTreeLock();
      assert treeLock != Hold.EXCLUSIVE || s.septTreeLock().isExclusive() : this + " " + s.septTreeLock();
      assert !epochLock || s.epochs().epochLock().isExclusive() : this + " " + s.epochs().epochLock();
      return sept.holds();
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
      assert entry != null && entry.level() == msg.level() && entry.gfn() == msg.gfn() : msg + " on " + entry;
      assert SeptRules.acceptLevelValid(msg.level()) : "ACCEPT is 4K or 2M only: " + msg;
      this.msg = msg;
      this.entry = entry;
    }

    @Override
    boolean holds(TdxModuleState s) {
      assert entry.isLocked() && entry.lockHolder == opId : this + " lost the guest-side lock of " + entry;
      assert s.vcpu(msg.vcpu()).guestOp == opId : this + " is not the TDCALL of " + s.vcpu(msg.vcpu());
      return true;
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
      assert msg != null && msg.vcpu() >= 0 && msg.replyTo() != null : "TDH.VP.ENTER without a vCPU";
      this.msg = msg;
    }

    @Override
    boolean holds(TdxModuleState s) {
      assert s.septTreeLock().isExclusive() : this + " without the S-EPT tree lock exclusive";
      assert s.vcpu(msg.vcpu()).mode() == VcpuContext.Mode.ENTERING : this + ": " + s.vcpu(msg.vcpu());
      assert !s.vcpu(msg.vcpu()).zeroStepList().isEmpty() : this + " holds the tree lock with no zero-step suspicion";
      return true;
    }

    @Override
    public String toString() {
      return "op" + opId + ":TDH.VP.ENTER(vcpu" + msg.vcpu() + ")";
    }
  }

  /**
   * The sharded module's front: a guest access or ACCEPT whose S-EPT side runs in the gfn's {@link SeptShard}. It is
   * the vCPU's guest op until the shard answers: an external interrupt meanwhile is taken after it, as after a
   * TDCALL.
   */
  static final class InShard extends InFlightOp {
    final TdxModuleMsg msg;
    final int vcpu;

    InShard(long opId, TdxModuleMsg msg, int vcpu) {
      super(opId);
      assert msg instanceof TdxModuleMsg.GuestMemAccess || msg instanceof TdxModuleMsg.TdgMemPageAccept : msg;
      this.msg = msg;
      this.vcpu = vcpu;
    }

    @Override
    boolean holds(TdxModuleState s) {
      assert s.vcpu(vcpu).guestOp == opId : this + " is not the guest op of " + s.vcpu(vcpu);
      return true;
    }

    @Override
    public String toString() {
      return "op" + opId + ":" + msg.getClass().getSimpleName() + "(vcpu" + vcpu + ") in its shard";
    }
  }
}
