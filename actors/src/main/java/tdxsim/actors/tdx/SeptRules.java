package tdxsim.actors.tdx;

import static tdxsim.protocol.SeptState.BLOCKED;
import static tdxsim.protocol.SeptState.BLOCKEDW;
import static tdxsim.protocol.SeptState.FREE;
import static tdxsim.protocol.SeptState.MAPPED;
import static tdxsim.protocol.SeptState.NL_BLOCKED;
import static tdxsim.protocol.SeptState.NL_MAPPED;
import static tdxsim.protocol.SeptState.PENDING;
import static tdxsim.protocol.SeptState.PENDING_BLOCKED;
import static tdxsim.protocol.SeptState.PENDING_BLOCKEDW;
import static tdxsim.protocol.SeptState.REMOVED;

import tdxsim.protocol.Level;
import tdxsim.protocol.SeamcallLeaf;
import tdxsim.protocol.SeptState;

/**
 * The module's generated lookup tables, restricted to the states and leaves this model has:
 * seamcall_sept_state_lookup / tdcall_sept_state_lookup / sept_special_flags_lookup
 * [TDXM include/auto_gen/sept_state_lookup.c], seamcall_state_lookup [TDXM include/auto_gen/op_state_lookup.c]
 * and the level ranges each handler passes to verify_page_info_input [TDXM tdh_mem_*.c].
 */
public final class SeptRules {
  private SeptRules() {}

  static {
    assert tablesAgree();
  }

  /**
   * The tables agree with each other and with the state classes, as the module's generated tables do (checked
   * once, when the class is loaded).
   */
  private static boolean tablesAgree() {
    for (SeptState s : SeptState.values()) {
      assert !seamcallAllowed(SeamcallLeaf.TDH_MEM_RANGE_BLOCK, s) || blockedOf(s).isBlocked() : s;
      assert !seamcallAllowed(SeamcallLeaf.TDH_MEM_RANGE_BLOCK, s) || blockedOf(s).unblocked() == s.unblocked() : s;
      assert seamcallAllowed(SeamcallLeaf.TDH_MEM_RANGE_UNBLOCK, s) == s.isBlocked() : s;
      assert !seamcallAllowed(SeamcallLeaf.TDH_MEM_PAGE_REMOVE, s) || s.isLeaf() : s;
      assert !seamcallAllowed(SeamcallLeaf.TDH_MEM_PAGE_DEMOTE, s) || s.isLeaf() : s;
      assert !seamcallAllowed(SeamcallLeaf.TDH_MEM_PAGE_PROMOTE, s) || s.isNonLeaf() : s;
      assert !guestFullyAccessibleLeaf(s) || guestAccessibleLeaf(s) : s;
      assert !guestAccessibleLeaf(s) || s.isLeaf() && !s.isBlocked() : s;
      assert !acceptAllowed(s) || pendingAndGuestAcceptable(s) && s.isLeaf() : s;
      assert tlbTrackingRequired(s) == (s.isLeaf() || s.isNonLeaf()) : s;
      assert !walkDescends(s) || s.isNonLeaf() && !s.isBlocked() : s;
      assert !seamcallAllowed(SeamcallLeaf.TDH_MEM_PAGE_AUG, s) || !s.isLeaf() && !s.isNonLeaf() : s;
      assert !seamcallAllowed(SeamcallLeaf.TDH_MEM_SEPT_ADD, s) || !s.isLeaf() : s;
      assert !seamcallAllowed(SeamcallLeaf.TDH_MEM_RANGE_BLOCK, s) || !s.isBlocked() : s;
      assert !seamcallAllowed(SeamcallLeaf.TDH_MEM_PAGE_DEMOTE, s)
          || s.unblocked() == MAPPED || s.unblocked() == PENDING : s;
      assert !seamcallAllowed(SeamcallLeaf.TDH_MEM_PAGE_PROMOTE, s) || walkDescends(s.unblocked()) : s;
      assert !seamcallAllowed(SeamcallLeaf.TDH_MEM_PAGE_REMOVE, s) || tlbTrackingRequired(s) : s;
      assert !seamcallAllowed(SeamcallLeaf.TDH_MEM_RANGE_UNBLOCK, s) || blockedOf(s.unblocked()) == s : s;
      assert !pendingAndGuestAcceptable(s) || seamcallAllowed(SeamcallLeaf.TDH_MEM_RANGE_BLOCK, s) : s;
    }
    for (SeamcallLeaf leaf : new SeamcallLeaf[] {SeamcallLeaf.TDH_MEM_PAGE_ADD, SeamcallLeaf.TDH_MEM_SEPT_ADD,
        SeamcallLeaf.TDH_MEM_PAGE_AUG, SeamcallLeaf.TDH_MEM_PAGE_DEMOTE, SeamcallLeaf.TDH_MEM_PAGE_PROMOTE}) {
      assert minLevel(leaf).ordinal() <= maxLevel(leaf).ordinal() : leaf;
    }
    assert acceptLevelValid(Level.PG_LEVEL_2M) && !acceptLevelValid(Level.PG_LEVEL_1G);
    return true;
  }

