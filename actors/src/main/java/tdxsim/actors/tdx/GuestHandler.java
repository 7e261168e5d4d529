package tdxsim.actors.tdx;

import static tdxsim.protocol.TdxStatus.TDX_OPERAND_BUSY;
import static tdxsim.protocol.TdxStatus.TDX_OP_STATE_INCORRECT;
import static tdxsim.protocol.TdxStatus.TDX_SUCCESS;

import java.util.function.LongPredicate;
import org.apache.pekko.actor.typed.ActorRef;
import tdxsim.actors.monitor.SeptObservation.AcceptCompleted;
import tdxsim.actors.monitor.SeptObservation.SeamcallCompleted;
import tdxsim.actors.monitor.SeptObservation.VcpuGuestMode;
import tdxsim.protocol.ExitReason;
import tdxsim.protocol.GuestResult;
import tdxsim.protocol.Level;
import tdxsim.protocol.SeamcallLeaf;
import tdxsim.protocol.SeptState;
import tdxsim.protocol.TdxModuleMsg;
import tdxsim.protocol.TdxStatus;

/**
 * TD entry and exit, guest memory accesses, external interrupts and the zero-step mitigation
 * [TDXM tdh_vp_enter.c, td_exit.c, td_ept_violation.c, td_exit_stepping.c].
 *
 * <p>Contract with the vCPU actor:
 * <ul>
 *   <li>{@code TdhVpEnter} is answered by {@code TdEntered}, {@code VpEnterFailed}, or, when the zero-step
 *       filter finds that a listed gfn would fault again, directly by {@code TdExit(EPT_VIOLATION, gfn)} without
 *       entering (emulate_ept_violation_td_exit).</li>
 *   <li>Every {@code TdExit} goes to the {@code replyTo} of the {@code TdhVpEnter} that entered. Its tag is the
 *       tag of the guest operation that caused it (ACCEPT, access), or the enter tag for an interrupt exit.</li>
 *   <li>A guest operation (ACCEPT, access) that arrives while its vCPU is not in the guest is dropped: the vCPU
 *       was taken out of the guest (by a kick) before it could execute it, and a {@code TdExit} is on its way.</li>
 * </ul>
 */
final class GuestHandler {
  private final TdxModuleState s;
  private final Outbox out;

  GuestHandler(TdxModuleState s, Outbox out) {
    assert s != null && out != null : "a guest handler without a module";
    this.s = s;
    this.out = out;
  }

  // ------------------------------------------------------------------------------------------ TDH.VP.ENTER

  void onVpEnter(TdxModuleMsg.TdhVpEnter m) {
    VcpuContext v = s.vcpu(m.vcpu());
    if (v.mode != VcpuContext.Mode.OUTSIDE) {
      throw new IllegalStateException("TDH.VP.ENTER while " + v + " is not in the host");
    }
    if (!SeptRules.opStateAllowed(SeamcallLeaf.TDH_VP_ENTER, s.opState())) {
      enterFailed(m, TDX_OP_STATE_INCORRECT);
      return;
    }
    // adjust_tlb_tracking_state: sample td_epoch and count the vCPU in it, under the epoch lock (shared).
    if (!s.epochs().epochLock().tryShared()) {
      enterFailed(m, TDX_OPERAND_BUSY);
      return;
    }
    long epoch = s.epochs().countIn();
    assert epoch == s.epochs().tdEpoch() && s.epochs().refcount(epoch) > 0 : "VCPU_EPOCH is td_epoch: " + epoch;
    s.epochs().epochLock().releaseShared();
    v.countedEpoch = epoch;
    v.replyTo = m.replyTo();
    v.enterTag = m.tag();
    if (v.lastEpfGfns.isEmpty()) {
      enter(v);
      return;
    }
    // td_entry_stepping_filter: a zero-step attack is suspected; take the S-EPT tree lock exclusive, else
    // revert the TLB tracking state and fail with TDX_OPERAND_BUSY (SEPT_TREE).
    if (!s.septTreeLock().tryExclusive()) {
      s.epochs().countOut(epoch);
      enterFailed(m, TDX_OPERAND_BUSY);
      return;
    }
    v.mode = VcpuContext.Mode.ENTERING;
    InFlightOp.VpEnter op = new InFlightOp.VpEnter(s.mintOpId(), m);
    assert !s.inFlight.containsKey(op.opId) : "op id minted twice: " + op;
    s.inFlight.put(op.opId, op);
    out.continueLater(op.opId);
  }

  /** The rest of td_entry_stepping_filter, then entry; the tree lock is released before the guest runs. */
  void onContinue(InFlightOp.VpEnter op) {
    zeroStepFilter(op, this::epfExpected);
  }

