package tdxsim.actors.tdx;

import static tdxsim.protocol.TdxStatus.TDX_OPERAND_BUSY;
import static tdxsim.protocol.TdxStatus.TDX_OPERAND_INVALID;
import static tdxsim.protocol.TdxStatus.TDX_OP_STATE_INCORRECT;
import static tdxsim.protocol.TdxStatus.TDX_PREVIOUS_TLB_EPOCH_BUSY;
import static tdxsim.protocol.TdxStatus.TDX_SUCCESS;

import java.util.ArrayList;
import java.util.List;
import tdxsim.actors.monitor.SeptObservation.NonBlockingDemote;
import tdxsim.actors.monitor.SeptObservation.SeamcallCompleted;
import tdxsim.actors.monitor.SeptObservation.TdEpochAdvanced;
import tdxsim.actors.monitor.SeptObservation.TdRunnable;
import tdxsim.actors.tdx.InFlightOp.Hold;
import tdxsim.protocol.Level;
import tdxsim.protocol.SeamcallLeaf;
import tdxsim.protocol.SeamcallResult;
import tdxsim.protocol.TdxModuleMsg;
import tdxsim.protocol.TdxStatus;

/**
 * The host SEAMCALLs on the S-EPT, TDH.MEM.TRACK and TDH.MR.FINALIZE.
 *
 * <p>Each runs in two steps, because a SEAMCALL is not atomic in time. <b>Acquire</b> (on arrival) does what
 * the module does before it can fail on a contended lock, in the module's order: TDR lock (shared, or
 * exclusive for PAGE.ADD / MR.FINALIZE), OP_STATE check, operand checks (verify_page_info_input,
 * check_gpa_validity), S-EPT tree lock (lock_sept_check_and_walk_private_gpa), the walk, and the host-side
 * entry lock (sept_lock_acquire_host). Any failure releases what was taken and replies at once. <b>Work</b>
 * (on the op's {@code Continue}) does the state / BLOCK / TRACK checks, the commit, releases the locks and
 * replies. A request arriving in between sees the locks held and gets TDX_OPERAND_BUSY where the real module
 * would return it. The S-EPT side (the walk, the entry lock, the work on the entry) is {@link SeptWork}: inline
 * here in the one-actor module; in the sharded module ({@code septWork} null) the front forwards the op to the
 * gfn's {@link SeptShard} instead of continuing it, and completes it on the shard's {@code SeptDone}.
 *
 * <p>TDH.PHYMEM.PAGE.WBINVD touches no S-EPT state and no lock the model has (only the page's PAMT entry,
 * shared), so it is one step; it succeeds unless a failure is injected
 * ({@link TdxModuleConfig#failPageWbinvd()}).
 */
final class SeamcallHandlers {
  private final TdxModuleState s;
  private final Outbox out;
  /** The S-EPT side run inline, or null when shards run it (the sharded module's front). */
  private final SeptWork septWork;

  SeamcallHandlers(TdxModuleState s, Outbox out, SeptWork septWork) {
    this.s = s;
    this.out = out;
    this.septWork = septWork;
    assert s != null && out != null : "SEAMCALL handlers without the module state or the outbox";
    assert septWork == null || septWork.ept() == s.ept() : "the inline S-EPT work is on another S-EPT";
  }

  void onSeamcall(TdxModuleMsg.Seamcall m) {
    if (m instanceof TdxModuleMsg.TdhMemPageDemoteNonBlocking) {
      s.monitor().observe(new NonBlockingDemote(m.gfn(), m.level()));
    }
    if (m instanceof TdxModuleMsg.TdhPhymemPageWbinvd) {
      // fault injection: the n-th flush fails on its PAMT entry's lock and flushes nothing
      // [TDXM tdh_phymem_page_wbinvd.c]; KVM no longer retries it [LNX tdx.c tdx_sept_remove_private_spte]
      boolean fail = ++s.pageWbinvds == s.config().failPageWbinvd();
      finish(m, fail ? TDX_OPERAND_BUSY : TDX_SUCCESS);
      return;
    }
    TdxStatus teardown = s.lifecycle.handle(m);
    if (teardown != null) {
      finish(m, teardown);
      return;
    }
    InFlightOp.Seamcall op = new InFlightOp.Seamcall(s.mintOpId(), m);
    TdxStatus failed = acquire(op);
    if (failed == null && op.needsEntry() && septWork != null) failed = septWork.acquireEntry(op.sept);
    if (failed != null) {
      release(op, false);
      assert op.sept.entry == null || op.sept.entry.lockHolder != op.opId : op + " failed and left an entry locked";
      finish(m, failed);
      return;
    }
    assert op.holds(s) && !s.inFlight.containsKey(op.opId) : op + " in flight without its locks";
    assert !(m instanceof TdxModuleMsg.TdhMemPageAdd) || s.tdrLock().isExclusive() : "PAGE.ADD under TDR shared";
    s.inFlight.put(op.opId, op);
    out.continueLater(op.opId);
  }

