package tdxsim.actors.tdx;

/**
 * A try-only shared/exclusive lock, as the module's sharex_lock_t: acquisition never waits, a failure is
 * reported to the caller, which returns TDX_OPERAND_BUSY [TDXM tdx_locks.h acquire_sharex_lock_sh/_ex].
 * (The real shared acquire leaves its increment behind on failure and the exclusive release wipes it; the
 * observable behaviour is this plain try-lock.)
 */
public final class SharexLock {
  private final String name;
  private int readers;
  private boolean exclusive;

  public SharexLock(String name) {
    assert name != null && !name.isEmpty() : "an anonymous sharex lock";
    this.name = name;
  }

  public boolean tryShared() {
    assert !(exclusive && readers > 0) && readers >= 0 : this;
    if (exclusive) return false;
    readers++;
    assert invariant();
    return true;
  }

  public boolean tryExclusive() {
    assert !(exclusive && readers > 0) && readers >= 0 : this;
    if (exclusive || readers > 0) return false;
    exclusive = true;
    assert readers == 0 : this;
    assert invariant();
    return true;
  }

  public void releaseShared() {
    if (exclusive || readers == 0) throw new IllegalStateException(name + ": shared release without holder");
    readers--;
    assert invariant();
  }

  public void releaseExclusive() {
    if (!exclusive) throw new IllegalStateException(name + ": exclusive release without holder");
    exclusive = false;
    assert readers == 0 && invariant() : "readers entered an exclusively held " + this;
  }

  public boolean isFree() {
    return !exclusive && readers == 0;
  }

  public boolean isExclusive() {
    return exclusive;
  }

  public int readers() {
    return readers;
  }

  /** Never both exclusive and shared, never a negative reader count (sharex_lock_t's two fields). */
  private boolean invariant() {
    assert readers >= 0 : name + ": negative reader count " + readers;
    assert !(exclusive && readers > 0) : name + ": held exclusive and shared at once";
    return true;
  }

  @Override
  public String toString() {
    return name + (exclusive ? "[EX]" : readers > 0 ? "[SH x" + readers + "]" : "[free]");
  }
}
