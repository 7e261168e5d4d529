package tdxsim.actors.tdx;

import static tdxsim.protocol.TdxStatus.TDX_EPT_ENTRY_STATE_INCORRECT;
import static tdxsim.protocol.TdxStatus.TDX_EPT_INVALID_PROMOTE_CONDITIONS;
import static tdxsim.protocol.TdxStatus.TDX_EPT_WALK_FAILED;
import static tdxsim.protocol.TdxStatus.TDX_GPA_RANGE_ALREADY_BLOCKED;
import static tdxsim.protocol.TdxStatus.TDX_GPA_RANGE_NOT_BLOCKED;
import static tdxsim.protocol.TdxStatus.TDX_INTERRUPTED_RESTARTABLE;
import static tdxsim.protocol.TdxStatus.TDX_OPERAND_BUSY;
import static tdxsim.protocol.TdxStatus.TDX_OPERAND_INVALID;
import static tdxsim.protocol.TdxStatus.TDX_SUCCESS;
import static tdxsim.protocol.TdxStatus.TDX_TLB_TRACKING_NOT_DONE;

import java.util.ArrayList;
import java.util.List;
import tdxsim.protocol.Level;
import tdxsim.protocol.SeamcallLeaf;
import tdxsim.protocol.SeptState;
import tdxsim.protocol.TdxModuleMsg;
import tdxsim.protocol.TdxStatus;

/**
 * The S-EPT side of the host SEAMCALLs: the walk and the entry's host-side lock (after the TD-wide locks), then
 * the state / BLOCK / TRACK checks and the commit on the entry. {@link SeamcallHandlers} runs it inline in the
 * one-actor module; a {@link SeptShard} runs it for the gfns of its 1G regions. What it reads of the TD-wide
 * state comes through an {@link EpochView}.
 */
final class SeptWork {
  private final SecureEpt ept;
  private final TdxModuleConfig config;
  /** TDH.MEM.PAGE.REMOVE calls that got their locks (for {@link TdxModuleConfig#failPageRemove()}). */
  private int pageRemoves;

  SeptWork(SecureEpt ept) {
    assert ept != null : "S-EPT work without an S-EPT";
    this.ept = ept;
    this.config = ept.config();
  }

  SecureEpt ept() {
    return ept;
  }

  /** What an op's work returns: its status, and whether it wrote its entry (a commit clears the HP bit). */
  record Outcome(TdxStatus status, boolean wroteEntry) {
    static Outcome of(TdxStatus st) {
      return new Outcome(st, false);
    }

    static Outcome committed() {
      return new Outcome(TDX_SUCCESS, true);
    }
  }

  /**
   * lock_sept_check_and_walk_private_gpa's walk (the caller holds the tree lock, or TDR exclusive for PAGE.ADD),
   * then sept_lock_acquire_host, whose failure sets the entry's HP bit [TDXM tdx_locks.h]. Null when the op holds
   * its entry; else the failure, with nothing held.
   */
  TdxStatus acquireEntry(SeptOp op) {
    TdxModuleMsg.Seamcall m = op.msg;
    assert op.entry == null && !op.entryLocked : op + " walks twice";
    assert config.isPrivate(m.gfn()) && m.level().isAligned(m.gfn()) : op + ": operands checked before the walk";
    SecureEpt.Walk w = ept.walk(m.gfn(), m.level());
    if (!w.reached(m.level())) return TDX_EPT_WALK_FAILED;
    op.entry = w.entry();
    if (m.leaf() == SeamcallLeaf.TDH_MEM_PAGE_ADD) return null;
    if (!op.entry.tryLockHost(op.opId)) {
      op.entry = null;
      return TDX_OPERAND_BUSY;
    }
    op.entryLocked = true;
    assert op.holds();
    return null;
  }

  /** Drops the entry lock, writing the entry back if the op committed. */
  void releaseEntry(SeptOp op, boolean wroteEntry) {
    if (op.entryLocked) {
      op.entry.unlock(op.opId, wroteEntry);
      op.entryLocked = false;
    }
    assert op.entry == null || op.entry.invariant() : op.entry; // the committed (or untouched) entry
  }