  /** The op's work: TRACK / MR.FINALIZE, or (one-actor module) the S-EPT work inline. */
  void onContinue(InFlightOp.Seamcall op) {
    assert op.tdrLock != Hold.NONE && !s.tdrLock().isFree() : op + " continues without the TDR lock";
    assert !op.needsEntry() || septWork != null : op + " continued in a front: its shard does its work";
    s.inFlight.remove(op.opId);
    SeptWork.Outcome o = work(op);
    release(op, o.wroteEntry());
    assert op.tdrLock == Hold.NONE && !op.epochLock && !op.sept.entryLocked : op + " returned holding a lock";
    finish(op.msg, o.status());
  }

  /** The sharded module's front: the op's shard has released the entry; release the TD-wide locks and reply. */
  void onSeptDone(InFlightOp.Seamcall op, TdxStatus status) {
    assert septWork == null && op.needsEntry() : op + " done in a shard of a module that has none";
    assert status != null && s.inFlight.get(op.opId) == op : op + " is not in flight";
    s.inFlight.remove(op.opId);
    release(op, false);
    assert op.tdrLock == Hold.NONE && op.treeLock == Hold.NONE : op + " returned holding a lock";
    finish(op.msg, status);
  }

  /** is_interrupt_pending_host_side for every in-flight SEAMCALL issued with {@code tag}; their ops, in order. */
  List<InFlightOp.Seamcall> onHostInterrupt(long tag) {
    List<InFlightOp.Seamcall> marked = new ArrayList<>(1);
    for (InFlightOp op : s.inFlight.values()) {
      if (op instanceof InFlightOp.Seamcall sc && sc.msg.caller().tag() == tag) {
        sc.sept.hostInterruptPending = true;
        marked.add(sc);
      }
    }
    return marked;
  }

  // ------------------------------------------------------------------------------------------ acquire

  /**
   * The TD-wide part; returns the failure status, or null if every TD-wide lock was taken (the S-EPT side's walk
   * and entry lock follow, in {@link SeptWork#acquireEntry}).
   */
  private TdxStatus acquire(InFlightOp.Seamcall op) {
    TdxModuleMsg.Seamcall m = op.msg;
    SeamcallLeaf leaf = m.leaf();
    assert op.tdrLock == Hold.NONE && op.sept.entry == null && !op.sept.entryLocked : op + " acquires twice";
    // check_lock_and_map_explicit_tdr: TDR shared, except PAGE.ADD and MR.FINALIZE (exclusive).
    boolean tdrExclusive = leaf == SeamcallLeaf.TDH_MEM_PAGE_ADD || leaf == SeamcallLeaf.TDH_MR_FINALIZE;
    if (tdrExclusive ? !s.tdrLock().tryExclusive() : !s.tdrLock().tryShared()) return TDX_OPERAND_BUSY;
    op.tdrLock = tdrExclusive ? Hold.EXCLUSIVE : Hold.SHARED;

    // check_state_map_tdcs_and_lock: check_td_in_correct_build_state (TDR lifecycle), then
    // seamcall_state_lookup[leaf][OP_STATE] [TDXM helpers.c].
    if (!s.lifecycle.keysConfigured()) return TdxStatus.TDX_TD_KEYS_NOT_CONFIGURED;
    if (!SeptRules.opStateAllowed(leaf, s.opState())) return TDX_OP_STATE_INCORRECT;

    if (leaf == SeamcallLeaf.TDH_MR_FINALIZE) return null;
    if (leaf == SeamcallLeaf.TDH_MEM_TRACK) {
      // [TDXM tdh_mem_track.c] acquire_sharex_lock_ex(epoch_lock), else TDX_OPERAND_BUSY (TD_EPOCH).
      if (!s.epochs().epochLock().tryExclusive()) return TDX_OPERAND_BUSY;
      op.epochLock = true;
      return null;
    }

    // verify_page_info_input(min, max) and check_gpa_validity.
    Level level = m.level();
    if (level.ordinal() < SeptRules.minLevel(leaf).ordinal()
        || level.ordinal() > SeptRules.maxLevel(leaf).ordinal()
        || !level.isAligned(m.gfn())
        || !s.config().isPrivate(m.gfn())) {
      return TDX_OPERAND_INVALID;
    }

    // lock_sept_check_and_walk_private_gpa. PAGE.ADD walks without it: "SEPT tree is implicitly locked in
    // exclusive mode, since TDR is exclusively locked" [TDXM tdh_mem_page_add.c].
    if (leaf != SeamcallLeaf.TDH_MEM_PAGE_ADD) {
      Hold mode = SeptRules.treeLockMode(leaf);
      boolean ok = mode == Hold.EXCLUSIVE ? s.septTreeLock().tryExclusive() : s.septTreeLock().tryShared();
      if (!ok) return TDX_OPERAND_BUSY;
      op.treeLock = mode;
    }
    return null;
  }

