package tdxsim.actors.tdx;

import static tdxsim.protocol.TdxStatus.TDX_EPT_ENTRY_STATE_INCORRECT;
import static tdxsim.protocol.TdxStatus.TDX_EPT_INVALID_PROMOTE_CONDITIONS;
import static tdxsim.protocol.TdxStatus.TDX_EPT_WALK_FAILED;
import static tdxsim.protocol.TdxStatus.TDX_GPA_RANGE_ALREADY_BLOCKED;
import static tdxsim.protocol.TdxStatus.TDX_GPA_RANGE_NOT_BLOCKED;
import static tdxsim.protocol.TdxStatus.TDX_INTERRUPTED_RESTARTABLE;
import static tdxsim.protocol.TdxStatus.TDX_OPERAND_BUSY;
import static tdxsim.protocol.TdxStatus.TDX_OPERAND_INVALID;
import static tdxsim.protocol.TdxStatus.TDX_OP_STATE_INCORRECT;
import static tdxsim.protocol.TdxStatus.TDX_PREVIOUS_TLB_EPOCH_BUSY;
import static tdxsim.protocol.TdxStatus.TDX_SUCCESS;
import static tdxsim.protocol.TdxStatus.TDX_TLB_TRACKING_NOT_DONE;

import java.util.ArrayList;
import java.util.List;
import tdxsim.actors.monitor.SeptObservation;
import tdxsim.actors.monitor.SeptObservation.SeamcallCompleted;
import tdxsim.actors.monitor.SeptObservation.TdEpochAdvanced;
import tdxsim.actors.monitor.SeptObservation.TdRunnable;
import tdxsim.actors.tdx.InFlightOp.Hold;
import tdxsim.protocol.Level;
import tdxsim.protocol.SeamcallLeaf;
import tdxsim.protocol.SeamcallResult;
import tdxsim.protocol.SeptState;
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
 * would return it.
 *
 * <p>TDH.PHYMEM.PAGE.WBINVD touches no S-EPT state and no lock the model has (only the page's PAMT entry,
 * shared), so it is one step; it succeeds unless a failure is injected
 * ({@link TdxModuleConfig#failPageWbinvd()}).
 */
final class SeamcallHandlers {
  private final TdxModuleState s;
  private final Outbox out;

  SeamcallHandlers(TdxModuleState s, Outbox out) {
    this.s = s;
    this.out = out;
    assert s != null && out != null : "SEAMCALL handlers without the module state or the outbox";
  }

  void onSeamcall(TdxModuleMsg.Seamcall m) {
    if (m instanceof TdxModuleMsg.TdhMemPageDemoteNonBlocking) {
      s.monitor().observe(new SeptObservation.NonBlockingDemote(m.gfn(), m.level()));
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
    if (failed != null) {
      release(op, false);
      assert op.entry == null || op.entry.lockHolder != op.opId : op + " failed and left " + op.entry + " locked";
      finish(m, failed);
      return;
    }
    assert op.holds(s) && !s.inFlight.containsKey(op.opId) : op + " in flight without its locks";
    s.inFlight.put(op.opId, op);
    out.continueLater(op.opId);
  }

  void onContinue(InFlightOp.Seamcall op) {
    assert op.tdrLock != Hold.NONE && !s.tdrLock().isFree() : op + " continues without the TDR lock";
    s.inFlight.remove(op.opId);
    Outcome o = work(op);
    release(op, o.wroteEntry);
    assert op.tdrLock == Hold.NONE && !op.epochLock && !op.entryLocked : op + " returned holding a lock";
    finish(op.msg, o.status);
  }

  /** is_interrupt_pending_host_side for every in-flight SEAMCALL issued with {@code tag}. */
  void onHostInterrupt(long tag) {
    for (InFlightOp op : s.inFlight.values()) {
      if (op instanceof InFlightOp.Seamcall sc && sc.msg.caller().tag() == tag) sc.hostInterruptPending = true;
    }
  }

  // ------------------------------------------------------------------------------------------ acquire

  /** Returns the failure status, or null if every lock was taken (and the walk reached the level). */
  private TdxStatus acquire(InFlightOp.Seamcall op) {
    TdxModuleMsg.Seamcall m = op.msg;
    SeamcallLeaf leaf = m.leaf();
    assert op.tdrLock == Hold.NONE && op.entry == null && !op.entryLocked : op + " acquires twice";

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
    SecureEpt.Walk w = s.ept().walk(m.gfn(), level);
    if (!w.reached(level)) return TDX_EPT_WALK_FAILED;
    op.entry = w.entry();

    // sept_lock_acquire_host: failure sets the entry's HP bit [TDXM tdx_locks.h].
    if (leaf != SeamcallLeaf.TDH_MEM_PAGE_ADD) {
      if (!op.entry.tryLockHost(op.opId)) {
        op.entry = null;
        return TDX_OPERAND_BUSY;
      }
      op.entryLocked = true;
    }
    return null;
  }

  private void release(InFlightOp.Seamcall op, boolean wroteEntry) {
    if (op.entryLocked) {
      op.entry.unlock(op.opId, wroteEntry);
      op.entryLocked = false;
    }
    if (op.treeLock == Hold.SHARED) s.septTreeLock().releaseShared();
    if (op.treeLock == Hold.EXCLUSIVE) s.septTreeLock().releaseExclusive();
    op.treeLock = Hold.NONE;
    if (op.epochLock) s.epochs().epochLock().releaseExclusive();
    op.epochLock = false;
    if (op.tdrLock == Hold.SHARED) s.tdrLock().releaseShared();
    if (op.tdrLock == Hold.EXCLUSIVE) s.tdrLock().releaseExclusive();
    op.tdrLock = Hold.NONE;
    assert op.entry == null || op.entry.invariant() : op.entry; // the committed (or untouched) entry
  }

  private void finish(TdxModuleMsg.Seamcall m, TdxStatus status) {
    TdxModuleMsg.Caller c = m.caller();
    assert status != null && c.replyTo() != null : m + " completes without a status or a caller";
    s.monitor().observe(new SeamcallCompleted(m.leaf(), m.gfn(), m.level(), status, c.name()));
    out.reply(c.replyTo(), new SeamcallResult(m.leaf(), m.gfn(), m.level(), status, c.tag()));
  }

  // ------------------------------------------------------------------------------------------ work

  private record Outcome(TdxStatus status, boolean wroteEntry) {
    static Outcome of(TdxStatus st) {
      return new Outcome(st, false);
    }

    static Outcome committed() {
      return new Outcome(TDX_SUCCESS, true);
    }
  }

  private Outcome work(InFlightOp.Seamcall op) {
    TdxModuleMsg.Seamcall m = op.msg;
    if (m instanceof TdxModuleMsg.TdhMrFinalize) return mrFinalize();
    if (m instanceof TdxModuleMsg.TdhMemTrack) return track();
    SeptEntry e = op.entry;
    boolean pageAdd = m instanceof TdxModuleMsg.TdhMemPageAdd;
    assert e != null && (pageAdd || op.entryLocked && e.isLocked()) : "entry not locked by " + m;
    assert pageAdd || !s.septTreeLock().isFree() : m + " without the S-EPT tree lock";
    if (m instanceof TdxModuleMsg.TdhMemPageAdd add) return pageAdd(e, add);
    if (m instanceof TdxModuleMsg.TdhMemSeptAdd add) return septAdd(e, add);
    if (m instanceof TdxModuleMsg.TdhMemPageAug aug) return aug(e, aug);
    if (m instanceof TdxModuleMsg.TdhMemRangeBlock) return block(e);
    if (m instanceof TdxModuleMsg.TdhMemRangeUnblock) return unblock(e);
    if (m instanceof TdxModuleMsg.TdhMemPageRemove) return remove(e);
    if (m instanceof TdxModuleMsg.TdhMemPageDemote d) return demote(op, e, d);
    if (m instanceof TdxModuleMsg.TdhMemPageDemoteNonBlocking d) return demoteNonBlocking(op, e, d);
    if (m instanceof TdxModuleMsg.TdhMemPagePromote) return promote(op, e);
    throw new IllegalStateException("unhandled SEAMCALL " + m);
  }

  /** [TDXM tdh_mr_finalize.c] OP_STATE = RUNNABLE. */
  private Outcome mrFinalize() {
    assert s.tdrLock().isExclusive() : "TDH.MR.FINALIZE holds the TDR lock exclusive (check_lock_and_map_explicit_tdr)";
    assert s.opState == TdOpState.INITIALIZED : s.opState;
    s.opState = TdOpState.RUNNABLE;
    s.monitor().observe(new TdRunnable());
    return Outcome.of(TDX_SUCCESS);
  }

  /** [TDXM tdh_mem_track.c] no vCPU may still be counted in the previous epoch; then td_epoch++. */
  private Outcome track() {
    assert s.epochs().epochLock().isExclusive() : "TDH.MEM.TRACK without the epoch lock exclusive";
    if (s.epochs().previousEpochBusy()) return Outcome.of(TDX_PREVIOUS_TLB_EPOCH_BUSY);
    long epoch = s.epochs().advance();
    s.monitor().observe(new TdEpochAdvanced(epoch));
    return Outcome.of(TDX_SUCCESS);
  }

  /** [TDXM tdh_mem_page_add.c] build time only (checked at acquire), FREE -> MAPPED. */
  private Outcome pageAdd(SeptEntry e, TdxModuleMsg.TdhMemPageAdd m) {
    assert s.opState() == TdOpState.INITIALIZED && s.tdrLock().isExclusive() : "PAGE.ADD at build time, TDR exclusive";
    if (!SeptRules.seamcallAllowed(SeamcallLeaf.TDH_MEM_PAGE_ADD, e.state())) {
      return Outcome.of(TDX_EPT_ENTRY_STATE_INCORRECT);
    }
    s.ept().pageAdd(e, m.pfn());
    assert e.state() == SeptState.MAPPED && e.pfn() == m.pfn() : "PAGE.ADD maps the page MAPPED: " + e;
    return Outcome.of(TDX_SUCCESS); // no entry lock taken (TDR exclusive)
  }

  /**
   * [TDXM tdh_mem_sept_add.c] the entry must be FREE: the lookup row also allows NL_MAPPED, but process_l1_page
   * rejects an existing S-EPT page when a new one is given and "allow existing" is clear.
   */
  private Outcome septAdd(SeptEntry e, TdxModuleMsg.TdhMemSeptAdd m) {
    if (!SeptRules.seamcallAllowed(SeamcallLeaf.TDH_MEM_SEPT_ADD, e.state()) || e.state() != SeptState.FREE) {
      return Outcome.of(TDX_EPT_ENTRY_STATE_INCORRECT);
    }
    s.ept().septAdd(e, m.septPagePfn());
    assert e.state() == SeptState.NL_MAPPED : "SEPT.ADD leaves a present non-leaf: " + e;
    return Outcome.committed();
  }

  /**
   * [TDXM tdh_mem_page_aug.c] FREE or REMOVED -> PENDING. The target pages must be aligned to the level
   * (check_and_lock_free_range_hpa); their PAMT ownership is not modelled.
   */
  private Outcome aug(SeptEntry e, TdxModuleMsg.TdhMemPageAug m) {
    if (!SeptRules.seamcallAllowed(SeamcallLeaf.TDH_MEM_PAGE_AUG, e.state())) {
      return Outcome.of(TDX_EPT_ENTRY_STATE_INCORRECT);
    }
    if (!m.level().isAligned(m.pfn())) return Outcome.of(TDX_OPERAND_INVALID);
    s.ept().aug(e, m.pfn());
    assert e.state() == SeptState.PENDING && e.pfn() == m.pfn() : "AUG leaves the page PENDING: " + e;
    return Outcome.committed();
  }

  /** [TDXM tdh_mem_range_block.c] an entry already *BLOCKED gets TDX_GPA_RANGE_ALREADY_BLOCKED. */
  private Outcome block(SeptEntry e) {
    if (!SeptRules.seamcallAllowed(SeamcallLeaf.TDH_MEM_RANGE_BLOCK, e.state())) {
      return Outcome.of(e.state().isBlocked() ? TDX_GPA_RANGE_ALREADY_BLOCKED : TDX_EPT_ENTRY_STATE_INCORRECT);
    }
    s.ept().block(e, s.epochs().tdEpoch());
    assert e.state().isBlocked() && e.bepoch() == s.epochs().tdEpoch() : e;
    return Outcome.committed();
  }

  /** [TDXM tdh_mem_range_unblock.c] a running TD's entry must also have been tracked since its BLOCK. */
  private Outcome unblock(SeptEntry e) {
    if (!SeptRules.seamcallAllowed(SeamcallLeaf.TDH_MEM_RANGE_UNBLOCK, e.state())) {
      return Outcome.of(TDX_EPT_ENTRY_STATE_INCORRECT);
    }
    if (trackingRequired(e) && !s.epochs().isTlbTracked(e.bepoch())) {
      return Outcome.of(TDX_TLB_TRACKING_NOT_DONE);
    }
    s.ept().unblock(e);
    return Outcome.committed();
  }

  /** [TDXM tdh_mem_page_remove.c] a leaf; on a running TD *BLOCKED and tracked. */
  private Outcome remove(SeptEntry e) {
    if (++s.pageRemoves == s.config().failPageRemove()) {
      return Outcome.of(TDX_EPT_ENTRY_STATE_INCORRECT); // fault injection: the n-th REMOVE fails, nothing removed
    }
    if (!e.state().isLeaf() || !SeptRules.seamcallAllowed(SeamcallLeaf.TDH_MEM_PAGE_REMOVE, e.state())) {
      return Outcome.of(TDX_EPT_ENTRY_STATE_INCORRECT);
    }
    TdxStatus t = blockedAndTracked(e);
    if (t != null) return Outcome.of(t);
    s.ept().remove(e);
    assert e.state() == SeptState.FREE && e.pfn() < 0 : "PAGE.REMOVE frees the entry: " + e;
    return Outcome.committed();
  }

  /**
   * [TDXM tdh_mem_page_demote.c] MAPPED, BLOCKED, PENDING or PENDING_BLOCKED; on a running TD *BLOCKED and
   * tracked. Before committing it checks for a pending host interrupt and returns TDX_INTERRUPTED_RESTARTABLE
   * with nothing changed, unless the module has ENHANCED_DEMOTE_INTERRUPTIBILITY [C3 Restrictions].
   */
  private Outcome demote(InFlightOp.Seamcall op, SeptEntry e, TdxModuleMsg.TdhMemPageDemote m) {
    if (!SeptRules.seamcallAllowed(SeamcallLeaf.TDH_MEM_PAGE_DEMOTE, e.state())) {
      return Outcome.of(TDX_EPT_ENTRY_STATE_INCORRECT);
    }
    TdxStatus t = blockedAndTracked(e);
    if (t != null) return Outcome.of(t);
    if (op.hostInterruptPending && !s.config().enhancedDemoteInterruptibility()) {
      return Outcome.of(TDX_INTERRUPTED_RESTARTABLE);
    }
    s.ept().demote(e, m.newSeptPagePfn());
    return Outcome.committed();
  }

  /**
   * DEMOTE with NON-BLOCKING-RESIZE, a module feature KVM waits for [C3 Restrictions, P3-13]: the leaf is split
   * while MAPPED or PENDING, with no BLOCK or TLB tracking before it (the 4K entries map the same pages with the
   * same attributes, so a translation cached from the 2M entry stays right); the entry's host-side lock, taken on
   * arrival, makes it BUSY against a concurrent guest ACCEPT or another host SEAMCALL, with nothing changed.
   */
  private Outcome demoteNonBlocking(InFlightOp.Seamcall op, SeptEntry e,
      TdxModuleMsg.TdhMemPageDemoteNonBlocking m) {
    assert op.entryLocked && e.lockHolder == op.opId : op + ": non-blocking DEMOTE without the host-side lock of " + e;
    if (e.state() != SeptState.MAPPED && e.state() != SeptState.PENDING) {
      return Outcome.of(TDX_EPT_ENTRY_STATE_INCORRECT);
    }
    if (op.hostInterruptPending && !s.config().enhancedDemoteInterruptibility()) {
      return Outcome.of(TDX_INTERRUPTED_RESTARTABLE);
    }
    s.ept().demote(e, m.newSeptPagePfn());
    return Outcome.committed();
  }

  /**
   * [TDXM tdh_mem_page_promote.c] NL_MAPPED or NL_BLOCKED; on a running TD *BLOCKED and tracked. Then every
   * child is locked host-side (BUSY on contention) and checked (is_sept_page_valid_for_merge): child 0 MAPPED or
   * PENDING with a pfn aligned to the merged size, every other child the same state at the next pfn; else
   * TDX_EPT_INVALID_PROMOTE_CONDITIONS. A pending host interrupt returns TDX_INTERRUPTED_RESTARTABLE.
   */
  private Outcome promote(InFlightOp.Seamcall op, SeptEntry e) {
    if (!SeptRules.seamcallAllowed(SeamcallLeaf.TDH_MEM_PAGE_PROMOTE, e.state())) {
      return Outcome.of(TDX_EPT_ENTRY_STATE_INCORRECT);
    }
    TdxStatus t = blockedAndTracked(e);
    if (t != null) return Outcome.of(t);

    Level lower = e.level().lower();
    List<SeptEntry> children = s.ept().children(e);
    List<SeptEntry> locked = new ArrayList<>(children.size());
    TdxStatus bad = null;
    SeptEntry first = null;
    for (int i = 0; i < children.size() && bad == null; i++) {
      SeptEntry c = children.get(i);
      if (!c.tryLockHost(op.opId)) {
        bad = TDX_OPERAND_BUSY;
        break;
      }
      locked.add(c);
      if (i == 0) {
        first = c;
        boolean mappedOrPending = c.state() == SeptState.MAPPED || c.state() == SeptState.PENDING;
        if (!mappedOrPending || !e.level().isAligned(c.pfn())) bad = TDX_EPT_INVALID_PROMOTE_CONDITIONS;
      } else if (c.state() != first.state() || c.pfn() != first.pfn() + i * lower.pages()) {
        bad = TDX_EPT_INVALID_PROMOTE_CONDITIONS;
      }
    }
    if (bad == null && op.hostInterruptPending) bad = TDX_INTERRUPTED_RESTARTABLE;
    if (bad != null) {
      for (SeptEntry c : locked) c.unlock(op.opId, false);
      return Outcome.of(bad);
    }
    assert locked.size() == 512 && first != null : "PROMOTE commits with " + locked.size() + " children locked";
    s.ept().promote(e, children); // the children (and their locks) go away with their S-EPT page
    return Outcome.committed();
  }

  /** The TD may be running: the entry must be *BLOCKED and is_tlb_tracked(BEPOCH); null when fine. */
  private TdxStatus blockedAndTracked(SeptEntry e) {
    if (!trackingRequired(e)) return null;
    assert s.opState() == TdOpState.RUNNABLE && e.state() != SeptState.FREE : e;
    if (!e.state().isBlocked()) return TDX_GPA_RANGE_NOT_BLOCKED;
    if (!s.epochs().isTlbTracked(e.bepoch())) return TDX_TLB_TRACKING_NOT_DONE;
    return null;
  }

  /** sept_state_is_tlb_tracking_required(entry) && op_state_is_tlb_tracking_required(OP_STATE). */
  private boolean trackingRequired(SeptEntry e) {
    return SeptRules.tlbTrackingRequired(e.state()) && s.opState().tlbTrackingRequired();
  }
}
