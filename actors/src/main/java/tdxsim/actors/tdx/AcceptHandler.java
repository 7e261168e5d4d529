package tdxsim.actors.tdx;

import static tdxsim.protocol.TdxStatus.TDX_OPERAND_INVALID;

import tdxsim.actors.monitor.SeptObservation.AcceptCompleted;
import tdxsim.protocol.ExitReason;
import tdxsim.protocol.TdxModuleMsg;
import tdxsim.protocol.TdxStatus;

/**
 * TDG.MEM.PAGE.ACCEPT [TDXM tdg_mem_page_accept.c], with the outcomes of domain 1.1:
 * <ul>
 *   <li>(a) the walk stops above the requested level at a guest-accessible leaf (MAPPED, BLOCKEDW), or reaches
 *       the level and finds one: TDX_PAGE_ALREADY_ACCEPTED;</li>
 *   <li>(b) the walk stops above the requested level at a non-accessible leaf (PENDING, BLOCKED, ...) or a
 *       missing non-leaf (FREE, NL_BLOCKED), or reaches the level and finds a non-PENDING leaf or a FREE
 *       entry: EPT-violation TD exit with an ACCEPT extended exit qualification carrying the requested level
 *       (async_tdexit_ept_violation, VMX_EEQ_ACCEPT); not logged for the zero-step mitigation;</li>
 *   <li>(c) the walk reaches the requested level at a non-leaf: TDX_PAGE_SIZE_MISMATCH;</li>
 *   <li>(d) the guest-side entry lock fails: TDX_OPERAND_BUSY, or TDX_OPERAND_BUSY_HOST_PRIORITY when the lock
 *       is free but a host has set the HP bit (sept_lock_acquire_guest);</li>
 *   <li>(e) PENDING at the requested level: the page is zeroed and the entry becomes MAPPED: TDX_SUCCESS.</li>
 * </ul>
 * ACCEPT takes no tree lock. The walk and the entry lock happen on arrival; the checks after the lock, the
 * zeroing and the commit on {@code Continue}. A 2M ACCEPT zeroes {@code accept2mPagesPerStep} pages per step and
 * keeps its progress in the entry's ACCEPT_COUNTER; if an external interrupt is pending after a step, it writes
 * the counter back, releases the entry and lets the interrupt exit the TD without returning from the TDCALL
 * (RAX and RIP untouched): the guest re-executes the ACCEPT after re-entry and continues from the counter. The
 * S-EPT side is {@link AcceptSteps}; this class is the vCPU's side and runs the steps inline.
 */
final class AcceptHandler {
  private final TdxModuleState s;
  private final Outbox out;
  private final GuestHandler guest;
  private final AcceptSteps steps;

  AcceptHandler(TdxModuleState s, Outbox out, GuestHandler guest) {
    assert s != null && out != null && guest != null : "an ACCEPT handler without a module";
    this.s = s;
    this.out = out;
    this.guest = guest;
    this.steps = new AcceptSteps(s.ept());
  }

  void onAccept(TdxModuleMsg.TdgMemPageAccept m) {
    VcpuContext v = s.vcpu(m.vcpu());
    if (!v.inGuest()) return; // taken out of the guest before it executed the TDCALL
    guest.requireNoGuestOp(v, m);
    assert !v.interruptPending && v.invariant() : "an interrupt deferred with no TDCALL executing: " + v;
    if (!AcceptSteps.operandsValid(s.config(), m)) {
      guest.tdcallReturned(v, m, TDX_OPERAND_INVALID);
      return;
    }
    AcceptSteps.Result r = steps.walk(m);
    if (r.end() == AcceptSteps.End.WALKED) r = steps.lock(s.mintOpId(), m, r.entry());
    if (r.end() != AcceptSteps.End.ACQUIRED) {
      end(v, m, r.end(), r.status());
      return;
    }
    SeptEntry e = r.entry();
    InFlightOp.Accept op = new InFlightOp.Accept(e.lockHolder, m, e);
    assert e.isLocked() && !s.inFlight.containsKey(op.opId) : e;
    s.inFlight.put(op.opId, op);
    v.guestOp = op.opId;
    out.continueLater(op.opId);
  }

  void onContinue(InFlightOp.Accept op) {
    TdxModuleMsg.TdgMemPageAccept m = op.msg;
    VcpuContext v = s.vcpu(m.vcpu());
    assert v.inGuest() && v.guestOp == op.opId : "ACCEPT continues on " + v + " that no longer executes op " + op;
    assert s.inFlight.get(op.opId) == op : op + " is not in flight";
    AcceptSteps.Result r = steps.step(op.opId, m, op.entry, v.interruptPending);
    if (r.end() == AcceptSteps.End.MORE) {
      out.continueLater(op.opId); // still holding the entry lock
      return;
    }
    s.inFlight.remove(op.opId);
    v.guestOp = -1;
    assert !op.entry.isLocked() : op + " ended holding " + op.entry;
    end(v, m, r.end(), r.status());
  }

  /** The vCPU's side of an ACCEPT that ended: the TDCALL returns, or the TD exits (case (b), or the interrupt). */
  void end(VcpuContext v, TdxModuleMsg.TdgMemPageAccept m, AcceptSteps.End end, TdxStatus status) {
    assert v.guestOp < 0 : v + " still executes an op when its ACCEPT ends";
    switch (end) {
      case RETURNED -> guest.tdcallReturned(v, m, status);
      case VIOLATION -> violation(v, m);
      case INTERRUPTED -> {
        s.monitor().observe(new AcceptCompleted(v.id(), m.gfn(), m.level(), null));
        guest.tdExit(v, ExitReason.EXTERNAL_INTERRUPT, 0, null, m.tag(), false);
      }
      default -> throw new IllegalStateException("an ACCEPT of " + v + " ended " + end);
    }
  }

  /** Case (b): EPT-violation TD exit with the ACCEPT extended exit qualification (requested level). */
  private void violation(VcpuContext v, TdxModuleMsg.TdgMemPageAccept m) {
    assert v.guestOp < 0 && SeptRules.acceptLevelValid(m.level()) : "case (b) after the op ended: " + v;
    s.monitor().observe(new AcceptCompleted(v.id(), m.gfn(), m.level(), null));
    guest.tdExit(v, ExitReason.EPT_VIOLATION, m.gfn(), m.level(), m.tag(), false);
  }
}
