package tdxsim.actors.invariants;

import tdxsim.actors.monitor.Violation;
import tdxsim.protocol.Level;
import tdxsim.protocol.SeptState;
import tdxsim.protocol.Spte;

/**
 * What the checker knows of one page-table position (first gfn, level): the mirror SPTE and the S-EPT entry at
 * the same position, side by side, because their agreement is the first invariant [P3-09]. Plain mutable fields:
 * the checker is single-threaded and allocation-light by design. The counts are shorts (none exceeds 512 children
 * or a handful of ops): with them an entry is 64 bytes instead of 80, and a split range holds 512 of them.
 */
final class Entry {
  final long gfn;
  final Level level;

  /** Current mirror SPTE; {@code null} = SHADOW_NONPRESENT_VALUE. */
  Spte spte;
  /** The SPTE value replaced by FROZEN_SPTE, while frozen: tells a restore from an install [S5-02]. */
  Spte preFreeze;
  /** AUG/SEPT.ADD completions seen during the current freeze (R1: at most one). */
  short externalOps;

  SeptState sept = SeptState.FREE;
  /** td_epoch stamped by RANGE.BLOCK while this entry is *BLOCKED, else -1 [TDXM is_tlb_tracked]. */
  long bepoch = -1;
  /** A NON-BLOCKING-RESIZE DEMOTE of this leaf is in flight: it needs no BLOCK and no write lock. */
  short nonBlockingDemotes;
  /** Were the 512 children uniform (all MAPPED or all PENDING) when this non-leaf was blocked? (PROMOTE). */
  boolean uniformAtBlock;
  /** Present S-EPT children, and how many of them are MAPPED / PENDING (for PROMOTE's condition). */
  short septChildren;
  short childMapped;
  short childPending;

  /** Seen at all from each side (an unseen entry is initialised from the first report's {@code from}). */
  boolean mirrorSeen;
  boolean septSeen;
  /** Actor name of the last SEAMCALL caller on this entry, for violation reports. */
  String lastCaller;

  boolean restDirty;
  boolean structDirty;

  Entry(long gfn, Level level) {
    assert level != null && level.isAligned(gfn) : "a " + level + " entry at the unaligned gfn " + gfn;
    this.gfn = gfn;
    this.level = level;
    assert gfn >= 0 : "an entry at the gfn " + gfn; // its other fields start at their defaults
  }

  // The accessors below carry no assertions: the checks call them for every page of a range (firstMappingIn,
  // checkBacking, mappedPages); the fields' invariants are asserted where they change (invariant()).
  boolean isFrozen() {
    return spte != null && spte.isFrozen();
  }

  /** The mirror maps memory here: a leaf, or a frozen leaf (mid zap/split). */
  boolean mirrorMaps() {
    if (spte == null) return false;
    if (spte.isLeaf()) return true;
    return spte.isFrozen() && preFreeze != null && preFreeze.isLeaf();
  }

  boolean septLeaf() {
    return sept.isLeaf();
  }

  /** The TDX module or the mirror references memory here. */
  boolean mapsAnything() {
    return mirrorMaps() || sept.isLeaf();
  }

  boolean isDefault() {
    assert invariant();
    return spte == null && sept == SeptState.FREE && septChildren == 0;
  }

  static boolean present(SeptState s) {
    return s != SeptState.FREE && s != SeptState.REMOVED;
  }

  /**
   * Field invariants (O(1)): the counts are non-negative and the child counts fit one page-table page (512
   * entries, MAPPED and PENDING ones among the present); a BLOCK epoch only while *BLOCKED (td_epoch >= 1).
   */
  boolean invariant() {
    assert externalOps >= 0 : "negative counts on " + where();
    assert nonBlockingDemotes >= 0 : "negative counts on " + where();
    assert septChildren >= 0 : septChildren + " children of " + where();
    assert septChildren <= Range2M.PAGES : septChildren + " children of " + where();
    assert childMapped >= 0 : "negative child counts on " + where();
    assert childPending >= 0 : "negative child counts on " + where();
    assert childMapped + childPending <= septChildren : "MAPPED + PENDING children beyond present on " + where();
    assert bepoch == -1 || bepoch >= 1 && sept.isBlocked() : "bepoch " + bepoch + " of " + where() + " " + sept;
    assert sept != null : "no S-EPT state at " + where();
    return true;
  }

  String where() {
    assert level != null : "an entry without its level";
    return level.shortName() + " " + Violation.hex(gfn);
  }

  static String spteName(Spte s) {
    assert s == null || s.kind() != null : "an SPTE without a kind";
    if (s == null) return "NONPRESENT";
    return s.kind().name();
  }
}