  /** seamcall_sept_state_lookup[leaf][state]: the entry states in which a SEAMCALL may operate. */
  public static boolean seamcallAllowed(SeamcallLeaf leaf, SeptState s) {
    return switch (leaf) {
      case TDH_MEM_PAGE_ADD -> s == FREE;
      // Row [3] also has NL_MAPPED, for the L2 "allow existing" form; the L1 form with a new page requires FREE
      // (process_l1_page in tdh_mem_sept_add.c), which is the only form this model issues.
      case TDH_MEM_SEPT_ADD -> s == FREE || s == NL_MAPPED;
      case TDH_MEM_PAGE_AUG -> s == FREE || s == REMOVED;
      case TDH_MEM_RANGE_BLOCK -> s == NL_MAPPED || s == MAPPED || s == BLOCKEDW || s == PENDING
          || s == PENDING_BLOCKEDW;
      case TDH_MEM_RANGE_UNBLOCK -> s == NL_BLOCKED || s == BLOCKED || s == PENDING_BLOCKED;
      case TDH_MEM_PAGE_REMOVE -> s == MAPPED || s == BLOCKED || s == BLOCKEDW || s == PENDING
          || s == PENDING_BLOCKED || s == PENDING_BLOCKEDW;
      case TDH_MEM_PAGE_DEMOTE -> s == MAPPED || s == BLOCKED || s == PENDING || s == PENDING_BLOCKED;
      case TDH_MEM_PAGE_PROMOTE -> s == NL_MAPPED || s == NL_BLOCKED;
      default -> throw new IllegalArgumentException(leaf.abiName() + " does not operate on an S-EPT entry");
    };
  }

  /** tdcall_sept_state_lookup[TDG.MEM.PAGE.ACCEPT]: only PENDING (PENDING_EXPORTED_DIRTY is out of scope). */
  public static boolean acceptAllowed(SeptState s) {
    return s == PENDING;
  }

  /** sept_special_flags.guest_accessible_leaf: MAPPED and BLOCKEDW (reads still allowed). */
  public static boolean guestAccessibleLeaf(SeptState s) {
    return s == MAPPED || s == BLOCKEDW;
  }

  /** sept_special_flags.guest_fully_accessible_leaf: only MAPPED (read, write and execute). */
  public static boolean guestFullyAccessibleLeaf(SeptState s) {
    return s == MAPPED;
  }

  /** sept_special_flags.any_pending_and_guest_acceptable: a guest access would #VE or TD-exit as "pending". */
  public static boolean pendingAndGuestAcceptable(SeptState s) {
    return s == PENDING;
  }

  /** sept_special_flags.tlb_tracking_required: every present state (not FREE, not REMOVED). */
  public static boolean tlbTrackingRequired(SeptState s) {
    return s != FREE && s != REMOVED;
  }

