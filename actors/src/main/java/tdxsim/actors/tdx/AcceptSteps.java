package tdxsim.actors.tdx;

import static tdxsim.protocol.TdxStatus.TDX_OPERAND_BUSY;
import static tdxsim.protocol.TdxStatus.TDX_OPERAND_BUSY_HOST_PRIORITY;
import static tdxsim.protocol.TdxStatus.TDX_PAGE_ALREADY_ACCEPTED;
import static tdxsim.protocol.TdxStatus.TDX_PAGE_SIZE_MISMATCH;
import static tdxsim.protocol.TdxStatus.TDX_SUCCESS;

import tdxsim.protocol.Level;
import tdxsim.protocol.SeptState;
import tdxsim.protocol.TdxModuleMsg.TdgMemPageAccept;
import tdxsim.protocol.TdxStatus;

/**
 * The S-EPT side of TDG.MEM.PAGE.ACCEPT [TDXM tdg_mem_page_accept.c]: the walk, the guest-side entry lock and the
 * steps under it (cases (a)-(e) of {@link AcceptHandler}). {@link AcceptHandler} runs it inline in the one-actor
 * module, a {@link SeptShard} for the gfns of its regions; either way the vCPU's side (TDCALL return, TD exit) is
 * {@link AcceptHandler#end}'s.
 */
final class AcceptSteps {
  /** How a part of an ACCEPT ended. */
  enum End {
    /** The walk reached the requested level: lock the entry. */
    WALKED,
    /** The entry's guest-side lock is held: step. */
    ACQUIRED,
    /** A step left the entry locked: step again. */
    MORE,
    /** The TDCALL returns to the guest with {@link Result#status}. */
    RETURNED,
    /** Case (b): an EPT-violation TD exit with the ACCEPT extended exit qualification. */
    VIOLATION,
    /** A 2M ACCEPT left the entry (progress kept) to let a pending interrupt exit the TD. */
    INTERRUPTED
  }

  record Result(End end, TdxStatus status, SeptEntry entry) {
    Result {
      assert (end == End.RETURNED) == (status != null) : end + " with status " + status;
      assert (end == End.WALKED || end == End.ACQUIRED) == (entry != null) : end + " on " + entry;
    }

    static Result returned(TdxStatus st) {
      return new Result(End.RETURNED, st, null);
    }
  }

  private static final Result MORE = new Result(End.MORE, null, null);
  private static final Result VIOLATION = new Result(End.VIOLATION, null, null);
  private static final Result INTERRUPTED = new Result(End.INTERRUPTED, null, null);

  private final SecureEpt ept;
  private final TdxModuleConfig config;

  AcceptSteps(SecureEpt ept) {
    assert ept != null : "ACCEPT steps without an S-EPT";
    this.ept = ept;
    this.config = ept.config();
  }

  /** The TDCALL's operand checks: 4K or 2M, aligned, private; else TDX_OPERAND_INVALID. */
  static boolean operandsValid(TdxModuleConfig config, TdgMemPageAccept m) {
    Level level = m.level();
    return SeptRules.acceptLevelValid(level) && level.isAligned(m.gfn()) && config.isPrivate(m.gfn());
  }

  /** The walk: "SEPT walk fails only when reached level is smaller than requested level" (a larger page). */
  Result walk(TdgMemPageAccept m) {
    assert operandsValid(config, m) : m + " walks with invalid operands";
    SecureEpt.Walk w = ept.walk(m.gfn(), m.level());
    if (w.reached(m.level())) return new Result(End.WALKED, null, w.entry());
    // (a) case 1.1, or (b) cases 1.2 and 2
    return SeptRules.guestAccessibleLeaf(w.state()) ? Result.returned(TDX_PAGE_ALREADY_ACCEPTED) : VIOLATION;
  }

  /** sept_lock_acquire_guest: (d) BUSY, or BUSY_HOST_PRIORITY when the lock is free but a host set HP. */
  Result lock(long opId, TdgMemPageAccept m, SeptEntry e) {
    assert e.level() == m.level() && e.gfn() == m.gfn() : "the walk reached " + e + " for " + m;
    return switch (e.tryLockGuest(opId)) {
      case BUSY -> Result.returned(TDX_OPERAND_BUSY);
      case BUSY_HOST_PRIORITY -> Result.returned(TDX_OPERAND_BUSY_HOST_PRIORITY);
      case ACQUIRED -> new Result(End.ACQUIRED, null, e);
    };
  }

  /**
   * One step under the entry's guest-side lock: the checks after the lock, the zeroing, the commit. Unless it
   * returns MORE, the entry is released (written back if it changed).
   */
  Result step(long opId, TdgMemPageAccept m, SeptEntry e, boolean interruptPending) {
    assert e.isLocked() && e.lockHolder == opId && m.level().isAligned(e.gfn()) : "ACCEPT steps on " + e;
    SeptState st = e.state();
    if (st != SeptState.FREE && st.isNonLeaf()) return release(opId, e, false, Result.returned(TDX_PAGE_SIZE_MISMATCH));
    if (SeptRules.guestAccessibleLeaf(st)) return release(opId, e, false, Result.returned(TDX_PAGE_ALREADY_ACCEPTED));
    if (!SeptRules.acceptAllowed(st)) return release(opId, e, false, VIOLATION); // (b) at the requested level
    if (m.level() == Level.PG_LEVEL_4K) {
      ept.accepted(e); // init_sept_4k_page, then PENDING -> MAPPED
      return release(opId, e, true, Result.returned(TDX_SUCCESS)); // (e)
    }
    int pages = Math.min(config.accept2mPagesPerStep(), 512 - e.acceptCounter);
    e.acceptCounter += pages;
    assert pages > 0 && e.acceptCounter <= 512 : "ACCEPT_COUNTER " + e.acceptCounter;
    if (e.acceptCounter == 512) {
      ept.accepted(e); // ACCEPT_COUNTER back to 0, PENDING -> MAPPED
      return release(opId, e, true, Result.returned(TDX_SUCCESS)); // (e)
    }
    // Interrupted: write the entry back with its ACCEPT_COUNTER, release it, take the interrupt.
    return interruptPending ? release(opId, e, true, INTERRUPTED) : MORE;
  }

  private static Result release(long opId, SeptEntry e, boolean wroteEntry, Result r) {
    assert e.lockHolder == opId : "op " + opId + " releases " + e;
    e.unlock(opId, wroteEntry);
    assert !e.isLocked() && e.invariant() : e;
    return r;
  }
}
