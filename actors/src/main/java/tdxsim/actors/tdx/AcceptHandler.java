package tdxsim.actors.tdx;

import static tdxsim.protocol.TdxStatus.TDX_OPERAND_BUSY;
import static tdxsim.protocol.TdxStatus.TDX_OPERAND_BUSY_HOST_PRIORITY;
import static tdxsim.protocol.TdxStatus.TDX_OPERAND_INVALID;
import static tdxsim.protocol.TdxStatus.TDX_PAGE_ALREADY_ACCEPTED;
import static tdxsim.protocol.TdxStatus.TDX_PAGE_SIZE_MISMATCH;
import static tdxsim.protocol.TdxStatus.TDX_SUCCESS;

import tdxsim.actors.monitor.SeptObservation.AcceptCompleted;
import tdxsim.protocol.ExitReason;
import tdxsim.protocol.Level;
import tdxsim.protocol.SeptState;
import tdxsim.protocol.TdxModuleMsg;

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
 * (RAX and RIP untouched): the guest re-executes the ACCEPT after re-entry and continues from the counter.
 */
final class AcceptHandler {
  private final TdxModuleState s;
  private final Outbox out;
  private final GuestHandler guest;

  AcceptHandler(TdxModuleState s, Outbox out, GuestHandler guest) {
    assert s != null && out != null && guest != null : "an ACCEPT handler without a module";
    this.s = s;
    this.out = out;
    this.guest = guest;
  }

  void onAccept(TdxModuleMsg.TdgMemPageAccept m) {
    VcpuContext v = s.vcpu(m.vcpu());
    if (!v.inGuest()) return; // taken out of the guest before it executed the TDCALL
    guest.requireNoGuestOp(v, m);
    assert !v.interruptPending && v.invariant() : "an interrupt deferred with no TDCALL executing: " + v;
    Level level = m.level();
    if (!SeptRules.acceptLevelValid(level) || !level.isAligned(m.gfn()) || !s.config().isPrivate(m.gfn())) {
      guest.tdcallReturned(v, m, TDX_OPERAND_INVALID);
      return;
    }
    SecureEpt.Walk w = s.ept().walk(m.gfn(), level);
    if (!w.reached(level)) {
      // "SEPT walk fails only when reached level is smaller than requested level" (a larger page).
      if (SeptRules.guestAccessibleLeaf(w.state())) {
        guest.tdcallReturned(v, m, TDX_PAGE_ALREADY_ACCEPTED); // (a) case 1.1
      } else {
        violation(v, m); // (b) cases 1.2 and 2
      }
      return;
    }
    SeptEntry e = w.entry();
    assert e.level() == level && e.gfn() == m.gfn() : "the walk reached " + e + " for " + m;
    long opId = s.mintOpId();
    switch (e.tryLockGuest(opId)) {
      case BUSY -> guest.tdcallReturned(v, m, TDX_OPERAND_BUSY); // (d)
      case BUSY_HOST_PRIORITY -> guest.tdcallReturned(v, m, TDX_OPERAND_BUSY_HOST_PRIORITY); // (d)
      case ACQUIRED -> {
        InFlightOp.Accept op = new InFlightOp.Accept(opId, m, e);
        assert e.isLocked() && !s.inFlight.containsKey(opId) : e;
        s.inFlight.put(opId, op);
        v.guestOp = opId;
        out.continueLater(opId);
      }
    }
  }

  void onContinue(InFlightOp.Accept op) {
    TdxModuleMsg.TdgMemPageAccept m = op.msg;
    VcpuContext v = s.vcpu(m.vcpu());
    SeptEntry e = op.entry;
    assert v.inGuest() && v.guestOp == op.opId : "ACCEPT continues on " + v + " that no longer executes op " + op;
    assert s.inFlight.get(op.opId) == op : op + " is not in flight";
    assert e.isLocked() && m.level().isAligned(e.gfn()) : "ACCEPT commits on an entry it does not hold: " + e;
    SeptState st = e.state();
    if (st != SeptState.FREE && st.isNonLeaf()) {
      done(op, v, false);
      guest.tdcallReturned(v, m, TDX_PAGE_SIZE_MISMATCH); // (c) case 3
    } else if (SeptRules.guestAccessibleLeaf(st)) {
      done(op, v, false);
      guest.tdcallReturned(v, m, TDX_PAGE_ALREADY_ACCEPTED); // (a) at the requested level
    } else if (!SeptRules.acceptAllowed(st)) {
      done(op, v, false);
      violation(v, m); // (b) FREE / BLOCKED / PENDING_BLOCKED ... at the requested level
    } else if (m.level() == Level.PG_LEVEL_4K) {
      s.ept().accepted(e); // init_sept_4k_page, then PENDING -> MAPPED
      done(op, v, true);
      guest.tdcallReturned(v, m, TDX_SUCCESS); // (e)
    } else {
      int pages = Math.min(s.config().accept2mPagesPerStep(), 512 - e.acceptCounter);
      e.acceptCounter += pages;
      assert pages > 0 && e.acceptCounter <= 512 : "ACCEPT_COUNTER " + e.acceptCounter;
      if (e.acceptCounter == 512) {
        s.ept().accepted(e); // ACCEPT_COUNTER back to 0, PENDING -> MAPPED
        done(op, v, true);
        guest.tdcallReturned(v, m, TDX_SUCCESS); // (e)
      } else if (v.interruptPending) {
        // Interrupted: write the entry back with its ACCEPT_COUNTER, release it, take the interrupt.
        done(op, v, true);
        s.monitor().observe(new AcceptCompleted(v.id(), m.gfn(), m.level(), null));
        guest.tdExit(v, ExitReason.EXTERNAL_INTERRUPT, 0, null, m.tag(), false);
      } else {
        out.continueLater(op.opId); // still holding the entry lock
      }
    }
  }

  private void done(InFlightOp.Accept op, VcpuContext v, boolean wroteEntry) {
    assert v.guestOp == op.opId : v + " is not executing " + op;
    assert s.inFlight.get(op.opId) == op && op.entry.lockHolder == op.opId : op + " ends without holding " + op.entry;
    s.inFlight.remove(op.opId);
    op.entry.unlock(op.opId, wroteEntry);
    v.guestOp = -1;
    assert !op.entry.isLocked() && op.entry.invariant() : op.entry;
  }

  /** Case (b): EPT-violation TD exit with the ACCEPT extended exit qualification (requested level). */
  private void violation(VcpuContext v, TdxModuleMsg.TdgMemPageAccept m) {
    assert v.guestOp < 0 && SeptRules.acceptLevelValid(m.level()) : "case (b) after the op ended: " + v;
    s.monitor().observe(new AcceptCompleted(v.id(), m.gfn(), m.level(), null));
    guest.tdExit(v, ExitReason.EPT_VIOLATION, m.gfn(), m.level(), m.tag(), false);
  }
}