  /** The op's work on its entry, which it holds (PAGE.ADD: under TDR exclusive). */
  Outcome work(SeptOp op, EpochView v) {
    TdxModuleMsg.Seamcall m = op.msg;
    SeptEntry e = op.entry;
    boolean pageAdd = m instanceof TdxModuleMsg.TdhMemPageAdd;
    assert e != null && (pageAdd || op.entryLocked && e.isLocked()) : "entry not locked by " + m;
    if (m instanceof TdxModuleMsg.TdhMemPageAdd add) return pageAdd(e, add);
    if (m instanceof TdxModuleMsg.TdhMemSeptAdd add) return septAdd(e, add);
    if (m instanceof TdxModuleMsg.TdhMemPageAug aug) return aug(e, aug);
    if (m instanceof TdxModuleMsg.TdhMemRangeBlock) {
      Outcome o = blockUnstamped(op);
      if (o.wroteEntry()) stampBepoch(op, v.tdEpoch());
      return o;
    }
    if (m instanceof TdxModuleMsg.TdhMemRangeUnblock) return unblock(v, e);
    if (m instanceof TdxModuleMsg.TdhMemPageRemove) return remove(v, e);
    if (m instanceof TdxModuleMsg.TdhMemPageDemote d) return demote(v, op, e, d);
    if (m instanceof TdxModuleMsg.TdhMemPageDemoteNonBlocking d) return demoteNonBlocking(op, e, d);
    if (m instanceof TdxModuleMsg.TdhMemPagePromote) return promote(v, op, e);
    throw new IllegalStateException("unhandled S-EPT SEAMCALL " + m);
  }

  /** [TDXM tdh_mem_page_add.c] build time only (OP_STATE checked at acquire, TDR exclusive), FREE -> MAPPED. */
  private Outcome pageAdd(SeptEntry e, TdxModuleMsg.TdhMemPageAdd m) {
    if (!SeptRules.seamcallAllowed(SeamcallLeaf.TDH_MEM_PAGE_ADD, e.state())) {
      return Outcome.of(TDX_EPT_ENTRY_STATE_INCORRECT);
    }
    ept.pageAdd(e, m.pfn());
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
    ept.septAdd(e, m.septPagePfn());
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
    ept.aug(e, m.pfn());
    assert e.state() == SeptState.PENDING && e.pfn() == m.pfn() : "AUG leaves the page PENDING: " + e;
    return Outcome.committed();
  }

  /**
   * [TDXM tdh_mem_range_block.c] an entry already *BLOCKED gets TDX_GPA_RANGE_ALREADY_BLOCKED; else the blocked
   * entry is written, and BEPOCH is stamped after it ({@link #stampBepoch}), the entry still held.
   */
  Outcome blockUnstamped(SeptOp op) {
    SeptEntry e = op.entry;
    assert op.msg instanceof TdxModuleMsg.TdhMemRangeBlock && op.entryLocked : op + " blocks " + e;
    if (!SeptRules.seamcallAllowed(SeamcallLeaf.TDH_MEM_RANGE_BLOCK, e.state())) {
      return Outcome.of(e.state().isBlocked() ? TDX_GPA_RANGE_ALREADY_BLOCKED : TDX_EPT_ENTRY_STATE_INCORRECT);
    }
    ept.block(e);
    assert e.state().isBlocked() : e;
    return Outcome.committed();
  }

  /** BLOCK's PAMT.BEPOCH = td_epoch, read after the blocked entry was written. */
  void stampBepoch(SeptOp op, long tdEpoch) {
    assert op.msg instanceof TdxModuleMsg.TdhMemRangeBlock && op.entryLocked : op + " stamps " + op.entry;
    ept.stampBepoch(op.entry, tdEpoch);
    assert op.entry.bepoch() == tdEpoch : op.entry;
  }

  /** The leaves whose work reads TDCS.epoch_tracking or OP_STATE before it commits (BLOCK reads it after). */
  static boolean readsEpochsFirst(SeamcallLeaf leaf) {
    return leaf == SeamcallLeaf.TDH_MEM_RANGE_UNBLOCK || leaf == SeamcallLeaf.TDH_MEM_PAGE_REMOVE
        || leaf == SeamcallLeaf.TDH_MEM_PAGE_DEMOTE || leaf == SeamcallLeaf.TDH_MEM_PAGE_PROMOTE;
  }

  /** [TDXM tdh_mem_range_unblock.c] a running TD's entry must also have been tracked since its BLOCK. */
  private Outcome unblock(EpochView v, SeptEntry e) {
    if (!SeptRules.seamcallAllowed(SeamcallLeaf.TDH_MEM_RANGE_UNBLOCK, e.state())) {
      return Outcome.of(TDX_EPT_ENTRY_STATE_INCORRECT);
    }
    if (trackingRequired(v, e) && !v.isTlbTracked(e.bepoch())) {
      return Outcome.of(TDX_TLB_TRACKING_NOT_DONE);
    }
    ept.unblock(e);
    return Outcome.committed();
  }

  /** [TDXM tdh_mem_page_remove.c] a leaf; on a running TD *BLOCKED and tracked. */
  private Outcome remove(EpochView v, SeptEntry e) {
    if (++pageRemoves == config.failPageRemove()) {
      return Outcome.of(TDX_EPT_ENTRY_STATE_INCORRECT); // fault injection: the n-th REMOVE fails, nothing removed
    }
    if (!e.state().isLeaf() || !SeptRules.seamcallAllowed(SeamcallLeaf.TDH_MEM_PAGE_REMOVE, e.state())) {
      return Outcome.of(TDX_EPT_ENTRY_STATE_INCORRECT);
    }
    TdxStatus t = blockedAndTracked(v, e);
    if (t != null) return Outcome.of(t);
    ept.remove(e);
    assert e.state() == SeptState.FREE && e.pfn() < 0 : "PAGE.REMOVE frees the entry: " + e;
    return Outcome.committed();
  }

