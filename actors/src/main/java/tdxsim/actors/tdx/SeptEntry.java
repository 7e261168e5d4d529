package tdxsim.actors.tdx;

import tdxsim.protocol.Level;
import tdxsim.protocol.SeptState;

/**
 * One Secure-EPT entry (gfn, level) plus the per-page PAMT fields the model needs. Mutated only by
 * {@link SecureEpt} (state) and the module's handlers (locks, counters), on the actor's thread.
 *
 * <p>Fields, named after the module's: the state (sept_state_lookup encoding), the mapped pfn (HPA >> 12), the
 * PAMT BEPOCH stamped by TDH.MEM.RANGE.BLOCK, the 2M ACCEPT_COUNTER (partial TDG.MEM.PAGE.ACCEPT progress), the
 * TDEL entry-lock bit and the TDHP host-priority bit [TDXM tdx_locks.h].
 */
public final class SeptEntry {
  private final long gfn;
  private final Level level;
  SeptState state = SeptState.FREE;
  long pfn = -1;
  long bepoch;
  int acceptCounter;
  /** TDEL: the entry lock, held by {@link #lockHolder} (an op id) while set. */
  boolean locked;
  long lockHolder = -1;
  /** TDHP: a host-side acquisition failed while the lock was held; the guest side backs off while it is set. */
  boolean hostPriority;

  SeptEntry(long gfn, Level level) {
    if (!level.isAligned(gfn)) throw new IllegalArgumentException("unaligned " + level + " entry gfn " + gfn);
    this.gfn = gfn;
    this.level = level;
    assert invariant();
  }

  public long gfn() {
    return gfn;
  }

  public Level level() {
    return level;
  }

  public SeptState state() {
    return state;
  }

  public long pfn() {
    return pfn;
  }

  public long bepoch() {
    return bepoch;
  }

  public int acceptCounter() {
    return acceptCounter;
  }

  public boolean isLocked() {
    return locked;
  }

  public boolean hostPriority() {
    return hostPriority;
  }

  /**
   * sept_lock_acquire_host: on success the HP bit is cleared; on failure the HP bit is set and the caller
   * returns TDX_OPERAND_BUSY [TDXM tdx_locks.h].
   */
  boolean tryLockHost(long opId) {
    assert opId >= 0 && lockHolder != opId : "op " + opId + " locks " + this + " twice";
    assert locksConsistent() : this;
    if (locked) {
      hostPriority = true;
      assert lockHolder != opId && invariant() : "a failed host acquisition leaves TDHP set: " + this;
      return false;
    }
    locked = true;
    lockHolder = opId;
    hostPriority = false;
    assert invariant();
    return true;
  }

  /** Outcome of sept_lock_acquire_guest. */
  enum GuestLock { ACQUIRED, BUSY, BUSY_HOST_PRIORITY }

  /**
   * sept_lock_acquire_guest: a held lock is plain BUSY; a free lock with HP set is taken, found to have HP and
   * released again: BUSY_HOST_PRIORITY [TDXM tdx_locks.h].
   */
  GuestLock tryLockGuest(long opId) {
    assert opId >= 0 && lockHolder != opId : "op " + opId + " locks " + this + " twice";
    assert locksConsistent() : this;
    if (locked) return GuestLock.BUSY;
    if (hostPriority) return GuestLock.BUSY_HOST_PRIORITY;
    locked = true;
    lockHolder = opId;
    assert !hostPriority : "the guest takes TDEL only with TDHP clear: " + this;
    assert invariant();
    return GuestLock.ACQUIRED;
  }

  /**
   * Release the entry lock. {@code wroteEntry}: the holder committed by writing the whole 64-bit entry from the
   * copy it read after locking, whose HP bit was clear, so an HP bit set by a host that failed meanwhile is
   * lost (atomic_mem_write_64b in tdg_mem_page_accept.c, tdh_mem_range_block.c, ...). A failing holder only
   * clears TDEL (sept_lock_release) and the HP bit survives.
   */
  void unlock(long opId, boolean wroteEntry) {
    if (!locked || lockHolder != opId) {
      throw new IllegalStateException("op " + opId + " does not hold the lock of " + this);
    }
    locked = false;
    lockHolder = -1;
    if (wroteEntry) hostPriority = false;
    assert locksConsistent() : this;
    assert invariant();
  }

  /** TDEL is set exactly while an op holds it; the 2M ACCEPT_COUNTER counts at most the entry's 4K pages. */
  private boolean locksConsistent() {
    return locked == (lockHolder >= 0) && acceptCounter >= 0 && acceptCounter <= level.pages();
  }

  /**
   * The entry's field invariants, checked after every mutation: the S-EPT shape (a 4K entry is never a
   * non-leaf, a present entry points at a page), ACCEPT_COUNTER progress only on a PENDING 2M leaf, TDEL held
   * by exactly one op [TDXM sept_state_lookup.h, tdg_mem_page_accept.c, tdx_locks.h].
   */
  boolean invariant() {
    assert level.isAligned(gfn) : "unaligned " + this;
    assert state != null : "no state: " + this;
    assert !(level == Level.PG_LEVEL_4K && state.isNonLeaf()) : "a 4K S-EPT entry is always a leaf: " + this;
    assert state == SeptState.FREE || pfn >= 0 : "a present entry points at a page: " + this;
    assert !state.isLeaf() || level.isAligned(pfn) : "a leaf maps a level-aligned pfn: " + this;
    assert locked == (lockHolder >= 0) : "TDEL set exactly while an op holds it: " + this;
    assert acceptCounter >= 0 && acceptCounter <= level.pages() : "ACCEPT_COUNTER range: " + this;
    assert acceptCounter == 0 || (state == SeptState.PENDING && level == Level.PG_LEVEL_2M)
        : "ACCEPT progress only on a PENDING 2M leaf: " + this;
    assert bepoch >= 0 : "BEPOCH is a td_epoch value: " + this;
    return true;
  }

  @Override
  public String toString() {
    return String.format("SEPT[%s 0x%x %s pfn=0x%x bepoch=%d acc=%d%s%s]", level.shortName(), gfn, state, pfn,
        bepoch, acceptCounter, locked ? " TDEL(op" + lockHolder + ")" : "", hostPriority ? " TDHP" : "");
  }
}