  /** block_sept_entry [TDXM tdh_mem_range_block.c]. */
  public static SeptState blockedOf(SeptState s) {
    return switch (s) {
      case NL_MAPPED -> NL_BLOCKED;
      case MAPPED, BLOCKEDW -> BLOCKED;
      case PENDING, PENDING_BLOCKEDW -> PENDING_BLOCKED;
      default -> throw new IllegalArgumentException("cannot block " + s);
    };
  }

  /**
   * The secure_ept_walk continues below an entry only if it is a present non-leaf; it stops at any leaf and at
   * any entry with RWX = 0 (FREE, REMOVED, NL_BLOCKED) [TDXM sept_manager.c secure_ept_walk].
   */
  public static boolean walkDescends(SeptState s) {
    return s == NL_MAPPED;
  }

  /** seamcall_state_lookup[leaf][op_state] for INITIALIZED and RUNNABLE [TDXM op_state_lookup.c]. */
  public static boolean opStateAllowed(SeamcallLeaf leaf, TdOpState st) {
    assert leaf != null && st != null : "seamcall_state_lookup[" + leaf + "][" + st + "]";
    return switch (leaf) {
      case TDH_VP_ENTER -> st == TdOpState.RUNNABLE;
      case TDH_MR_FINALIZE, TDH_MEM_PAGE_ADD -> st == TdOpState.INITIALIZED;
      // SEPT.ADD, AUG, BLOCK, UNBLOCK, TRACK, REMOVE, DEMOTE and PROMOTE are allowed in both (rows 3, 6, 7, 39, 38,
      // 29, 15, 23); PHYMEM.PAGE.WBINVD operates on a physical page, not on a TD.
      default -> true;
    };
  }

  /** Lowest level accepted by verify_page_info_input for a leaf. */
  public static Level minLevel(SeamcallLeaf leaf) {
    assert leaf != null : "verify_page_info_input for no leaf";
    return switch (leaf) {
      case TDH_MEM_SEPT_ADD, TDH_MEM_PAGE_DEMOTE, TDH_MEM_PAGE_PROMOTE -> Level.PG_LEVEL_2M;
      default -> Level.PG_LEVEL_4K;
    };
  }

  /** Highest level accepted by verify_page_info_input for a leaf (1G stands for "up to EPT_PWL"). */
  public static Level maxLevel(SeamcallLeaf leaf) {
    assert leaf != null : "verify_page_info_input for no leaf";
    return switch (leaf) {
      case TDH_MEM_PAGE_ADD -> Level.PG_LEVEL_4K;
      case TDH_MEM_PAGE_AUG -> Level.PG_LEVEL_2M;
      default -> Level.PG_LEVEL_1G;
    };
  }

  /** verify_page_info_input(LVL_PT, LVL_PD) in tdg_mem_page_accept.c: ACCEPT is 4K or 2M only. */
  public static boolean acceptLevelValid(Level level) {
    return level == Level.PG_LEVEL_4K || level == Level.PG_LEVEL_2M;
  }

  /**
   * secure_ept_lock mode per leaf [TDXM helpers.c; domain 1.4]: shared for AUG, SEPT.ADD, REMOVE, DEMOTE and
   * PROMOTE; exclusive for RANGE.BLOCK and RANGE.UNBLOCK.
   */
  static InFlightOp.Hold treeLockMode(SeamcallLeaf leaf) {
    return switch (leaf) {
      case TDH_MEM_RANGE_BLOCK, TDH_MEM_RANGE_UNBLOCK -> InFlightOp.Hold.EXCLUSIVE;
      case TDH_MEM_SEPT_ADD, TDH_MEM_PAGE_AUG, TDH_MEM_PAGE_REMOVE, TDH_MEM_PAGE_DEMOTE, TDH_MEM_PAGE_PROMOTE ->
          InFlightOp.Hold.SHARED;
      default -> throw new IllegalArgumentException(leaf.abiName() + " takes no S-EPT tree lock");
    };
  }
}