  /**
   * [TDXM tdh_mem_page_demote.c] MAPPED, BLOCKED, PENDING or PENDING_BLOCKED; on a running TD *BLOCKED and
   * tracked. Before committing it checks for a pending host interrupt and returns TDX_INTERRUPTED_RESTARTABLE
   * with nothing changed, unless the module has ENHANCED_DEMOTE_INTERRUPTIBILITY [C3 Restrictions].
   */
  private Outcome demote(EpochView v, SeptOp op, SeptEntry e, TdxModuleMsg.TdhMemPageDemote m) {
    if (!SeptRules.seamcallAllowed(SeamcallLeaf.TDH_MEM_PAGE_DEMOTE, e.state())) {
      return Outcome.of(TDX_EPT_ENTRY_STATE_INCORRECT);
    }
    TdxStatus t = blockedAndTracked(v, e);
    if (t != null) return Outcome.of(t);
    if (op.hostInterruptPending && !config.enhancedDemoteInterruptibility()) {
      return Outcome.of(TDX_INTERRUPTED_RESTARTABLE);
    }
    ept.demote(e, m.newSeptPagePfn());
    return Outcome.committed();
  }

  /**
   * DEMOTE with NON-BLOCKING-RESIZE, a module feature KVM waits for [C3 Restrictions, P3-13]: the leaf is split
   * while MAPPED or PENDING, with no BLOCK or TLB tracking before it (the 4K entries map the same pages with the
   * same attributes, so a translation cached from the 2M entry stays right); the entry's host-side lock, taken on
   * arrival, makes it BUSY against a concurrent guest ACCEPT or another host SEAMCALL, with nothing changed.
   */
  private Outcome demoteNonBlocking(SeptOp op, SeptEntry e,
      TdxModuleMsg.TdhMemPageDemoteNonBlocking m) {
    assert op.entryLocked && e.lockHolder == op.opId : op + ": non-blocking DEMOTE without the host-side lock of " + e;
    if (e.state() != SeptState.MAPPED && e.state() != SeptState.PENDING) {
      return Outcome.of(TDX_EPT_ENTRY_STATE_INCORRECT);
    }
    if (op.hostInterruptPending && !config.enhancedDemoteInterruptibility()) {
      return Outcome.of(TDX_INTERRUPTED_RESTARTABLE);
    }
    ept.demote(e, m.newSeptPagePfn());
    return Outcome.committed();
  }

  /**
   * [TDXM tdh_mem_page_promote.c] NL_MAPPED or NL_BLOCKED; on a running TD *BLOCKED and tracked. Then every
   * child is locked host-side (BUSY on contention) and checked (is_sept_page_valid_for_merge): child 0 MAPPED or
   * PENDING with a pfn aligned to the merged size, every other child the same state at the next pfn; else
   * TDX_EPT_INVALID_PROMOTE_CONDITIONS. A pending host interrupt returns TDX_INTERRUPTED_RESTARTABLE.
   */
  private Outcome promote(EpochView v, SeptOp op, SeptEntry e) {
    if (!SeptRules.seamcallAllowed(SeamcallLeaf.TDH_MEM_PAGE_PROMOTE, e.state())) {
      return Outcome.of(TDX_EPT_ENTRY_STATE_INCORRECT);
    }
    TdxStatus t = blockedAndTracked(v, e);
    if (t != null) return Outcome.of(t);

    Level lower = e.level().lower();
    List<SeptEntry> children = ept.children(e);
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
    ept.promote(e, children); // the children (and their locks) go away with their S-EPT page
    return Outcome.committed();
  }

  /** The TD may be running: the entry must be *BLOCKED and is_tlb_tracked(BEPOCH); null when fine. */
  private TdxStatus blockedAndTracked(EpochView v, SeptEntry e) {
    if (!trackingRequired(v, e)) return null;
    assert e.state() != SeptState.FREE : e;
    if (!e.state().isBlocked()) return TDX_GPA_RANGE_NOT_BLOCKED;
    if (!v.isTlbTracked(e.bepoch())) return TDX_TLB_TRACKING_NOT_DONE;
    return null;
  }

  /** sept_state_is_tlb_tracking_required(entry) && op_state_is_tlb_tracking_required(OP_STATE). */
  private boolean trackingRequired(EpochView v, SeptEntry e) {
    return SeptRules.tlbTrackingRequired(e.state()) && v.trackingRequired();
  }
}