  private void release(InFlightOp.Seamcall op, boolean wroteEntry) {
    if (septWork != null) septWork.releaseEntry(op.sept, wroteEntry);
    assert !op.sept.entryLocked : op + " keeps its entry lock past its release";
    if (op.treeLock == Hold.SHARED) s.septTreeLock().releaseShared();
    if (op.treeLock == Hold.EXCLUSIVE) s.septTreeLock().releaseExclusive();
    op.treeLock = Hold.NONE;
    if (op.epochLock) s.epochs().epochLock().releaseExclusive();
    op.epochLock = false;
    if (op.tdrLock == Hold.SHARED) s.tdrLock().releaseShared();
    if (op.tdrLock == Hold.EXCLUSIVE) s.tdrLock().releaseExclusive();
    op.tdrLock = Hold.NONE;
  }

  private void finish(TdxModuleMsg.Seamcall m, TdxStatus status) {
    TdxModuleMsg.Caller c = m.caller();
    assert status != null && c.replyTo() != null : m + " completes without a status or a caller";
    s.monitor().observe(new SeamcallCompleted(m.leaf(), m.gfn(), m.level(), status, c.name()));
    out.reply(c.replyTo(), new SeamcallResult(m.leaf(), m.gfn(), m.level(), status, c.tag()));
  }

  // ------------------------------------------------------------------------------------------ work

  private SeptWork.Outcome work(InFlightOp.Seamcall op) {
    TdxModuleMsg.Seamcall m = op.msg;
    if (m instanceof TdxModuleMsg.TdhMrFinalize) return mrFinalize();
    if (m instanceof TdxModuleMsg.TdhMemTrack) return track();
    assert m instanceof TdxModuleMsg.TdhMemPageAdd || !s.septTreeLock().isFree() : m + " without the S-EPT tree lock";
    return septWork.work(op.sept, s.liveEpochs());
  }

  /** [TDXM tdh_mr_finalize.c] OP_STATE = RUNNABLE. */
  private SeptWork.Outcome mrFinalize() {
    assert s.tdrLock().isExclusive() : "TDH.MR.FINALIZE holds the TDR lock exclusive (check_lock_and_map_explicit_tdr)";
    assert s.opState == TdOpState.INITIALIZED : s.opState;
    s.opState = TdOpState.RUNNABLE;
    s.monitor().observe(new TdRunnable());
    return SeptWork.Outcome.of(TDX_SUCCESS);
  }

  /** [TDXM tdh_mem_track.c] no vCPU may still be counted in the previous epoch; then td_epoch++. */
  private SeptWork.Outcome track() {
    assert s.epochs().epochLock().isExclusive() : "TDH.MEM.TRACK without the epoch lock exclusive";
    if (s.epochs().previousEpochBusy()) return SeptWork.Outcome.of(TDX_PREVIOUS_TLB_EPOCH_BUSY);
    long epoch = s.epochs().advance();
    s.monitor().observe(new TdEpochAdvanced(epoch));
    return SeptWork.Outcome.of(TDX_SUCCESS);
  }
}