  /** td_entry_stepping_filter over the listed gfns, {@code expected} telling which would still fault. */
  void zeroStepFilter(InFlightOp.VpEnter op, LongPredicate expected) {
    s.inFlight.remove(op.opId);
    VcpuContext v = s.vcpu(op.msg.vcpu());
    assert v.mode == VcpuContext.Mode.ENTERING && !v.lastEpfGfns.isEmpty() : "zero-step filter for " + v;
    assert s.septTreeLock().isExclusive() : "td_entry_stepping_filter without the S-EPT tree lock exclusive";
    for (long gfn : v.lastEpfGfns) {
      if (expected.test(gfn)) {
        // FILTER_FAIL_TDENTER_EPFS: revert the TLB tracking state and emulate an EPT-violation TD exit.
        s.septTreeLock().releaseExclusive();
        s.epochs().countOut(v.countedEpoch);
        assert s.septTreeLock().isFree() : "the zero-step filter released the tree lock before the EPT-violation exit";
        v.mode = VcpuContext.Mode.OUTSIDE;
        s.monitor().observe(new SeamcallCompleted(SeamcallLeaf.TDH_VP_ENTER, gfn, Level.PG_LEVEL_4K, TDX_SUCCESS,
            callerName(v.replyTo)));
        out.reply(v.replyTo, new GuestResult.TdExit(v.id(), ExitReason.EPT_VIOLATION, gfn, null, op.msg.tag()));
        return;
      }
    }
    s.septTreeLock().releaseExclusive();
    assert s.septTreeLock().isFree() : "the tree lock is released before entry";
    enter(v);
  }

  /** is_epf_expected: the guest's walk to gfn would still end in an EPT violation that exits to the host. */
  private boolean epfExpected(long gfn) {
    assert gfn >= 0 && s.septTreeLock().isExclusive() : "is_epf_expected walks under the S-EPT tree lock";
    return !s.config().isPrivate(gfn) || epfExpected(s.config(), s.ept().walkToLeaf(gfn).state());
  }

  /** is_epf_expected for a private gfn whose walk ends in {@code st}. */
  static boolean epfExpected(TdxModuleConfig config, SeptState st) {
    if (SeptRules.guestFullyAccessibleLeaf(st)) return false;
    // A PENDING page with SEPT_VE_DISABLE clear is a convertible violation (#VE), not an exit.
    return !(SeptRules.pendingAndGuestAcceptable(st) && !config.septVeDisable());
  }

  private void enter(VcpuContext v) {
    assert s.lifecycle.keysConfigured() : "TDH.VP.ENTER into a TD whose HKID is being freed: " + v;
    assert v.mode != VcpuContext.Mode.IN_GUEST && v.countedEpoch >= 1 : "entering twice: " + v;
    assert v.countedEpoch >= s.epochs().tdEpoch() - 1 : "entered in a stale epoch: " + v;
    v.mode = VcpuContext.Mode.IN_GUEST;
    v.progressSinceEntry = false;
    v.interruptPending = false;
    v.guestOp = -1;
    s.lifecycle.associate(v.id());
    s.monitor().observe(new VcpuGuestMode(v.id(), true, v.countedEpoch));
    assert v.invariant();
    out.reply(v.replyTo, new GuestResult.TdEntered(v.id(), v.enterTag));
  }

  private void enterFailed(TdxModuleMsg.TdhVpEnter m, TdxStatus st) {
    assert st != TDX_SUCCESS && s.vcpu(m.vcpu()).mode == VcpuContext.Mode.OUTSIDE : "failed entry " + st;
    s.monitor().observe(new SeamcallCompleted(SeamcallLeaf.TDH_VP_ENTER, 0, Level.PG_LEVEL_4K, st,
        callerName(m.replyTo())));
    out.reply(m.replyTo(), new GuestResult.VpEnterFailed(m.vcpu(), st, m.tag()));
  }

  // ------------------------------------------------------------------------------------------ in the guest

  /** A kick: TD exit now, or, while a TDCALL executes, once the TDCALL lets the interrupt in. */
  void onExternalInterrupt(TdxModuleMsg.ExternalInterrupt m) {
    VcpuContext v = s.vcpu(m.vcpu());
    if (!v.inGuest()) return;
    if (v.guestOp >= 0) {
      assert TdxModuleState.isGuestOp(s.inFlight.get(v.guestOp)) : "guest op " + v.guestOp + " not in flight";
      v.interruptPending = true;
      assert v.invariant();
      return;
    }
    tdExit(v, ExitReason.EXTERNAL_INTERRUPT, 0, null, v.enterTag, false);
  }

  /**
   * A guest load/store walks the S-EPT [TDXM td_ept_violation.c]: a MAPPED leaf (or BLOCKEDW for a read)
   * completes; a PENDING leaf injects #VE if SEPT_VE_DISABLE is clear; anything else (PENDING with
   * SEPT_VE_DISABLE set, BLOCKED, FREE, a missing non-leaf) is an EPT-violation TD exit, logged for the
   * zero-step mitigation. There is no TLB in the model: the access always sees the current S-EPT.
   */
  void onGuestMemAccess(TdxModuleMsg.GuestMemAccess m) {
    VcpuContext v = s.vcpu(m.vcpu());
    if (!v.inGuest()) return;
    requireNoGuestOp(v, m);
    assert m.gfn() >= 0 && m.replyTo() != null : m;
    accessWalked(v, m, s.config().isPrivate(m.gfn()) ? s.ept().walkToLeaf(m.gfn()).state() : SeptState.FREE);
  }

  /** The access's walk ended at a leaf in {@code st} (FREE: none, or a shared gfn). */
  void accessWalked(VcpuContext v, TdxModuleMsg.GuestMemAccess m, SeptState st) {
    assert v.inGuest() && v.guestOp < 0 && v.id() == m.vcpu() : m + " completes on " + v;
    if (st == SeptState.MAPPED || (st == SeptState.BLOCKEDW && !m.write())) {
      v.progressSinceEntry = true;
      out.reply(m.replyTo(), new GuestResult.GuestAccessOk(v.id(), m.gfn(), m.tag()));
      return;
    }
    assert !SeptRules.guestFullyAccessibleLeaf(st) : "a MAPPED leaf took the violation path: " + st;
    boolean pending = SeptRules.pendingAndGuestAcceptable(st);
    if (pending && !s.config().septVeDisable()) {
      v.progressSinceEntry = true; // the guest continues in its #VE handler: RIP moves
      out.reply(m.replyTo(), new GuestResult.VirtualizationException(v.id(), m.gfn(), m.tag()));
      return;
    }
    // PENDING with SEPT_VE_DISABLE set: the extended exit qualification says PENDING_EPT_VIOLATION
    tdExit(v, ExitReason.EPT_VIOLATION, m.gfn(), null, m.tag(), true, pending);
  }

  void requireNoGuestOp(VcpuContext v, Object m) {
    assert v.inGuest() : m + " from " + v + ", not in the guest";
    if (v.guestOp >= 0) throw new IllegalStateException(m + " while " + v + " still executes op " + v.guestOp);
  }

  /** A TDCALL returned to the guest with RAX = status (RIP advances); a deferred interrupt exits now. */
  void tdcallReturned(VcpuContext v, TdxModuleMsg.TdgMemPageAccept m, TdxStatus st) {
    assert v.inGuest() && st != null : "TDCALL returns to a vCPU not in the guest: " + v;
    assert m.vcpu() == v.id() : "the TDCALL of vcpu" + m.vcpu() + " returns to " + v;
    assert v.guestOp < 0 || !s.inFlight.containsKey(v.guestOp) : "TDCALL returns with its op in flight: " + v;
    v.guestOp = -1;
    v.progressSinceEntry = true;
    s.monitor().observe(new AcceptCompleted(v.id(), m.gfn(), m.level(), st));
    out.reply(m.replyTo(), new GuestResult.TdcallReturn(v.id(), m.gfn(), m.level(), st, m.tag()));
    if (v.interruptPending) tdExit(v, ExitReason.EXTERNAL_INTERRUPT, 0, null, v.enterTag, false);
  }

  /**
   * TD exit: TDH.VP.ENTER returns. The vCPU is uncounted from its epoch (td_exit.c), the zero-step state is
   * updated (forward progress resets it; a hardware EPT violation on a private gfn is logged).
   */
  void tdExit(VcpuContext v, ExitReason reason, long gfn, Level acceptLevel, long tag, boolean privateEpf) {
    tdExit(v, reason, gfn, acceptLevel, tag, privateEpf, false);
  }

  /** {@code pendingEpt}: a guest access to a PENDING page with SEPT_VE_DISABLE set (EEQ type PENDING_EPT_VIOLATION). */
  void tdExit(VcpuContext v, ExitReason reason, long gfn, Level acceptLevel, long tag, boolean privateEpf,
      boolean pendingEpt) {
    assert v.inGuest() && reason != null : "TD exit of a vCPU not in the guest: " + v;
    assert v.guestOp < 0 || !s.inFlight.containsKey(v.guestOp) : "TD exit with a TDCALL in flight: " + v;
    assert reason != ExitReason.EPT_VIOLATION || gfn >= 0 : "EPT violation without a gfn";
    v.guestOp = -1;
    v.interruptPending = false;
    s.epochs().countOut(v.countedEpoch);
    v.mode = VcpuContext.Mode.OUTSIDE;
    v.resetEpfTrackingIfProgress();
    if (privateEpf) v.logEpf(gfn, s.config().zeroStepThreshold());
    assert v.mode == VcpuContext.Mode.OUTSIDE && v.invariant();
    s.monitor().observe(new VcpuGuestMode(v.id(), false, v.countedEpoch));
    s.monitor().observe(new SeamcallCompleted(SeamcallLeaf.TDH_VP_ENTER, gfn,
        acceptLevel != null ? acceptLevel : Level.PG_LEVEL_4K, TDX_SUCCESS, callerName(v.replyTo)));
    out.reply(v.replyTo, new GuestResult.TdExit(v.id(), reason, gfn, acceptLevel, tag, pendingEpt));
  }

  /** The caller name reported for TDH.VP.ENTER: the vCPU actor's name. */
  static String callerName(ActorRef<?> ref) {
    assert ref != null : "a TDH.VP.ENTER without a replyTo";
    return ref.path().name();
  }
}
